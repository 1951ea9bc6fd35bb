// The kernel log. Three layouts, chosen by the symbols the kernel has:
// - 5.10+: the lockless ring buffer `prb` (kernel/printk/printk_ringbuffer.[ch]);
// - 3.5–5.9: variable-length `struct printk_log` records in `log_buf` (kernel/printk/printk.c);
// - older: flat text in `log_buf` up to `log_end`.
import { KdwError, WalkAborted } from "../io/errors";
import type { Program } from "../program/program";

export interface PrintkRecord {
  seq: bigint;
  tsNsec: bigint;
  /** Syslog level 0-7 (undefined for the flat pre-3.5 log). */
  level?: number;
  facility?: number;
  callerId?: number;
  /** Raw text bytes as latin1 (may hold newlines and control characters). */
  text: string;
  subsystem?: string;
  device?: string;
}

export interface PrintkLog {
  layout: "lockless" | "printk_log" | "flat";
  records: PrintkRecord[];
  /** Set when the walk stopped early; `records` holds what was read before. */
  stopped?: WalkAborted;
}

// Descriptor state in the top two bits of prb_desc.state_var (printk_ringbuffer.h, 64-bit).
const DESC_SV_BITS = 64n;
const DESC_FLAGS_SHIFT = DESC_SV_BITS - 2n;
const DESC_ID_MASK = (1n << DESC_FLAGS_SHIFT) - 1n;
const DESC_COMMITTED = 1n;
const DESC_FINALIZED = 2n;
/** Cap on ring sizes derived from the dump (count_bits, size_bits): the kernel allows up to 2^25 of text. */
const MAX_RING_BITS = 28;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function cstr(bytes: Uint8Array, start: number, max: number): string {
  let end = start;
  while (end < start + max && end < bytes.length && bytes[end] !== 0) end++;
  return latin1(bytes, start, end);
}

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
  descSize: number;
  stateVar: number;
  blkBegin: number;
  blkNext: number;
  infoSize: number;
  seq: number;
  tsNsec: number;
  textLen: number;
  /** Byte holding `u8 facility:5? ...`: facility is a whole u8, flags:5 and level:3 share the next byte. */
  facility: number;
  levelByte: number;
  callerId: number;
  subsystem?: number;
  device?: number;
}

const layouts = new WeakMap<Program, LocklessLayout>();

function off(prog: Program, type: string, path: string): number {
  const o = prog.memberOffset(type, path);
  if (o === undefined) throw new KdwError(`printk: ${type} has no member ${path}`);
  return o;
}

function locklessLayout(prog: Program): LocklessLayout {
  let l = layouts.get(prog);
  if (l) return l;
  const rb = "struct printk_ringbuffer";
  const info = "struct printk_info";
  l = {
    descRing: off(prog, rb, "desc_ring"),
    countBits: off(prog, "struct prb_desc_ring", "count_bits"),
    descs: off(prog, "struct prb_desc_ring", "descs"),
    infos: off(prog, "struct prb_desc_ring", "infos"),
    headId: off(prog, "struct prb_desc_ring", "head_id"),
    tailId: off(prog, "struct prb_desc_ring", "tail_id"),
    textRing: off(prog, rb, "text_data_ring"),
    sizeBits: off(prog, "struct prb_data_ring", "size_bits"),
    data: off(prog, "struct prb_data_ring", "data"),
    descSize: prog.sizeOf("struct prb_desc"),
    stateVar: off(prog, "struct prb_desc", "state_var"),
    blkBegin: off(prog, "struct prb_desc", "text_blk_lpos") + off(prog, "struct prb_data_blk_lpos", "begin"),
    blkNext: off(prog, "struct prb_desc", "text_blk_lpos") + off(prog, "struct prb_data_blk_lpos", "next"),
    infoSize: prog.sizeOf(info),
    seq: off(prog, info, "seq"),
    tsNsec: off(prog, info, "ts_nsec"),
    textLen: off(prog, info, "text_len"),
    facility: off(prog, info, "facility"),
    levelByte: off(prog, info, "facility") + 1,
    callerId: off(prog, info, "caller_id"),
    subsystem: prog.memberOffset(info, "dev_info.subsystem"),
    device: prog.memberOffset(info, "dev_info.device"),
  };
  layouts.set(prog, l);
  return l;
}

function u64(view: DataView, o: number): bigint {
  return view.getBigUint64(o, true);
}

