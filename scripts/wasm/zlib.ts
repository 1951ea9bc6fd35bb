// AssemblyScript source of the WebAssembly zlib page decoder (scripts/build-wasm.mjs compiles it into
// src/core/codec/zlib-wasm-module.ts). It does what src/core/codec/zlib.ts (the reference: fflate's inflate
// plus the length and Adler-32 checks) does for one kdump page: the RFC 1950 header, RFC 1951 inflate of the
// bytes between the 2-byte header and the 4-byte trailer, output of exactly the expected size, and the
// Adler-32 of the output against the trailer. It is at least as strict as the reference (it also rejects
// over-subscribed and incomplete codes but for zlib's one-code case, a stored block whose NLEN does not match,
// code 286/287 and distance 30/31, a repeat before the first code length): when it fails, the caller runs the
// reference for the answer, so a stream the reference accepts is never lost and every failure is the
// reference's CodecError.
//
// Speed (the table layout, the table builder and the fast loop follow the design of libdeflate's
// deflate_decompress.c and decompress_template.h): a 64-bit bit buffer refilled 8 bytes at a time; one table lookup per code of up
// to LITLEN_BITS bits (longer codes through a subtable), whose entry carries the literal, or the length or
// distance base with its count of extra bits, so that a match costs two lookups; up to three literals per
// refill, the next code looked up before a match is copied; the tables built by enumerating the codewords in
// order and doubling the table, fixed tables built once, a block's tables kept for the next block with the
// same code lengths; word and vector copies for matches. Copies may write up to 16 bytes past the end of the output, and
// up to three literals past it before the bound is checked (the caller reserves SLACK there).

/** Bits resolved by the first lookup of a literal/length code and of a distance code (libdeflate: 11 and 8). */
const LITLEN_BITS: i32 = 10;
const DIST_BITS: i32 = 8;
const PRECODE_BITS: i32 = 7;
const MAX_BITS: i32 = 15;
/**
 * Entries a table may need, subtables included: libdeflate sizes its tables with zlib's examples/enough.c
 * (2342 for 288 symbols and 11 bits, which covers 10; 402 for 32 symbols and 8 bits). The builder refuses
 * to go past them all the same.
 */
const LITLEN_ENOUGH: i32 = 2342;
const DIST_ENOUGH: i32 = 402;

// Table entries (u32): bits 16-31 the literal, the length or distance base, or a subtable's start; bits 12-15
// flags; bits 8-11 the code's length in bits (of a subtable pointer: the subtable's index bits); bits 0-7 the
// bits the entry consumes (code and extra bits; of a subtable pointer: the main table's bits).
const F_LITERAL: u32 = 0x8000;
/** Not a literal and not a plain length or distance: end of block, subtable pointer or invalid code. */
const F_EXCEPTIONAL: u32 = 0x4000;
const F_SUBTABLE: u32 = 0x2000;
const F_END_OF_BLOCK: u32 = 0x1000;
const INVALID: u32 = F_EXCEPTIONAL;

const LITLEN_TABLE = memory.data(LITLEN_ENOUGH * 4);
const DIST_TABLE = memory.data(DIST_ENOUGH * 4);
const FIXED_LITLEN_TABLE = memory.data(LITLEN_ENOUGH * 4);
const FIXED_DIST_TABLE = memory.data(DIST_ENOUGH * 4);
const PRECODE_TABLE = memory.data((1 << PRECODE_BITS) * 4);
let fixedBuilt = false;

/** What each symbol decodes to, less the code length (added per entry): literal/length, distance, precode. */
const LITLEN_RESULT = memory.data(288 * 4);
const DIST_RESULT = memory.data(32 * 4);
const PRECODE_RESULT = memory.data(19 * 4);
let resultsBuilt = false;

