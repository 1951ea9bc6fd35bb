import { beforeAll, describe, expect, it } from "vitest";
import { BytesSource } from "../../../src/core/io/byte-source";
import { AbsentPageError, DumpFormatError, ExcludedPageError } from "../../../src/core/io/errors";
import { DiskdumpVmcore, isDiskdump, codecOfFlags } from "../../../src/core/dump/diskdump";
import { buildDiskdump, flatten, initBuilderCodecs, testPage, firstDifference, CODEC_FLAG, STATUS_INCOMPLETE, type BuildCodec, type DiskdumpSpec } from "../../fixtures/diskdump-builder";
import { lzoTestCompress } from "../codec/lzo-encoder";

const PS = 4096;
const VMCOREINFO = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nNUMBER(phys_base)=-20971520\nSYMBOL(init_task)=ffffffff8200aa40\n";

/** Pages 0-9 and 40-47 dumped, 10-14 and 48 excluded, 15-39 a hole (absent), max_mapnr 64. */
function sampleSpec(extra: Partial<DiskdumpSpec> = {}): DiskdumpSpec {
  const pages = new Map<number, Uint8Array>();
  for (let p = 0; p < 10; p++) pages.set(p, testPage(p));
  for (let p = 40; p < 48; p++) pages.set(p, testPage(p));
  return { pages, excluded: [10, 11, 12, 13, 14, 48], maxMapnr: 64, vmcoreinfo: VMCOREINFO, cpus: 2, ...extra };
}

function open(bytes: Uint8Array, name = "test.kdump"): DiskdumpVmcore {
  return DiskdumpVmcore.open(new BytesSource(name, bytes));
}

beforeAll(async () => {
  await initBuilderCodecs();
});

