// Snappy pages: makedumpfile compresses each page with snappy_compress() (the raw Snappy format, no framing)
// and reads it with snappy_uncompressed_length() + snappy_uncompress().
//
// The decoder is written here from google/snappy's format_description.txt instead of calling snappyjs's
// uncompress(): snappyjs does not check that the elements produce exactly the preamble's length (typed-array
// writes past the end are dropped silently, a short stream leaves zeros), and a 4-byte literal length above
// 2^31 turns negative and walks its input position backwards, a loop of about 2^30 steps.
import { CodecError } from "../io/errors";

const CODEC = "snappy";

// format_description.txt, "2 The preamble" and "3 The compressed stream": element tags, low two bits.
const TAG_LITERAL = 0;
const TAG_COPY_1 = 1; // 3 + 8 bits of offset, length 4..11
const TAG_COPY_2 = 2; // 16-bit offset, length 1..64
// TAG_COPY_4 = 3: 32-bit offset, length 1..64
const MAX_VARINT_BYTES = 5; // the uncompressed length is a little-endian base-128 varint of at most 32 bits

function hex(n: number): string {
  return "0x" + n.toString(16);
}

/** Reads the preamble: the uncompressed length. Returns [length, bytes used]. */
export function snappyUncompressedLength(input: Uint8Array): [number, number] {
  let length = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (i >= input.length) throw new CodecError(CODEC, "truncated length preamble");
    const c = input[i]!;
    length += (c & 0x7f) * 2 ** (7 * i);
    if (c < 0x80) {
      if (length > 0xffffffff) break;
      return [length, i + 1];
    }
  }
  throw new CodecError(CODEC, "length preamble is not a 32-bit varint");
}

/** Decompresses a raw Snappy stream that must produce exactly `output.length` bytes. Allocates nothing. */
export function snappyDecompressInto(input: Uint8Array, output: Uint8Array): void {
  const [length, start] = snappyUncompressedLength(input);
  if (length !== output.length) {
    throw new CodecError(CODEC, `preamble says ${length} bytes, expected ${output.length}`);
  }
  const ipEnd = input.length;
  const opEnd = output.length;
  let ip = start;
  let op = 0;
  while (ip < ipEnd) {
    const tag = input[ip++]!;
    const kind = tag & 3;
    let len: number;
    if (kind === TAG_LITERAL) {
      len = (tag >> 2) + 1;
      if (len > 60) {
        // 60..63: the length minus one follows in 1..4 little-endian bytes.
        const n = len - 60;
        if (ipEnd - ip < n) throw new CodecError(CODEC, `truncated literal length at input offset ${hex(ip)}`);
        len = 0;
        for (let k = n - 1; k >= 0; k--) len = len * 256 + input[ip + k]!;
        len += 1;
        ip += n;
      }
      if (ipEnd - ip < len) throw new CodecError(CODEC, `literal of ${len} bytes runs past the input at offset ${hex(ip)}`);
      if (opEnd - op < len) throw new CodecError(CODEC, `literal of ${len} bytes overruns the output at offset ${hex(op)}`);
      for (const end = ip + len; ip < end; ) output[op++] = input[ip++]!;
      continue;
    }
    let offset: number;
    if (kind === TAG_COPY_1) {
      if (ip >= ipEnd) throw new CodecError(CODEC, `truncated copy at input offset ${hex(ip - 1)}`);
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | input[ip++]!;
    } else if (kind === TAG_COPY_2) {
      if (ipEnd - ip < 2) throw new CodecError(CODEC, `truncated copy at input offset ${hex(ip - 1)}`);
      len = (tag >> 2) + 1;
      offset = input[ip]! | (input[ip + 1]! << 8);
      ip += 2;
    } else {
      if (ipEnd - ip < 4) throw new CodecError(CODEC, `truncated copy at input offset ${hex(ip - 1)}`);
      len = (tag >> 2) + 1;
      offset = (input[ip]! | (input[ip + 1]! << 8) | (input[ip + 2]! << 16) | (input[ip + 3]! << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op) throw new CodecError(CODEC, `copy offset ${offset} at output offset ${hex(op)} is out of range`);
    if (opEnd - op < len) throw new CodecError(CODEC, `copy of ${len} bytes overruns the output at offset ${hex(op)}`);
    // Overlapping copies (offset < length) repeat the last `offset` bytes: copy forwards, byte by byte.
    for (let from = op - offset, end = op + len; op < end; ) output[op++] = output[from++]!;
  }
  if (op !== opEnd) throw new CodecError(CODEC, `stream ends after ${op} bytes, preamble says ${opEnd}`);
}
