// PageSlab hands out page-sized buffers that are zero when handed out and never overlap; prefault (which
// maps the pages of the rest of the slab, and makes the next slab ahead of need) changes neither: pages
// handed out keep what was written into them, and the next ones are still zero.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PageSlab } from "../../../src/core/io/page-slab";

describe("PageSlab", () => {
  it("hands out zeroed, disjoint pages that keep their contents, with prefault called anywhere between takes", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (steps, perSlab) => {
        const slab = new PageSlab(64, perSlab);
        const taken: Uint8Array[] = [];
        for (const [i, prefault] of steps.entries()) {
          if (prefault) slab.prefault();
          const page = slab.take();
          expect(page.length).toBe(64);
          expect(page.every((b) => b === 0)).toBe(true);
          page.fill((i % 250) + 1);
          taken.push(page);
        }
        // Every page still holds its own mark: none was handed out twice or cleared by prefault.
        for (const [i, page] of taken.entries()) expect(page.every((b) => b === (i % 250) + 1)).toBe(true);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
