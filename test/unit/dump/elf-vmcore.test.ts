import { describe, expect, it } from "vitest";
import { BytesSource } from "../../../src/core/io/byte-source";
import { AbsentPageError, DumpFormatError, ExcludedPageError } from "../../../src/core/io/errors";
import { ElfVmcore, isElf } from "../../../src/core/dump/elf-vmcore";
import { buildElf, buildElfCore, prstatusDesc, vmcoreinfoDesc, type LoadSpec, type NoteSpec } from "../../fixtures/elf-builder";

const FILE = "vmcore-test";
const PS = 4096;

/** A page whose bytes say which physical page it is: byte i = (pfn * 7 + i) & 0xff. */
function pages(firstPfn: number, count: number): Uint8Array {
  const b = new Uint8Array(count * PS);
  for (let p = 0; p < count; p++) for (let i = 0; i < PS; i++) b[p * PS + i] = ((firstPfn + p) * 7 + i) & 0xff;
  return b;
}

const NOTES: NoteSpec[] = [
  { name: "CORE", type: 1, desc: prstatusDesc(304, { rip: 0xffffffff81001234n }) },
  { name: "CORE", type: 1, desc: prstatusDesc(0, { rip: 0xffffffff81005678n }) },
  { name: "VMCOREINFO", type: 0, desc: vmcoreinfoDesc("OSRELEASE=6.1.0-test\nPAGESIZE=4096\nKERNELOFFSET=1ea00000\n") },
];

// pfn 1-2 present (and aliased by a kernel-text segment); pfn 0x10 present, 0x11-0x13 filtered tail;
// pfn 0x20-0x21 filtered entirely (p_filesz 0); pfn 0x30 present, 0x31 half present (segment ends mid-page).
const LOADS: LoadSpec[] = [
  { paddr: 0x1000, vaddr: 0xffffffff81000000n, data: pages(1, 2) },
  { paddr: 0x1000, data: pages(1, 2) },
  { paddr: 0x10000, data: pages(0x10, 1), memsz: 4 * PS },
  { paddr: 0x20000, data: new Uint8Array(0), memsz: 2 * PS },
  { paddr: 0x30000, data: pages(0x30, 2).subarray(0, 0x1800) },
];

function core(notes = NOTES, loads = LOADS) {
  return buildElfCore({ notes, loads });
}

function open(bytes: Uint8Array): ElfVmcore {
  return ElfVmcore.open(new BytesSource(FILE, bytes));
}

function formatError(f: () => unknown, offset?: number): DumpFormatError {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DumpFormatError)) throw new Error(`expected DumpFormatError, got ${String(e)}`, { cause: e });
    expect(e.message).toMatch(new RegExp(`^${FILE}: offset 0x[0-9a-f]+: `));
    if (offset !== undefined) expect(e.offset).toBe(offset);
    return e;
  }
  throw new Error("expected a DumpFormatError, got none");
}

