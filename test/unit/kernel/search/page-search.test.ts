// The walks of `search` over synthetic memory: a linear range reads only frames that have a struct page and
// are in the dump, a translated range goes where `nextPage` says after an unmapped page, every frame is read
// once per search, the last page is cut at the end, and the limits stop a search with its reason.
import { describe, expect, it } from "vitest";
import { PageSearch, SearchStopped } from "../../../../src/core/kernel/search/page-search";
import { PfnSet } from "../../../../src/core/kernel/search/ranges";
import { SyntheticMemory } from "../../../fixtures/memory-builder";
import { buildDiskdump, testPage } from "../../../fixtures/diskdump-builder";
import { DiskdumpVmcore } from "../../../../src/core/dump/diskdump";
import { BytesSource } from "../../../../src/core/io/byte-source";

const V = 0xffffffffc05de080n;
const LIMITS = { maxMatches: 1000, maxPages: 1 << 20 };

function memory(): SyntheticMemory {
  const m = new SyntheticMemory(64);
  m.writeU64(0x1008, V);
  m.writeU64(0x2ff8, V);
  m.writeU64(0x3000, V); // pfn 3: excluded below
  m.writeU64(0x5010, V);
  m.exclude(0x3000);
  return m;
}

function hits(ps: PageSearch): string[] {
  return ps.events.map((e) => (e.kind === "value" ? `${e.address.toString(16)}:${e.index}` : e.kind === "note" ? `note ${e.text}` : e.kind));
}

describe("PageSearch", () => {
  it("walks a linear range frame by frame: absent and excluded frames and frames without a struct page are skipped", () => {
    const m = memory();
    const ps = new PageSearch(m, { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 5 }]), LIMITS);
    ps.walkLinear(0xff00000000000000n, 0xff00000000040000n, 0xff00000000000000n);
    expect(hits(ps)).toEqual(["ff00000000001008:0", "ff00000000002ff8:0"]);
  });

  it("reads each frame once per search: a second view of the same frames answers from what the first found", () => {
    const m = memory();
    const ps = new PageSearch(m, { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 64 }]), LIMITS);
    ps.walkLinear(0n, 0x10000n, 0n);
    const read = ps.pagesRead;
    ps.walkLinear(0xffffffff80000000n, 0xffffffff80010000n, 0xffffffff80000000n);
    expect(ps.pagesRead).toBe(read);
    expect(hits(ps).slice(-3)).toEqual(["ffffffff80001008:0", "ffffffff80002ff8:0", "ffffffff80005010:0"]);
  });

  it("cuts the last page at the end (whole items only) and starts the first at the start", () => {
    const m = memory();
    const ps = new PageSearch(m, { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 64 }]), LIMITS);
    ps.walkLinear(0x1010n, 0x2fffn, 0n);
    expect(hits(ps)).toEqual([]);
    ps.walkLinear(0x1008n, 0x3000n, 0n);
    expect(hits(ps)).toEqual(["1008:0", "2ff8:0"]);
  });

  it("walks a translated range, asking where to go after a page that does not translate", () => {
    const m = memory();
    const ps = new PageSearch(m, { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 64 }]), LIMITS);
    const asked: bigint[] = [];
    // Virtual page 0x100000 + n maps frame n for n = 1, 2, 5; nothing else is mapped.
    const translate = (v: bigint) => {
      const n = Number((v - 0x100000n) / 4096n);
      return [1, 2, 5].includes(n) ? n * 4096 : -1;
    };
    ps.walkTranslated(0x100000n, 0x108000n, translate, (pp) => {
      asked.push(pp);
      return pp === 0x100000n ? 0x101000n : pp === 0x103000n ? 0x105000n : undefined;
    });
    expect(hits(ps)).toEqual(["101008:0", "102ff8:0", "105010:0"]);
    expect(asked).toEqual([0x100000n, 0x103000n, 0x106000n]);
  });

  it("stops at the match limit and at the page limit with the reason, and calls the interrupt check", () => {
    const m = memory();
    const few = new PageSearch(m, { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 64 }]), { maxMatches: 2, maxPages: 1000 });
    expect(() => few.walkLinear(0n, 0x40000n, 0n)).toThrow(SearchStopped);
    expect(few.matches).toBe(2);
    let checks = 0;
    const short = new PageSearch(m, { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 1 << 20 }]), { maxMatches: 10, maxPages: 200, interrupt: () => void checks++ });
    expect(() => short.walkLinear(0n, 1n << 40n, 0n)).not.toThrow();
    const huge = new PageSearch(new SyntheticMemory(1 << 20), { kind: "values", width: 8, values: [V], mask: 0n }, new PfnSet([{ start: 0, end: 1 << 20 }]), { maxMatches: 10, maxPages: 200, interrupt: () => void checks++ });
    expect(() => huge.walkLinear(0n, 1n << 40n, 0n)).toThrow("the search visited 200 pages (its limit)");
    expect(checks).toBeGreaterThan(0);
  });

  it("finds strings across consecutive frames of a linear walk", () => {
    const m = new SyntheticMemory(8);
    m.writeBytes(0x1ffc, new TextEncoder().encode("needle in"));
    const ps = new PageSearch(m, { kind: "chars", strings: [new TextEncoder().encode("needle")] }, new PfnSet([{ start: 0, end: 8 }]), LIMITS);
    ps.walkLinear(0n, 0x8000n, 0n);
    expect(ps.events).toEqual([{ kind: "chars", address: 0x1ffcn, text: "needle in" + ".".repeat(56 - 9), index: 0 }]);
  });
});

describe("PageSearch's reads", () => {
  it("decodes each page into one scratch page, past the dump's page cache: a search does not push out the pages walkers reuse", () => {
    const pages = new Map<number, Uint8Array>();
    for (const pfn of [1, 2, 5, 9]) {
      const p = testPage(pfn);
      new DataView(p.buffer).setBigUint64(0x40, V, true);
      pages.set(pfn, p);
    }
    const dump = DiskdumpVmcore.open(new BytesSource("t.kdump", buildDiskdump({ pages, compression: "zlib" }).bytes));
    const walked = dump.readPage(9);
    for (const target of [{ kind: "values", width: 8, values: [V], mask: 0n }, { kind: "chars", strings: [new TextEncoder().encode("page 5")] }] as const) {
      const ps = new PageSearch(dump, target, new PfnSet([{ start: 0, end: 16 }]), LIMITS);
      ps.walkLinear(0n, 0x10000n, 0n);
      expect(ps.pagesRead).toBe(4);
      expect(hits(ps)).toEqual(target.kind === "values" ? ["1040:0", "2040:0", "5040:0", "9040:0"] : ["chars"]);
    }
    // Nothing the searches read was cached; the page a walker had read is still there.
    for (const pfn of [1, 2, 5]) expect(dump.pageCache.get(pfn)).toBeUndefined();
    expect(dump.pageCache.get(9)).toBe(walked);
  });
});
