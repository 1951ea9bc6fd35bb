// The 5.10+ lockless printk ring buffer (kernel/printk/printk_ringbuffer.[ch]): a ring of descriptors
// (struct prb_desc: state_var, text_blk_lpos), a parallel ring of struct printk_info, and a text data ring
// whose blocks start with the owning descriptor's id. Walked tail to head as crash's
// dump_lockless_record_log (printk.c) does.
import { WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import type { PrintkLog, PrintkRecord } from "./printk";
import { bitfield, fieldString, PrintkError, latin1, readBitfield, readZeroFilled, requireOffset, type BitfieldLocation } from "./read";

// Descriptor state in the top two bits of prb_desc.state_var (printk_ringbuffer.h, 64-bit longs).
const DESC_FLAGS_SHIFT = 62n;
const DESC_ID_MASK = (1n << DESC_FLAGS_SHIFT) - 1n;
const DESC_COMMITTED = 1n; // desc_committed
const DESC_FINALIZED = 2n; // desc_finalized
/** sizeof(unsigned long): a data block starts with the id of the descriptor that owns it (struct prb_data_block.id). */
const BLOCK_ID_SIZE = 8;
/**
 * Caps on the ring sizes read from the dump. The kernel's log_buf_len is at most 2^31 (LOG_BUF_LEN_MAX) but
 * real ones are 2^17..2^25 (CONFIG_LOG_BUF_SHIFT 12..25); descriptors are one per 2^PRB_AVGBITS (32) bytes.
 */
const MAX_SIZE_BITS = 27;
const MAX_COUNT_BITS = 22;

interface LocklessLayout {
  descRing: number;
  countBits: number;
  descs: number;
  infos: number;
  headId: number;
  tailId: number;
  textRing: number;
  sizeBits: number;
  data: number;
  headLpos?: number;
  tailLpos?: number;
  ringbufferSize: number;
  descSize: number;
  stateVar: number;
  blkBegin: number;
  blkNext: number;
  infoSize: number;
  seq: number;
  tsNsec: number;
  textLen: number;
  callerId: number;
  facility?: BitfieldLocation;
  flags?: BitfieldLocation;
  level?: BitfieldLocation;
  subsystem?: number;
  subsystemSize: number;
  device?: number;
  deviceSize: number;
}

const layouts = new WeakMap<Program, LocklessLayout>();

/** atomic_long_t's counter sits at offset 0, but ask, as crash does (OFFSET(atomic_long_t_counter)). */
function atomicOffset(prog: Program, type: string, member: string): number {
  return prog.memberOffset(type, `${member}.counter`) ?? requireOffset(prog, type, member);
}

function locklessLayout(prog: Program): LocklessLayout {
  let l = layouts.get(prog);
  if (l) return l;
  const rb = "struct printk_ringbuffer";
  const ring = "struct prb_desc_ring";
  const data = "struct prb_data_ring";
  const desc = "struct prb_desc";
  const info = "struct printk_info";
  const lpos = requireOffset(prog, desc, "text_blk_lpos");
  const devInfo = prog.memberOffset(info, "dev_info");
  const subsystem = prog.memberOffset("struct dev_printk_info", "subsystem");
  const device = prog.memberOffset("struct dev_printk_info", "device");
  const devType = prog.findType("struct dev_printk_info");
  l = {
    descRing: requireOffset(prog, rb, "desc_ring"),
    countBits: requireOffset(prog, ring, "count_bits"),
    descs: requireOffset(prog, ring, "descs"),
    infos: requireOffset(prog, ring, "infos"),
    headId: atomicOffset(prog, ring, "head_id"),
    tailId: atomicOffset(prog, ring, "tail_id"),
    textRing: requireOffset(prog, rb, "text_data_ring"),
    sizeBits: requireOffset(prog, data, "size_bits"),
    data: requireOffset(prog, data, "data"),
    headLpos: prog.memberOffset(data, "head_lpos.counter") ?? prog.memberOffset(data, "head_lpos"),
    tailLpos: prog.memberOffset(data, "tail_lpos.counter") ?? prog.memberOffset(data, "tail_lpos"),
    ringbufferSize: prog.sizeOf(rb),
    descSize: prog.sizeOf(desc),
    stateVar: atomicOffset(prog, desc, "state_var"),
    blkBegin: lpos + requireOffset(prog, "struct prb_data_blk_lpos", "begin"),
    blkNext: lpos + requireOffset(prog, "struct prb_data_blk_lpos", "next"),
    infoSize: prog.sizeOf(info),
    seq: requireOffset(prog, info, "seq"),
    tsNsec: requireOffset(prog, info, "ts_nsec"),
    textLen: requireOffset(prog, info, "text_len"),
    callerId: requireOffset(prog, info, "caller_id"),
    facility: bitfield(prog, info, "facility"),
    flags: bitfield(prog, info, "flags"),
    level: bitfield(prog, info, "level"),
    subsystem: devInfo !== undefined && subsystem !== undefined ? devInfo + subsystem : undefined,
    subsystemSize: 16, // dev_printk_info.subsystem[PRINTK_INFO_SUBSYSTEM_LEN]
    device: devInfo !== undefined && device !== undefined ? devInfo + device : undefined,
    deviceSize: 48, // dev_printk_info.device[PRINTK_INFO_DEVICE_LEN]
  };
  if (devType && subsystem !== undefined && device !== undefined) {
    l.subsystemSize = Math.max(0, device - subsystem);
    l.deviceSize = Math.max(0, prog.sizeOf(devType) - device);
  }
  if (l.descSize < l.blkNext + 8 || l.infoSize < l.callerId + 4) throw new PrintkError("printk: prb_desc/printk_info sizes do not hold their members");
  layouts.set(prog, l);
  return l;
}

function u64(view: DataView, o: number): bigint {
  return view.getBigUint64(o, true);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A ring of `count` elements with only the arc of `n` elements from index `first` read (wrapping); the rest zero. */
function readArc(prog: Program, base: bigint, size: number, count: number, arc: { first: number; n: number }): { bytes: Uint8Array; zeroFilled: number } {
  if (arc.n >= count) return readZeroFilled(prog, base, count * size);
  const bytes = new Uint8Array(count * size);
  let zeroFilled = 0;
  const firstPart = Math.min(arc.n, count - arc.first);
  for (const [from, n] of [
    [arc.first, firstPart],
    [0, arc.n - firstPart],
  ] as const) {
    if (n === 0) continue;
    const r = readZeroFilled(prog, base + BigInt(from * size), n * size);
    bytes.set(r.bytes, from * size);
    zeroFilled += r.zeroFilled;
  }
  return { bytes, zeroFilled };
}

/** Every committed/finalized record of the lockless ring buffer, tail to head (crash's dump_lockless_record_log). */
export function readLockless(prog: Program): PrintkLog {
  const l = locklessLayout(prog);
  const prb = prog.readU64(prog.symbolAddress("prb"));
  const hv = view(prog.read(prb, l.ringbufferSize));
  const countBits = hv.getUint32(l.descRing + l.countBits, true);
  const sizeBits = hv.getUint32(l.textRing + l.sizeBits, true);
  if (countBits > MAX_COUNT_BITS || sizeBits > MAX_SIZE_BITS || sizeBits < 4) {
    throw new PrintkError(`printk: implausible ring sizes (count_bits ${countBits}, size_bits ${sizeBits})`);
  }
  const count = 2 ** countBits;
  const dataSize = 2 ** sizeBits;
  const tailId = u64(hv, l.descRing + l.tailId) & DESC_ID_MASK;
  const headId = u64(hv, l.descRing + l.headId) & DESC_ID_MASK;
  // Only the descriptors from tail to head are walked: read just that arc of the two rings (a young
  // system's log fills a fraction of them), or all of them when the ids say the arc is longer than a lap.
  const live = ((headId - tailId) & DESC_ID_MASK) + 1n;
  const arc = live <= BigInt(count) ? { first: Number(tailId % BigInt(count)), n: Number(live) } : { first: 0, n: count };
  const descsRead = readArc(prog, u64(hv, l.descRing + l.descs), l.descSize, count, arc);
  const infosRead = readArc(prog, u64(hv, l.descRing + l.infos), l.infoSize, count, arc);
  // Likewise the text: the blocks of those descriptors lie between the data ring's tail_lpos and head_lpos.
  let textArc = { first: 0, n: dataSize };
  if (l.headLpos !== undefined && l.tailLpos !== undefined) {
    const used = BigInt.asUintN(64, u64(hv, l.textRing + l.headLpos) - u64(hv, l.textRing + l.tailLpos));
    if (used < BigInt(dataSize)) textArc = { first: Number(u64(hv, l.textRing + l.tailLpos) & BigInt(dataSize - 1)), n: Number(used) };
  }
  const dataRead = readArc(prog, u64(hv, l.textRing + l.data), 1, dataSize, textArc);
  const zeroFilledPages = descsRead.zeroFilled + infosRead.zeroFilled + dataRead.zeroFilled;
  const infos = infosRead.bytes;
  const data = dataRead.bytes;
  const dv = view(descsRead.bytes);
  const iv = view(infos);
  const datav = view(data);
  const countMask = BigInt(count - 1);
  const dataMask = BigInt(dataSize - 1);
  const records: PrintkRecord[] = [];
  let id = tailId;
  for (let steps = 0; steps < count; steps++) {
    const idx = Number(id & countMask);
    const d = idx * l.descSize;
    const sv = u64(dv, d + l.stateVar);
    const state = sv >> DESC_FLAGS_SHIFT;
    // get_desc_state(): an id mismatch is desc_miss; reserved and reusable descriptors hold no record.
    if ((sv & DESC_ID_MASK) === id && (state === DESC_COMMITTED || state === DESC_FINALIZED)) {
      const record = readRecord(l, id, d, idx * l.infoSize, dv, infos, iv, data, datav, dataSize, dataMask);
      if (typeof record === "string") {
        return { layout: "lockless", records, zeroFilledPages, stopped: new WalkAborted("printk ring buffer", `descriptor ${id}: ${record}`, steps) };
      }
      records.push(record);
    }
    if (id === headId) return { layout: "lockless", records, zeroFilledPages };
    id = (id + 1n) & DESC_ID_MASK;
  }
  return { layout: "lockless", records, zeroFilledPages, stopped: new WalkAborted("printk ring buffer", `head id ${headId} not reached from tail id ${tailId}`, count) };
}

/** One record of a committed/finalized descriptor (crash's dump_record), or why its descriptor is corrupt. */
function readRecord(
  l: LocklessLayout,
  id: bigint,
  d: number,
  i: number,
  dv: DataView,
  infos: Uint8Array,
  iv: DataView,
  data: Uint8Array,
  datav: DataView,
  dataSize: number,
  dataMask: bigint,
): PrintkRecord | string {
  const beginLpos = u64(dv, d + l.blkBegin);
  const nextLpos = u64(dv, d + l.blkNext);
  let begin = Number(beginLpos & dataMask);
  const next = Number(nextLpos & dataMask);
  const record: PrintkRecord = {
    seq: u64(iv, i + l.seq),
    tsNsec: u64(iv, i + l.tsNsec),
    facility: l.facility && readBitfield(infos, i, l.facility),
    flags: l.flags && readBitfield(infos, i, l.flags),
    level: l.level && readBitfield(infos, i, l.level),
    callerId: iv.getUint32(i + l.callerId, true),
    text: "",
    subsystem: l.subsystem !== undefined ? fieldString(infos, i + l.subsystem, l.subsystemSize) : undefined,
    device: l.device !== undefined ? fieldString(infos, i + l.device, l.deviceSize) : undefined,
  };
  if (begin === next) {
    // Data-less block (FAILED_LPOS/NO_LPOS, or an empty message): crash prints a bare newline.
    record.dataless = true;
    return record;
  }
  // A block spans (next - begin) logical bytes, wrap included: never more than the ring.
  const span = BigInt.asUintN(64, nextLpos - beginLpos);
  if (span === 0n || span > BigInt(dataSize)) return `text block ${beginLpos.toString(16)}..${nextLpos.toString(16)} does not fit the ${dataSize}-byte ring`;
  if (begin > next) begin = 0; // a wrapping block keeps its data at the start of the ring
  if (next - begin < BLOCK_ID_SIZE) return `text block at ${begin} is shorter than its id`;
  const blockId = datav.getBigUint64(begin, true) & DESC_ID_MASK;
  if (blockId !== id) return `text block at ${begin} belongs to descriptor ${blockId}`;
  begin += BLOCK_ID_SIZE;
  // Truncated messages: text_len may exceed the block (crash's "handle truncated messages").
  const len = Math.min(iv.getUint16(i + l.textLen, true), next - begin);
  record.text = latin1(data, begin, begin + len);
  return record;
}
