// The 5.10+ lockless printk ring buffer (kernel/printk/printk_ringbuffer.[ch]): a ring of descriptors
// (struct prb_desc: state_var, text_blk_lpos), a parallel ring of struct printk_info, and a text data ring
// whose blocks start with the owning descriptor's id. Walked tail to head as crash's
// dump_lockless_record_log (printk.c) does.
import { WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, members, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import type { PrintkLog, PrintkRecord } from "./printk";
import { latin1String } from "../../io/latin1";
import { bitfieldOf, fieldString, PrintkError, readBitfield, readZeroFilled } from "./read";

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
  const dataRead = readArc(prog, h.pointer("data"), 1, dataSize, textArc);
  const zeroFilledPages = descsRead.zeroFilled + infosRead.zeroFilled + dataRead.zeroFilled;
  const ring: Rings = {
    l,
    descs: descsRead.bytes,
    dv: dataView(descsRead.bytes),
    infos: infosRead.bytes,
    iv: dataView(infosRead.bytes),
    data: dataRead.bytes,
    datav: dataView(dataRead.bytes),
    dataSize,
    texts: new Uint8Array(dataSize),
    textsLength: 0,
    textAt: [],
  };
  // Ids are 62-bit: kept as two numbers (high 30 bits, low 32) so that the walk, a step per record of a ring
  // that may hold hundreds of thousands, does no BigInt arithmetic; BigInts are made for messages only.
  const countMask = count - 1;
  const records: PrintkRecord[] = [];
  let idHi = Number(tailId >> 32n);
  let idLo = Number(tailId & 0xffffffffn);
  const headHi = Number(headId >> 32n);
  const headLo = Number(headId & 0xffffffffn);
  const first = descsRead.first;
  for (let steps = 0; steps < count; steps++) {
    const j = (idLo - first) & countMask;
    const d = j * l.descSize;
    const svLo = ring.dv.getUint32(d + l.stateVar, true);
    const svHi = ring.dv.getUint32(d + l.stateVar + 4, true);
    const state = svHi >>> 30;
    // get_desc_state(): an id mismatch is desc_miss; reserved and reusable descriptors hold no record.
    if (svLo === idLo && (svHi & ID_HI_MASK) === idHi && (state === DESC_COMMITTED || state === DESC_FINALIZED)) {
      ring.textAt.push(ring.textsLength);
      const record = readRecord(ring, idHi, idLo, d, j * l.infoSize);
      if (typeof record === "string") {
        ring.textAt.pop();
        attachTexts(ring, records);
        return { layout: "lockless", records, zeroFilledPages, stopped: new WalkAborted("printk ring buffer", `descriptor ${idOf(idHi, idLo)}: ${record}`, steps) };
      }
      records.push(record);
    }
    if (idLo === headLo && idHi === headHi) {
      attachTexts(ring, records);
      return { layout: "lockless", records, zeroFilledPages };
    }
    idLo = (idLo + 1) >>> 0;
    if (idLo === 0) idHi = (idHi + 1) & ID_HI_MASK;
  }
  attachTexts(ring, records);
  return { layout: "lockless", records, zeroFilledPages, stopped: new WalkAborted("printk ring buffer", `head id ${headId} not reached from tail id ${tailId}`, count) };
}

/** What the walk reads records from: the three rings as read, and the text ring decoded once. */
interface Rings {
  l: LocklessLayout;
  descs: Uint8Array;
  dv: DataView;
  infos: Uint8Array;
  iv: DataView;
  data: Uint8Array;
  datav: DataView;
  dataSize: number;
  /**
   * The records' texts, copied one after another as they are read (not the ring itself: between them lie
   * block ids and stale bytes, binary), then decoded as one string, each record's text a slice of it: one
   * native decode instead of a string made per record.
   */
  texts: Uint8Array;
  textsLength: number;
  /** Where each record's text starts in `texts`, in record order (its end is where the next one starts). */
  textAt: number[];
}

/** Gives each record its text, a slice of the records' texts decoded at once. */
function attachTexts(r: Rings, records: PrintkRecord[]): void {
  const all = latin1String(r.texts.subarray(0, r.textsLength));
  for (let k = 0; k < records.length; k++) {
    const start = r.textAt[k]!;
    const end = k + 1 < records.length ? r.textAt[k + 1]! : r.textsLength;
    if (end > start) records[k]!.text = all.slice(start, end);
  }
}

/** The high 30 bits of a 62-bit descriptor id, as a mask on the high 32-bit half of state_var. */
const ID_HI_MASK = 0x3fffffff;

function idOf(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** One record of a committed/finalized descriptor (crash's dump_record), or why its descriptor is corrupt. */
function readRecord(r: Rings, idHi: number, idLo: number, d: number, i: number): PrintkRecord | string {
  const { l, dv, iv, infos, dataSize } = r;
  // Logical positions are u64: their ring offsets come from the low halves (the ring is at most 2^27
  // bytes), and the block's span from both halves, with the borrow.
  const beginLo = dv.getUint32(d + l.blkBegin, true);
  const beginHi = dv.getUint32(d + l.blkBegin + 4, true);
  const nextLo = dv.getUint32(d + l.blkNext, true);
  const nextHi = dv.getUint32(d + l.blkNext + 4, true);
  const mask = dataSize - 1;
  let begin = beginLo & mask;
  const next = nextLo & mask;
  const record: PrintkRecord = {
    seq: iv.getBigUint64(i + l.seq, true),
    tsNsec: iv.getBigUint64(i + l.tsNsec, true),
    facility: l.facility && readBitfield(infos, i, l.facility),
    flags: l.flags && readBitfield(infos, i, l.flags),
    level: l.level && readBitfield(infos, i, l.level),
    callerId: iv.getUint32(i + l.callerId, true),
    text: "",
    // Most records have no dev_info: an empty field costs no call.
    subsystem: l.subsystem === undefined ? undefined : infos[i + l.subsystem] === 0 ? "" : fieldString(infos, i + l.subsystem, l.subsystemSize),
    device: l.device === undefined ? undefined : infos[i + l.device] === 0 ? "" : fieldString(infos, i + l.device, l.deviceSize),
  };
  if (begin === next) {
    // Data-less block (FAILED_LPOS/NO_LPOS, or an empty message): crash prints a bare newline.
    record.dataless = true;
    return record;
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
  const blockLo = r.datav.getUint32(begin, true);
  const blockHi = r.datav.getUint32(begin + 4, true) & ID_HI_MASK;
  if (blockLo !== idLo || blockHi !== idHi) return `text block at ${begin} belongs to descriptor ${idOf(blockHi, blockLo)}`;
  begin += BLOCK_ID_SIZE;
  // Truncated messages: text_len may exceed the block (crash's "handle truncated messages").
  const len = Math.min(iv.getUint16(i + l.textLen, true), next - begin);
  if (r.textsLength + len > r.texts.length) {
    // Only a hostile ring has blocks that overlap: more text than the ring holds.
    const bigger = new Uint8Array(Math.max(2 * r.texts.length, r.textsLength + len));
    bigger.set(r.texts.subarray(0, r.textsLength));
    r.texts = bigger;
  }
  // A loop, not set(subarray()): most texts are a few dozen bytes, and a view per record costs more.
  const texts = r.texts;
  const data = r.data;
  let o = r.textsLength;
  for (let k = begin, end = begin + len; k < end; k++) texts[o++] = data[k]!;
  r.textsLength = o;
  return record;
}
