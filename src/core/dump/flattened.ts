// makedumpfile's flattened format (makedumpfile -F, and QEMU's `dump-guest-memory -z`), read in place.
// Layout (makedumpfile.h, QEMU's include/sysemu/dump.h): a 4096-byte makedumpfile_header (signature
// "makedumpfile", then type and version as big-endian int64), then records — makedumpfile_data_header
// {offset, buf_size}, big-endian int64 each, followed by buf_size bytes that belong at `offset` of the
// kdump-compressed file — and an end marker with offset = buf_size = -1. `makedumpfile -R` replays the records
// in order with pwrite; here they are indexed once instead (sorted logical ranges -> physical offsets), and
// the rearranged file is a ByteSource. Where two records overlap the later one wins, as with -R (makedumpfile
// rewrites the kdump_sub_header when it appends erase info); bytes no record covers read as zeros (holes of
// the rearranged file, e.g. the rest of block 0 after disk_dump_header).
import { checkRange, readTransient, type ByteSource } from "../io/byte-source";
import { DumpFormatError, TruncatedError } from "../io/errors";

export const MAKEDUMPFILE_SIGNATURE = "makedumpfile";
const SIG_LEN_MDF = 16; // makedumpfile_header.signature[16]: "makedumpfile" rounded up to 8
const TYPE_OFF = 16; // makedumpfile_header.type
const VERSION_OFF = 24; // makedumpfile_header.version
export const MAX_SIZE_MDF_HEADER = 4096;
const TYPE_FLAT_HEADER = 1;
const VERSION_FLAT_HEADER = 1;
const DATA_OFFSET_OFF = 0; // makedumpfile_data_header.offset
const DATA_BUF_SIZE_OFF = 8; // makedumpfile_data_header.buf_size
export const DATA_HEADER_SIZE = 16;
const END_FLAG_FLAT_HEADER = -1;
const TWO_32 = 0x1_0000_0000;

/** True when `bytes` (the start of a file) carry the flattened-format signature. */
export function isFlattened(bytes: Uint8Array): boolean {
  if (bytes.length < SIG_LEN_MDF) return false;
  for (let i = 0; i < MAKEDUMPFILE_SIGNATURE.length; i++) if (bytes[i] !== MAKEDUMPFILE_SIGNATURE.charCodeAt(i)) return false;
  return bytes[MAKEDUMPFILE_SIGNATURE.length] === 0;
}

/** A big-endian int64 as a number, or null when it does not fit 53 bits. */
function readI64BE(view: DataView, off: number): number | null {
  const hi = view.getInt32(off, false);
  const lo = view.getUint32(off + 4, false);
  if (hi >= 0x20_0000 || hi < -0x20_0000) return null;
  return hi * TWO_32 + lo;
}

/** Growable typed columns for the record table (one entry per record, many records). */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** The rearranged (logical) kdump-compressed file inside a flattened one. Offsets in messages are logical. */
export class FlattenedSource implements ByteSource {
  readonly name: string;
  /** Logical size: the end of the last byte any record writes. */
  readonly size: number;
  /** Records in the file (before overlaps are resolved). */
  readonly recordCount: number;
  /** Records that overlap one sorted before them (the later record's bytes win). */
  readonly overlaps: number;
  // Disjoint segments sorted by logical start; segPhys is the physical offset of the byte at segStart.
  private readonly segStart: Float64Array;
  private readonly segEnd: Float64Array;
  private readonly segPhys: Float64Array;

  /** The stream ends before its end marker (only with allowTruncated): the records up to there are read. */
  readonly truncated: boolean = false;

  constructor(
    readonly inner: ByteSource,
    options: { allowTruncated?: boolean } = {},
  ) {
    const file = inner.name;
    this.name = `${file} (rearranged)`;
    if (inner.size < MAX_SIZE_MDF_HEADER) throw new TruncatedError(file, 0, MAX_SIZE_MDF_HEADER, inner.size);
    const head = inner.read(0, SIG_LEN_MDF + 16);
    if (!isFlattened(head)) throw new DumpFormatError(file, 0, `not a flattened dump: no "${MAKEDUMPFILE_SIGNATURE}" signature`);
    const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const type = readI64BE(hv, TYPE_OFF);
    if (type !== TYPE_FLAT_HEADER) throw new DumpFormatError(file, TYPE_OFF, `makedumpfile_header.type is ${type ?? "out of range"}, not ${TYPE_FLAT_HEADER} (flattened)`);
    const version = readI64BE(hv, VERSION_OFF);
    if (version !== VERSION_FLAT_HEADER) throw new DumpFormatError(file, VERSION_OFF, `makedumpfile_header.version ${version ?? "out of range"} is not supported (known: ${VERSION_FLAT_HEADER})`);

    // Pass 1: the records in file order. Each costs one 16-byte read; the count is bounded by size / 17.
    const start = new Column();
    const len = new Column();
    const phys = new Column();
    let p = MAX_SIZE_MDF_HEADER;
    for (;;) {
      if (p + DATA_HEADER_SIZE > inner.size) {
        if (options.allowTruncated) {
          this.truncated = true;
          break;
        }
        throw new TruncatedError(file, p, DATA_HEADER_SIZE, inner.size);
      }
      const h = inner.read(p, DATA_HEADER_SIZE);
      const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
      const offset = readI64BE(view, DATA_OFFSET_OFF);
      const bufSize = readI64BE(view, DATA_BUF_SIZE_OFF);
      if (offset === END_FLAG_FLAT_HEADER && bufSize === END_FLAG_FLAT_HEADER) break;
      if (offset === null || offset < 0) throw new DumpFormatError(file, p + DATA_OFFSET_OFF, `record offset ${offset ?? "out of range"} is invalid (neither a file offset nor the end marker)`);
      if (bufSize === null || bufSize <= 0) throw new DumpFormatError(file, p + DATA_BUF_SIZE_OFF, `record buf_size ${bufSize ?? "out of range"} is invalid`);
      if (!Number.isSafeInteger(offset + bufSize)) throw new DumpFormatError(file, p, `record [${offset}, +${bufSize}) ends past 2^53`);
      const data = p + DATA_HEADER_SIZE;
      if (bufSize > inner.size - data) {
        // A record cut in two is dropped whole: half a compressed page is no page.
        if (options.allowTruncated) {
          this.truncated = true;
          break;
        }
        throw new TruncatedError(file, data, bufSize, inner.size);
      }
      start.push(offset);
      len.push(bufSize);
      phys.push(data);
      p = data + bufSize;
    }
    this.recordCount = start.length;
    const resolved = resolveSegments(start.trimmed(), len.trimmed(), phys.trimmed());
    this.segStart = resolved.segStart;
    this.segEnd = resolved.segEnd;
    this.segPhys = resolved.segPhys;
    this.overlaps = resolved.overlaps;
    this.size = this.segEnd.length ? this.segEnd[this.segEnd.length - 1]! : 0;
  }

