// The kernel log as columns, what the three readers (lockless.ts, records.ts, flat.ts) build: one entry per
// record in each typed array, the texts left where they lie (views of the ring or of log_buf, read once), and
// the few records that carry strings (a dev_printk() dictionary, a flat line's level prefix) listed apart.
// A production log has 10^5 records or more: the walk makes no object, string or BigInt per record, `log`
// prints from the columns as bytes (log-format.ts), and a record is made an object only when one is asked
// for (a page of the log query, tests): printkRecordAt, printkRecords.
import { latin1Chars, latin1String } from "../../io/latin1";
import { giveSpare, takeSpare } from "../../io/spare-buffer";
import type { WalkAborted } from "../../io/errors";
import type { PrintkLog, PrintkRecord } from "./printk";

/** A record's dictionary or level prefix (plain data: the table is part of the `log` command's result). */
export interface PrintkExtra {
  /** The record's index in the table. */
  record: number;
  /** dev_printk()'s dictionary: lockless dev_info, or the SUBSYSTEM=/DEVICE= entries of a printk_log dict. */
  subsystem?: string;
  device?: string;
  /** printk_log layout: the raw dictionary, NUL-separated KEY=value pairs. */
  dict?: string;
  /** Flat layout: the level prefix (`<4>`) as stored before the text. */
  prefix?: string;
}

export interface PrintkTable {
  count: number;
  /** printk_info.seq (lockless), or the record's position in the walk from the first sequence number. */
  seq: BigUint64Array;
  /** ns since boot (local_clock()); 0 for the flat layout, whose timestamps are in the text. */
  tsNsec: BigUint64Array;
  /** Syslog level, facility and flags (LOG_NEWLINE, LOG_CONT, …); -1 where the record or layout has none. */
  level: Int16Array;
  facility: Int16Array;
  flags: Int16Array;
  /** Thread id, or CPU id with bit 31 set (PRINTK_CALLER); absent when the layout has no caller_id. */
  callerId?: Uint32Array;
  /** Lockless: 1 for a descriptor with no text block (crash prints an empty line for it, without a timestamp). */
  dataless?: Uint8Array;
  /**
   * The bytes the texts lie in (the text ring as read, log_buf, or the flat text): taken as one sequence,
   * record k's text (Latin-1) is [textAt[k], textAt[k] + textLen[k]), never across two segments.
   */
  segments: Uint8Array[];
  textAt: Uint32Array;
  textLen: Uint32Array;
  /** Lockless with printk_info.dev_info: a record not in `extras` has empty subsystem and device strings. */
  devInfo: boolean;
  /** The records with a dictionary or a prefix, in record order (most records have neither). */
  extras: PrintkExtra[];
}

/** Whether this host stores a u64 low word first (every platform kdw runs on; checked, not assumed). */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN_HOST ? 0 : 1;
const HI = 1 - LO;

