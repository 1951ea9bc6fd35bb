// Address translation on the real fixture (dump.lzo and dump.elf, through openDump), level by level against crash 8.0.6's
// `vtop` (reference/vtop-init_task.txt, vtop-linux_banner.txt). Facts from VMCOREINFO only: 5-level paging,
// phys_base, swapper_pg_dir; no vmlinux needed.
import { afterAll, describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../../src/cli/node-file-source";
import { START_KERNEL_MAP, X86_64AddressSpace } from "../../../../src/core/arch/x86_64/layout";
import { decodePteFlags } from "../../../../src/core/arch/x86_64/pagetable";
import { openDump } from "../../../../src/core/dump/open";
import { fixture, haveFixtures, reference } from "../../../fixtures";

interface CrashVtop {
  vaddr: bigint;
  phys: number;
  pgdDirectory: bigint;
  pageDirectory: bigint;
  levels: { level: string; entryAddr: number; value: bigint }[];
  page: number;
  pageSizeLabel: string;
  pte: bigint;
  flags: string;
  /** The `PAGE` column of the page line: the struct page address in vmemmap. */
  structPage: bigint;
  pageFlags: bigint;
}

/** Reads crash's `vtop` layout (x86_64_kvtop + x86_64_translate_pte + the page line). */
function parseVtop(text: string): CrashVtop {
  const lines = text.split("\n");
  const m = (re: RegExp): RegExpMatchArray => {
    for (const l of lines) {
      const r = l.match(re);
      if (r) return r;
    }
    throw new Error(`no line matching ${re}`);
  };
  const head = m(/^([0-9a-f]{16})\s+([0-9a-f]+)\s*$/);
  const levels = lines
    .map((l) => l.match(/^\s+(P4D|PUD|PMD|PTE): ([0-9a-f]+) => ([0-9a-f]+)\s*$/))
    .filter((r): r is RegExpMatchArray => r !== null)
    .map((r) => ({ level: r[1]!, entryAddr: parseInt(r[2]!, 16), value: BigInt("0x" + r[3]!) }));
  const page = m(/^\s+PAGE: ([0-9a-f]+)\s+\((\w+)\)/);
  const pte = m(/^([0-9a-f]+)\s+([0-9a-f]+)\s+\(([A-Z|]+)\)\s*$/);
  const sp = m(/^([0-9a-f]{16})\s+([0-9a-f]+)\s+0\s+0\s+\d+\s+([0-9a-f]+)\s/);
  return {
    vaddr: BigInt("0x" + head[1]!),
    phys: parseInt(head[2]!, 16),
    pgdDirectory: BigInt("0x" + m(/^PGD DIRECTORY: ([0-9a-f]+)/)[1]!),
    pageDirectory: BigInt("0x" + m(/^PAGE DIRECTORY: ([0-9a-f]+)/)[1]!),
    levels,
    page: parseInt(page[1]!, 16),
    pageSizeLabel: page[2]!,
    pte: BigInt("0x" + pte[1]!),
    flags: pte[3]!,
    structPage: BigInt("0x" + sp[1]!),
    pageFlags: BigInt("0x" + sp[3]!),
  };
}

const SIZE_LABEL: Record<number, string> = { 0x200000: "2MB", 0x40000000: "1GB" };

describe.each(["dump.lzo", "dump.elf"])("x86_64 translation on the fixture %s", (file) => {
  describe.skipIf(!haveFixtures(file, "reference/vtop-init_task.txt", "reference/vtop-linux_banner.txt"))("against crash 8.0.6", () => {
    let source: NodeFileSource | undefined;
    const open = () => {
      source ??= new NodeFileSource(file, fixture(file)!);
      const dump = openDump(source);
      const vi = dump.vmcoreinfo!;
      const physBase = vi.physBase!;
      const swapper = vi.symbol("swapper_pg_dir")!;
      const as = new X86_64AddressSpace({
        dump,
        pgdPhys: Number(swapper - START_KERNEL_MAP + physBase),
        physBase,
        la57: vi.number("pgtable_l5_enabled") === 1n,
        kernelImageSize: vi.number("KERNEL_IMAGE_SIZE"),
        smeMask: vi.number("sme_mask"),
      });
      return { dump, vi, as, swapper };
    };
    afterAll(() => source?.close());

    it("has the facts the fixture README states", () => {
      const { vi, as, swapper } = open();
      expect(vi.number("pgtable_l5_enabled")).toBe(1n);
      expect(vi.physBase).toBe(-20971520n);
      expect(vi.kernelOffset).toBe(0x1ea00000n);
      expect(swapper).toBe(0xffffffffa1410000n);
      expect(as.pgdPhys).toBe(0x20010000);
      expect(as.layout.la57).toBe(true);
    });

    for (const name of ["vtop-init_task.txt", "vtop-linux_banner.txt"]) {
      it(`matches crash's ${name} level by level`, () => {
        const { as, swapper } = open();
        const ref = parseVtop(reference(name));
        expect(as.translate(ref.vaddr)).toBe(ref.phys);
        const w = as.translateVerbose(ref.vaddr);
        expect(w.phys).toBe(ref.phys);
        expect(ref.pgdDirectory).toBe(swapper);
        // crash prints the top (PML5) entry's value as "PAGE DIRECTORY", without its address.
        expect(w.levels[0]!.level).toBe("PGD");
        expect(w.levels[0]!.value).toBe(ref.pageDirectory);
        expect(w.levels.slice(1)).toEqual(ref.levels);
        expect(w.pageBase).toBe(ref.page);
        expect(SIZE_LABEL[w.pageSize]).toBe(ref.pageSizeLabel);
        expect(w.pte).toBe(ref.pte);
        expect(decodePteFlags(w.pte).join("|")).toBe(ref.flags);
      });

      it(`reads the struct page crash shows in ${name} through vmemmap`, () => {
        const { as } = open();
        const ref = parseVtop(reference(name));
        // The PAGE column is vmemmap_base + pfn * sizeof(struct page) (SIZE(page)=64): recover vmemmap_base.
        const vmemmapBase = ref.structPage - BigInt(Math.floor(ref.phys / 4096)) * 64n;
        const kas = as.withLayout({ vmemmapBase });
        expect(kas.layout.region(ref.structPage)).toBe("vmemmap");
        expect(kas.readU64(ref.structPage)).toBe(ref.pageFlags); // page->flags, first member
      });
    }

    it("reads linux_banner through the kernel text mapping", () => {
      const { as } = open();
      const text = new TextDecoder("latin1").decode(as.read(0xffffffffa0b1fa00n, 64));
      expect(text.startsWith("Linux version 6.1.0-50-cloud-amd64")).toBe(true);
    });

    it("walks the direct map address of mem_section and maps back with ptov", () => {
      const { vi, as } = open();
      const memSection = vi.symbol("mem_section")!;
      const phys = as.translateVerbose(memSection).phys;
      // page_offset_base is aligned (KASLR places it on a PUD boundary): recover it and check both ways.
      const pageOffsetBase = memSection - BigInt(phys);
      expect(pageOffsetBase % (1n << 30n)).toBe(0n);
      const kas = as.withLayout({ pageOffsetBase });
      expect(kas.translate(memSection)).toBe(phys);
      expect(kas.ptov(phys)).toBe(memSection);
      const { dump } = open();
      const raw = dump.readPhys(phys, 8);
      expect(kas.read(memSection, 8)).toEqual(raw);
    });
  });
});
