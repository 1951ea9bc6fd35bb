// The same dump in its ELF and kdump-compressed forms: every page present in both has the same bytes, and
// the page states agree except where makedumpfile wrote the two forms differently (listed and counted).
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { openDump } from "../../../src/core/dump/open";
import { fixture, haveFixtures } from "../../fixtures";

describe.skipIf(!haveFixtures("dump.lzo", "dump.elf"))("dump.elf and dump.lzo", () => {
  it("agree byte for byte on every page both hold", () => {
    const lzo = openDump(new NodeFileSource("dump.lzo", fixture("dump.lzo")!));
    const elf = openDump(new NodeFileSource("dump.elf", fixture("dump.elf")!));
    expect(elf.maxPfn).toBeGreaterThanOrEqual(lzo.maxPfn);
    let both = 0;
    const states = new Map<string, number>();
    for (let pfn = 0; pfn < lzo.maxPfn; pfn++) {
      const a = lzo.pageState(pfn);
      const b = elf.pageState(pfn);
      states.set(`${a}/${b}`, (states.get(`${a}/${b}`) ?? 0) + 1);
      if (a !== "present" || b !== "present") continue;
      both++;
      const x = lzo.readPage(pfn);
      const y = elf.readPage(pfn);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) expect.fail(`pfn ${pfn.toString(16)}: byte ${i} differs`);
    }
    // 16,885 stored pages plus 2,375 of makedumpfile's shared zero pages that the ELF form stores as pages.
    expect(both).toBe(19260);
    // Where the forms differ: 833 zero pages the ELF form leaves in a filtered PT_LOAD tail, 688 pages the
    // compressed form filtered and the ELF form kept (makedumpfile filters the two passes separately), and one
    // page in the ELF's memory map that the compressed form does not describe.
    expect(Object.fromEntries(states)).toEqual({
      "present/present": 19260,
      "present/excluded": 833,
      "excluded/present": 688,
      "excluded/excluded": 126542,
      "absent/excluded": 1,
      "absent/absent": 49249,
    });
  });
});