/** Code lengths of one block: literal/length then distance (read as one sequence, RFC 1951 3.2.7). */
const LENGTHS = memory.data(320);
/** The code lengths LITLEN_TABLE and DIST_TABLE were built from (about one page in nine repeats them). */
const LAST_LENGTHS = memory.data(320);
let lastHlit: i32 = 0;
let lastHdist: i32 = 0;
let tablesValid = false;
const SORTED = memory.data(288 * 2);
/** Code lengths per length (u32[16]): of the precode or a fixed code, and of a block's two codes. */
const LEN_COUNT = memory.data(16 * 4);
const LITLEN_COUNT = memory.data(16 * 4);
const DIST_COUNT = memory.data(16 * 4);
const OFFSETS = memory.data(17 * 4);

// RFC 1951 3.2.5 and 3.2.7.
const LBASE = memory.data<u16>([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LEXT = memory.data<u8>([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DBASE = memory.data<u16>([1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]);
const DEXT = memory.data<u8>([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
const CL_ORDER = memory.data<u8>([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

const ADLER_MOD: u32 = 65521;
const ADLER_NMAX: i32 = 5552;

// Bit reader between blocks (decodeBlock keeps its own copy in locals). Bits are consumed from the low end;
// bits of the buffer above gCnt are zero or the input's next bits. Past the end of the input it feeds zero
// bytes and counts them in gOver: the stream overran when it consumed one of them (gOver * 8 > gCnt).
let gBuf: u64 = 0;
let gCnt: i32 = 0;
let gIp: usize = 0;
let gEnd: usize = 0;
let gOver: i32 = 0;

export function heapBase(): usize {
  return __heap_base;
}

/** At least 56 bits in the buffer (fewer only past the end of the input, where zeros are counted). */
function refill(): void {
  if (gIp + 8 <= gEnd) {
    gBuf |= load<u64>(gIp) << (<u64>gCnt);
    gIp += <usize>((63 - gCnt) >> 3);
    gCnt |= 56;
    return;
  }
  while (gCnt <= 56) {
    if (gIp < gEnd) gBuf |= (<u64>load<u8>(gIp)) << (<u64>gCnt);
    else gOver++;
    gIp++;
    gCnt += 8;
  }
}

/** n <= 32 bits; the caller has refilled enough. */
function take(n: i32): u32 {
  const v = <u32>gBuf & ((<u32>1 << n) - 1);
  gBuf >>= <u64>n;
  gCnt -= n;
  return v;
}

function overran(): bool {
  return gOver * 8 > gCnt;
}

function buildResults(): void {
  for (let s = 0; s < 256; s++) store<u32>(LITLEN_RESULT + (<usize>s << 2), (<u32>s << 16) | F_LITERAL);
  store<u32>(LITLEN_RESULT + (256 << 2), F_EXCEPTIONAL | F_END_OF_BLOCK);
  for (let s = 0; s < 29; s++) {
    store<u32>(LITLEN_RESULT + (<usize>(257 + s) << 2), (<u32>load<u16>(LBASE + (<usize>s << 1)) << 16) | <u32>load<u8>(LEXT + s));
  }
  store<u32>(LITLEN_RESULT + (286 << 2), INVALID);
  store<u32>(LITLEN_RESULT + (287 << 2), INVALID);
  for (let s = 0; s < 30; s++) {
    store<u32>(DIST_RESULT + (<usize>s << 2), (<u32>load<u16>(DBASE + (<usize>s << 1)) << 16) | <u32>load<u8>(DEXT + s));
  }
  store<u32>(DIST_RESULT + (30 << 2), INVALID);
  store<u32>(DIST_RESULT + (31 << 2), INVALID);
  for (let s = 0; s < 19; s++) store<u32>(PRECODE_RESULT + (<usize>s << 2), <u32>s << 16);
  resultsBuilt = true;
}

/** The table entry of a symbol whose code (or the rest of it, in a subtable) is `len` bits. */
function entry(results: usize, sym: i32, len: i32): u32 {
  const r = load<u32>(results + (<usize>sym << 2));
  return r == INVALID ? INVALID | <u32>len : r + (<u32>len << 8) + <u32>len;
}

/**
 * libdeflate's build_decode_table: the decode table for `n` code lengths at lensPtr, `bits` bits resolved by
 * the main table, longer codes through subtables after it (at most `enough` entries in all). Returns false
 * for an over-subscribed code, and for an incomplete one except a single code of one bit (zlib and libdeflate
 * accept that one; its unused codeword is an invalid entry).
 */
function buildTable(lensPtr: usize, n: i32, table: usize, bits: i32, enough: i32, results: usize, counts: usize): bool {
  let maxLen = MAX_BITS;
  while (maxLen > 1 && load<u32>(counts + (<usize>maxLen << 2)) == 0) maxLen--;
  // Sort the symbols by code length, then by value; count the code space the lengths use (of 2^maxLen).
  store<u32>(OFFSETS + 4, 0);
  let used: u32 = 0;
  for (let len = 1; len < maxLen; len++) {
    const c = load<u32>(counts + (<usize>len << 2));
    store<u32>(OFFSETS + (<usize>(len + 1) << 2), load<u32>(OFFSETS + (<usize>len << 2)) + c);
    used = (used << 1) + c;
  }
  used = (used << 1) + load<u32>(counts + (<usize>maxLen << 2));
  // Symbols of length 0 take no part; runs of them (unused literals) are passed over 8 at a time.
  for (let s = 0; s < n; ) {
    if (s + 8 <= n && load<u64>(lensPtr + s) == 0) {
      s += 8;
      continue;
    }
    const len = <usize>load<u8>(lensPtr + s);
    if (len != 0) {
      const op = OFFSETS + (len << 2);
      const o = load<u32>(op);
      store<u16>(SORTED + (<usize>o << 1), <u16>s);
      store<u32>(op, o + 1);
    }
    s++;
  }
  let sorted = SORTED;
  const full: u32 = <u32>1 << maxLen;
  if (used > full) return false;
  const size = 1 << bits;
  if (used < full) {
    // Empty (all lengths 0): every entry invalid. One code of 1 bit: codeword 0 decodes, codeword 1 is invalid.
    let e0 = INVALID;
    if (used != 0) {
      if (used != full >> 1 || load<u32>(counts + 4) != 1) return false;
      e0 = entry(results, <i32>load<u16>(sorted), 1);
    }
    for (let i = 0; i < size; i++) store<u32>(table + (<usize>i << 2), (i & 1) == 0 ? e0 : INVALID | 1);
    return true;
  }
  // A complete code: enumerate the codewords in canonical order, bit-reversed (the stream sends them first
  // bit first), filling the entries of the codes of each length and doubling the table between lengths.
  let codeword: u32 = 0;
  let len = 1;
  let count = load<u32>(counts + 4);
  while (count == 0) {
    len++;
    count = load<u32>(counts + (<usize>len << 2));
  }
  let end: u32 = <u32>1 << len;
  while (len <= bits) {
    do {
      store<u32>(table + (<usize>codeword << 2), entry(results, <i32>load<u16>(sorted), len));
      sorted += 2;
      if (codeword == end - 1) {
        // The last codeword (all ones): the rest of the table repeats what is there.
        for (; len < bits; len++) {
          memory.copy(table + (<usize>end << 2), table, <usize>end << 2);
          end <<= 1;
        }
        return true;
      }
      const bit: u32 = <u32>1 << (31 - clz<u32>(codeword ^ (end - 1)));
      codeword = (codeword & (bit - 1)) | bit;
      count--;
    } while (count != 0);
    do {
      len++;
      if (len <= bits) {
        memory.copy(table + (<usize>end << 2), table, <usize>end << 2);
        end <<= 1;
      }
      count = load<u32>(counts + (<usize>len << 2));
    } while (count == 0);
  }
  // Codes longer than `bits`: a subtable per prefix of `bits` bits, after the main table.
  const mainMask: u32 = <u32>size - 1;
  end = <u32>size;
  let prefix: u32 = 0xffffffff;
  let start: u32 = 0;
  while (true) {
    if ((codeword & mainMask) != prefix) {
      prefix = codeword & mainMask;
      start = end;
      let subBits = len - bits;
      let space = count;
      while (space < (<u32>1 << subBits)) {
        subBits++;
        space = (space << 1) + load<u32>(counts + (<usize>(bits + subBits) << 2));
      }
      end = start + (<u32>1 << subBits);
      if (end > <u32>enough) return false;
      store<u32>(table + (<usize>prefix << 2), (start << 16) | F_EXCEPTIONAL | F_SUBTABLE | (<u32>subBits << 8) | <u32>bits);
    }
    const e = entry(results, <i32>load<u16>(sorted), len - bits);
    sorted += 2;
    const stride: u32 = <u32>1 << (len - bits);
    for (let i = start + (codeword >> bits); i < end; i += stride) store<u32>(table + (<usize>i << 2), e);
    if (codeword == (<u32>1 << len) - 1) return true;
    const bit: u32 = <u32>1 << (31 - clz<u32>(codeword ^ ((<u32>1 << len) - 1)));
    codeword = (codeword & (bit - 1)) | bit;
    count--;
    while (count == 0) {
      len++;
      count = load<u32>(counts + (<usize>len << 2));
    }
  }
  return true;
}

/** Counts the code lengths at lensPtr into counts (u32[16]). */
function countLengths(lensPtr: usize, n: i32, counts: usize): void {
  memory.fill(counts, 0, 16 * 4);
  for (let s = 0; s < n; s++) {
    const p = counts + (<usize>load<u8>(lensPtr + s) << 2);
    store<u32>(p, load<u32>(p) + 1);
  }
}

function buildFixed(): void {
  memory.fill(LENGTHS, 8, 144);
  memory.fill(LENGTHS + 144, 9, 112);
  memory.fill(LENGTHS + 256, 7, 24);
  memory.fill(LENGTHS + 280, 8, 8);
  countLengths(LENGTHS, 288, LEN_COUNT);
  buildTable(LENGTHS, 288, FIXED_LITLEN_TABLE, LITLEN_BITS, LITLEN_ENOUGH, LITLEN_RESULT, LEN_COUNT);
  memory.fill(LENGTHS, 5, 32);
  countLengths(LENGTHS, 32, LEN_COUNT);
  buildTable(LENGTHS, 32, FIXED_DIST_TABLE, DIST_BITS, DIST_ENOUGH, DIST_RESULT, LEN_COUNT);
  fixedBuilt = true;
}

/** The code lengths of a dynamic block (RFC 1951 3.2.7) and its tables; false for a malformed header. */
function loadDynamic(): bool {
  refill();
  const hlit = <i32>take(5) + 257;
  const hdist = <i32>take(5) + 1;
  const hclen = <i32>take(4) + 4;
  if (hlit > 286 || hdist > 30) return false;
  memory.fill(LENGTHS, 0, 19);
  for (let i = 0; i < hclen; i++) {
    if (gCnt < 3) refill();
    store<u8>(LENGTHS + <usize>load<u8>(CL_ORDER + i), <u8>take(3));
  }
  countLengths(LENGTHS, 19, LEN_COUNT);
  if (!buildTable(LENGTHS, 19, PRECODE_TABLE, PRECODE_BITS, 1 << PRECODE_BITS, PRECODE_RESULT, LEN_COUNT)) return false;
  memory.fill(LITLEN_COUNT, 0, 16 * 4);
  memory.fill(DIST_COUNT, 0, 16 * 4);
  const n = hlit + hdist;
  let i = 0;
  let bb = gBuf;
  let bc = gCnt;
  let ip = gIp;
  const end = gEnd;
  let over = gOver;
  while (i < n) {
    // A code of at most 7 bits and at most 7 extra bits.
    if (bc < 14) {
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
    const e = load<u32>(PRECODE_TABLE + (<usize>(<u32>bb & ((1 << PRECODE_BITS) - 1)) << 2));
    if (e & F_EXCEPTIONAL) return false;
    const l = <i32>(e & 0xff);
    bb >>= <u64>l;
    bc -= l;
    const sym = <i32>(e >> 16);
    if (sym < 16) {
      store<u8>(LENGTHS + i, <u8>sym);
      const p = (i < hlit ? LITLEN_COUNT : DIST_COUNT) + (<usize>sym << 2);
      store<u32>(p, load<u32>(p) + 1);
      i++;
      continue;
    }
    let value: u8 = 0;
    let rep: i32;
    if (sym == 16) {
      if (i == 0) return false;
      value = load<u8>(LENGTHS + i - 1);
      rep = 3 + <i32>(<u32>bb & 3);
      bb >>= 2;
      bc -= 2;
    } else if (sym == 17) {
      rep = 3 + <i32>(<u32>bb & 7);
      bb >>= 3;
      bc -= 3;
    } else {
      rep = 11 + <i32>(<u32>bb & 127);
      bb >>= 7;
      bc -= 7;
    }
    if (i + rep > n) return false;
    memory.fill(LENGTHS + i, value, <usize>rep);
    // A run may cross from the literal/length lengths into the distance lengths.
    const toLitlen = min(max(hlit - i, 0), rep);
    const lp = LITLEN_COUNT + (<usize>value << 2);
    store<u32>(lp, load<u32>(lp) + <u32>toLitlen);
    const dp = DIST_COUNT + (<usize>value << 2);
    store<u32>(dp, load<u32>(dp) + <u32>(rep - toLitlen));
    i += rep;
  }
  gBuf = bb;
  gCnt = bc;
  gIp = ip;
  gOver = over;
  if (overran()) return false;
  if (load<u8>(LENGTHS + 256) == 0) return false;
  // The tables of the previous dynamic block serve again when its code lengths were the same.
  if (tablesValid && hlit == lastHlit && hdist == lastHdist && memory.compare(LAST_LENGTHS, LENGTHS, <usize>n) == 0) return true;
  tablesValid = false;
  if (!buildTable(LENGTHS, hlit, LITLEN_TABLE, LITLEN_BITS, LITLEN_ENOUGH, LITLEN_RESULT, LITLEN_COUNT)) return false;
  if (!buildTable(LENGTHS + hlit, hdist, DIST_TABLE, DIST_BITS, DIST_ENOUGH, DIST_RESULT, DIST_COUNT)) return false;
  memory.copy(LAST_LENGTHS, LENGTHS, <usize>n);
  lastHlit = hlit;
  lastHdist = hdist;
  tablesValid = true;
  return true;
}

/** Inflates one Huffman block into [op, opEnd); returns the new output position or -1. */
function decodeBlock(op: usize, opStart: usize, opEnd: usize, litlen: usize, dist: usize): isize {
  let bb = gBuf;
  let bc = gCnt;
  let ip = gIp;
  const end = gEnd;
  let over = gOver;
  const litMask: u32 = (1 << LITLEN_BITS) - 1;
  const distMask: u32 = (1 << DIST_BITS) - 1;
  // Each turn starts with at least 56 bits in the buffer (a literal/length code with its extra bits, 20, and
  // a distance code with its extra bits, 28, fit) and the entry of the next code already looked up: the
  // lookup of the next code overlaps the work on this one (libdeflate's fast loop does the same).
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
  let e = load<u32>(litlen + (<usize>(<u32>bb & litMask) << 2));
  while (true) {
    if (e & F_LITERAL) {
      // Up to three literals of at most LITLEN_BITS bits each on one refill.
      bb >>= <u64>(e & 0xff);
      bc -= <i32>(e & 0xff);
      let lit = e >> 16;
      e = load<u32>(litlen + (<usize>(<u32>bb & litMask) << 2));
      store<u8>(op, <u8>lit);
      op++;
      if (e & F_LITERAL) {
        bb >>= <u64>(e & 0xff);
        bc -= <i32>(e & 0xff);
        lit = e >> 16;
        e = load<u32>(litlen + (<usize>(<u32>bb & litMask) << 2));
        store<u8>(op, <u8>lit);
        op++;
        if (e & F_LITERAL) {
          bb >>= <u64>(e & 0xff);
          bc -= <i32>(e & 0xff);
          lit = e >> 16;
          e = load<u32>(litlen + (<usize>(<u32>bb & litMask) << 2));
          store<u8>(op, <u8>lit);
          op++;
        }
      }
      if (op > opEnd) return -1;
      // `e` stays valid: a refill adds bits above the ones it was looked up with.
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
      continue;
    }
    if (e & F_EXCEPTIONAL) {
      if (e & F_SUBTABLE) {
        bb >>= <u64>(e & 0xff);
        bc -= <i32>(e & 0xff);
        e = load<u32>(litlen + (<usize>((e >> 16) + (<u32>bb & ((<u32>1 << ((e >> 8) & 0xf)) - 1))) << 2));
        if (e & F_LITERAL) {
          bb >>= <u64>(e & 0xff);
          bc -= <i32>(e & 0xff);
          if (op >= opEnd) return -1;
          store<u8>(op, <u8>(e >> 16));
          op++;
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
          e = load<u32>(litlen + (<usize>(<u32>bb & litMask) << 2));
          continue;
        }
      }
      if (e & F_END_OF_BLOCK) {
        bb >>= <u64>(e & 0xff);
        bc -= <i32>(e & 0xff);
        if (over != 0 && bc < over << 3) return -1;
        break;
      }
      if (e & F_EXCEPTIONAL) return -1;
    }
    // A length: base + extra bits, which follow the code.
    let total = e & 0xff;
    let saved = <u32>bb;
    bb >>= <u64>total;
    bc -= <i32>total;
    const length = <usize>((e >> 16) + ((saved & ((<u32>1 << total) - 1)) >> ((e >> 8) & 0xf)));
    let d = load<u32>(dist + (<usize>(<u32>bb & distMask) << 2));
    if (d & F_EXCEPTIONAL) {
      if ((d & F_SUBTABLE) == 0) return -1;
      bb >>= <u64>(d & 0xff);
      bc -= <i32>(d & 0xff);
      d = load<u32>(dist + (<usize>((d >> 16) + (<u32>bb & ((<u32>1 << ((d >> 8) & 0xf)) - 1))) << 2));
      if (d & F_EXCEPTIONAL) return -1;
    }
    total = d & 0xff;
    saved = <u32>bb;
    bb >>= <u64>total;
    bc -= <i32>total;
    const distance = <usize>((d >> 16) + ((saved & ((<u32>1 << total) - 1)) >> ((d >> 8) & 0xf)));
    if (distance > op - opStart) return -1;
    if (length > opEnd - op) return -1;
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
    e = load<u32>(litlen + (<usize>(<u32>bb & litMask) << 2));
    let dst = op;
    let src = op - distance;
    const stop = op + length;
    if (distance >= 16) {
      do {
        v128.store(dst, v128.load(src));
        dst += 16;
        src += 16;
      } while (dst < stop);
    } else if (distance >= 8) {
      do {
        store<u64>(dst, load<u64>(src));
        dst += 8;
        src += 8;
      } while (dst < stop);
    } else if (distance == 1) {
      const v = i8x16.splat(load<u8>(src));
      do {
        v128.store(dst, v);
        dst += 16;
      } while (dst < stop);
    } else {
      // Overlapping: each word copy writes `distance` right bytes (the rest is rewritten by the next step).
      do {
        store<u64>(dst, load<u64>(src));
        dst += distance;
        src += distance;
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
  if (!resultsBuilt) buildResults();
  gIp = inPtr;
  gEnd = inPtr + <usize>inLen;
  gBuf = 0;
  gCnt = 0;
  gOver = 0;
  let op = outPtr;
  const opEnd = outPtr + <usize>outCap;
  let final: u32;
  do {
    refill();
    if (overran()) return -1;
    final = take(1);
    const type = take(2);
    if (type == 0) {
      const drop = gCnt & 7;
      gBuf >>= <u64>drop;
      gCnt -= drop;
      refill();
      const len = <i32>take(16);
      const nlen = <i32>take(16);
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
    let r: isize;
    if (type == 1) {
      if (!fixedBuilt) buildFixed();
      r = decodeBlock(op, outPtr, opEnd, FIXED_LITLEN_TABLE, FIXED_DIST_TABLE);
    } else if (type == 2) {
      if (!loadDynamic()) return -1;
      r = decodeBlock(op, outPtr, opEnd, LITLEN_TABLE, DIST_TABLE);
    } else return -1;
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
