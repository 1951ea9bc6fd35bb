// The real dumps: dump.lzo, dump.zlib (kdump-compressed) and dump.flat (the same lzo dump, flattened), checked
// against the fixture README's facts and libkdumpfile's page hashes, and against each other page by page.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, haveFixtures, manifest, reference } from "../../fixtures";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { BytesSource } from "../../../src/core/io/byte-source";
import { ExcludedPageError } from "../../../src/core/io/errors";
import { DiskdumpVmcore } from "../../../src/core/dump/diskdump";
import { FlattenedSource } from "../../../src/core/dump/flattened";
import { buildDiskdump, firstDifference } from "../../fixtures/diskdump-builder";

const VARIANTS = ["lzo", "zlib", "flat"] as const;
const ZERO_PAGE_SHA = "ad7facb2586fc6e966c004d7d1d16b024f5805ff7cb47c7a85dabd8b48892ca7";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe.skipIf(!haveFixtures("dump.lzo", "dump.zlib", "dump.flat"))("diskdump fixtures (dump.lzo, dump.zlib, dump.flat)", () => {
  const sources: NodeFileSource[] = [];
  const dumps = {} as Record<(typeof VARIANTS)[number], DiskdumpVmcore>;
  beforeAll(() => {
    for (const v of VARIANTS) {
      const src = new NodeFileSource(`dump.${v}`, fixture(`dump.${v}`)!);
      sources.push(src);
      dumps[v] = DiskdumpVmcore.open(src);
    }
  });
  afterAll(() => sources.forEach((s) => s.close()));

  for (const v of VARIANTS) {
    it(`dump.${v}: headers, CPUs and VMCOREINFO`, () => {
      const d = dumps[v];
      expect(d.format.kind).toBe(v === "flat" ? "flattened" : "diskdump");
      expect(d.format.details.header_version).toBe(6);
      expect(d.format.details.signature).toBe("KDUMP   ");
      expect(d.pageSize).toBe(4096);
      expect(d.maxPfn).toBe(196573);
      expect(d.format.dumpLevel).toBe(31);
      expect(d.format.details.phys_base).toBe("-0x1400000");
      expect(d.format.details.nr_cpus).toBe(4);
      expect(d.cpus).toHaveLength(4);
      const panic = manifest().panic;
      expect(d.cpus[panic.cpu]!.pid).toBe(panic.pid);
      expect(d.vmcoreinfo?.osrelease).toBe("6.1.0-50-cloud-amd64");
      expect(d.vmcoreinfo?.pageSize).toBe(4096);
      expect(d.format.details["utsname.release"]).toBe("6.1.0-50-cloud-amd64");
      // The crashkernel reservation (0x22000000-0x2e000000) is a hole in the 1st bitmap.
      expect(d.memoryRanges).toEqual([
        { start: 0x1000, end: 0x9f000 },
        { start: 0x100000, end: 0x22000000 },
        { start: 0x2e000000, end: 0x2ffdd000 },
      ]);
    });
  }

  it("dump.flat is indexed in place: 739 records, no overlaps", () => {
    const src = dumps.flat.source;
    expect(src).toBeInstanceOf(FlattenedSource);
    const flat = src as FlattenedSource;
    expect(flat.recordCount).toBe(739);
    expect(flat.overlaps).toBe(0);
    expect(flat.size).toBe(dumps.lzo.source.size);
    const t0 = performance.now();
    const again = new FlattenedSource(flat.inner);
    console.log(`dump.flat: indexed ${again.recordCount} records in ${(performance.now() - t0).toFixed(1)} ms`);
  });

  for (const v of ["lzo", "zlib"] as const) {
    it(`dump.${v}: page hashes match libkdumpfile's`, () => {
      const d = dumps[v];
      const lines = reference(`libkdumpfile/pages-dump.${v}.txt`).split("\n").filter((l) => /^0x/.test(l));
      expect(lines.length).toBe(5);
      let excluded = 0;
      for (const line of lines) {
        const [addrHex, want] = line.split(/\s+/);
        const addr = Number(addrHex);
        const pfn = addr / 4096;
        if (d.pageState(pfn) === "excluded") {
          excluded++;
          expect(want).toBe(ZERO_PAGE_SHA);
          // Filtered by the dump level (libkdumpfile reads zeros for it; kdw only on request).
          expect(d.exclusionReason(pfn)).toBe("filtered");
          expect(() => d.readPhys(addr, 4096)).toThrow(ExcludedPageError);
          expect(sha256(d.readPhys(addr, 4096, { zeroFill: true }))).toBe(want);
        } else {
          expect(d.pageState(pfn)).toBe("present");
          expect(sha256(d.readPhys(addr, 4096)), line).toBe(want);
        }
      }
      // 0x1000 and 0x100000 are zero pages stored through makedumpfile's shared zero page (pd_zero): present,
      // all zeros, as libkdumpfile reads them (dump.elf keeps 0x1000 and leaves 0x100000 in a zero-fill tail).
      expect(excluded).toBe(0);
    });
  }

  it("a long read decodes into its buffer: the bytes page by page, the cache left as it was, errors where page reads give them", () => {
    for (const v of VARIANTS) {
      const source = new NodeFileSource(`dump.${v}`, fixture(`dump.${v}`)!);
      const d = DiskdumpVmcore.open(source);
      // 64 present pages in a row, read from 100 bytes into the first: some pages cached, most not.
      let first = 0x2000;
      while (![...Array(65).keys()].every((k) => d.pageState(first + k) === "present")) first++;
      for (const k of [3, 4, 40]) d.readPage(first + k);
      const { hits, misses } = d.pageCache;
      const got = d.readPhys(first * 4096 + 100, 64 * 4096);
      expect({ hits: d.pageCache.hits - hits, misses: d.pageCache.misses - misses }, v).toEqual({ hits: 3, misses: 62 });
      // The whole pages it decoded did not go into the cache (the walkers' pages stay there).
      expect(d.pageCache.get(first + 10), v).toBeUndefined();
      const want = new Uint8Array(65 * 4096);
      for (let k = 0; k < 65; k++) want.set(d.readPage(first + k), k * 4096);
      expect(firstDifference(got, want.subarray(100, 100 + 64 * 4096)), v).toBe(-1);
      // An excluded page inside a long read: the read fails naming it, or gives zeros there when asked.
      let gap = first + 20;
      while (!(d.pageState(gap) === "excluded" && [...Array(20).keys()].every((k) => d.pageState(gap - 20 + k) === "present"))) gap++;
      const from = (gap - 20) * 4096;
      expect(() => d.readPhys(from, 24 * 4096)).toThrow(new RegExp(`physical address 0x${(gap * 4096).toString(16)}: page excluded`));
      const zeroFilled = d.readPhys(from, 24 * 4096, { zeroFill: true });
      expect(firstDifference(zeroFilled.subarray(19 * 4096, 20 * 4096), d.readPage(gap - 1)), v).toBe(-1);
      expect(firstDifference(zeroFilled.subarray(20 * 4096, 21 * 4096), new Uint8Array(4096)), v).toBe(-1);
      // A read of a few pages (a stack) goes through the cache: the single-page reads that follow hit it.
      const few = first + 100;
      d.readPhys(few * 4096, 3 * 4096);
      expect(d.pageCache.get(few + 1), v).toBeDefined();
      source.close();
    }
  });

  it("every page agrees across dump.lzo, dump.zlib and dump.flat (state and bytes)", () => {
    const time = { lzo: 0, zlib: 0, flat: 0 };
    let present = 0;
    for (let pfn = 0; pfn < dumps.lzo.maxPfn; pfn++) {
      const state = dumps.lzo.pageState(pfn);
      if (dumps.zlib.pageState(pfn) !== state || dumps.flat.pageState(pfn) !== state) expect.fail(`pfn ${pfn}: page state differs`);
      if (state !== "present") continue;
      present++;
      const pages = VARIANTS.map((v) => {
        const t = performance.now();
        const page = dumps[v].readPage(pfn);
        time[v] += performance.now() - t;
        return page;
      });
      const [a, b, c] = pages as [Uint8Array, Uint8Array, Uint8Array];
      if (firstDifference(a, b) !== -1 || firstDifference(a, c) !== -1) expect.fail(`pfn ${pfn}: lzo/zlib/flat differ`);
    }
    // 20093 pages dumped per the 2nd bitmap, 3208 of them zero pages that share pd_zero (present, zeros).
    expect(present).toBe(20093);
    for (const v of VARIANTS) console.log(`dump.${v}: ${present} pages decoded in ${time[v].toFixed(0)} ms: ${Math.round(present / (time[v] / 1000))} pages/s`);
  });

  it("page statistics agree across the variants", () => {
    const lzo = dumps.lzo.pageStats();
    const zlib = dumps.zlib.pageStats();
    expect(lzo).toEqual(dumps.flat.pageStats());
    expect(lzo.present).toBe(20093);
    expect(zlib.present).toBe(20093);
    expect(lzo.excluded).toBe(147323 - 20093);
    expect(dumps.lzo.format.details.zero_pages).toBe(3208);
    expect(dumps.lzo.format.details.excluded_filtered).toBe(147323 - 20093);
    expect(zlib.excluded).toBe(lzo.excluded);
    expect(Object.keys(lzo.byCompression).sort()).toEqual(["lzo", "none", "zero"]);
    expect(Object.keys(zlib.byCompression).sort()).toEqual(["none", "zero", "zlib"]);
    expect(lzo.byCompression.lzo! + lzo.byCompression.none! + lzo.byCompression.zero!).toBe(20093);
    expect(dumps.lzo.format.compressions).toEqual(["lzo", "none", "zero"]);
  });

  it("real lzo pages copied into a synthetic dump decode to the same bytes", () => {
    const lzo = dumps.lzo;
    const pages = new Map<number, Uint8Array>();
    const precompressed = new Map<number, { flags: number; bytes: Uint8Array }>();
    for (let pfn = 0; pfn < lzo.maxPfn && precompressed.size < 64; pfn++) {
      const pd = lzo.pageDescriptor(pfn);
      if (pd === null || pd.flags !== 2) continue;
      pages.set(pfn, lzo.readPage(pfn));
      precompressed.set(pfn, { flags: pd.flags, bytes: lzo.source.read(pd.offset, pd.size) });
    }
    const built = buildDiskdump({ pages, precompressed, compression: "lzo" });
    const synthetic = DiskdumpVmcore.open(new BytesSource("synthetic", built.bytes));
    expect(synthetic.pageStats().byCompression).toEqual({ lzo: 64 });
    for (const [pfn, page] of pages) expect(firstDifference(synthetic.readPage(pfn), page)).toBe(-1);
  });
});
