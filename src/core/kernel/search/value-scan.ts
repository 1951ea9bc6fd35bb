// The inner loop of crash's `search` (memory.c search_ulong, search_uint, search_ushort): every aligned
// unsigned long, int or short of a stretch of a page compared with each value, with crash's mask of
// "don't care" bits (SEARCHMASK(x) = x | mask, on both sides). The stretch is copied into one aligned
// scratch page and read as 32- or 16-bit words: a 64-bit word is compared as two halves, so no BigInt is
// made per word. Matches come out in crash's order: by address, then by value.

/** Bytes per compared item: unsigned long, int, short. */
export type ValueWidth = 8 | 4 | 2;

export interface ValueTarget {
  width: ValueWidth;
  /** The values, already checked to fit the width. */
  values: readonly bigint[];
  /** Bits that do not matter (crash's -m). */
  mask: bigint;
}

const PAGE_SIZE = 4096;

/** Scans stretches of pages for the values of a target. */
export class ValueScanner {
  private readonly scratch = new ArrayBuffer(PAGE_SIZE);
  private readonly bytes = new Uint8Array(this.scratch);
  private readonly u32 = new Uint32Array(this.scratch);
  private readonly u16 = new Uint16Array(this.scratch);
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly maskLo: number;
  private readonly maskHi: number;

  constructor(readonly target: ValueTarget) {
    const n = target.values.length;
    this.lo = new Int32Array(n);
    this.hi = new Int32Array(n);
    const m = BigInt.asUintN(64, target.mask);
    this.maskLo = Number(m & 0xffffffffn) | 0;
    this.maskHi = Number(m >> 32n) | 0;
    for (let i = 0; i < n; i++) {
      const v = BigInt.asUintN(64, target.values[i]!);
      // Compared as signed 32-bit numbers: `x | mask` yields one.
      this.lo[i] = Number(v & 0xffffffffn) | this.maskLo;
      this.hi[i] = Number(v >> 32n) | this.maskHi;
    }
  }

  /**
   * The matches in `page[from, to)` (offsets from the page start; `from` a multiple of 8 and `to - from` of
   * the width): each as the byte offset in the page times 256 plus the value's index, appended to `out`.
   */
  scan(page: Uint8Array, from: number, to: number, out: number[]): void {
    if (to <= from) return;
    this.bytes.set(page.subarray(from, to));
    const n = to - from;
    const values = this.lo.length;
    const mLo = this.maskLo;
    if (this.target.width === 8) {
      const words = n >>> 2;
      const u32 = this.u32;
      const mHi = this.maskHi;
      if (values === 1) {
        const vLo = this.lo[0]!;
        const vHi = this.hi[0]!;
        for (let i = 0; i < words; i += 2) {
          if ((u32[i]! | mLo) === vLo && (u32[i + 1]! | mHi) === vHi) out.push((from + i * 4) * 256);
        }
        return;
      }
      for (let i = 0; i < words; i += 2) {
        const a = u32[i]! | mLo;
        const b = u32[i + 1]! | mHi;
        for (let k = 0; k < values; k++) if (a === this.lo[k] && b === this.hi[k]) out.push((from + i * 4) * 256 + k);
      }
      return;
    }
    if (this.target.width === 4) {
      const words = n >>> 2;
      const u32 = this.u32;
      for (let i = 0; i < words; i++) {
        const a = u32[i]! | mLo;
        for (let k = 0; k < values; k++) if (a === this.lo[k]) out.push((from + i * 4) * 256 + k);
      }
      return;
    }
    const halves = n >>> 1;
    const u16 = this.u16;
    const m16 = mLo & 0xffff;
    for (let i = 0; i < halves; i++) {
      const a = (u16[i]! | m16) | 0;
      for (let k = 0; k < values; k++) if (a === (this.lo[k]! & 0xffff)) out.push((from + i * 2) * 256 + k);
    }
  }

  /** The item at `offset` of the stretch last scanned, as crash prints it (the value in memory, unmasked). */
  valueAt(page: Uint8Array, offset: number): bigint {
    let v = 0n;
    for (let i = this.target.width - 1; i >= 0; i--) v = (v << 8n) | BigInt(page[offset + i]!);
    return v;
  }
}

/** At most this many values in one search (crash's MAXARGS). */
export const MAX_SEARCH_VALUES = 100;
