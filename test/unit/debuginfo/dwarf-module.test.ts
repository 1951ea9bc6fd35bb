// The rootkit module mzoneinfo.ko (ET_REL, DWARF 5): its .debug_* must have .rela.debug_* applied.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { buildIndex } from "../../../src/core/debuginfo/dwarf/index-build";
import type { DwarfSections } from "../../../src/core/debuginfo/dwarf/reader";
import { DwarfTypeSystem } from "../../../src/core/debuginfo/dwarf/type-system";
import { findMember, resolveType } from "../../../src/core/debuginfo/types";
import { EM_X86_64, ET_REL, ElfFile, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB } from "../../../src/core/dump/elf";
import * as C from "../../../src/core/debuginfo/dwarf/constants";
import { BytesSource } from "../../../src/core/io/byte-source";
import { DumpFormatError } from "../../../src/core/io/errors";
import { buildElf, buildSymtab } from "../../fixtures/elf-builder";
import { sampleDwarf, THE_FOO_ADDR } from "../../fixtures/dwarf-sample";
import { fixture, haveFixtures } from "../../fixtures";

function open(sectionBase?: (elf: ElfFile, shndx: number) => bigint): DwarfSections {
  const src = new NodeFileSource("mzoneinfo.ko", fixture("mzoneinfo.ko")!);
  try {
    const elf = ElfFile.open(src);
    return dwarfSectionsFromElf(elf, sectionBase && { sectionBase: (shndx) => sectionBase(elf, shndx) })!;
  } finally {
    src.close();
  }
}

describe.skipIf(!haveFixtures("mzoneinfo.ko"))("DWARF of the module mzoneinfo.ko (relocated)", () => {
  it("cannot be read without its relocations (string offsets are all zero)", () => {
    const src = new NodeFileSource("mzoneinfo.ko", fixture("mzoneinfo.ko")!);
    try {
      const elf = ElfFile.open(src);
      const raw = { info: elf.sectionBytes(".debug_info")!, abbrev: elf.sectionBytes(".debug_abbrev")!, str: elf.sectionBytes(".debug_str")! };
      const dwarf = new Dwarf(raw);
      expect(new DwarfTypeSystem(dwarf, buildIndex(dwarf)).findType("mz_hidecfg", "struct")).toBeUndefined();
    } finally {
      src.close();
    }
  });

  it("reads the module's own struct mz_hidecfg (recipe/module/mzoneinfo.c)", () => {
    const sections = open();
    const dwarf = new Dwarf(sections);
    const ts = new DwarfTypeSystem(dwarf, buildIndex(dwarf));
    const cfg = resolveType(ts.findType("mz_hidecfg", "struct")!);
    expect(cfg.kind === "struct" && cfg.members.map((m) => [m.name, m.bitOffset / 8])).toEqual([
      ["tag", 0x00],
      ["flags", 0x70],
      ["hide_pid", 0x74],
      ["prefix", 0x78],
    ]);
    const v = ts.findVariable("mz_cfg")!;
    expect(v.type.kind === "pointer" && resolveType(v.type.target)).toMatchObject({ kind: "struct", name: "mz_hidecfg" });
    expect(v.address).toBe(0x8n); // .bss-relative: symbol value 0x8, section not placed
    expect(findMember(ts.findType("kprobe", "struct")!, "pre_handler")).toBeDefined();
  });

  it("places addresses at the sections' load addresses when given", () => {
    const bss = 0xffffffffc05dd000n;
    const text = 0xffffffffc05dc000n;
    const sections = open((elf, shndx) => {
      const name = elf.sections[shndx]?.name;
      return name === ".bss" ? bss : name === ".text" ? text : 0n;
    });
    const dwarf = new Dwarf(sections);
    const ts = new DwarfTypeSystem(dwarf, buildIndex(dwarf));
    expect(ts.findVariable("armed")?.address).toBe(bss + 0x18n);
    const f = ts.findFunction("mz_getdents_pre")!;
    expect(f.lowPc).toBe(text);
    expect(f.highPc).toBe(text + 119n);
  });
});

