// Character and block device majors and the disks' in-flight I/O, as crash's `dev` and `dev -d` show them
// (dev.c dump_chrdevs, dump_blkdevs_v3, display_all_diskio):
// - `chrdevs[CHRDEV_MAJOR_HASH_SIZE]` (fs/char_dev.c): hash chains of struct char_device_struct; a region's
//   file_operations come from its cdev, or, for regions whose cdev was added separately (cdev_add), from
//   the `cdev_map` kobj_map probe of the same major and base minor.
// - `major_names[BLKDEV_MAJOR_HASH_SIZE]` (block/genhd.c): chains of struct blk_major_name; a major's disk
//   is the first gendisk of that major among the block-device inodes of `blockdev_superblock` (5.11+,
//   crash's search_blockdev_inodes).
// - the disks are the devices of `block_class` whose type is `disk_type`; in-flight requests are counted
//   from the blk-mq tags (request.state == MQ_RQ_IN_FLIGHT) or, without blk-mq, the per-CPU disk_stats.
// Every walk is bounded; what cannot be read becomes a problem next to the rows that could.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { u32le as u32, u64le as u64 } from "../../io/little-endian";
import { layout, members, optional } from "../../program/layout";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { xaForEach } from "../../program/xarray";

/** fs/char_dev.c CHRDEV_MAJOR_HASH_SIZE, block/genhd.c BLKDEV_MAJOR_HASH_SIZE, drivers/base/map.c probes[255]. */
export const MAJOR_HASH_SIZE = 255;
/** include/linux/kdev_t.h MINORBITS. */
const MINORBITS = 20;
/** Longest char_device_struct / blk_major_name chain walked (majors are 12 bits: 4096 in all). */
const MAX_CHAIN = 4096;
/** Most block-device inodes or class devices walked. */
const MAX_DEVICES = 1 << 20;

const DEV_LAYOUT = layout(
  {
    ...members("char_device_struct", {
      cdsNext: "next",
      cdsMajor: "major",
      cdsBaseminor: "baseminor",
      cdsName: "name", // char[64]
      cdsCdev: "cdev",
    }),
    cdevOps: "cdev.ops",
    kobjMapProbes: "kobj_map.probes",
    ...members("probe", { probeNext: "next", probeDev: "dev", probeData: "data" }),
    ...members("blk_major_name", { bmnNext: "next", bmnMajor: "major", bmnName: "name" /* char[16] */ }),
    sbInodes: "super_block.s_inodes",
    inodeSbList: "inode.i_sb_list",
    bdevVfsInode: optional("bdev_inode.vfs_inode"), // I_BDEV(inode) = inode - this
    bdDisk: "block_device.bd_disk",
    ...members("gendisk", { gdMajor: "major", gdName: "disk_name", gdFops: "fops", gdQueue: "queue" }),
  },
  (o, m, prog) => ({
    cdsNameSize: m.cdsName.size,
    bmnNameSize: m.bmnName.size,
    gdNameSize: m.gdName.size,
    /** block/bdev.c struct bdev_inode { struct block_device bdev; struct inode vfs_inode; }, also without its type. */
    bdevInode: o.bdevVfsInode ?? prog.sizeOf("struct block_device"),
  }),
);

export type DevLayout = ReturnType<typeof DEV_LAYOUT.of>;

export const devLayout: (prog: Program) => DevLayout = DEV_LAYOUT.of;

/** A fixed-size char array up to its first NUL, Latin-1 (crash copies with snprintf/strncpy). */
function charArray(bytes: Uint8Array, max: number): string {
  let s = "";
  for (let i = 0; i < bytes.length && i < max; i++) {
    if (bytes[i] === 0) break;
    s += String.fromCharCode(bytes[i]!);
  }
  return s;
}

/** The length of a global array of pointers, from the symbol table; `fallback` when it has no size. */
function pointerArrayLength(prog: Program, name: string, fallback: number): number {
  const size = prog.symbolSize(name);
  return size ? Math.min(Math.floor(size / 8), 1 << 16) : fallback;
}

export interface CharDevice {
  /** The struct char_device_struct. */
  address: bigint;
  major: number;
  baseminor: number;
  name: string;
  /** The cdev (char_device_struct.cdev, else the cdev_map probe's data); 0 when none was found. */
  cdev: bigint;
  /** cdev->ops; 0 when none was found. */
  fops: bigint;
}