  /** Number of disjoint logical segments after resolving overlaps. */
  get segmentCount(): number {
    return this.segStart.length;
  }

  /** Index of the last segment starting at or before `offset`, or -1. */
  private findSegment(offset: number): number {
    let lo = 0;
    let hi = this.segStart.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segStart[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Physical offset in the flattened file of logical `offset`, or null when no record writes that byte. */
  physicalOffset(offset: number): number | null {
    const i = this.findSegment(offset);
    if (i < 0 || offset >= this.segEnd[i]!) return null;
    return this.segPhys[i]! + (offset - this.segStart[i]!);
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    const end = offset + length;
    let i = this.findSegment(offset);
    // The common case, one record holds the whole read: a view of the inner source's bytes, no copy here.
    if (i >= 0 && end <= this.segEnd[i]!) return this.inner.read(this.segPhys[i]! + (offset - this.segStart[i]!), length);
    const out = new Uint8Array(length);
    if (i < 0 || offset >= this.segEnd[i]!) i++;
    for (; i < this.segStart.length && this.segStart[i]! < end; i++) {
      const from = Math.max(offset, this.segStart[i]!);
      const to = Math.min(end, this.segEnd[i]!);
      out.set(this.inner.read(this.segPhys[i]! + (from - this.segStart[i]!), to - from), from - offset);
    }
    return out;
  }

  /** The inner source's buffers mapped (ByteSource.prefault). */
  prefault(): void {
    this.inner.prefault?.();
  }

  /** read(), through the inner source's reused buffer when one record holds the whole read. */
  readTransient(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    const i = this.findSegment(offset);
    if (i >= 0 && offset + length <= this.segEnd[i]!) return readTransient(this.inner, this.segPhys[i]! + (offset - this.segStart[i]!), length);
    return this.read(offset, length);
  }
}

interface Segments {
  segStart: Float64Array;
  segEnd: Float64Array;
  segPhys: Float64Array;
  overlaps: number;
}

/** Sorts records by logical offset and, where they overlap, keeps the bytes of the later record. */
function resolveSegments(start: Float64Array, len: Float64Array, phys: Float64Array): Segments {
  const n = start.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => start[a]! - start[b]! || a - b);
  // A record overlaps when it starts before the furthest end of the records sorted before it.
  let overlaps = 0;
  let furthest = 0;
  for (let k = 0; k < n; k++) {
    const r = order[k]!;
    if (k > 0 && start[r]! < furthest) overlaps++;
    furthest = Math.max(furthest, start[r]! + len[r]!);
  }
  if (overlaps === 0) {
    const segStart = new Float64Array(n);
    const segEnd = new Float64Array(n);
    const segPhys = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const r = order[k]!;
      segStart[k] = start[r]!;
      segEnd[k] = start[r]! + len[r]!;
      segPhys[k] = phys[r]!;
    }
    return { segStart, segEnd, segPhys, overlaps: 0 };
  }

  // Sweep over the sorted records with a max-heap of the active ones keyed by record number (later wins).
  // Between two boundaries (a record's start, the winner's end) the winner cannot change.
  const heap = new Uint32Array(n);
  let heapLen = 0;
  const push = (r: number) => {
    let i = heapLen++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! >= r) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = r;
  };
  const pop = () => {
    const last = heap[--heapLen]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= heapLen) break;
      if (c + 1 < heapLen && heap[c + 1]! > heap[c]!) c++;
      if (heap[c]! <= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  };
  const segStart: number[] = [];
  const segEnd: number[] = [];
  const segPhys: number[] = [];
  let k = 0;
  let x = start[order[0]!]!;
  for (;;) {
    while (k < n && start[order[k]!]! <= x) push(order[k++]!);
    while (heapLen > 0 && start[heap[0]!]! + len[heap[0]!]! <= x) pop();
    if (heapLen === 0) {
      if (k >= n) break;
      x = start[order[k]!]!;
      continue;
    }
    const top = heap[0]!;
    const topEnd = start[top]! + len[top]!;
    const next = k < n ? Math.min(topEnd, start[order[k]!]!) : topEnd;
    const at = phys[top]! + (x - start[top]!);
    const last = segEnd.length - 1;
    if (last >= 0 && segEnd[last] === x && segPhys[last]! + (x - segStart[last]!) === at) segEnd[last] = next;
    else {
      segStart.push(x);
      segEnd.push(next);
      segPhys.push(at);
    }
    x = next;
  }
  return { segStart: Float64Array.from(segStart), segEnd: Float64Array.from(segEnd), segPhys: Float64Array.from(segPhys), overlaps };
}
