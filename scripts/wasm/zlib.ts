// AssemblyScript source of the WebAssembly zlib page decoder (scripts/build-wasm.mjs compiles it into
// src/core/codec/zlib-wasm-module.ts). It does what src/core/codec/zlib.ts (the reference: fflate's inflate
// plus the length and Adler-32 checks) does for one kdump page: the RFC 1950 header, RFC 1951 inflate of the
// bytes between the 2-byte header and the 4-byte trailer, output of exactly the expected size, and the
// Adler-32 of the output against the trailer. It is at least as strict as the reference (it also rejects
// over-subscribed codes, a stored block whose NLEN does not match, code 286/287 and distance 30/31, a repeat
// before the first code length): when it fails, the caller runs the reference for the answer, so a stream
// the reference accepts is never lost and every failure is the reference's CodecError.
//
// Speed: a 64-bit bit buffer refilled 8 bytes at a time, one table lookup per code of up to FAST_BITS bits
// (longer codes take the canonical decode of puff.c), word copies for matches. Copies may write up to 8
// bytes past the end of the output (the caller reserves SLACK there).

const FAST_BITS: i32 = 10;
const FAST_SIZE: i32 = 1 << FAST_BITS;
const FAST_MASK: u32 = <u32>(FAST_SIZE - 1);
const MAX_BITS: i32 = 15;

// Decode tables: per code, counts of codes per length (u16[16]), symbols sorted by code (u16[288]), and the
// fast table (u32[FAST_SIZE]: symbol << 8 | length; 0 = not a code of at most FAST_BITS bits).
const LEN_COUNT = memory.data(32);
const LEN_SYMS = memory.data(288 * 2);
const LEN_FAST = memory.data(FAST_SIZE * 4);
const DIST_COUNT = memory.data(32);
const DIST_SYMS = memory.data(32 * 2);
/** Distance codes for pages of a few KiB are short: a 2^8 table holds nearly all of them. */
const DIST_BITS: i32 = 8;
const DIST_FAST = memory.data((1 << DIST_BITS) * 4);
const CL_COUNT = memory.data(32);
const CL_SYMS = memory.data(19 * 2);
/** Code length codes are at most 7 bits: their table is 2^7 entries. */
const CL_BITS: i32 = 7;
const CL_FAST = memory.data((1 << CL_BITS) * 4);
const LENGTHS = memory.data(320);
/** REV[c]: the FAST_BITS-bit number c with its bits reversed (Huffman codes are sent first bit first). */
const REV = memory.data(FAST_SIZE * 2);
let revBuilt = false;
const OFFS = memory.data(32);
const NEXT_CODE = memory.data(32);