export interface DeviceTable<T> {
  rows: T[];
  problems: WalkAborted[];
}

/**
 * The records of a hash table of singly linked chains (`array[n]` of pointers, each record's next pointer at
 * `nextOff`), in slot order and chain order: each record's first `recSize` bytes. A loop or an unreadable
 * record ends that chain with a problem; the other chains go on.
 */
function* hashChains(prog: Program, base: bigint, n: number, array: string, struct: string, recSize: number, nextOff: number, problems: WalkAborted[]): Generator<{ address: bigint; rec: Uint8Array; what: string; index: number }> {
  const heads = prog.read(base, n * 8);
  for (let i = 0; i < n; i++) {
    let next = u64(heads, i * 8);
    const seen = new Set<bigint>();
    const what = `${array}[${i}]`;
    while (next !== 0n) {
      if (seen.has(next) || seen.size >= MAX_CHAIN) {
        problems.push(new WalkAborted(what, `loop at ${next.toString(16)}`, seen.size));
        break;
      }
      seen.add(next);
      const address = next;
      let rec: Uint8Array;
      try {
        rec = prog.read(address, recSize);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(new WalkAborted(what, `${struct} ${address.toString(16)}: ${err.message}`, seen.size - 1));
        break;
      }
      next = u64(rec, nextOff);
      yield { address, rec, what, index: seen.size - 1 };
    }
  }
}

/** Every registered character device region, in chrdevs[] hash order and chain order (dump_chrdevs). */
export function chrdevs(prog: Program): DeviceTable<CharDevice> {
  const l = devLayout(prog);
  const rows: CharDevice[] = [];
  const problems: WalkAborted[] = [];
  const base = prog.symbolAddress("chrdevs");
  const n = pointerArrayLength(prog, "chrdevs", MAJOR_HASH_SIZE);
  const probes = cdevMapProbes(prog, l);
  const recSize = l.cdsCdev + 8;
  for (const { address, rec, what, index } of hashChains(prog, base, n, "chrdevs", "char_device_struct", recSize, l.cdsNext, problems)) {
    const major = u32(rec, l.cdsMajor);
    const baseminor = u32(rec, l.cdsBaseminor);
    const name = charArray(rec.subarray(l.cdsName, l.cdsName + l.cdsNameSize), l.cdsNameSize - 1);
    let cdev = u64(rec, l.cdsCdev);
    let fops = 0n;
    try {
      if (cdev !== 0n) fops = prog.readU64(cdev + BigInt(l.cdevOps));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(what, `cdev ${cdev.toString(16)}: ${err.message}`, index));
    }
    if (fops === 0n) {
      const found = searchCdevMapProbes(prog, l, probes, major, baseminor);
      if (found) ({ cdev, fops } = found);
    }
    rows.push({ address, major, baseminor, name, cdev: fops === 0n ? 0n : cdev, fops });
  }
  return { rows, problems };
}