describe("ElfVmcore: synthetic cores", () => {
  const dump = open(core().bytes);

  it("sniffs ELF64", () => {
    expect(isElf(core().bytes)).toBe(true);
    expect(isElf(new TextEncoder().encode("KDUMP   "))).toBe(false);
    expect(isElf(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1]))).toBe(false);
  });

  it("reads VMCOREINFO, the CPUs' registers and the format", () => {
    expect(dump.vmcoreinfo?.osrelease).toBe("6.1.0-test");
    expect(dump.vmcoreinfo?.kernelOffset).toBe(0x1ea00000n);
    expect(dump.cpus.map((c) => [c.cpu, c.pid, c.regs.rip])).toEqual([
      [0, 304, 0xffffffff81001234n],
      [1, 0, 0xffffffff81005678n],
    ]);
    expect(dump.pageSize).toBe(PS);
    expect(dump.format).toMatchObject({ kind: "elf", description: "ELF64 core (makedumpfile -E, filtered)", compressions: ["none"] });
    expect(dump.format.details).toMatchObject({ phnum: 6, loads: 5, filtered: true });
  });

  it("counts memory over unique physical ranges", () => {
    expect(dump.memoryRanges).toEqual([
      { start: 0x1000, end: 0x3000 },
      { start: 0x10000, end: 0x14000 },
      { start: 0x20000, end: 0x22000 },
      { start: 0x30000, end: 0x31800 },
    ]);
    expect(dump.maxPfn).toBe(0x32);
    expect(dump.pageStats()).toEqual({ present: 5, excluded: 5, byCompression: { none: 5 } });
  });

  it("tells present, excluded and absent pages apart", () => {
    const states = (pfns: number[]) => pfns.map((p) => dump.pageState(p));
    expect(states([0, 1, 2, 3])).toEqual(["absent", "present", "present", "absent"]);
    expect(states([0x10, 0x11, 0x13, 0x14])).toEqual(["present", "excluded", "excluded", "absent"]);
    expect(states([0x20, 0x21, 0x22])).toEqual(["excluded", "excluded", "absent"]);
    expect(states([0x30, 0x31, 0x32, -1, 1.5, 2 ** 60])).toEqual(["present", "present", "absent", "absent", "absent", "absent"]);
  });

  it("reads pages from the file, zero-filling the part of a page no segment covers", () => {
    expect(dump.readPage(1)).toEqual(pages(1, 1));
    expect(dump.readPage(2)).toEqual(pages(2, 1));
    expect(dump.readPage(0x10)).toEqual(pages(0x10, 1));
    expect(dump.readPage(0x30)).toEqual(pages(0x30, 1));
    const half = dump.readPage(0x31);
    expect(half.subarray(0, 0x800)).toEqual(pages(0x31, 1).subarray(0, 0x800));
    expect(half.subarray(0x800).every((b) => b === 0)).toBe(true);
    // Whole pages are views of the source (its own cache); pages assembled from pieces are cached here.
    expect(dump.readPage(1)).toEqual(dump.readPage(1));
    expect(dump.readPage(0x31)).toBe(dump.readPage(0x31));
  });

  it("lends a scan each page (readPageTransient): the same bytes, the same errors", () => {
    const d = open(core().bytes);
    for (const pfn of [1, 2, 0x10, 0x30, 0x31]) expect(d.readPageTransient(pfn).slice()).toEqual(dump.readPage(pfn));
    expect(() => d.readPageTransient(0x11)).toThrow(ExcludedPageError);
    expect(() => d.readPageTransient(5)).toThrow(AbsentPageError);
  });

  it("throws ExcludedPageError / AbsentPageError unless zero-fill is asked for", () => {
    expect(() => dump.readPage(0x11)).toThrow(ExcludedPageError);
    expect(() => dump.readPage(0x20)).toThrow(ExcludedPageError);
    expect(() => dump.readPage(5)).toThrow(AbsentPageError);
    expect(() => dump.readPhys(0x10ff0, 0x20)).toThrow(/0x11000: page excluded/);
    const across = dump.readPhys(0x10ff0, 0x20, { zeroFill: true });
    expect(across.subarray(0, 0x10)).toEqual(pages(0x10, 1).subarray(0xff0));
    expect(across.subarray(0x10).every((b) => b === 0)).toBe(true);
    expect(dump.readPhys(0x1ffe, 4)).toEqual(Uint8Array.from([...pages(1, 1).subarray(0xffe), ...pages(2, 1).subarray(0, 2)]));
  });

  it("prefers file bytes where a present segment overlaps a filtered tail", () => {
    const d = open(core(NOTES, [
      { paddr: 0x10000, data: new Uint8Array(0), memsz: 4 * PS },
      { paddr: 0x11000, data: pages(0x11, 2) },
    ]).bytes);
    expect([0x10, 0x11, 0x12, 0x13].map((p) => d.pageState(p))).toEqual(["excluded", "present", "present", "excluded"]);
    expect(d.readPage(0x12)).toEqual(pages(0x12, 1));
    expect(d.pageStats()).toMatchObject({ present: 2, excluded: 2 });
  });

  it("recognises QEMU's dump-guest-memory ELF and a core without VMCOREINFO", () => {
    const d = open(core([NOTES[0]!, { name: "QEMU", type: 0, desc: new Uint8Array(0x1b0) }, NOTES[1]!, { name: "QEMU", type: 0, desc: new Uint8Array(0x1b0) }], [{ paddr: 0, data: pages(0, 4) }]).bytes);
    expect(d.format.kind).toBe("qemu-elf");
    expect(d.format.description).toMatch(/QEMU/);
    expect(d.vmcoreinfo).toBeNull();
    expect(d.cpus).toHaveLength(2);
    expect(d.pageSize).toBe(PS);
    expect(d.pageStats()).toMatchObject({ present: 4, excluded: 0 });
    const raw = open(core(NOTES, [{ paddr: 0, data: pages(0, 1) }]).bytes);
    expect(raw.format).toMatchObject({ kind: "elf", description: "ELF64 core" });
  });

  it("finds a page among many segments by binary search", () => {
    const loads: LoadSpec[] = [];
    for (let i = 0; i < 500; i++) loads.push({ paddr: i * 2 * PS, data: pages(i * 2, 1) });
    const d = open(core(NOTES, loads).bytes);
    expect(d.memoryRanges).toHaveLength(500);
    for (const i of [0, 1, 250, 499]) {
      expect(d.pageState(i * 2)).toBe("present");
      expect(d.pageState(i * 2 + 1)).toBe("absent");
      expect(d.readPage(i * 2)).toEqual(pages(i * 2, 1));
    }
  });
});