// RFC 1951 3.2.5 and 3.2.7.
const LBASE = memory.data<u16>([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LEXT = memory.data<u8>([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DBASE = memory.data<u16>([1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]);
const DEXT = memory.data<u8>([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
const CL_ORDER = memory.data<u8>([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

const ADLER_MOD: u32 = 65521;
const ADLER_NMAX: i32 = 5552;

// Bit reader between blocks (decodeBlock keeps its own copy in locals). Bits are consumed from the low end;
// past the end of the input it feeds zero bytes and counts them in gOver: the stream overran when it
// consumed one of them (gOver * 8 > gCnt).
let gBuf: u64 = 0;
let gCnt: i32 = 0;
let gIp: usize = 0;
let gEnd: usize = 0;
let gOver: i32 = 0;
/** LEN_* and DIST_* hold the fixed codes (no rebuild for the next fixed block). */
let fixedLoaded = false;

export function heapBase(): usize {
  return __heap_base;
}

function need(n: i32): void {
  if (gCnt >= n) return;
  if (gIp + 8 <= gEnd) {
    gBuf |= load<u64>(gIp) << (<u64>gCnt);
    gIp += <usize>((63 - gCnt) >> 3);
    gCnt |= 56;
    return;
  }
  while (gCnt < n) {
    if (gIp < gEnd) gBuf |= (<u64>load<u8>(gIp)) << (<u64>gCnt);
    else gOver++;
    gIp++;
    gCnt += 8;
  }
}

function getBits(n: i32): u32 {
  need(n);
  const v = <u32>gBuf & ((<u32>1 << n) - 1);
  gBuf >>= <u64>n;
  gCnt -= n;
  return v;
}

function overran(): bool {
  return gOver * 8 > gCnt;
}

/** puff.c's decode(): the code in the low bits of `bits`, first bit first. Returns symbol << 8 | length, or -1. */
function slowDecode(bits: u32, countPtr: usize, symPtr: usize): i32 {
  let code: i32 = 0;
  let first: i32 = 0;
  let index: i32 = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    code |= <i32>(bits & 1);
    bits >>= 1;
    const count = <i32>load<u16>(countPtr + (<usize>len << 1));
    if (code - count < first) return (<i32>load<u16>(symPtr + (<usize>(index + (code - first)) << 1)) << 8) | len;
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  return -1;
}

/** Canonical code tables for `n` lengths at lensPtr. 0, or -1 for an over-subscribed set of lengths. */
function build(lensPtr: usize, n: i32, countPtr: usize, symPtr: usize, fastPtr: usize, fastBits: i32): i32 {
  const fastSize = 1 << fastBits;
  memory.fill(countPtr, 0, 32);
  for (let i = 0; i < n; i++) {
    const p = countPtr + (<usize>load<u8>(lensPtr + i) << 1);
    store<u16>(p, load<u16>(p) + 1);
  }
  store<u16>(countPtr, 0);
  let left: i32 = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left <<= 1;
    left -= <i32>load<u16>(countPtr + (<usize>len << 1));
    if (left < 0) return -1;
  }
  store<u16>(OFFS + 2, 0);
  let code: i32 = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    const c = <i32>load<u16>(countPtr + (<usize>len << 1));
    if (len < MAX_BITS) store<u16>(OFFS + (<usize>(len + 1) << 1), load<u16>(OFFS + (<usize>len << 1)) + <u16>c);
    code = (code + <i32>load<u16>(countPtr + (<usize>(len - 1) << 1))) << 1;
    store<u16>(NEXT_CODE + (<usize>len << 1), <u16>code);
  }
  memory.fill(fastPtr, 0, <usize>(fastSize * 4));
  if (!revBuilt) {
    for (let c = 0; c < FAST_SIZE; c++) {
      let r: i32 = 0;
      for (let k = 0; k < FAST_BITS; k++) r |= ((c >> k) & 1) << (FAST_BITS - 1 - k);
      store<u16>(REV + (<usize>c << 1), <u16>r);
    }
    revBuilt = true;
  }
  for (let sym = 0; sym < n; sym++) {
    const len = <i32>load<u8>(lensPtr + sym);
    if (len == 0) continue;
    const op = OFFS + (<usize>len << 1);
    const o = <i32>load<u16>(op);
    store<u16>(symPtr + (<usize>o << 1), <u16>sym);
    store<u16>(op, <u16>(o + 1));
    const np = NEXT_CODE + (<usize>len << 1);
    const c = <i32>load<u16>(np);
    store<u16>(np, <u16>(c + 1));
    if (len <= fastBits) {
      const rev = <i32>load<u16>(REV + (<usize>c << 1)) >> (FAST_BITS - len);
      const entry = (<u32>sym << 8) | <u32>len;
      for (let k = rev; k < fastSize; k += 1 << len) store<u32>(fastPtr + (<usize>k << 2), entry);
    }
  }
  return 0;
}

/** The code length code's next symbol, or -1. */
function decodeCodeLength(): i32 {
  need(CL_BITS);
  const e = <i32>load<u32>(CL_FAST + (<usize>(<u32>gBuf & ((1 << CL_BITS) - 1)) << 2));
  if (e == 0) return -1;
  const len = e & 0xff;
  gBuf >>= <u64>len;
  gCnt -= len;
  return e >> 8;
}

function loadFixed(): void {
  if (fixedLoaded) return;
  memory.fill(LENGTHS, 8, 144);
  memory.fill(LENGTHS + 144, 9, 112);
  memory.fill(LENGTHS + 256, 7, 24);
  memory.fill(LENGTHS + 280, 8, 8);
  build(LENGTHS, 288, LEN_COUNT, LEN_SYMS, LEN_FAST, FAST_BITS);
  memory.fill(LENGTHS, 5, 30);
  build(LENGTHS, 30, DIST_COUNT, DIST_SYMS, DIST_FAST, DIST_BITS);
  fixedLoaded = true;
}

function loadDynamic(): i32 {
  fixedLoaded = false;
  const hlit = <i32>getBits(5) + 257;
  const hdist = <i32>getBits(5) + 1;
  const hclen = <i32>getBits(4) + 4;
  if (hlit > 286 || hdist > 30) return -1;
  memory.fill(LENGTHS, 0, 19);
  for (let i = 0; i < hclen; i++) store<u8>(LENGTHS + <usize>load<u8>(CL_ORDER + i), <u8>getBits(3));
  if (build(LENGTHS, 19, CL_COUNT, CL_SYMS, CL_FAST, CL_BITS) < 0) return -1;
  const n = hlit + hdist;
  let i = 0;
  while (i < n) {
    const sym = decodeCodeLength();
    if (sym < 0) return -1;
    if (sym < 16) {
      store<u8>(LENGTHS + i, <u8>sym);
      i++;
      continue;
    }
    let value: u8 = 0;
    let rep: i32;
    if (sym == 16) {
      if (i == 0) return -1;
      value = load<u8>(LENGTHS + i - 1);
      rep = 3 + <i32>getBits(2);
    } else if (sym == 17) rep = 3 + <i32>getBits(3);
    else rep = 11 + <i32>getBits(7);
    if (i + rep > n) return -1;
    memory.fill(LENGTHS + i, value, <usize>rep);
    i += rep;
  }
  if (overran()) return -1;
  if (load<u8>(LENGTHS + 256) == 0) return -1;
  if (build(LENGTHS, hlit, LEN_COUNT, LEN_SYMS, LEN_FAST, FAST_BITS) < 0) return -1;
  if (build(LENGTHS + hlit, hdist, DIST_COUNT, DIST_SYMS, DIST_FAST, DIST_BITS) < 0) return -1;
  return 0;
}

/** Inflates one Huffman block into [op, opEnd); returns the new output position or -1. */
function decodeBlock(op: usize, opStart: usize, opEnd: usize): isize {
  let bb = gBuf;
  let bc = gCnt;
  let ip = gIp;
  const end = gEnd;
  let over = gOver;
  while (true) {
    if (bc < 48) {
      if (ip + 8 <= end) {
        bb |= load<u64>(ip) << (<u64>bc);
        ip += <usize>((63 - bc) >> 3);
        bc |= 56;
      } else {
        while (bc <= 56) {
          if (ip < end) bb |= (<u64>load<u8>(ip)) << (<u64>bc);
          else over++;
          ip++;
          bc += 8;
        }
      }
    }
    let e = <i32>load<u32>(LEN_FAST + (<usize>(<u32>bb & FAST_MASK) << 2));
    if (e == 0) {
      e = slowDecode(<u32>bb, LEN_COUNT, LEN_SYMS);
      if (e < 0) return -1;
    }
    let l = e & 0xff;
    bb >>= <u64>l;
    bc -= l;
    let sym = e >> 8;
    if (sym < 256) {
      if (over != 0 && bc < over << 3) return -1;
      if (op >= opEnd) return -1;
      store<u8>(op, <u8>sym);
      op++;
      continue;
    }
    if (sym == 256) {
      if (over != 0 && bc < over << 3) return -1;
      break;
    }
    sym -= 257;
    if (sym >= 29) return -1;
    let x = <i32>load<u8>(LEXT + sym);
    const length = <i32>load<u16>(LBASE + (<usize>sym << 1)) + <i32>(<u32>bb & ((<u32>1 << x) - 1));
    bb >>= <u64>x;
    bc -= x;
    e = <i32>load<u32>(DIST_FAST + (<usize>(<u32>bb & ((1 << DIST_BITS) - 1)) << 2));
    if (e == 0) {
      e = slowDecode(<u32>bb, DIST_COUNT, DIST_SYMS);
      if (e < 0) return -1;
    }
    l = e & 0xff;
    bb >>= <u64>l;
    bc -= l;
    const dsym = e >> 8;
    if (dsym >= 30) return -1;
    x = <i32>load<u8>(DEXT + dsym);
    const dist = <i32>load<u16>(DBASE + (<usize>dsym << 1)) + <i32>(<u32>bb & ((<u32>1 << x) - 1));
    bb >>= <u64>x;
    bc -= x;
    if (over != 0 && bc < over << 3) return -1;
    if (<usize>dist > op - opStart) return -1;
    if (<usize>length > opEnd - op) return -1;
    let dst = op;
    let src = op - <usize>dist;
    const stop = op + <usize>length;
    if (dist >= 8) {
      do {
        store<u64>(dst, load<u64>(src));
        dst += 8;
        src += 8;
      } while (dst < stop);
    } else if (dist == 1) {
      memory.fill(dst, load<u8>(src), <usize>length);
    } else {
      // Overlapping: each word copy writes `dist` right bytes (the rest is rewritten by the next step).
      const step = <usize>dist;
      do {
        store<u64>(dst, load<u64>(src));
        dst += step;
        src += step;
      } while (dst < stop);
    }
    op = stop;
  }
  gBuf = bb;
  gCnt = bc;
  gIp = ip;
  gOver = over;
  return <isize>op;
}

/** Raw DEFLATE from [inPtr, inPtr + inLen) into [outPtr, outPtr + outCap): bytes written or -1. */
function inflate(inPtr: usize, inLen: i32, outPtr: usize, outCap: i32): i32 {
  gIp = inPtr;
  gEnd = inPtr + <usize>inLen;
  gBuf = 0;
  gCnt = 0;
  gOver = 0;
  let op = outPtr;
  const opEnd = outPtr + <usize>outCap;
  let final: u32;
  do {
    if (overran()) return -1;
    final = getBits(1);
    const type = getBits(2);
    if (type == 0) {
      const drop = gCnt & 7;
      gBuf >>= <u64>drop;
      gCnt -= drop;
      const len = <i32>getBits(16);
      const nlen = <i32>getBits(16);
      if (len != (~nlen & 0xffff) || overran()) return -1;
      let left = len;
      while (left > 0 && gCnt > 0) {
        if (op >= opEnd) return -1;
        store<u8>(op, <u8>gBuf);
        op++;
        gBuf >>= 8;
        gCnt -= 8;
        left--;
      }
      if (overran()) return -1;
      if (left > 0) {
        if (gIp + <usize>left > gEnd || op + <usize>left > opEnd) return -1;
        memory.copy(op, gIp, <usize>left);
        gIp += <usize>left;
        op += <usize>left;
      }
      // With the bit buffer drained, its bits past gCnt are input bytes just copied past: stale.
      if (gCnt == 0) gBuf = 0;
      continue;
    }
    if (type == 1) loadFixed();
    else if (type == 2) {
      if (loadDynamic() < 0) return -1;
    } else return -1;
    const r = decodeBlock(op, outPtr, opEnd);
    if (r < 0) return -1;
    op = <usize>r;
  } while (final == 0);
  if (overran()) return -1;
  return <i32>(op - outPtr);
}

// Adler-32 weights of the 16 bytes of a vector: byte i counts 16 - i times in b.
const W_LO: v128 = i16x8(16, 15, 14, 13, 12, 11, 10, 9);
const W_HI: v128 = i16x8(8, 7, 6, 5, 4, 3, 2, 1);

/** RFC 1950 Adler-32, 16 bytes per step with WebAssembly SIMD (sums in i32 lanes, reduced every ADLER_NMAX). */
function adler32(p: usize, n: i32): u32 {
  let a: u32 = 1;
  let b: u32 = 0;
  let i = 0;
  while (i < n) {
    const stop = min(i + ADLER_NMAX - (ADLER_NMAX & 15), n);
    const vectors = (stop - i) >> 4;
    if (vectors > 0) {
      // Over k vectors: a += sum of bytes; b += 16 * k * a + sum over vectors of (16 * bytes before it + weighted).
      let vSum = i32x4.splat(0);
      let vPrefix = i32x4.splat(0);
      let vWeighted = i32x4.splat(0);
      for (let k = 0; k < vectors; k++) {
        const v = v128.load(p + i);
        const lo = i16x8.extend_low_i8x16_u(v);
        const hi = i16x8.extend_high_i8x16_u(v);
        vPrefix = i32x4.add(vPrefix, vSum);
        vSum = i32x4.add(vSum, i32x4.add(i32x4.extadd_pairwise_i16x8_u(lo), i32x4.extadd_pairwise_i16x8_u(hi)));
        vWeighted = i32x4.add(vWeighted, i32x4.add(i32x4.dot_i16x8_s(lo, W_LO), i32x4.dot_i16x8_s(hi, W_HI)));
        i += 16;
      }
      const sum = <u32>(i32x4.extract_lane(vSum, 0) + i32x4.extract_lane(vSum, 1) + i32x4.extract_lane(vSum, 2) + i32x4.extract_lane(vSum, 3));
      const prefix = <u32>(i32x4.extract_lane(vPrefix, 0) + i32x4.extract_lane(vPrefix, 1) + i32x4.extract_lane(vPrefix, 2) + i32x4.extract_lane(vPrefix, 3));
      const weighted = <u32>(i32x4.extract_lane(vWeighted, 0) + i32x4.extract_lane(vWeighted, 1) + i32x4.extract_lane(vWeighted, 2) + i32x4.extract_lane(vWeighted, 3));
      b += <u32>(vectors * 16) * a + (prefix << 4) + weighted;
      a += sum;
    }
    for (; i < stop; i++) {
      a += <u32>load<u8>(p + i);
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return (b << 16) | a;
}

/**
 * One zlib page: the stream at [inPtr, inPtr + inLen) must inflate to exactly outCap bytes at outPtr with a
 * matching Adler-32. Returns outCap, or -1 for anything else.
 */
export function zlibDecompress(inPtr: usize, inLen: i32, outPtr: usize, outCap: i32): i32 {
  if (inLen < 7) return -1;
  const cmf = <i32>load<u8>(inPtr);
  const flg = <i32>load<u8>(inPtr + 1);
  if ((cmf & 15) != 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 32) != 0) return -1;
  const n = inflate(inPtr + 2, inLen - 6, outPtr, outCap);
  if (n != outCap) return -1;
  const t = inPtr + <usize>inLen - 4;
  const stored = (<u32>load<u8>(t) << 24) | (<u32>load<u8>(t + 1) << 16) | (<u32>load<u8>(t + 2) << 8) | <u32>load<u8>(t + 3);
  return adler32(outPtr, n) == stored ? n : -1;
}