/** Every committed/finalized record of the lockless ring buffer, tail to head (crash's dump_lockless_record_log). */
function readLockless(prog: Program): PrintkLog {
  const l = locklessLayout(prog);
  const prb = prog.readU64(prog.symbolAddress("prb"));
  const head = prog.read(prb, Math.max(l.descRing, l.textRing) + 64);
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const countBits = hv.getUint32(l.descRing + l.countBits, true);
  const sizeBits = hv.getUint32(l.textRing + l.sizeBits, true);
  if (countBits > MAX_RING_BITS || sizeBits > MAX_RING_BITS) throw new KdwError(`printk: implausible ring sizes (count_bits ${countBits}, size_bits ${sizeBits})`);
  const count = 1 << countBits;
  const dataSize = 1 << sizeBits;
  const descs = prog.read(u64(hv, l.descRing + l.descs), count * l.descSize);
  const infos = prog.read(u64(hv, l.descRing + l.infos), count * l.infoSize);
  const data = prog.read(u64(hv, l.textRing + l.data), dataSize);
  const dv = new DataView(descs.buffer, descs.byteOffset, descs.byteLength);
  const iv = new DataView(infos.buffer, infos.byteOffset, infos.byteLength);
  const tailId = u64(hv, l.descRing + l.tailId) & DESC_ID_MASK;
  const headId = u64(hv, l.descRing + l.headId) & DESC_ID_MASK;
  const records: PrintkRecord[] = [];
  const dataMask = BigInt(dataSize - 1);
  let id = tailId;
  for (let steps = 0; steps <= count; steps++) {
    const idx = Number(id % BigInt(count));
    const d = idx * l.descSize;
    const sv = u64(dv, d + l.stateVar);
    const state = sv >> DESC_FLAGS_SHIFT;
    if ((sv & DESC_ID_MASK) === id && (state === DESC_COMMITTED || state === DESC_FINALIZED)) {
      const i = idx * l.infoSize;
      let begin = Number(u64(dv, d + l.blkBegin) & dataMask);
      const next = Number(u64(dv, d + l.blkNext) & dataMask);
      let text = "";
      if (begin !== next) {
        if (begin > next) begin = 0;
        begin += 8; // the block starts with its descriptor id
        let len = iv.getUint16(i + l.textLen, true);
        if (next - begin < len) len = Math.max(0, next - begin);
        text = latin1(data, begin, begin + len);
      }
      const levelByte = infos[i + l.levelByte]!;
      records.push({
        seq: u64(iv, i + l.seq),
        tsNsec: u64(iv, i + l.tsNsec),
        facility: infos[i + l.facility],
        level: levelByte >> 5,
        callerId: iv.getUint32(i + l.callerId, true),
        text,
        subsystem: l.subsystem !== undefined ? cstr(infos, i + l.subsystem, 16) : undefined,
        device: l.device !== undefined ? cstr(infos, i + l.device, 48) : undefined,
      });
    }
    if (id === headId) return { layout: "lockless", records };
    id = (id + 1n) & DESC_ID_MASK;
  }
  return { layout: "lockless", records, stopped: new WalkAborted("printk ring buffer", `head id ${headId} not reached from tail id ${tailId}`, count) };
}

/** The kernel log in whichever layout this kernel has. */
export function readPrintkLog(prog: Program): PrintkLog {
  if (prog.hasSymbol("prb")) return readLockless(prog);
  throw new KdwError("printk: this kernel's log layout (printk_log records or flat log_buf) is not supported yet");
}

/** crash's panic_msg[] (task.c), searched in this order, each over the whole log. */
const PANIC_MESSAGES = [
  "SysRq : Crash",
  "SysRq : Trigger a crash",
  "SysRq : Netdump",
  "Kernel panic: ",
  "Kernel panic - ",
  "Kernel BUG at",
  "kernel BUG at",
  "Unable to handle kernel paging request",
  "Unable to handle kernel NULL pointer dereference",
  "BUG: unable to handle kernel ",
  "general protection fault: ",
  "double fault: ",
  "divide error: ",
  "stack segment: ",
  "[Hardware Error]: ",
  "Bad mode in ",
  "Oops: ",
];

/** The log as crash's `log -t` lines (text only, one line per newline in a record). */
export function logTextLines(records: PrintkRecord[]): string[] {
  const lines: string[] = [];
  for (const r of records) for (const l of r.text.split("\n")) lines.push(l);
  return lines;
}

/** crash's get_panicmsg(): the first log line holding one of the panic strings, in their priority order. */
export function panicMessage(records: PrintkRecord[]): string | undefined {
  const lines = logTextLines(records);
  for (const m of PANIC_MESSAGES) {
    const line = lines.find((l) => l.includes(m));
    if (line !== undefined) return line;
  }
  return undefined;
}