describe("ElfVmcore: malformed input", () => {
  const good = core();
  const ph = (i: number) => good.phoff + i * 56;
  function patch(f: (v: DataView) => void): Uint8Array {
    const b = good.bytes.slice();
    f(new DataView(b.buffer));
    return b;
  }

  it("refuses an ELF that is not a core", () => {
    const rel = buildElf({ type: 1, sections: [{ name: ".text", type: 1, data: new Uint8Array(8) }] });
    expect(formatError(() => open(rel.bytes), 0x10).reason).toMatch(/ET_CORE/);
  });

  it("rejects segments past EOF, p_filesz > p_memsz, addresses beyond 2^52 and a bad PAGESIZE", () => {
    formatError(() => open(patch((v) => v.setBigUint64(ph(3) + 0x20, 0x100000n, true))), ph(3) + 0x20); // p_filesz > p_memsz
    expect(formatError(() => open(patch((v) => (v.setBigUint64(ph(3) + 0x20, 0x4000n, true), v.setBigUint64(ph(3) + 0x28, 0x4000n, true))))).reason).toMatch(/truncated/);
    formatError(() => open(patch((v) => v.setBigUint64(ph(2) + 0x18, 1n << 60n, true))), ph(2) + 0x18);
    formatError(() => open(patch((v) => v.setBigUint64(ph(2) + 0x28, 1n << 60n, true))), ph(2) + 0x28);
    formatError(() => open(patch((v) => v.setBigUint64(ph(2) + 0x08, 1n << 60n, true))), ph(2) + 0x08);
    const badPs = core([{ name: "VMCOREINFO", type: 0, desc: vmcoreinfoDesc("PAGESIZE=4097\n") }], LOADS);
    expect(formatError(() => open(badPs.bytes)).reason).toMatch(/PAGESIZE/);
  });

  it("opens a core cut inside its page data only when asked, the missing pages then excluded", () => {
    const cut = good.segmentOffsets[5]! + 0x800; // half way into the page of pfn 0x30
    const bytes = good.bytes.subarray(0, cut);
    formatError(() => open(bytes), good.segmentOffsets[5]);
    const d = ElfVmcore.open(new BytesSource(FILE, bytes), { allowTruncated: true });
    expect(d.missingBytes).toBe(0x1000);
    expect(d.format.details).toMatchObject({ truncated: true, missingBytes: 0x1000 });
    expect([1, 0x10, 0x30, 0x31].map((p) => d.pageState(p))).toEqual(["present", "present", "present", "excluded"]);
    expect(d.readPage(0x30).subarray(0, 0x800)).toEqual(pages(0x30, 1).subarray(0, 0x800));
    expect(d.readPage(0x30).subarray(0x800).every((b) => b === 0)).toBe(true);
    expect(() => d.readPage(0x31)).toThrow(ExcludedPageError);
    expect(open(good.bytes).format.details.truncated).toBeUndefined();
  });

  it("gives a DumpFormatError for a core cut at any offset", () => {
    for (let cut = 0; cut < good.bytes.length; cut += cut < 2048 ? 1 : 509) formatError(() => open(good.bytes.subarray(0, cut)));
  });

  it("never throws anything but the typed errors, and never hangs, on bit-flipped or zeroed headers and notes", () => {
    const end = good.segmentOffsets[1]!; // ELF header, program headers, notes
    let failures = 0;
    let runs = 0;
    for (let i = 0; i < end; i++) {
      for (const mutate of [(b: Uint8Array) => (b[i]! ^= 0x80), (b: Uint8Array) => (b[i] = 0)]) {
        const b = good.bytes.slice();
        mutate(b);
        runs++;
        let d: ElfVmcore;
        try {
          d = open(b);
        } catch (e) {
          if (!(e instanceof DumpFormatError)) throw new Error(`byte ${i}: ${String(e)}`, { cause: e });
          expect(e.message).toMatch(/^vmcore-test: offset 0x[0-9a-f]+: /);
          failures++;
          continue;
        }
        d.pageStats();
        // Every present page reads; the others throw only the page errors (checked once per core).
        for (let pfn = 0; pfn < 0x40; pfn++) if (d.pageState(pfn) === "present" && d.readPage(pfn).length !== PS) throw new Error(`byte ${i}: short page`);
        if (d.readPhys(0x0ff0, 0x33000, { zeroFill: true }).length !== 0x33000) throw new Error(`byte ${i}: short read`);
        try {
          d.readPhys(0x11000, 1);
        } catch (e) {
          if (!(e instanceof ExcludedPageError || e instanceof AbsentPageError)) throw new Error(`byte ${i}: ${String(e)}`, { cause: e });
        }
      }
    }
    expect(failures).toBeGreaterThan(runs / 20);
  });
});
