// zlib pages: makedumpfile compresses each page with compress2() (RFC 1950 zlib wrapper around RFC 1951
// DEFLATE) and reads it back with uncompress(), which checks the Adler-32 trailer. fflate inflates; this file
// adds what fflate leaves out: the output length check and the Adler-32 check.
import { unzlibSync } from "fflate/browser"; // the build without Node's worker_threads (loaded at start-up for the async API kdw does not use)
import { CodecError } from "../io/errors";
import { asCodecError, checkExpectedSize, sizeMismatch } from "./codec-error";

const CODEC = "zlib";
// RFC 1950: CMF and FLG bytes, then DEFLATE data (an empty fixed block is 2 bytes), then the ADLER32 (4 bytes).
const ZLIB_MIN_LEN = 2 + 1 + 4;
const ADLER_MOD = 65521;
const ADLER_NMAX = 5552; // RFC 1950 / zlib adler32.c: the most bytes before the sums can overflow 32 bits

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  let i = 0;
  while (i < data.length) {
    const end = Math.min(i + ADLER_NMAX, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Inflates a zlib stream that must produce exactly `expectedSize` bytes. Returns a view of exactly that length
 * (over a buffer one byte longer: fflate writes into a fixed buffer without resizing, and the spare byte is how
 * an over-long stream shows).
 */
export function zlibDecompress(input: Uint8Array, expectedSize: number): Uint8Array {
  checkExpectedSize(CODEC, expectedSize);
  if (input.length < ZLIB_MIN_LEN) throw new CodecError(CODEC, `stream of ${input.length} bytes is shorter than a zlib header and trailer`);
  let out: Uint8Array;
  try {
    out = unzlibSync(input, { out: new Uint8Array(expectedSize + 1) });
  } catch (e) {
    throw asCodecError(CODEC, e);
  }
  if (out.length !== expectedSize) throw sizeMismatch(CODEC, out.length, expectedSize);
  const end = input.length;
  const stored = ((input[end - 4]! << 24) | (input[end - 3]! << 16) | (input[end - 2]! << 8) | input[end - 1]!) >>> 0;
  const actual = adler32(out);
  if (stored !== actual) {
    throw new CodecError(CODEC, `Adler-32 mismatch: stream says 0x${stored.toString(16)}, data gives 0x${actual.toString(16)}`);
  }
  return out;
}