describe("DiskdumpVmcore on synthetic kdump-compressed files", () => {
  for (const codec of ["none", "zlib", "snappy", "zstd", "lzo"] as BuildCodec[]) {
    it(`reads every page written with ${codec}`, () => {
      const spec = sampleSpec({ compression: codec });
      const dump = open(buildDiskdump(spec).bytes);
      for (const [pfn, page] of spec.pages) {
        expect(dump.pageState(pfn)).toBe("present");
        expect(firstDifference(dump.readPage(pfn), page)).toBe(-1);
      }
      const stats = dump.pageStats();
      expect(stats.present).toBe(18);
      expect(stats.excluded).toBe(6);
      // lzo has no JS encoder in the builder: its pages are stored raw, as makedumpfile stores pages that do not shrink.
      const expectCodec = codec === "lzo" ? "none" : codec;
      expect(stats.byCompression).toEqual({ [expectCodec]: 18 });
      expect(dump.format.compressions).toEqual([expectCodec]);
    });
  }

  it("decodes lzo pages (flags 2) made by the test LZO1X encoder", () => {
    const spec = sampleSpec({ compression: "lzo" });
    spec.precompressed = new Map([...spec.pages].map(([pfn, page]) => [pfn, { flags: CODEC_FLAG.lzo, bytes: lzoTestCompress(page) }]));
    const dump = open(buildDiskdump(spec).bytes);
    for (const [pfn, page] of spec.pages) expect(firstDifference(dump.readPage(pfn), page)).toBe(-1);
    expect(dump.pageStats().byCompression).toEqual({ lzo: 18 });
  });

  it("tells present, excluded and absent pages apart and never reads zeros silently", () => {
    const dump = open(buildDiskdump(sampleSpec()).bytes);
    expect(dump.pageState(12)).toBe("excluded");
    expect(dump.pageState(48)).toBe("excluded");
    expect(dump.pageState(20)).toBe("absent");
    expect(dump.pageState(63)).toBe("absent");
    expect(dump.pageState(64)).toBe("absent");
    expect(dump.pageState(-1)).toBe("absent");
    expect(dump.pageState(1.5)).toBe("absent");
    expect(() => dump.readPage(12)).toThrow(ExcludedPageError);
    expect(() => dump.readPage(20)).toThrow(AbsentPageError);
    expect(() => dump.readPhys(12 * PS + 8, 16)).toThrow(/physical address 0xc000: page excluded/);
    expect(dump.readPhys(12 * PS, 16, { zeroFill: true })).toEqual(new Uint8Array(16));
    expect(dump.readPhys(20 * PS, 8, { zeroFill: true })).toEqual(new Uint8Array(8));
  });

  it("reads zero pages that share makedumpfile's pd_zero (dump level bit 1) as present zero pages", () => {
    const spec = sampleSpec();
    spec.pages.set(4, new Uint8Array(PS));
    spec.pages.set(41, new Uint8Array(PS));
    const dump = open(buildDiskdump(spec).bytes);
    expect(dump.zeroPageOffset).toBe(dump.pageDescriptor(4)!.offset);
    expect(dump.pageState(4)).toBe("present");
    expect(dump.exclusionReason(41)).toBeNull();
    expect(dump.exclusionReason(12)).toBe("filtered");
    expect(dump.exclusionReason(5)).toBeNull();
    expect(dump.readPage(41)).toEqual(new Uint8Array(PS));
    expect(dump.readPhys(4 * PS, 100)).toEqual(new Uint8Array(100));
    expect(dump.pageStats()).toMatchObject({ present: 18, excluded: 6 });
    expect(dump.pageStats().byCompression.zero).toBe(2);
    // Without DL_EXCLUDE_ZERO the same zero pages are stored one by one and are present.
    const level30 = open(buildDiskdump({ ...spec, dumpLevel: 30 }).bytes);
    expect(level30.zeroPageOffset).toBeNull();
    expect(level30.readPage(41)).toEqual(new Uint8Array(PS));
    expect(level30.pageStats()).toMatchObject({ present: 18, excluded: 6 });
  });

  it("reads across page boundaries", () => {
    const dump = open(buildDiskdump(sampleSpec()).bytes);
    const got = dump.readPhys(3 * PS - 10, 20 + PS);
    const want = new Uint8Array([...testPage(2).subarray(PS - 10), ...testPage(3), ...testPage(4).subarray(0, 10)]);
    expect(got).toEqual(want);
  });

  it("parses the headers, VMCOREINFO and the per-CPU NT_PRSTATUS notes", () => {
    const built = buildDiskdump(sampleSpec({ release: "6.1.0-rel" }));
    const dump = open(built.bytes);
    expect(isDiskdump(built.bytes)).toBe(true);
    expect(dump.pageSize).toBe(PS);
    expect(dump.maxPfn).toBe(64);
    expect(dump.vmcoreinfo?.osrelease).toBe("6.1.0-test");
    expect(dump.vmcoreinfo?.symbol("init_task")).toBe(0xffffffff8200aa40n);
    expect(dump.cpus.map((c) => c.pid)).toEqual([100, 101]);
    expect(dump.cpus[1]!.regs.rip).toBe(0xffffffff81000001n);
    expect(dump.format.kind).toBe("diskdump");
    expect(dump.format.description).toBe("kdump-compressed (diskdump) version 6");
    expect(dump.format.dumpLevel).toBe(31);
    expect(dump.format.compressions).toEqual(["zlib"]);
    const d = dump.format.details;
    expect(d["utsname.release"]).toBe("6.1.0-rel");
    expect(d.phys_base).toBe("-0x1400000");
    expect(d.max_mapnr).toBe(64);
    expect(d.nr_cpus).toBe(2);
    expect(d.pages_dumped).toBe(18);
    expect(d.pages_in_memory).toBe(24);
    expect(d.offset_note).toBe(built.noteOffset);
    expect(d.size_vmcoreinfo).toBe(VMCOREINFO.length);
    expect(d.descriptors_truncated).toBe(false);
    expect(dump.memoryRanges).toEqual([
      { start: 0, end: 15 * PS },
      { start: 40 * PS, end: 49 * PS },
    ]);
  });

  it("gives each pfn its own descriptor (rank of the 2nd bitmap)", () => {
    const built = buildDiskdump(sampleSpec());
    const dump = open(built.bytes);
    for (const [pfn, off] of built.descOffset) {
      const pd = dump.pageDescriptor(pfn)!;
      expect(pd.descOffset).toBe(off);
      expect(pd.offset).toBe(built.pageOffset.get(pfn));
      expect(pd.flags).toBe(built.pageFlags.get(pfn));
      expect(pd.pageFlagsLo & 0xff).toBe(pfn & 0xff);
    }
    expect(dump.pageDescriptor(12)).toBeNull();
  });

  it("counts pages per codec when codecs are mixed", () => {
    const codecs: BuildCodec[] = ["zlib", "snappy", "zstd", "none"];
    const spec = sampleSpec({ pageCodec: (pfn) => codecs[pfn % 4] });
    spec.pages.set(5, new Uint8Array(PS).map((_, i) => (i * 2654435761) >>> 24)); // incompressible: stored raw
    const dump = open(buildDiskdump(spec).bytes);
    for (const [pfn, page] of spec.pages) expect(firstDifference(dump.readPage(pfn), page)).toBe(-1);
    const by = dump.pageStats().byCompression;
    expect(Object.values(by).reduce((a, b) => a + b, 0)).toBe(18);
    expect(Object.keys(by).sort()).toEqual(["none", "snappy", "zlib", "zstd"]);
    expect(dump.format.compressions).toEqual(["none", "snappy", "zlib", "zstd"]);
  });

  it("caches decoded pages", () => {
    const dump = open(buildDiskdump(sampleSpec()).bytes);
    const a = dump.readPage(3);
    expect(dump.readPage(3)).toBe(a);
    expect(dump.pageCache.hits).toBeGreaterThan(0);
  });

  for (const version of [0, 1, 2, 3, 4, 5]) {
    it(`reads header_version ${version} (fields of later versions ignored)`, () => {
      const dump = open(buildDiskdump(sampleSpec({ headerVersion: version })).bytes);
      expect(dump.format.description).toBe(`kdump-compressed (diskdump) version ${version}`);
      expect(dump.readPage(41)).toEqual(testPage(41));
      expect(dump.maxPfn).toBe(64);
      expect(dump.vmcoreinfo === null).toBe(version < 3);
      expect(dump.cpus.length).toBe(version < 4 ? 0 : 2);
      expect(dump.format.dumpLevel).toBe(version >= 1 ? 31 : undefined);
    });
  }

  it("reads the old DISKDUMP signature (no kdump sub header)", () => {
    const built = buildDiskdump(sampleSpec({ signature: "DISKDUMP", headerVersion: 1 }));
    const dump = open(built.bytes);
    expect(dump.format.description).toBe("diskdump version 1");
    expect(dump.vmcoreinfo).toBeNull();
    expect(dump.pageState(12)).toBe("excluded");
    expect(dump.readPage(9)).toEqual(testPage(9));
  });

  it("reports pages of an incomplete dump whose descriptors were never written as excluded", () => {
    const spec = sampleSpec({ status: STATUS_INCOMPLETE, unwritten: [44, 45, 46, 47] });
    const dump = open(buildDiskdump(spec).bytes);
    expect(dump.format.details.incomplete).toBe(true);
    expect(dump.pageState(43)).toBe("present");
    expect(dump.pageState(44)).toBe("excluded");
    expect(() => dump.readPage(45)).toThrow(ExcludedPageError);
    expect(dump.exclusionReason(46)).toBe("unwritten");
    expect(dump.pageStats()).toMatchObject({ present: 14, excluded: 10 });
  });

  it("treats the descriptors cut off an incomplete dump as excluded", () => {
    const built = buildDiskdump(sampleSpec({ status: STATUS_INCOMPLETE }));
    const cut = built.descOffset.get(44)!;
    const dump = open(built.bytes.slice(0, cut + 10));
    expect(dump.format.details.descriptors_truncated).toBe(true);
    expect(dump.pageState(44)).toBe("excluded");
    expect(dump.pageState(47)).toBe("excluded");
    expect(dump.pageStats()).toMatchObject({ present: 14, excluded: 10 });
  });

  it("refuses a split dump with a clear message", () => {
    const bytes = buildDiskdump(sampleSpec({ split: 1 })).bytes;
    expect(() => open(bytes)).toThrow(DumpFormatError);
    expect(() => open(bytes)).toThrow(/test\.kdump: offset 0x100c: split dump/);
  });

  it("maps page_desc.flags to codecs", () => {
    expect(codecOfFlags(0)).toBe("none");
    expect(codecOfFlags(1)).toBe("zlib");
    expect(codecOfFlags(2)).toBe("lzo");
    expect(codecOfFlags(4)).toBe("snappy");
    expect(codecOfFlags(0x20)).toBe("zstd");
    expect(codecOfFlags(0x3)).toBeNull();
    expect(codecOfFlags(0x8)).toBe("none");
  });
});

