// The 5.10+ lockless printk ring buffer (kernel/printk/printk_ringbuffer.[ch]): a ring of descriptors
// (struct prb_desc: state_var, text_blk_lpos), a parallel ring of struct printk_info, and a text data ring
// whose blocks start with the owning descriptor's id. Walked tail to head as crash's
// dump_lockless_record_log (printk.c) does.
import { WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, members, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import type { PrintkLog } from "./printk";
import { bitfieldOf, fieldString, PrintkError, readBitfield, readZeroFilled } from "./read";
import { printkLog, PrintkTableBuilder } from "./table";

// Descriptor state in the top two bits of prb_desc.state_var (printk_ringbuffer.h, 64-bit longs).
const DESC_FLAGS_SHIFT = 62n;
const DESC_ID_MASK = (1n << DESC_FLAGS_SHIFT) - 1n;
const DESC_COMMITTED = 1; // desc_committed
const DESC_FINALIZED = 2; // desc_finalized
/** sizeof(unsigned long): a data block starts with the id of the descriptor that owns it (struct prb_data_block.id). */
const BLOCK_ID_SIZE = 8;
/**
 * Caps on the ring sizes read from the dump. The kernel's log_buf_len is at most 2^31 (LOG_BUF_LEN_MAX) but
 * real ones are 2^17..2^25 (CONFIG_LOG_BUF_SHIFT 12..25); descriptors are one per 2^PRB_AVGBITS (32) bytes.
 */
const MAX_SIZE_BITS = 27;
const MAX_COUNT_BITS = 22;

// atomic_long_t members are asked for by their .counter, as crash does (OFFSET(atomic_long_t_counter)).
const LOCKLESS = layout(
  {
    ...members("printk_ringbuffer", {
      countBits: "desc_ring.count_bits",
      descs: "desc_ring.descs",
      infos: "desc_ring.infos",
      headId: ["desc_ring.head_id.counter", "desc_ring.head_id"],
      tailId: ["desc_ring.tail_id.counter", "desc_ring.tail_id"],
      sizeBits: "text_data_ring.size_bits",
      data: "text_data_ring.data",
      headLpos: optional("text_data_ring.head_lpos.counter", "text_data_ring.head_lpos"),
      tailLpos: optional("text_data_ring.tail_lpos.counter", "text_data_ring.tail_lpos"),
    }),
    ...members("prb_desc", {
      stateVar: ["state_var.counter", "state_var"],
      blkBegin: "text_blk_lpos.begin",
      blkNext: "text_blk_lpos.next",
    }),
    ...members("printk_info", {
      seq: "seq",
      tsNsec: "ts_nsec",
      textLen: "text_len",
      callerId: "caller_id",
      facilityField: optional("facility"),
      flagsField: optional("flags"),
      levelField: optional("level"),
      devInfo: optional("dev_info"),
      subsystem: optional("dev_info.subsystem"), // char[PRINTK_INFO_SUBSYSTEM_LEN]
      device: optional("dev_info.device"), // char[PRINTK_INFO_DEVICE_LEN]
    }),
  },
  (o, m, prog) => {
    const l = {
      descSize: prog.sizeOf("struct prb_desc"),
      infoSize: prog.sizeOf("struct printk_info"),
      facility: bitfieldOf(m.facilityField),
      flags: bitfieldOf(m.flagsField),
      level: bitfieldOf(m.levelField),
      subsystemSize: 16,
      deviceSize: 48,
    };
    if (o.devInfo !== undefined && o.subsystem !== undefined && o.device !== undefined) {
      l.subsystemSize = Math.max(0, o.device - o.subsystem);
      l.deviceSize = Math.max(0, m.devInfo!.size - (o.device - o.devInfo));
    }
    if (l.descSize < o.blkNext + 8 || l.infoSize < o.callerId + 4) throw new PrintkError("printk: prb_desc/printk_info sizes do not hold their members");
    return l;
  },
);

type LocklessLayout = ReturnType<typeof LOCKLESS.of>;

/** The ring buffer's header fields, read at once from *prb. */
const RINGBUFFER = LOCKLESS.span("countBits", "descs", "infos", "headId", "tailId", "sizeBits", "data", "headLpos", "tailLpos");

/**
 * The text ring with only the arc of `n` bytes from `first` (wrapping) read, as the segments a table's
 * texts lie in: [first, first + n) when it does not wrap, else [first, size) then [0, rest); the whole ring
 * when the arc is a lap. No copy: the views the reads returned (a block never crosses the ring's end).
 */
function readTextArc(prog: Program, base: bigint, size: number, arc: { first: number; n: number }): { segments: Uint8Array[]; starts: number[]; zeroFilled: number } {
  if (arc.n >= size) {
    const r = readZeroFilled(prog, base, size);
    return { segments: [r.bytes], starts: [0], zeroFilled: r.zeroFilled };
  }
  const firstPart = Math.min(arc.n, size - arc.first);
  const head = readZeroFilled(prog, base + BigInt(arc.first), firstPart);
  if (firstPart === arc.n) return { segments: [head.bytes], starts: [arc.first], zeroFilled: head.zeroFilled };
  const tail = readZeroFilled(prog, base, arc.n - firstPart);
  return { segments: [head.bytes, tail.bytes], starts: [arc.first, 0], zeroFilled: head.zeroFilled + tail.zeroFilled };
}

/**
 * The arc of `n` elements from index `first` (wrapping) of a ring of `count`, compacted: element
 * (first + j) % count at j * size. A whole lap is the ring as it is (first 0). The walk indexes the
 * descriptor and info rings this way, so a ring a fraction full costs only that fraction.
 */
function readArcCompact(prog: Program, base: bigint, size: number, count: number, arc: { first: number; n: number }): { bytes: Uint8Array; zeroFilled: number; first: number } {
  if (arc.n >= count) return { ...readZeroFilled(prog, base, count * size), first: 0 };
  const firstPart = Math.min(arc.n, count - arc.first);
  const head = readZeroFilled(prog, base + BigInt(arc.first * size), firstPart * size);
  if (firstPart === arc.n) return { ...head, first: arc.first };
  const tail = readZeroFilled(prog, base, (arc.n - firstPart) * size);
  const bytes = new Uint8Array(arc.n * size);
  bytes.set(head.bytes, 0);
  bytes.set(tail.bytes, firstPart * size);
  return { bytes, zeroFilled: head.zeroFilled + tail.zeroFilled, first: arc.first };
}

/** Every committed/finalized record of the lockless ring buffer, tail to head (crash's dump_lockless_record_log). */
export function readLockless(prog: Program): PrintkLog {
  const l = LOCKLESS.of(prog);
  const prb = prog.readU64(prog.symbolAddress("prb"));
  const h = RINGBUFFER.read(prog, prb);
  const countBits = h.u32("countBits");
  const sizeBits = h.u32("sizeBits");
  if (countBits > MAX_COUNT_BITS || sizeBits > MAX_SIZE_BITS || sizeBits < 4) {
    throw new PrintkError(`printk: implausible ring sizes (count_bits ${countBits}, size_bits ${sizeBits})`);
  }
  const count = 2 ** countBits;
  const dataSize = 2 ** sizeBits;
  const tailId = h.u64("tailId") & DESC_ID_MASK;
  const headId = h.u64("headId") & DESC_ID_MASK;
  // Only the descriptors from tail to head are walked: read just that arc of the two rings (a young
  // system's log fills a fraction of them), or all of them when the ids say the arc is longer than a lap.
  const live = ((headId - tailId) & DESC_ID_MASK) + 1n;
  const arc = live <= BigInt(count) ? { first: Number(tailId % BigInt(count)), n: Number(live) } : { first: 0, n: count };
  const descsRead = readArcCompact(prog, h.pointer("descs"), l.descSize, count, arc);
  const infosRead = readArcCompact(prog, h.pointer("infos"), l.infoSize, count, arc);
  // Likewise the text: the blocks of those descriptors lie between the data ring's tail_lpos and head_lpos.
  let textArc = { first: 0, n: dataSize };
  if (h.has("headLpos") && h.has("tailLpos")) {
    const used = BigInt.asUintN(64, h.u64("headLpos") - h.u64("tailLpos"));
    if (used < BigInt(dataSize)) textArc = { first: Number(h.u64("tailLpos") & BigInt(dataSize - 1)), n: Number(used) };
  }
  const text = readTextArc(prog, h.pointer("data"), dataSize, textArc);
  const zeroFilledPages = descsRead.zeroFilled + infosRead.zeroFilled + text.zeroFilled;
  const hasDevInfo = l.subsystem !== undefined && l.device !== undefined;
  const table = new PrintkTableBuilder(Math.min(arc.n, count), { callerId: true, dataless: true, devInfo: hasDevInfo, segments: text.segments });
  const ring: Rings = {
    l,
    dv: dataView(descsRead.bytes),
    infos: infosRead.bytes,
    iv: dataView(infosRead.bytes),
    dataSize,
    text: { ...text, views: text.segments.map((b) => dataView(b)) },
    seg: 0,
    segBase: 0,
    table,
    textBytes: 0,
    strings: new Map(),
  };
  // Ids are 62-bit: kept as two numbers (high 30 bits, low 32) so that the walk, a step per record of a ring
  // that may hold hundreds of thousands, does no BigInt arithmetic; BigInts are made for messages only.
  const countMask = count - 1;
  let idHi = Number(tailId >> 32n);
  let idLo = Number(tailId & 0xffffffffn);
  const headHi = Number(headId >> 32n);
  const headLo = Number(headId & 0xffffffffn);
  const first = descsRead.first;
  const done = (stopped?: WalkAborted): PrintkLog => printkLog("lockless", table.finish(), zeroFilledPages, stopped);
  for (let steps = 0; steps < count; steps++) {
    const j = (idLo - first) & countMask;
    const d = j * l.descSize;
    const svLo = ring.dv.getUint32(d + l.stateVar, true);
    const svHi = ring.dv.getUint32(d + l.stateVar + 4, true);
    const state = svHi >>> 30;
    // get_desc_state(): an id mismatch is desc_miss; reserved and reusable descriptors hold no record.
    if (svLo === idLo && (svHi & ID_HI_MASK) === idHi && (state === DESC_COMMITTED || state === DESC_FINALIZED)) {
      const bad = addRecord(ring, idHi, idLo, d, j * l.infoSize);
      if (bad !== undefined) return done(new WalkAborted("printk ring buffer", `descriptor ${idOf(idHi, idLo)}: ${bad}`, steps));
    }
    if (idLo === headLo && idHi === headHi) return done();
    idLo = (idLo + 1) >>> 0;
    if (idLo === 0) idHi = (idHi + 1) & ID_HI_MASK;
  }
  return done(new WalkAborted("printk ring buffer", `head id ${headId} not reached from tail id ${tailId}`, count));
}

/** What the walk reads records from, and the table it fills. */
interface Rings {
  l: LocklessLayout;
  dv: DataView;
  infos: Uint8Array;
  iv: DataView;
  dataSize: number;
  /** The text ring as read: segments, the ring offset each starts at, and a view of each. */
  text: { segments: Uint8Array[]; starts: number[]; views: DataView[] };
  /** What locate() found: the segment, and where it starts in the segments as one sequence. */
  seg: number;
  segBase: number;
  table: PrintkTableBuilder;
  /** Text bytes of the records so far (bounded: see MAX_TEXT_LAPS). */
  textBytes: number;
  /** dev_info strings met so far, by a hash of their bytes: most repeat (one device, many lines). */
  strings: Map<number, string[]>;
}

/**
 * Between tail and head the blocks do not overlap, so the records' texts fit in the ring; only a hostile
 * ring has more (blocks that begin inside others). Past twice the ring's size the walk stops: what the
 * table's texts add up to stays bounded by the ring.
 */
const MAX_TEXT_LAPS = 2;

/** The high 30 bits of a 62-bit descriptor id, as a mask on the high 32-bit half of state_var. */
const ID_HI_MASK = 0x3fffffff;

function idOf(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Finds the segment holding the ring bytes [at, at + n): sets r.seg and r.segBase (where that segment
 * starts in the segments as one sequence) and returns the offset in it, or -1 when the bytes are not all
 * in one segment (outside the arc read: the walk reads such bytes as zeros, as the unread ring).
 */
function locate(r: Rings, at: number, n: number): number {
  const { segments, starts } = r.text;
  let base = 0;
  for (let s = 0; s < segments.length; s++) {
    const rel = at - starts[s]!;
    const len = segments[s]!.length;
    if (rel >= 0 && rel + n <= len) {
      r.seg = s;
      r.segBase = base;
      return rel;
    }
    base += len;
  }
  return -1;
}

/** A ring byte, zero outside the arc read. */
function ringByte(r: Rings, at: number): number {
  const { segments, starts } = r.text;
  for (let s = 0; s < segments.length; s++) {
    const rel = at - starts[s]!;
    if (rel >= 0 && rel < segments[s]!.length) return segments[s]![rel]!;
  }
  return 0;
}

/** A u32 of the ring at `at`, little-endian, byte by byte (zeros outside the arc read). */
function ringU32(r: Rings, at: number): number {
  return (ringByte(r, at) | (ringByte(r, at + 1) << 8) | (ringByte(r, at + 2) << 16) | (ringByte(r, at + 3) << 24)) >>> 0;
}

/** A NUL-terminated dev_info field, interned: the same bytes give the same string, decoded once. */
function devString(r: Rings, at: number, max: number): string {
  const b = r.infos;
  if (b[at] === 0) return "";
  const limit = Math.min(at + max, b.length);
  let end = at;
  let hash = 0x811c9dc5;
  for (; end < limit; end++) {
    const c = b[end]!;
    if (c === 0) break;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  const n = end - at;
  hash = (hash ^ n) >>> 0;
  let known = r.strings.get(hash);
  if (known) {
    for (const s of known) {
      if (s.length !== n) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = s.charCodeAt(i) === b[at + i];
      if (same) return s;
    }
  } else r.strings.set(hash, (known = []));
  const s = fieldString(b, at, max);
  known.push(s);
  return s;
}

/** Adds the record of a committed/finalized descriptor (crash's dump_record), or says why it is corrupt. */
function addRecord(r: Rings, idHi: number, idLo: number, d: number, i: number): string | undefined {
  const { l, dv, iv, dataSize } = r;
  // Logical positions are u64: their ring offsets come from the low halves (the ring is at most 2^27
  // bytes), and the block's span from both halves, with the borrow.
  const beginLo = dv.getUint32(d + l.blkBegin, true);
  const beginHi = dv.getUint32(d + l.blkBegin + 4, true);
  const nextLo = dv.getUint32(d + l.blkNext, true);
  const nextHi = dv.getUint32(d + l.blkNext + 4, true);
  const mask = dataSize - 1;
  let begin = beginLo & mask;
  const next = nextLo & mask;
  if (begin === next) {
    // Data-less block (FAILED_LPOS/NO_LPOS, or an empty message): crash prints a bare newline.
    r.table.markDataless(addRow(r, i, 0, 0));
    return undefined;
  }
  // A block spans (next - begin) logical bytes, wrap included: never more than the ring.
  const spanLo = (nextLo - beginLo) >>> 0;
  const spanHi = (nextHi - beginHi - (nextLo < beginLo ? 1 : 0)) >>> 0;
  if (spanHi !== 0 || spanLo === 0 || spanLo > dataSize) {
    const lpos = (hi: number, lo: number) => ((BigInt(hi) << 32n) | BigInt(lo)).toString(16);
    return `text block ${lpos(beginHi, beginLo)}..${lpos(nextHi, nextLo)} does not fit the ${dataSize}-byte ring`;
  }
  if (begin > next) begin = 0; // a wrapping block keeps its data at the start of the ring
  if (next - begin < BLOCK_ID_SIZE) return `text block at ${begin} is shorter than its id`;
  // The block as a whole in the ring as read (always, but for a ring whose positions disagree).
  const rel = locate(r, begin, next - begin);
  const view = rel >= 0 ? r.text.views[r.seg]! : undefined;
  const blockLo = view ? view.getUint32(rel, true) : ringU32(r, begin);
  const blockHi = (view ? view.getUint32(rel + 4, true) : ringU32(r, begin + 4)) & ID_HI_MASK;
  if (blockLo !== idLo || blockHi !== idHi) return `text block at ${begin} belongs to descriptor ${idOf(blockHi, blockLo)}`;
  // Truncated messages: text_len may exceed the block (crash's "handle truncated messages").
  const len = Math.min(iv.getUint16(i + l.textLen, true), next - begin - BLOCK_ID_SIZE);
  r.textBytes += len;
  if (r.textBytes > MAX_TEXT_LAPS * dataSize) return `text blocks overlap: more text than ${MAX_TEXT_LAPS} laps of the ${dataSize}-byte ring`;
  let at = r.segBase + rel + BLOCK_ID_SIZE;
  if (!view) {
    // Part of the block lies outside the arc read: its bytes are zeros there.
    at = r.table.ownTextAt;
    for (let k = 0; k < len; k++) r.table.appendByte(ringByte(r, begin + BLOCK_ID_SIZE + k));
  }
  addRow(r, i, at, len);
  return undefined;
}

/** The table row of the record whose printk_info is at `i`, its text at `textAt`; with its dev_info strings. */
function addRow(r: Rings, i: number, textAt: number, textLen: number): number {
  const { l, iv, infos } = r;
  const k = r.table.add(
    iv.getUint32(i + l.seq, true),
    iv.getUint32(i + l.seq + 4, true),
    iv.getUint32(i + l.tsNsec, true),
    iv.getUint32(i + l.tsNsec + 4, true),
    l.level ? readBitfield(infos, i, l.level) : -1,
    l.facility ? readBitfield(infos, i, l.facility) : -1,
    l.flags ? readBitfield(infos, i, l.flags) : -1,
    iv.getUint32(i + l.callerId, true),
    textAt,
    textLen,
  );
  // Most records have no dev_info: an empty field costs no call.
  if (l.subsystem !== undefined && l.device !== undefined && (infos[i + l.subsystem] !== 0 || infos[i + l.device] !== 0)) {
    r.table.extra(k, { subsystem: devString(r, i + l.subsystem, l.subsystemSize), device: devString(r, i + l.device, l.deviceSize) });
  }
  return k;
}
