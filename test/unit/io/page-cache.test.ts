// The page cache against a plain model of CLOCK (arrays searched from end to end): the same hits, misses,
// values and evictions over long random runs, with keys that collide in its hash table and keys above 2^32.
import { describe, expect, it } from "vitest";
import { PageCache } from "../../../src/core/io/page-cache";

/** CLOCK, written for clarity: slot i holds keys[i]; a sweep clears reference bits until it finds a clear one. */
class ClockModel {
  keys: number[] = [];
  values: number[] = [];
  ref: number[] = [];
  hand = 0;
  constructor(readonly capacity: number) {}
  get(k: number): number | undefined {
    const i = this.keys.indexOf(k);
    if (i < 0) return undefined;
    this.ref[i] = 1;
    return this.values[i];
  }
  set(k: number, v: number): void {
    const i = this.keys.indexOf(k);
    if (i >= 0) {
      this.values[i] = v;
      this.ref[i] = 1;
      return;
    }
    if (this.keys.length < this.capacity) {
      this.keys.push(k);
      this.values.push(v);
      this.ref.push(0);
      return;
    }
    while (this.ref[this.hand] !== 0) {
      this.ref[this.hand] = 0;
      this.hand = (this.hand + 1) % this.capacity;
    }
    this.keys[this.hand] = k;
    this.values[this.hand] = v;
    this.ref[this.hand] = 0;
    this.hand = (this.hand + 1) % this.capacity;
  }
}

function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

describe("PageCache", () => {
  for (const capacity of [1, 2, 7, 64, 1000]) {
    it(`behaves as the CLOCK model with capacity ${capacity}`, () => {
      const cache = new PageCache<number>(capacity);
      const model = new ClockModel(capacity);
      const next = lcg(capacity);
      let hits = 0;
      for (let i = 0; i < 30_000; i++) {
        // Keys from a range a few times the capacity; some far apart (2^32 and 2^40 apart, the same low bits).
        const base = next(capacity * 3 + 2);
        const key = base + [0, 0, 0, 2 ** 32, 2 ** 40][next(5)]!;
        const got = cache.get(key);
        expect(got).toBe(model.get(key));
        if (got === undefined) {
          cache.set(key, i);
          model.set(key, i);
        } else {
          hits++;
          if (next(4) === 0) {
            cache.set(key, -i);
            model.set(key, -i);
          }
        }
        expect(cache.size).toBe(model.keys.length);
      }
      expect(cache.hits).toBe(hits);
      expect(cache.misses).toBe(30_000 - hits);
    });
  }

  it("keeps a page read again since the hand last passed it, and forgets after clear()", () => {
    const cache = new PageCache<string>(3);
    for (const k of [10, 11, 12]) cache.set(k, `p${k}`);
    cache.get(10);
    cache.set(13, "p13"); // the sweep spares 10 (referenced) and evicts 11
    expect(cache.get(10)).toBe("p10");
    expect(cache.get(11)).toBeUndefined();
    expect(cache.get(12)).toBe("p12");
    expect(cache.get(13)).toBe("p13");
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get(10)).toBeUndefined();
    cache.set(10, "again");
    expect(cache.get(10)).toBe("again");
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new PageCache(0)).toThrow(RangeError);
    expect(() => new PageCache(1.5)).toThrow(RangeError);
  });
});