describe("QEMU dump-guest-memory -z (kdump-compressed, flattened)", () => {
  function qemuDump(vmcoreinfo?: string) {
    const pages = new Map<number, Uint8Array>();
    for (let p = 0; p < 160; p++) pages.set(p, p % 3 === 0 ? new Uint8Array(PS) : testPage(p));
    for (let p = 256; p < 300; p++) pages.set(p, testPage(p));
    const built = buildDiskdump({ pages, qemu: true, cpus: 4, compression: "zlib", vmcoreinfo, maxMapnr: 300 });
    return { pages, built, flat: flatten(built.bytes, { recordSize: 4096, skipZero: true, shuffleSeed: 7 }) };
  }

  it("is recognised by its QEMU notes and reads zero pages through the shared descriptor", () => {
    const { pages, built, flat } = qemuDump();
    for (const bytes of [built.bytes, flat.bytes]) {
      const dump = open(bytes, "guest.vmcore");
      expect(dump.format.kind).toBe("qemu-diskdump");
      expect(dump.format.description).toContain("QEMU dump-guest-memory kdump-compressed (diskdump) version 6");
      expect(dump.format.dumpLevel).toBe(1);
      expect(dump.format.details.phys_base).toBe("0x0");
      expect(dump.format.details["utsname.machine"]).toBe("x86_64");
      expect(dump.vmcoreinfo).toBeNull();
      expect(dump.cpus.map((c) => c.pid)).toEqual([100, 101, 102, 103]);
      expect(dump.notes.filter((n) => n.name === "QEMU")).toHaveLength(4);
      // Dump level 1: every zero page points at one shared zero page; it reads as the zero page it was.
      for (const [pfn, page] of pages) {
        if (pfn % 3 === 0 && pfn < 160) {
          expect(dump.pageState(pfn)).toBe("present");
          expect(dump.readPage(pfn)).toEqual(page);
        } else expect(firstDifference(dump.readPage(pfn), page)).toBe(-1);
      }
      expect(dump.pageDescriptor(0)!.offset).toBe(dump.pageDescriptor(3)!.offset);
      expect(dump.pageState(200)).toBe("absent");
      expect(dump.exclusionReason(200)).toBeNull();
      expect(dump.pageStats()).toMatchObject({ present: 204, excluded: 0 });
      expect(dump.format.details.zero_pages).toBe(54);
      expect(dump.memoryRanges).toEqual([
        { start: 0, end: 160 * PS },
        { start: 256 * PS, end: 300 * PS },
      ]);
    }
  });

  it("takes VMCOREINFO from the guest's note when QEMU found one", () => {
    const { flat } = qemuDump(VMCOREINFO);
    const dump = open(flat.bytes);
    expect(dump.format.details.flattened).toBe(true);
    expect(dump.vmcoreinfo?.osrelease).toBe("6.1.0-test");
  });
});
