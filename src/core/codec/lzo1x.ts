// LZO1X decompressor, the format makedumpfile writes with liblzo2's lzo1x_1_compress() and reads back with
// lzo1x_decompress_safe(). Written for kdw from the stream description in the Linux kernel's
// Documentation/staging/lzo.rst and the behaviour of lib/lzo/lzo1x_decompress_safe.c (including the LZO-RLE
// bitstream, version 1, kernel 5.1+).
//
// The stream is a sequence of instructions. An instruction's opcode byte selects a literal run or a copy from
// the output already produced (a "match"); most matches carry in their low two bits ("S", kept in `next`) the
// number (0..3) of literals that follow them. What the next opcode 0..15 means depends on how many literals the
// previous instruction copied (`state`: 0, 1..3, or 4 for "4 or more"). The stream ends with the match of
// distance 0 (`0x11 0x00 0x00`).
//
// Safety: every read of the input and every write of the output is bounds-checked; a match may not reach
// before the start of the output; the end marker must be present and be the last byte of the input. Like the
// kernel (and unlike liblzo2, which stops at any distance-0 match) the end marker must have length 3.
// Termination: every instruction consumes at least two input bytes and writes only inside the output, so the
// work is bounded by the input length plus the output capacity.
import { CodecError } from "../io/errors";

const CODEC = "lzo";

// lib/lzo/lzodefs.h
const M2_MAX_OFFSET = 0x0800; // largest distance of a 0b01LDDDSS / 0b1LLDDDSS match
const M4_BASE_DISTANCE = 0x4000; // the 0b0001HLLL match adds this to its distance
const MIN_ZERO_RUN_LENGTH = 4; // LZO-RLE: the shortest zero run it encodes
// The end marker, 0b00010001 with a zero LE16 distance, is 3 bytes: the kernel's decoder keeps at least that
// much input available at each instruction, so the opcode and its 1- or 2-byte operand need no separate check.
const END_MARKER_LEN = 3;
// A stream that starts with 17 and has at least this many bytes carries a bitstream version byte next
// (lzo.rst "First byte encoding"; 17 can never start a classic stream that is longer than the bare end marker).
const VERSIONED_MIN_LEN = 5;
const VERSION_MARKER = 17;

function hex(n: number): string {
  return "0x" + n.toString(16);
}

function inputOverrun(ip: number, inputLen: number): CodecError {
  return new CodecError(CODEC, `input overrun at input offset ${hex(ip)} (input is ${inputLen} bytes)`);
}

function outputOverrun(op: number, want: number, outputLen: number): CodecError {
  return new CodecError(CODEC, `output overrun: ${want} more bytes at output offset ${hex(op)} exceed ${outputLen}`);
}

function lookbehindOverrun(op: number, distance: number): CodecError {
  return new CodecError(CODEC, `lookbehind overrun: match distance ${distance} at output offset ${hex(op)}`);
}

/**
 * Decompresses one LZO1X (or LZO-RLE) stream into `output`, whose length is the most the stream may produce.
 * Returns the number of bytes written. Throws CodecError on any malformed stream, including trailing bytes
 * after the end marker. Allocates nothing.
 */
