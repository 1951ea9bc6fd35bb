// Little-endian fields out of a byte buffer, by offset: the one set of decoders every reader of kernel memory
// and of x86_64 formats uses (a `Uint8Array` from a page cache or a read, not necessarily aligned). Offsets past
// the buffer throw a RangeError, as a DataView does: callers size their reads to what they decode.

const TWO_32 = 0x1_0000_0000;

/** True on a little-endian host: a typed array over little-endian words then reads them as they are. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A DataView over exactly the bytes of `b` (b may be a subarray of a larger buffer). */
export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

// These run for every word a walker reads (hundreds of thousands per command on a large dump), so they make
// no DataView per call: 16- and 32-bit fields are assembled from the bytes, 64-bit ones read through one
// DataView over the whole underlying buffer, kept for the next call on the same buffer (the same page).

let lastBuffer: ArrayBufferLike | undefined;
let lastView: DataView | undefined;

/** A DataView over the whole buffer under `b` (index it at b.byteOffset + off), kept for the next call. */
export function wholeView(b: Uint8Array): DataView {
  if (b.buffer !== lastBuffer || lastView === undefined) {
    lastView = new DataView(b.buffer);
    lastBuffer = b.buffer;
  }
  return lastView;
}

function check(b: Uint8Array, off: number, n: number): void {
  if (!(off >= 0 && off + n <= b.length)) throw new RangeError(`offset ${off} + ${n} is outside a buffer of ${b.length} bytes`);
}

export function u16le(b: Uint8Array, off: number): number {
  check(b, off, 2);
  return b[off]! | (b[off + 1]! << 8);
}

export function u32le(b: Uint8Array, off: number): number {
  check(b, off, 4);
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

export function s32le(b: Uint8Array, off: number): number {
  check(b, off, 4);
  return b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
}

export function u64le(b: Uint8Array, off: number): bigint {
  check(b, off, 8);
  return wholeView(b).getBigUint64(b.byteOffset + off, true);
}

export function s64le(b: Uint8Array, off: number): bigint {
  check(b, off, 8);
  return wholeView(b).getBigInt64(b.byteOffset + off, true);
}

/** Little-endian 64-bit read of a number-sized value from a DataView without BigInt (hot paths). */
export function readU64Number(view: DataView, off: number): number {
  return view.getUint32(off + 4, true) * TWO_32 + view.getUint32(off, true);
}