/** A BigUint64Array's words as u32 halves: `halves(a)[2k + LO]` is element k's low word, on any host. */
export function halves(a: BigUint64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** Index of the low and high word of element k in `halves()`. */
export const WORD = { lo: LO, hi: HI } as const;

export interface TableOptions {
  callerId: boolean;
  dataless: boolean;
  devInfo: boolean;
  /** The bytes the texts lie in, when the reader read them (records are added with their offsets). */
  segments: Uint8Array[];
}

/**
 * Builds a table record by record: `add` fills one row (its text already in a segment), `addText` one whose
 * text the reader made (flat lines, blocks outside what was read), kept in a segment of the builder's own.
 * Arrays grow by doubling from `capacity`; `finish` trims them (views, no copy).
 */
export class PrintkTableBuilder {
  count = 0;
  private cap: number;
  private seq: BigUint64Array;
  private seq32: Uint32Array;
  private ts: BigUint64Array;
  private ts32: Uint32Array;
  private level: Int16Array;
  private facility: Int16Array;
  private flags: Int16Array;
  private callerId: Uint32Array | undefined;
  private dataless: Uint8Array | undefined;
  private textAt: Uint32Array;
  private textLen: Uint32Array;
  private readonly extras: PrintkExtra[] = [];
  private readonly segments: Uint8Array[];
  /** Where the builder's own segment starts in the sequence of segments, and its bytes so far. */
  private readonly ownBase: number;
  private own = new Uint8Array(0);
  private ownLen = 0;

  constructor(
    capacity: number,
    private readonly options: TableOptions,
  ) {
    this.cap = Math.max(16, capacity);
    this.seq = new BigUint64Array(this.cap);
    this.seq32 = halves(this.seq);
    this.ts = new BigUint64Array(this.cap);
    this.ts32 = halves(this.ts);
    this.level = new Int16Array(this.cap);
    this.facility = new Int16Array(this.cap);
    this.flags = new Int16Array(this.cap);
    this.callerId = options.callerId ? new Uint32Array(this.cap) : undefined;
    this.dataless = options.dataless ? new Uint8Array(this.cap) : undefined;
    this.textAt = new Uint32Array(this.cap);
    this.textLen = new Uint32Array(this.cap);
    this.segments = options.segments;
    this.ownBase = options.segments.reduce((n, s) => n + s.length, 0);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const more = <T extends BigUint64Array | Int16Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.seq = more(this.seq, (n) => new BigUint64Array(n));
    this.seq32 = halves(this.seq);
    this.ts = more(this.ts, (n) => new BigUint64Array(n));
    this.ts32 = halves(this.ts);
    this.level = more(this.level, (n) => new Int16Array(n));
    this.facility = more(this.facility, (n) => new Int16Array(n));
    this.flags = more(this.flags, (n) => new Int16Array(n));
    if (this.callerId) this.callerId = more(this.callerId, (n) => new Uint32Array(n));
    if (this.dataless) this.dataless = more(this.dataless, (n) => new Uint8Array(n));
    this.textAt = more(this.textAt, (n) => new Uint32Array(n));
    this.textLen = more(this.textLen, (n) => new Uint32Array(n));
    this.cap = cap;
  }

  /**
   * One record; u64s as 32-bit halves, -1 for a level, facility or flags the record lacks, its text at
   * `textAt` (in the segments as one sequence) for `textLen` bytes. Returns its index.
   */
  add(seqLo: number, seqHi: number, tsLo: number, tsHi: number, level: number, facility: number, flags: number, callerId: number, textAt: number, textLen: number): number {
    if (this.count === this.cap) this.grow();
    const k = this.count++;
    this.seq32[2 * k + LO] = seqLo;
    this.seq32[2 * k + HI] = seqHi;
    this.ts32[2 * k + LO] = tsLo;
    this.ts32[2 * k + HI] = tsHi;
    this.level[k] = level;
    this.facility[k] = facility;
    this.flags[k] = flags;
    if (this.callerId) this.callerId[k] = callerId;
    this.textAt[k] = textAt;
    this.textLen[k] = textLen;
    return k;
  }

  /** Record `k` has no text block (lockless). */
  markDataless(k: number): void {
    if (this.dataless) this.dataless[k] = 1;
  }

  /** Where the next `addText` bytes go (for `add`). */
  get ownTextAt(): number {
    return this.ownBase + this.ownLen;
  }

  /** Appends text bytes to the builder's own segment (each byte below 256). */
  appendText(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.ownLen + n > this.own.length) {
      const bigger = new Uint8Array(Math.max(2 * this.own.length, this.ownLen + n, 256));
      bigger.set(this.own.subarray(0, this.ownLen));
      this.own = bigger;
    }
    this.own.set(bytes.subarray(start, end), this.ownLen);
    this.ownLen += n;
  }

  /** Appends one byte to the builder's own segment. */
  appendByte(b: number): void {
    if (this.ownLen === this.own.length) {
      const bigger = new Uint8Array(Math.max(2 * this.own.length, 256));
      bigger.set(this.own);
      this.own = bigger;
    }
    this.own[this.ownLen++] = b;
  }

  /** Record `k`'s strings (call in record order). */
  extra(k: number, e: Omit<PrintkExtra, "record">): void {
    this.extras.push({ record: k, ...e });
  }

  finish(): PrintkTable {
    const n = this.count;
    const segments = this.ownLen > 0 ? [...this.segments, this.own.subarray(0, this.ownLen)] : this.segments;
    const t: PrintkTable = {
      count: n,
      seq: this.seq.subarray(0, n),
      tsNsec: this.ts.subarray(0, n),
      level: this.level.subarray(0, n),
      facility: this.facility.subarray(0, n),
      flags: this.flags.subarray(0, n),
      segments,
      textAt: this.textAt.subarray(0, n),
      textLen: this.textLen.subarray(0, n),
      devInfo: this.options.devInfo,
      extras: this.extras,
    };
    if (this.callerId) t.callerId = this.callerId.subarray(0, n);
    if (this.dataless) t.dataless = this.dataless.subarray(0, n);
    return t;
  }
}

/** The segment holding the text at `at` (in the segments as one sequence) and the offset in it. */
export function segmentAt(t: PrintkTable, at: number): { bytes: Uint8Array; offset: number } {
  let offset = at;
  for (const s of t.segments) {
    if (offset < s.length) return { bytes: s, offset };
    offset -= s.length;
  }
  return { bytes: new Uint8Array(0), offset: 0 };
}

/** Record k's text as Latin-1. */
export function recordText(t: PrintkTable, k: number): string {
  const len = t.textLen[k]!;
  if (len === 0) return "";
  const { bytes, offset } = segmentAt(t, t.textAt[k]!);
  return latin1Chars(bytes, offset, offset + len);
}

