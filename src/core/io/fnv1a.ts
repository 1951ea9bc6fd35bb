// FNV-1a, 32 bits: the hash of kdw's byte-keyed name indexes (the vmlinux's symbol names, BTF's names), which
// hash names as they lie in a string section, with no string made per name.
import { HOST_LITTLE_ENDIAN } from "./little-endian";

export const FNV_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a of the bytes [start, end), unsigned. */
export function fnv1a(b: Uint8Array, start = 0, end = b.length): number {
  let h = FNV_BASIS;
  for (let k = start; k < end; k++) h = Math.imul(h ^ b[k]!, FNV_PRIME);
  return h >>> 0;
}

/**
 * FNV-1a over the little-endian 32-bit words of `bytes` (a multiple of 4 long) from word `from`, leaving out
 * word `skip` (where the checksum itself is kept): a cache image's integrity check. A change to any one word
 * changes it (each step is a bijection of the state).
 */
export function wordChecksum(bytes: Uint8Array, from: number, skip: number): number {
  let h = FNV_BASIS;
  const n = bytes.length >>> 2;
  if (HOST_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = from; i < n; i++) if (i !== skip) h = Math.imul(h ^ words[i]!, FNV_PRIME);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, n * 4);
    for (let i = from; i < n; i++) if (i !== skip) h = Math.imul(h ^ view.getUint32(i * 4, true), FNV_PRIME);
  }
  return h >>> 0;
}