/** cdev_map->probes[], or undefined when cdev_map is missing or unreadable (crash then finds nothing). */
function cdevMapProbes(prog: Program, l: DevLayout): Uint8Array | undefined {
  if (!prog.hasSymbol("cdev_map")) return undefined;
  try {
    const map = prog.readU64(prog.symbolAddress("cdev_map"));
    return prog.read(map + BigInt(l.kobjMapProbes), MAJOR_HASH_SIZE * 8);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
}

/** search_cdev_map_probes: the probe for (major, minor) and its cdev's ops; quiet on errors, as crash is. */
function searchCdevMapProbes(prog: Program, l: DevLayout, probes: Uint8Array | undefined, major: number, minor: number): { cdev: bigint; fops: bigint } | undefined {
  if (!probes) return undefined;
  let next = u64(probes, (major % MAJOR_HASH_SIZE) * 8);
  const seen = new Set<bigint>();
  try {
    while (next !== 0n && !seen.has(next) && seen.size < MAX_CHAIN) {
      seen.add(next);
      const dev = prog.readU32(next + BigInt(l.probeDev));
      if (dev >>> MINORBITS === major && (dev & ((1 << MINORBITS) - 1)) === minor) {
        const data = prog.readU64(next + BigInt(l.probeData));
        return { cdev: data, fops: prog.readU64(data + BigInt(l.cdevOps)) };
      }
      next = prog.readU64(next + BigInt(l.probeNext));
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return undefined;
}

export interface BlockDevice {
  /** The struct blk_major_name. */
  address: bigint;
  major: number;
  name: string;
  /** The first gendisk of this major with block_device_operations; 0 when none. */
  gendisk: bigint;
  fops: bigint;
}

interface DiskOfInode {
  gendisk: bigint;
  major: number;
  fops: bigint;
}

/**
 * Every registered block major, in major_names[] hash order. crash 8.0.6 prints only the head of each
 * hash chain; this walks the whole chain (a second major hashing to the same slot is registered too).
 */
export function blkdevs(prog: Program): DeviceTable<BlockDevice> {
  const l = devLayout(prog);
  const rows: BlockDevice[] = [];
  const problems: WalkAborted[] = [];
  const n = pointerArrayLength(prog, "major_names", MAJOR_HASH_SIZE);
  const disks = blockdevInodeDisks(prog, l, problems);
  const recSize = l.bmnName + l.bmnNameSize;
  for (const { address, rec } of hashChains(prog, prog.symbolAddress("major_names"), n, "major_names", "blk_major_name", recSize, l.bmnNext, problems)) {
    const major = u32(rec, l.bmnMajor);
    const name = charArray(rec.subarray(l.bmnName, l.bmnName + l.bmnNameSize), l.bmnNameSize);
    const disk = disks.find((d) => d.major === major && d.fops !== 0n);
    rows.push({ address, major, name, gendisk: disk?.gendisk ?? 0n, fops: disk?.fops ?? 0n });
  }
  return { rows, problems };
}

/** The gendisk of each block-device inode (bdev_inode) on blockdev_superblock's s_inodes, in list order. */
function blockdevInodeDisks(prog: Program, l: DevLayout, problems: WalkAborted[]): DiskOfInode[] {
  const out: DiskOfInode[] = [];
  if (!prog.hasSymbol("blockdev_superblock")) return out;
  const inodeType = prog.type("struct inode");
  try {
    const sb = prog.readU64(prog.symbolAddress("blockdev_superblock"));
    for (const inode of listForEachEntry(prog, sb + BigInt(l.sbInodes), inodeType, "i_sb_list", { budget: MAX_DEVICES, what: "blockdev_superblock.s_inodes" })) {
      try {
        const bdev = inode.address! - BigInt(l.bdevInode);
        const disk = prog.readU64(bdev + BigInt(l.bdDisk));
        if (disk === 0n) continue;
        out.push({ gendisk: disk, major: prog.readS32(disk + BigInt(l.gdMajor)), fops: prog.readU64(disk + BigInt(l.gdFops)) });
      } catch (err) {
        // crash skips an inode whose block_device or gendisk it cannot read
        if (!(err instanceof KdwError)) throw err;
      }
    }
  } catch (err) {
    if (err instanceof WalkAborted) problems.push(err);
    else if (err instanceof KdwError) problems.push(new WalkAborted("blockdev_superblock", err.message, out.length));
    else throw err;
  }
  return out;
}

export interface DiskRow {
  gendisk: bigint;
  major: number;
  name: string;
  /** gendisk.queue (struct request_queue). */
  queue: bigint;
  /** In-flight requests: reads and writes (ASYNC/SYNC on kernels that count those). */
  io: DiskIo;
}

/** Disk names crash leaves out of `dev -d` (dev.c skipped_disk_name). */
const SKIPPED_DISKS = ["ram", "loop"];

/** The disks of block_class (display_all_diskio), with their in-flight I/O; ram and loop disks left out. */
export function diskIo(prog: Program): DeviceTable<DiskRow> {
  const l = devLayout(prog);
  const rows: DiskRow[] = [];
  const problems: WalkAborted[] = [];
  for (const gendisk of blockClassDisks(prog, problems)) {
    try {
      const name = charArray(prog.read(gendisk + BigInt(l.gdName), l.gdNameSize), l.gdNameSize);
      if (SKIPPED_DISKS.some((p) => name.startsWith(p))) continue;
      const queue = prog.readU64(gendisk + BigInt(l.gdQueue));
      const major = prog.readS32(gendisk + BigInt(l.gdMajor));
      rows.push({ gendisk, major, name, queue, io: diskInFlight(prog, queue, gendisk) });
    } catch (err) {
      if (err instanceof WalkAborted) problems.push(err);
      else if (err instanceof KdwError) problems.push(new WalkAborted(`gendisk ${gendisk.toString(16)}`, err.message, rows.length));
      else throw err;
    }
  }
  return { rows, problems };
}

/**
 * The block class's device klist, subsys_private.klist_devices, found two ways: up to 6.3 through struct
 * class.p; since 6.4 (commit 2df418cf4b72, "driver core: class: remove subsystem private pointer from struct
 * class") class_to_subsys() looks the class up on class_kset's list, whose kobjects are subsys_private.subsys.kobj.
 */
const BLOCK_CLASS_LAYOUT = layout({
  classP: optional("class.p"),
  spClass: optional("subsys_private.class"),
  spKobj: optional("subsys_private.subsys.kobj"),
  ksetList: optional("kset.list"),
  kobjEntry: optional("kobject.entry"),
  klistDevices: "subsys_private.klist_devices.k_list",
  knodeClass: "device_private.knode_class",
  dpDevice: "device_private.device",
  deviceType: "device.type",
  bdDevice: "block_device.bd_device",
  bdDisk: "block_device.bd_disk",
  nKlist: "klist_node.n_klist",
});

/** The gendisks on block_class's device klist (next_disk_klist, match_klist, get_gendisk_5: 5.11+). */
function blockClassDisks(prog: Program, problems: WalkAborted[]): bigint[] {
  const l = BLOCK_CLASS_LAYOUT.of(prog);
  const { klistDevices, knodeClass, dpDevice, deviceType, bdDevice, bdDisk, nKlist } = l;
  const klistNode = prog.type("struct klist_node");
  const diskType = prog.symbolAddress("disk_type");
  const out: bigint[] = [];
  try {
    const priv = blockSubsysPrivate(prog, l);
    if (priv === 0n) throw new MissingDebugInfo("cannot determine subsys_private for block");
    const head = priv + BigInt(klistDevices);
    for (const node of listForEachEntry(prog, head, klistNode, "n_node", { budget: MAX_DEVICES, what: "block_class devices" })) {
      const k = node.address!;
      if (prog.readU64(k + BigInt(nKlist)) & 1n) continue; // a dead klist_node
      const device = prog.readU64(k - BigInt(knodeClass) + BigInt(dpDevice));
      if (prog.readU64(device + BigInt(deviceType)) !== diskType) continue;
      out.push(prog.readU64(device - BigInt(bdDevice) + BigInt(bdDisk)));
    }
  } catch (err) {
    if (err instanceof WalkAborted) problems.push(err);
    else if (err instanceof KdwError && !(err instanceof MissingDebugInfo)) problems.push(new WalkAborted("block_class devices", err.message, out.length));
    else throw err;
  }
  return out;
}

/** Most classes looked at on class_kset's list. */
const MAX_CLASSES = 4096;

/** block_class's subsys_private: class.p (up to 6.3), else the class_kset entry whose class is block_class (6.4+). */
function blockSubsysPrivate(prog: Program, l: ReturnType<typeof BLOCK_CLASS_LAYOUT.of>): bigint {
  const blockClass = prog.symbolAddress("block_class");
  if (l.classP !== undefined) return prog.readU64(blockClass + BigInt(l.classP));
  if (l.spClass === undefined || l.spKobj === undefined || l.ksetList === undefined || l.kobjEntry === undefined) {
    throw new MissingDebugInfo("cannot determine subsys_private for block (struct class has no p, and subsys_private no class)");
  }
  const head = prog.readU64(prog.symbolAddress("class_kset")) + BigInt(l.ksetList);
  let entry = prog.readU64(head);
  for (let n = 0; entry !== head; n++) {
    if (n >= MAX_CLASSES) throw new WalkAborted("class_kset", `more than ${MAX_CLASSES} classes (a cycle?)`, n);
    const sp = entry - BigInt(l.kobjEntry) - BigInt(l.spKobj);
    if (prog.readU64(sp + BigInt(l.spClass)) === blockClass) return sp;
    entry = prog.readU64(entry);
  }
  throw new MissingDebugInfo("cannot determine subsys_private for block (not on class_kset's list)");
}

export interface DiskIo {
  read: number;
  write: number;
}

/** include/linux/blk-mq.h enum mq_rq_state MQ_RQ_IN_FLIGHT; REQ_OP_MASK (blk_types.h): the op's low 8 bits. */
const MQ_RQ_IN_FLIGHT = 1;
const REQ_OP_MASK = 0xff;
/** BLK_MQ_F_TAG_HCTX_SHARED (1 << 3 in 5.10-6.1) when the enum is not in the debug information. */
const TAG_HCTX_SHARED_DEFAULT = 8n;
/** Most hardware queues and tags looked at for one queue. */
const MAX_HW_QUEUES = 4096;
const MAX_TAG_DEPTH = 1 << 16;
/** The lowest x86_64 kernel address with 5-level paging (the upper canonical half; 4-level: 0xffff8...). */
const KERNEL_SPACE_START = 0xff00_0000_0000_0000n;

/**
 * In-flight requests of a disk (dev.c get_diskio_1): on blk-mq the started requests of this queue found
 * through the tags of its hardware contexts (blk_mq_queue_tag_busy_iter), else the per-CPU disk_stats
 * in_flight counters of part0.
 */
/** How a request queue is found busy: blk-mq's tags, or the per-CPU disk_stats of part0 (5.11+). */
const QUEUE_LAYOUT = layout({
  mqOps: optional("request_queue.mq_ops"),
  rqState: optional("request.state"), // 4.17+
  tagSet: optional("request_queue.tag_set"),
  sharedTags: optional("blk_mq_tag_set.shared_tags"),
  tagSetFlags: optional("blk_mq_tag_set.flags"),
  hctxTags: optional("blk_mq_hw_ctx.tags"),
  hctxTable: optional("request_queue.hctx_table"), // 5.18+
  queueHwCtx: optional("request_queue.queue_hw_ctx"),
  nrHwQueues: optional("request_queue.nr_hw_queues"),
});
const DISK_STATS_LAYOUT = layout({ part0: "gendisk.part0", bdStats: "block_device.bd_stats", inFlight: "disk_stats.in_flight" });

export function diskInFlight(prog: Program, queue: bigint, gendisk: bigint): DiskIo {
  const io: DiskIo = { read: 0, write: 0 };
  const q = QUEUE_LAYOUT.of(prog);
  if (q.mqOps !== undefined && prog.readU64(queue + BigInt(q.mqOps)) !== 0n) {
    if (q.rqState === undefined) return io; // pre-4.17 blk-mq: not counted
    for (const tags of queueTags(prog, queue)) countTagsInFlight(prog, queue, tags, io);
    return io;
  }
  // 5.11+: gendisk.part0 is a block_device whose bd_stats is a per-CPU struct disk_stats.
  const d = DISK_STATS_LAYOUT.of(prog);
  const part0 = prog.readU64(gendisk + BigInt(d.part0));
  const stats = prog.readU64(part0 + BigInt(d.bdStats));
  const inFlight = BigInt(d.inFlight);
  const cpus = prog.dump.cpus.length || 1;
  for (let cpu = 0; cpu < cpus; cpu++) {
    const at = BigInt.asUintN(64, stats + prog.perCpuOffset(cpu) + inFlight);
    io.read += Number(BigInt.asIntN(64, prog.readU64(at)));
    io.write += Number(BigInt.asIntN(64, prog.readU64(at + 8n)));
  }
  return io;
}

/** The struct blk_mq_tags to look through: the tag set's shared tags, else each hardware context's. */
function queueTags(prog: Program, queue: bigint): bigint[] {
  const { tagSet: tagSetOff, sharedTags: sharedOff, tagSetFlags: flagsOff, hctxTags: tagsOff } = QUEUE_LAYOUT.of(prog);
  if (tagSetOff !== undefined && sharedOff !== undefined && flagsOff !== undefined) {
    const set = prog.readU64(queue + BigInt(tagSetOff));
    const shared = prog.types.findEnumerator("BLK_MQ_F_TAG_HCTX_SHARED")?.value ?? TAG_HCTX_SHARED_DEFAULT;
    if (set !== 0n && BigInt(prog.readU32(set + BigInt(flagsOff))) & shared) return [prog.readU64(set + BigInt(sharedOff))];
  }
  if (tagsOff === undefined) throw new MissingDebugInfo("struct blk_mq_hw_ctx has no member tags");
  return requestQueueHctxs(prog, queue).map((hctx) => prog.readU64(hctx + BigInt(tagsOff)));
}

/** The hardware contexts of a blk-mq request queue: hctx_table (5.18+) or queue_hw_ctx[nr_hw_queues]. */
export function requestQueueHctxs(prog: Program, queue: bigint): bigint[] {
  const { hctxTable: table, queueHwCtx: arrOff, nrHwQueues: nrOff } = QUEUE_LAYOUT.of(prog);
  if (table !== undefined) return [...xaForEach(prog, queue + BigInt(table), { budget: MAX_HW_QUEUES, what: "request_queue.hctx_table" })].map((e) => e.entry);
  if (arrOff === undefined || nrOff === undefined) throw new MissingDebugInfo("struct request_queue has neither hctx_table nor queue_hw_ctx");
  const n = Math.min(prog.readU32(queue + BigInt(nrOff)), MAX_HW_QUEUES);
  const arr = prog.read(prog.readU64(queue + BigInt(arrOff)), n * 8);
  return Array.from({ length: n }, (_, i) => u64(arr, i * 8));
}

const TAGS_LAYOUT = layout(
  {
    ...members("blk_mq_tags", { nrReserved: "nr_reserved_tags", bitmapTags: "bitmap_tags", breservedTags: "breserved_tags", rqs: "rqs" }),
    sbqSb: "sbitmap_queue.sb",
    ...members("sbitmap", { sbDepth: "depth", sbShift: "shift", sbMapNr: "map_nr", sbMap: "map" }),
    wordWord: "sbitmap_word.word",
    wordCleared: optional("sbitmap_word.cleared"), // 4.20+
    ...members("request", { rqQ: "q", rqCmdFlags: "cmd_flags", rqState: "state" }),
  },
  (_o, m, prog) => ({
    /** Before 5.16 bitmap_tags was a pointer. */
    bitmapIsPtr: m.bitmapTags.kind === "pointer",
    wordSize: prog.sizeOf("struct sbitmap_word"),
  }),
);

type TagsLayout = ReturnType<typeof TAGS_LAYOUT.of>;

/** queue_for_each_hw_ctx for one struct blk_mq_tags: the reserved tags, then the normal ones. */
function countTagsInFlight(prog: Program, queue: bigint, tags: bigint, io: DiskIo): void {
  const l = TAGS_LAYOUT.of(prog);
  const nrReserved = prog.readU32(tags + BigInt(l.nrReserved));
  const sbq = (member: number): bigint => (l.bitmapIsPtr ? prog.readU64(tags + BigInt(member)) : tags + BigInt(member));
  if (nrReserved) busyTags(prog, l, queue, tags, sbq(l.breservedTags), 0, io);
  busyTags(prog, l, queue, tags, sbq(l.bitmapTags), nrReserved, io);
}

/** bt_for_each over one sbitmap_queue: each set, not cleared bit is a tag whose request may be in flight. */
function busyTags(prog: Program, l: TagsLayout, queue: bigint, tags: bigint, sbq: bigint, tagOffset: number, io: DiskIo): void {
  const sb = sbq + BigInt(l.sbqSb);
  const depth = Math.min(prog.readU32(sb + BigInt(l.sbDepth)), MAX_TAG_DEPTH);
  const shift = prog.readU32(sb + BigInt(l.sbShift));
  const mapNr = prog.readU32(sb + BigInt(l.sbMapNr));
  const map = prog.readU64(sb + BigInt(l.sbMap));
  if (shift > 6 || mapNr === 0 || depth === 0) return;
  const rqs = prog.readU64(tags + BigInt(l.rqs));
  let scanned = 0;
  for (let index = 0; index < mapNr && scanned < depth; index++) {
    const w = map + BigInt(index * l.wordSize);
    const word = prog.readU64(w + BigInt(l.wordWord)) & ~(l.wordCleared === undefined ? 0n : prog.readU64(w + BigInt(l.wordCleared)));
    const wordDepth = Math.min(index === mapNr - 1 ? depth - (index << shift) : 1 << shift, depth - scanned);
    scanned += wordDepth;
    for (let nr = 0; nr < wordDepth; nr++) {
      if (!((word >> BigInt(nr)) & 1n)) continue;
      const rq = prog.readU64(rqs + BigInt(((index << shift) + nr + tagOffset) * 8));
      if (rq < KERNEL_SPACE_START) continue; // not a kernel address (crash's IS_KVADDR)
      if (prog.readU64(rq + BigInt(l.rqQ)) !== queue || prog.readU32(rq + BigInt(l.rqState)) !== MQ_RQ_IN_FLIGHT) continue;
      if (prog.readU32(rq + BigInt(l.rqCmdFlags)) & REQ_OP_MASK & 1) io.write++;
      else io.read++;
    }
  }
}
