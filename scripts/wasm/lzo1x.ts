// AssemblyScript source of the WebAssembly LZO1X decoder (scripts/build-wasm.mjs compiles it into
// src/core/codec/lzo1x-wasm-module.ts). It is a line-for-line port of src/core/codec/lzo1x.ts, the reference
// decoder: the same instructions, the same bounds checks in the same order, so that it accepts exactly the
// streams the reference accepts and produces the same bytes. It reports failure as a negative number only;
// the caller then runs the reference decoder on the same input for the typed error and its message.
//
// What makes it faster than the reference: copies of whole words (16-byte vectors for matches at least 16
// back, 8-byte words stepping by the distance for overlapping ones) and bulk memory.copy/memory.fill instead
// of byte loops. A word copy may write up to SLACK bytes past the end of the current run (never past
// outEnd + SLACK, which the caller reserves): those bytes are overwritten by the next instruction or lie past
// the end of the output and are not copied out. A word read of literals may read up to SLACK bytes past the
// end of the input, which the caller reserves as well.

// lib/lzo/lzodefs.h
const M2_MAX_OFFSET: i32 = 0x0800;
const M4_BASE_DISTANCE: i32 = 0x4000;
const MIN_ZERO_RUN_LENGTH: i32 = 4;
const END_MARKER_LEN: i32 = 3;
const VERSIONED_MIN_LEN: i32 = 5;
const VERSION_MARKER: i32 = 17;

// Failures (the caller only tests for < 0).
const E_INPUT_OVERRUN: i32 = -1;
const E_OUTPUT_OVERRUN: i32 = -2;
const E_LOOKBEHIND_OVERRUN: i32 = -3;
const E_BAD_END_MARKER: i32 = -4;
const E_TRAILING_GARBAGE: i32 = -5;

/** Where the caller may place buffers: the end of this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

function copyLiterals(op: usize, ip: usize, t: i32): void {
  if (t <= 16) {
    store<u64>(op, load<u64>(ip));
    store<u64>(op + 8, load<u64>(ip + 8));
  } else {
    memory.copy(op, ip, <usize>t);
  }
}

/**
 * Decodes the stream at [inPtr, inPtr + inLen) into [outPtr, outPtr + outCap). Returns the bytes written,
 * or a negative number when the stream is malformed (the reference decoder then says how).
 */
