import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PageBitmap, popcount32 } from "../../../src/core/dump/diskdump-bitmap";

const bit = (bytes: Uint8Array, i: number) => ((bytes[i >> 3]! >> (i & 7)) & 1) === 1;

/** Random bitmaps with long runs of ones and zeros as well as noise, and an nbits that may cut a byte. */
const bitmapArb = fc
  .tuple(fc.array(fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 0, max: 255 })), { minLength: 0, maxLength: 700 }), fc.integer({ min: 0, max: 7 }))
  .map(([bytes, cut]) => ({ bytes: Uint8Array.from(bytes), nbits: Math.max(0, bytes.length * 8 - cut) }));

describe("PageBitmap", () => {
  it("popcount32 counts bits", () => {
    expect([0, 1, 0xff, 0x80000000, 0xffffffff, 0x12345678].map(popcount32)).toEqual([0, 1, 8, 1, 32, 13]);
  });

  it("test, rankBefore and count agree with a naive scan", () => {
    fc.assert(
      fc.property(bitmapArb, ({ bytes, nbits }) => {
        const bm = PageBitmap.fromBytes(bytes, nbits, { chunkShift: 8, chunksCached: 2 });
        let rank = 0;
        for (let i = 0; i < nbits; i++) {
          if (bm.rankBefore(i) !== rank) return false;
          if (bm.test(i) !== bit(bytes, i)) return false;
          if (bit(bytes, i)) rank++;
        }
        return bm.count === rank && !bm.test(nbits) && !bm.test(-1);
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  it("runs cover exactly the set bits, and countAndNot counts this & ~other", () => {
    fc.assert(
      fc.property(bitmapArb, bitmapArb, (a, b) => {
        const bm = PageBitmap.fromBytes(a.bytes, a.nbits, { chunkShift: 9, chunksCached: 1 });
        const set = new Set<number>();
        for (const r of bm.runs(1 << 20)) {
          expect(r.end).toBeGreaterThan(r.start);
          for (let i = r.start; i < r.end; i++) set.add(i);
        }
        let expected = 0;
        let andNot = 0;
        const other = PageBitmap.fromBytes(b.bytes, a.nbits, { chunkShift: 8, chunksCached: 1 });
        for (let i = 0; i < a.nbits; i++) {
          if (bit(a.bytes, i)) {
            expected++;
            if (!set.has(i)) return false;
            if (!other.test(i)) andNot++;
          }
        }
        return set.size === expected && bm.countAndNot(other) === andNot;
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it("ignores bits past nbits and caps the number of runs", () => {
    const bytes = new Uint8Array(16).fill(0x55); // alternating bits: 64 runs
    const bm = PageBitmap.fromBytes(bytes, 100);
    expect(bm.count).toBe(50);
    expect(bm.test(100)).toBe(false);
    expect(bm.runs(1 << 20)).toHaveLength(50);
    const capped = bm.runs(3);
    expect(capped).toHaveLength(3);
    // The last run stretches to the last set bit so every set bit stays covered.
    expect(capped[2]).toEqual({ start: 4, end: 99 });
  });
});