describe("DWARF relocations of a synthetic ET_REL object", () => {
  const s = sampleDwarf(5);
  // The operand of the_foo's DW_OP_addr: zeroed, as in an unlinked object, and relocated against .bss.
  const pattern = [C.DW_OP_addr, ...new Uint8Array(new BigUint64Array([THE_FOO_ADDR]).buffer)];
  const at = s.info.findIndex((_, i) => pattern.every((b, k) => s.info[i + k] === b)) + 1;
  const info = s.info.slice();
  info.fill(0, at, at + 8);
  const SHN_BSS = 7;

  function build(relocs: { offset: number; type: number; sym: number; addend: bigint }[]): ElfFile {
    const rela = new Uint8Array(relocs.length * 24);
    const v = new DataView(rela.buffer);
    relocs.forEach((r, i) => {
      v.setBigUint64(i * 24, BigInt(r.offset), true);
      v.setUint32(i * 24 + 8, r.type, true);
      v.setUint32(i * 24 + 12, r.sym, true);
      v.setBigInt64(i * 24 + 16, r.addend, true);
    });
    const { symtab, strtab } = buildSymtab([{ name: "the_foo", value: 0x100n, shndx: SHN_BSS }]);
    const elf = buildElf({
      type: ET_REL,
      machine: EM_X86_64,
      sections: [
        { name: ".debug_info", type: SHT_PROGBITS, data: info },
        { name: ".debug_abbrev", type: SHT_PROGBITS, data: s.abbrev },
        { name: ".debug_str", type: SHT_PROGBITS, data: s.str! },
        { name: ".symtab", type: SHT_SYMTAB, data: symtab, link: 5, entsize: 24 },
        { name: ".strtab", type: SHT_STRTAB, data: strtab },
        { name: ".rela.debug_info", type: 4 /* SHT_RELA */, data: rela, link: 4, info: 1, entsize: 24 },
        { name: ".bss", type: 8 /* SHT_NOBITS */, data: new Uint8Array(0) },
      ],
    });
    return ElfFile.open(new BytesSource("synthetic.ko", elf.bytes));
  }
  const R_X86_64_64 = 1;
  const R_X86_64_32 = 10;

  it("applies R_X86_64_64 against the symbol's section base, into a copy", () => {
    const elf = build([{ offset: at, type: R_X86_64_64, sym: 1, addend: 0x10n }]);
    const sections = dwarfSectionsFromElf(elf, { sectionBase: (shndx) => (shndx === SHN_BSS ? 0xffffffffc0000000n : 0n) })!;
    const dwarf = new Dwarf(sections);
    expect(new DwarfTypeSystem(dwarf, buildIndex(dwarf)).findVariable("the_foo")?.address).toBe(0xffffffffc0000110n);
    expect(elf.sectionBytes(".debug_info")!.subarray(at, at + 8).every((b) => b === 0)).toBe(true);
  });

  it("refuses bad relocations with the .rela section's offset", () => {
    const bad = (r: { offset: number; type: number; sym: number; addend: bigint }, re: RegExp) => expect(() => dwarfSectionsFromElf(build([r]))).toThrow(re);
    bad({ offset: at, type: R_X86_64_64, sym: 9, addend: 0n }, /symbol 9 out of range/);
    bad({ offset: info.length - 2, type: R_X86_64_64, sym: 1, addend: 0n }, /past the end of .debug_info/);
    bad({ offset: at, type: 2 /* R_X86_64_PC32 */, sym: 1, addend: 0n }, /relocation type 2 is not supported/);
    bad({ offset: at, type: R_X86_64_32, sym: 1, addend: 0x1_0000_0000n }, /does not fit/);
    expect(() => dwarfSectionsFromElf(build([{ offset: at, type: R_X86_64_32, sym: 1, addend: -0x200n }]))).toThrow(DumpFormatError);
  });
});
