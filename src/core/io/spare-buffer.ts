// One large byte buffer kept from one large, short-lived use for the next: on a busy machine the kernel's
// faulting in of fresh pages costs more than writing them (a 16 MiB log's text is 4,000 of them), so the
// builders of large texts (commands/shared/text-builder.ts, the kernel log's joined text) write into memory
// the process already has. Only buffers of SPARE_MIN..SPARE_MAX bytes are kept, one at a time. A taker owns
// the buffer until it gives it back, holds no view of it after, and must not assume its bytes are zero.

let spare: Uint8Array | undefined;
const SPARE_MIN = 1 << 20;
const SPARE_MAX = 1 << 26;

/** The spare buffer when it holds at least `minLength` bytes (and `minLength` is worth it); else undefined. */
export function takeSpare(minLength: number): Uint8Array | undefined {
  if (minLength < SPARE_MIN || spare === undefined || spare.length < minLength) return undefined;
  const b = spare;
  spare = undefined;
  return b;
}

/** Keeps `b` as the spare when it is the larger one in SPARE_MIN..SPARE_MAX (the giver holds no view of it). */
export function giveSpare(b: Uint8Array): void {
  if (b.length >= SPARE_MIN && b.length <= SPARE_MAX && (spare === undefined || spare.length < b.length)) spare = b;
}
