// A DEFLATE writer for tests: one dynamic-Huffman block with the code lengths the test chooses (RFC 1951
// 3.2.2 canonical codes, 3.2.7 header), so that tests can make streams zlib's deflate never writes: codes of
// up to 15 bits, a distance code of a single codeword, an incomplete or over-subscribed code, a codeword the
// code does not assign.
import { adler32 } from "../../../src/core/codec/zlib";

// RFC 1951 3.2.5.
const LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Bits first-bit-first into bytes (RFC 1951 3.1.1). */
class BitWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private n = 0;
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      this.acc |= ((value >>> i) & 1) << this.n;
      if (++this.n === 8) {
        this.out.push(this.acc);
        this.acc = 0;
        this.n = 0;
      }
    }
  }
  /** A Huffman code: its most significant bit first. */
  code(code: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits((code >>> i) & 1, 1);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.n > 0 ? [...this.out, this.acc] : this.out);
  }
}

/** RFC 1951 3.2.2: the code of each symbol from the code lengths (whatever they are: no check here). */
export function canonicalCodes(lengths: readonly number[]): number[] {
  const count = new Array<number>(16).fill(0);
  for (const l of lengths) if (l > 0) count[l]!++;
  const next = new Array<number>(16).fill(0);
  let code = 0;
  for (let bits = 1; bits < 16; bits++) {
    next[bits] = code;
    code = (code + count[bits]!) << 1;
  }
  return lengths.map((l) => (l > 0 ? next[l]!++ : -1));
}

/** What the block says: a literal byte, a match, end of block. */
export type BlockItem =
  | { literal: number }
  /** A match; `distanceCode` sends these bits (most significant first) in place of the distance's code. */
  | { length: number; distance: number; distanceCode?: { code: number; bits: number } }
  | { end: true };

export interface DynamicBlock {
  /** Code lengths of the literal/length code (257..286 of them) and of the distance code (1..30). */
  litlen: readonly number[];
  dist: readonly number[];
  items: readonly BlockItem[];
}

/**
 * A zlib stream (RFC 1950) of one final dynamic block; its Adler-32 is that of `expected` (the bytes the
 * items are meant to make). The code lengths are sent with a precode of sixteen 4-bit codes (0..15, no runs).
 */
export function zlibDynamicStream(block: DynamicBlock, expected: Uint8Array): Uint8Array {
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(2, 2); // BTYPE dynamic
  w.bits(block.litlen.length - 257, 5);
  w.bits(block.dist.length - 1, 5);
  w.bits(19 - 4, 4);
  const precode = CL_ORDER.map((sym) => (sym < 16 ? 4 : 0));
  for (const l of precode) w.bits(l, 3);
  const precodeLengths = Array.from({ length: 19 }, (_, sym) => (sym < 16 ? 4 : 0));
  const precodeCodes = canonicalCodes(precodeLengths);
  for (const l of [...block.litlen, ...block.dist]) w.code(precodeCodes[l]!, 4);
  const lcodes = canonicalCodes(block.litlen);
  const dcodes = canonicalCodes(block.dist);
  const sym = (codes: number[], lengths: readonly number[], s: number) => {
    if (!(lengths[s]! > 0)) throw new Error(`symbol ${s} has no code`);
    w.code(codes[s]!, lengths[s]!);
  };
  for (const item of block.items) {
    if ("literal" in item) sym(lcodes, block.litlen, item.literal);
    else if ("end" in item) sym(lcodes, block.litlen, 256);
    else {
      const l = LBASE.findLastIndex((b) => b <= item.length);
      sym(lcodes, block.litlen, 257 + l);
      w.bits(item.length - LBASE[l]!, LEXT[l]!);
      if (item.distanceCode) {
        w.code(item.distanceCode.code, item.distanceCode.bits);
        continue;
      }
      const d = DBASE.findLastIndex((b) => b <= item.distance);
      sym(dcodes, block.dist, d);
      w.bits(item.distance - DBASE[d]!, DEXT[d]!);
    }
  }
  const body = w.bytes();
  const a = adler32(expected);
  return Uint8Array.from([0x78, 0x01, ...body, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]);
}