/** Every record's text joined by newlines, and where each starts in it: made once per table. */
export interface JoinedText {
  text: string;
  /** starts[k]: where record k's text starts in `text` (starts[count] is text.length + 1). */
  starts: Float64Array;
}

const JOINED = new WeakMap<PrintkTable, JoinedText>();
const EMPTY = new Uint8Array(0);

/**
 * The records' texts joined by newlines, decoded as one string (one native decode, not a string per record):
 * what the panic search reads, and what records' texts are slices of. The texts of a table never exceed the
 * memory they were read from (the readers stop at overlapping text), so this is bounded by the log's size.
 */
export function joinedText(t: PrintkTable): JoinedText {
  let j = JOINED.get(t);
  if (j) return j;
  const n = t.count;
  const starts = new Float64Array(n + 1);
  let total = 0;
  for (let k = 0; k < n; k++) {
    starts[k] = total;
    total += t.textLen[k]! + 1;
  }
  starts[n] = total;
  // In the process's spare buffer when it is large enough (a log printed before left one): not zeroed.
  const length = Math.max(0, total - 1);
  const bytes = takeSpare(length) ?? new Uint8Array(length);
  let seg = 0;
  let segStart = 0;
  for (let k = 0; k < n; k++) {
    const len = t.textLen[k]!;
    if (k > 0) bytes[starts[k]! - 1] = 0x0a;
    if (len === 0) continue;
    const to = starts[k]!;
    const at = t.textAt[k]!;
    // Texts are mostly in segment order: find the segment from the last one, else from the start.
    if (at < segStart) {
      seg = 0;
      segStart = 0;
    }
    while (seg < t.segments.length && at - segStart >= t.segments[seg]!.length) segStart += t.segments[seg++]!.length;
    // A text not all in a segment (never: the readers make sure) reads as zeros where it is not.
    const text = t.segments[seg]?.subarray(at - segStart, at - segStart + len) ?? EMPTY;
    bytes.set(text, to);
    if (text.length < len) bytes.fill(0, to + text.length, to + len);
  }
  j = { text: latin1String(bytes.subarray(0, length)), starts };
  giveSpare(bytes);
  JOINED.set(t, j);
  return j;
}

/** The record whose text holds the joined text's position `pos` (binary search over the starts). */
export function recordAtPosition(j: JoinedText, pos: number): number {
  let lo = 0;
  let hi = j.starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (j.starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Record k as an object; its text a slice of `joined` when given (no decode per record). */
export function printkRecordAt(t: PrintkTable, k: number, joined?: JoinedText, extra?: PrintkExtra): PrintkRecord {
  const level = t.level[k]!;
  const facility = t.facility[k]!;
  const flags = t.flags[k]!;
  const start = joined?.starts[k];
  const r: PrintkRecord = {
    seq: t.seq[k]!,
    tsNsec: t.tsNsec[k]!,
    text: joined && start !== undefined ? joined.text.slice(start, start + t.textLen[k]!) : recordText(t, k),
  };
  if (level >= 0) r.level = level;
  if (facility >= 0) r.facility = facility;
  if (flags >= 0) r.flags = flags;
  if (t.callerId) r.callerId = t.callerId[k]!;
  if (t.dataless?.[k]) r.dataless = true;
  if (t.devInfo) {
    r.subsystem = "";
    r.device = "";
  }
  const e = extra ?? extraOf(t, k);
  if (e) {
    if (e.subsystem !== undefined) r.subsystem = e.subsystem;
    if (e.device !== undefined) r.device = e.device;
    if (e.dict !== undefined) r.dict = e.dict;
    if (e.prefix !== undefined) r.prefix = e.prefix;
  }
  return r;
}

/** Record k's extra strings, if it has any (binary search: extras are in record order). */
export function extraOf(t: PrintkTable, k: number): PrintkExtra | undefined {
  const x = t.extras;
  let lo = 0;
  let hi = x.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = x[mid]!.record;
    if (r === k) return x[mid];
    if (r < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Records [from, to) as objects. */
export function printkRecords(t: PrintkTable, from = 0, to = t.count): PrintkRecord[] {
  const joined = to - from > 64 ? joinedText(t) : undefined;
  const out: PrintkRecord[] = [];
  for (let k = Math.max(0, from); k < Math.min(to, t.count); k++) out.push(printkRecordAt(t, k, joined));
  return out;
}

/** A log read into `table` (what the readers return), its records made as objects only when asked for. */
export function printkLog(layout: PrintkLog["layout"], table: PrintkTable, zeroFilledPages: number, stopped?: WalkAborted): PrintkLog {
  let records: PrintkRecord[] | undefined;
  return {
    layout,
    table,
    get records(): readonly PrintkRecord[] {
      return (records ??= printkRecords(table));
    },
    zeroFilledPages,
    ...(stopped ? { stopped } : {}),
  };
}