export function lzo1xDecompressInto(input: Uint8Array, output: Uint8Array): number {
  const ipEnd = input.length;
  const opEnd = output.length;
  let ip = 0;
  let op = 0;
  let t: number; // opcode, then a length
  let next: number; // literals to copy after the current match (0..3)
  let state = 0; // literals copied by the previous instruction: 0, 1..3, or 4 meaning "4 or more"
  let mPos: number; // where the current match copies from
  let rle = false;

  if (ipEnd < END_MARKER_LEN) throw inputOverrun(0, ipEnd);
  if (ipEnd >= VERSIONED_MIN_LEN && input[0] === VERSION_MARKER) {
    rle = input[1] !== 0; // lib/lzo/lzo1x_decompress_safe.c: any nonzero version enables zero runs
    ip = 2;
  }

  // First instruction: a byte above 17 is a literal run of (byte - 17) bytes, since there is no dictionary yet.
  if (input[ip] > 17) {
    t = input[ip++] - 17;
    if (ipEnd - ip < t + END_MARKER_LEN) throw inputOverrun(ip, ipEnd);
    if (opEnd - op < t) throw outputOverrun(op, t, opEnd);
    for (const end = ip + t; ip < end; ) output[op++] = input[ip++];
    state = t < 4 ? t : 4;
  }

  for (;;) {
    // Invariant: ipEnd - ip >= END_MARKER_LEN here.
    t = input[ip++];
    let len: number;
    if (t < 16) {
      if (state === 0) {
        // 0000LLLL: a literal run of 3 + L bytes, or of 18 + 255 * (zero bytes) + (first nonzero byte) if L == 0.
        if (t === 0) {
          let zeros = 0;
          while (input[ip] === 0) {
            zeros += 255;
            ip++;
            if (ip >= ipEnd) throw inputOverrun(ip, ipEnd);
          }
          t = 15 + zeros + input[ip++];
        }
        t += 3;
        if (ipEnd - ip < t + END_MARKER_LEN) throw inputOverrun(ip, ipEnd);
        if (opEnd - op < t) throw outputOverrun(op, t, opEnd);
        for (const end = ip + t; ip < end; ) output[op++] = input[ip++];
        state = 4;
        continue;
      }
      next = t & 3;
      if (state !== 4) {
        // 0000DDSS after 1..3 literals: copy 2 bytes from distance (H << 2) + D + 1.
        mPos = op - 1 - (t >> 2) - (input[ip++] << 2);
        len = 2;
      } else {
        // 0000DDSS after 4+ literals: copy 3 bytes from distance (H << 2) + D + 2049.
        mPos = op - 1 - M2_MAX_OFFSET - (t >> 2) - (input[ip++] << 2);
        len = 3;
      }
    } else if (t >= 64) {
      // 01LDDDSS / 1LLDDDSS: copy 3 + (t >> 5) - 1 bytes, i.e. 3..8, from distance (H << 3) + D + 1.
      next = t & 3;
      mPos = op - 1 - ((t >> 2) & 7) - (input[ip++] << 3);
      len = (t >> 5) + 1;
    } else if (t >= 32) {
      // 001LLLLL + LE16 (DDDDDDDD DDDDDDSS): copy 2 + L bytes from distance D + 1.
      len = t & 31;
      if (len === 0) {
        let zeros = 0;
        while (input[ip] === 0) {
          zeros += 255;
          ip++;
          if (ip >= ipEnd) throw inputOverrun(ip, ipEnd);
        }
        len = 31 + zeros + input[ip++];
        if (ipEnd - ip < 2) throw inputOverrun(ip, ipEnd);
      }
      len += 2;
      next = input[ip] | (input[ip + 1] << 8);
      ip += 2;
      mPos = op - 1 - (next >> 2);
      next &= 3;
    } else {
      // 0001HLLL + LE16: copy 2 + L bytes from distance 16384 + (H << 14) + D; distance 16384 ends the stream.
      next = input[ip] | (input[ip + 1] << 8);
      if (rle && (t & 0xf8) === 0x18 && (next & 0xfffc) === 0xfffc) {
        // LZO-RLE: H = 1 and D all ones is a run of ((X << 3) | L) + 4 zero bytes, X the byte after the LE16.
        if (ipEnd - ip < 3) throw inputOverrun(ip, ipEnd);
        len = ((input[ip + 2] << 3) | (t & 7)) + MIN_ZERO_RUN_LENGTH;
        ip += 3;
        if (opEnd - op < len) throw outputOverrun(op, len, opEnd);
        output.fill(0, op, op + len);
        op += len;
        next &= 3;
        t = next;
        state = next;
        if (ipEnd - ip < t + END_MARKER_LEN) throw inputOverrun(ip, ipEnd);
        if (opEnd - op < t) throw outputOverrun(op, t, opEnd);
        while (t > 0) {
          output[op++] = input[ip++];
          t--;
        }
        continue;
      }
      const far = (t & 8) << 11;
      len = t & 7;
      if (len === 0) {
        let zeros = 0;
        while (input[ip] === 0) {
          zeros += 255;
          ip++;
          if (ip >= ipEnd) throw inputOverrun(ip, ipEnd);
        }
        len = 7 + zeros + input[ip++];
        if (ipEnd - ip < 2) throw inputOverrun(ip, ipEnd);
        next = input[ip] | (input[ip + 1] << 8);
      }
      len += 2;
      ip += 2;
      const distance = far + (next >> 2);
      next &= 3;
      if (distance === 0) {
        // The end marker: exactly 0x11 0x00 0x00 (len 3), and nothing after it.
        if (len !== 3) throw new CodecError(CODEC, `bad end marker at input offset ${hex(ip - 3)}`);
        if (ip !== ipEnd) {
          throw new CodecError(CODEC, `${ipEnd - ip} bytes of trailing garbage after the end marker at input offset ${hex(ip)}`);
        }
        return op;
      }
      mPos = op - distance - M4_BASE_DISTANCE;
    }

    // Copy the match. The source may overlap the destination (distance < length): copy forwards, byte by byte,
    // so that a short period repeats. Long runs of one byte (zeros, mostly) and long copies that do not overlap
    // go to the native fill / memmove; for short ones the call costs more than the loop.
    if (mPos < 0) throw lookbehindOverrun(op, op - mPos);
    if (opEnd - op < len) throw outputOverrun(op, len, opEnd);
    const distance = op - mPos;
    if (distance === 1 && len >= 16) {
      output.fill(output[mPos], op, op + len);
      op += len;
    } else if (len >= 32 && distance >= len) {
      output.copyWithin(op, mPos, mPos + len);
      op += len;
    } else {
      for (const end = op + len; op < end; ) output[op++] = output[mPos++];
    }

    // Then the 0..3 literals the match announced.
    t = next;
    state = next;
    if (ipEnd - ip < t + END_MARKER_LEN) throw inputOverrun(ip, ipEnd);
    if (opEnd - op < t) throw outputOverrun(op, t, opEnd);
    while (t > 0) {
      output[op++] = input[ip++];
      t--;
    }
  }
}
