// FNV-1a, 32 bits: the hash of kdw's byte-keyed name indexes (the vmlinux's symbol names, BTF's names), which
// hash names as they lie in a string section, with no string made per name.
export const FNV_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a of the bytes, unsigned. */
export function fnv1a(b: Uint8Array): number {
  let h = FNV_BASIS;
  for (let k = 0; k < b.length; k++) h = Math.imul(h ^ b[k]!, FNV_PRIME);
  return h >>> 0;
}