export function decompress(inPtr: usize, inLen: i32, outPtr: usize, outCap: i32): i32 {
  const ipEnd: i32 = inLen;
  const opEnd: i32 = outCap;
  let ip: i32 = 0;
  let op: i32 = 0;
  let t: i32;
  let next: i32;
  let state: i32 = 0;
  let mPos: i32;
  let rle = false;
  let len: i32;

  if (ipEnd < END_MARKER_LEN) return E_INPUT_OVERRUN;
  if (ipEnd >= VERSIONED_MIN_LEN && <i32>load<u8>(inPtr) == VERSION_MARKER) {
    rle = load<u8>(inPtr + 1) != 0;
    ip = 2;
  }

  if (<i32>load<u8>(inPtr + ip) > 17) {
    t = <i32>load<u8>(inPtr + ip) - 17;
    ip++;
    if (ipEnd - ip < t + END_MARKER_LEN) return E_INPUT_OVERRUN;
    if (opEnd - op < t) return E_OUTPUT_OVERRUN;
    copyLiterals(outPtr + op, inPtr + ip, t);
    ip += t;
    op += t;
    state = t < 4 ? t : 4;
  }

  while (true) {
    t = <i32>load<u8>(inPtr + ip);
    ip++;
    if (t < 16) {
      if (state == 0) {
        if (t == 0) {
          let zeros: i32 = 0;
          while (load<u8>(inPtr + ip) == 0) {
            zeros += 255;
            ip++;
            if (ip >= ipEnd) return E_INPUT_OVERRUN;
          }
          t = 15 + zeros + <i32>load<u8>(inPtr + ip);
          ip++;
        }
        t += 3;
        if (ipEnd - ip < t + END_MARKER_LEN) return E_INPUT_OVERRUN;
        if (opEnd - op < t) return E_OUTPUT_OVERRUN;
        copyLiterals(outPtr + op, inPtr + ip, t);
        ip += t;
        op += t;
        state = 4;
        continue;
      }
      next = t & 3;
      if (state != 4) {
        mPos = op - 1 - (t >> 2) - (<i32>load<u8>(inPtr + ip) << 2);
        ip++;
        len = 2;
      } else {
        mPos = op - 1 - M2_MAX_OFFSET - (t >> 2) - (<i32>load<u8>(inPtr + ip) << 2);
        ip++;
        len = 3;
      }
    } else if (t >= 64) {
      next = t & 3;
      mPos = op - 1 - ((t >> 2) & 7) - (<i32>load<u8>(inPtr + ip) << 3);
      ip++;
      len = (t >> 5) + 1;
    } else if (t >= 32) {
      len = t & 31;
      if (len == 0) {
        let zeros: i32 = 0;
        while (load<u8>(inPtr + ip) == 0) {
          zeros += 255;
          ip++;
          if (ip >= ipEnd) return E_INPUT_OVERRUN;
        }
        len = 31 + zeros + <i32>load<u8>(inPtr + ip);
        ip++;
        if (ipEnd - ip < 2) return E_INPUT_OVERRUN;
      }
      len += 2;
      next = <i32>load<u16>(inPtr + ip);
      ip += 2;
      mPos = op - 1 - (next >> 2);
      next &= 3;
    } else {
      next = <i32>load<u16>(inPtr + ip);
      if (rle && (t & 0xf8) == 0x18 && (next & 0xfffc) == 0xfffc) {
        if (ipEnd - ip < 3) return E_INPUT_OVERRUN;
        len = ((<i32>load<u8>(inPtr + ip + 2) << 3) | (t & 7)) + MIN_ZERO_RUN_LENGTH;
        ip += 3;
        if (opEnd - op < len) return E_OUTPUT_OVERRUN;
        memory.fill(outPtr + op, 0, <usize>len);
        op += len;
        next &= 3;
        t = next;
        state = next;
        if (ipEnd - ip < t + END_MARKER_LEN) return E_INPUT_OVERRUN;
        if (opEnd - op < t) return E_OUTPUT_OVERRUN;
        store<u32>(outPtr + op, load<u32>(inPtr + ip));
        ip += t;
        op += t;
        continue;
      }
      const far = (t & 8) << 11;
      len = t & 7;
      if (len == 0) {
        let zeros: i32 = 0;
        while (load<u8>(inPtr + ip) == 0) {
          zeros += 255;
          ip++;
          if (ip >= ipEnd) return E_INPUT_OVERRUN;
        }
        len = 7 + zeros + <i32>load<u8>(inPtr + ip);
        ip++;
        if (ipEnd - ip < 2) return E_INPUT_OVERRUN;
        next = <i32>load<u16>(inPtr + ip);
      }
      len += 2;
      ip += 2;
      const distance = far + (next >> 2);
      next &= 3;
      if (distance == 0) {
        if (len != 3) return E_BAD_END_MARKER;
        if (ip != ipEnd) return E_TRAILING_GARBAGE;
        return op;
      }
      mPos = op - distance - M4_BASE_DISTANCE;
    }

    if (mPos < 0) return E_LOOKBEHIND_OVERRUN;
    if (opEnd - op < len) return E_OUTPUT_OVERRUN;
    const distance = op - mPos;
    let dst = outPtr + op;
    let src = outPtr + mPos;
    if (distance >= 8) {
      if (len <= 8) {
        store<u64>(dst, load<u64>(src));
      } else if (distance >= 16) {
        const end = dst + len;
        do {
          v128.store(dst, v128.load(src));
          dst += 16;
          src += 16;
        } while (dst < end);
      } else {
        const end = dst + len;
        do {
          store<u64>(dst, load<u64>(src));
          dst += 8;
          src += 8;
        } while (dst < end);
      }
    } else if (distance == 1) {
      memory.fill(dst, load<u8>(src), <usize>len);
    } else {
      // Overlapping: each word copy writes `distance` right bytes (the rest is rewritten by the next step).
      const end = dst + len;
      const step = <usize>distance;
      do {
        store<u64>(dst, load<u64>(src));
        dst += step;
        src += step;
      } while (dst < end);
    }
    op += len;

    t = next;
    state = next;
    if (ipEnd - ip < t + END_MARKER_LEN) return E_INPUT_OVERRUN;
    if (opEnd - op < t) return E_OUTPUT_OVERRUN;
    store<u32>(outPtr + op, load<u32>(inPtr + ip));
    ip += t;
    op += t;
  }
}
