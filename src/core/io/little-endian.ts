// Little-endian fields out of a byte buffer, by offset: the one set of decoders every reader of kernel memory
// and of x86_64 formats uses (a `Uint8Array` from a page cache or a read, not necessarily aligned). Offsets past
// the buffer throw a RangeError, as a DataView does: callers size their reads to what they decode.

const TWO_32 = 0x1_0000_0000;

/** A DataView over exactly the bytes of `b` (b may be a subarray of a larger buffer). */
export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function u16le(b: Uint8Array, off: number): number {
  return dataView(b).getUint16(off, true);
}

export function u32le(b: Uint8Array, off: number): number {
  return dataView(b).getUint32(off, true);
}

export function s32le(b: Uint8Array, off: number): number {
  return dataView(b).getInt32(off, true);
}

export function u64le(b: Uint8Array, off: number): bigint {
  return dataView(b).getBigUint64(off, true);
}

export function s64le(b: Uint8Array, off: number): bigint {
  return dataView(b).getBigInt64(off, true);
}

/** Little-endian 64-bit read of a number-sized value from a DataView without BigInt (hot paths). */
export function readU64Number(view: DataView, off: number): number {
  return view.getUint32(off + 4, true) * TWO_32 + view.getUint32(off, true);
}
