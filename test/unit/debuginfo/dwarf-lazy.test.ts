// DWARF sections left in the file and read by ranges (section.ts): the same answers as whole sections, the
// same errors at the same offsets, and the index build's reused tables (flat-abbrev.ts) agreeing with the
// abbreviation objects type lookups use.
import { describe, expect, it } from "vitest";
import { parseAbbrevTable } from "../../../src/core/debuginfo/dwarf/abbrev";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { FlatAbbrevTable } from "../../../src/core/debuginfo/dwarf/flat-abbrev";
import { buildIndex } from "../../../src/core/debuginfo/dwarf/index-build";
import type { DwarfSections } from "../../../src/core/debuginfo/dwarf/reader";
import { LazySection, sectionRange, sectionWhole } from "../../../src/core/debuginfo/dwarf/section";
import { DwarfTypeSystem } from "../../../src/core/debuginfo/dwarf/type-system";
import { ElfFile } from "../../../src/core/dump/elf";
import { BytesSource, type ByteSource } from "../../../src/core/io/byte-source";
import { DumpFormatError, TruncatedError } from "../../../src/core/io/errors";
import { manyUnitsDwarf, manyUnitsElf } from "../../fixtures/dwarf-many-units";

/** A ByteSource that counts the bytes read through it. */
function counting(bytes: Uint8Array): ByteSource & { bytesRead: number } {
  const inner = new BytesSource("many.elf", bytes);
  return {
    name: inner.name,
    size: inner.size,
    bytesRead: 0,
    read(offset, length) {
      this.bytesRead += length;
      return inner.read(offset, length);
    },
  };
}

function lazySections(bytes: Uint8Array): DwarfSections {
  return dwarfSectionsFromElf(ElfFile.open(new BytesSource("many.elf", bytes)))!;
}

describe("a section read by ranges", () => {
  const file = Uint8Array.from({ length: 64 }, (_, i) => i);
  const section = new LazySection(new BytesSource("f", file), 16, 32, "f:.debug_x");

  it("reads what the file holds at the section's offsets, and nothing past its end", () => {
    expect(Array.from(section.read(0, 4))).toEqual([16, 17, 18, 19]);
    expect(Array.from(section.read(28, 4))).toEqual([44, 45, 46, 47]);
    const into = new Uint8Array(3);
    section.readInto(5, into);
    expect(Array.from(into)).toEqual([21, 22, 23]);
    expect(() => section.read(30, 4)).toThrow(TruncatedError);
    expect(() => section.read(30, 4)).toThrow(/f:\.debug_x/);
    expect(() => section.readInto(31, new Uint8Array(2))).toThrow(TruncatedError);
    expect(() => new LazySection(new BytesSource("f", file), 40, 32, "f:.debug_y")).toThrow(TruncatedError);
  });

  it("clips ranges at the section's end and keeps a whole read", () => {
    expect(Array.from(sectionRange(section, 30, 10))).toEqual([46, 47]);
    expect(sectionRange(section, 40, 10)).toHaveLength(0);
    const whole = sectionWhole(section);
    expect(whole).toHaveLength(32);
    expect(sectionWhole(section)).toBe(whole);
    expect(Array.from(sectionRange(file, 62, 10))).toEqual([62, 63]);
  });
});

describe("DWARF read by ranges", () => {
  const built = manyUnitsDwarf(24);
  const elf = manyUnitsElf(built);

  it("leaves .debug_info and .debug_abbrev in the file of a linked object", () => {
    const s = lazySections(elf);
    expect(s.info).toBeInstanceOf(LazySection);
    expect(s.abbrev).toBeInstanceOf(LazySection);
    expect(s.str).toBeInstanceOf(Uint8Array);
  });

  it("builds the same index, byte for byte, from whole sections, from ranges, and with any scan chunk", () => {
    const whole = buildIndex(new Dwarf(built)).serialize();
    expect(buildIndex(new Dwarf(lazySections(elf))).serialize()).toEqual(whole);
    for (const chunkBytes of [1, 300, 4096]) expect(buildIndex(new Dwarf(lazySections(elf)), undefined, { chunkBytes }).serialize()).toEqual(whole);
  });

  it("answers type, variable, function and enumerator lookups as whole sections do", () => {
    const answers = (s: DwarfSections) => {
      const dwarf = new Dwarf(s);
      const ts = new DwarfTypeSystem(dwarf, buildIndex(dwarf));
      return {
        shared: ts.findType("shared", "struct"),
        pid: ts.findType("pid"),
        jif: ts.findVariable("jif"),
        cross: ts.findVariable("cross_unit"),
        helper: ts.findFunction("helper_3"),
        dead: ts.findEnumerator("STATE0_DEAD")?.value,
        s2: ts.findEnumerator("S2")?.value,
      };
    };
    const lazy = answers(lazySections(elf));
    expect(lazy).toEqual(answers(built));
    // The first definitions in unit order, whatever came before them.
    expect(lazy.shared).toMatchObject({ kind: "struct", size: 4 });
    expect(lazy.jif?.address).toBe(0xffffffff82000000n + 12n);
    expect(lazy.cross?.address).toBe(0xffffffff83000001n);
    expect(lazy.helper?.lowPc).toBe(0xffffffff81000300n);
    // Unit 0 has 130 abbreviations before its enum: its enumerators' codes take two bytes.
    expect(lazy.dead).toBe(-1n);
    expect(lazy.s2).toBe(2n);
  });

  it("reads one unit for a lookup, not the section", () => {
    const src = counting(elf);
    const dwarf = new Dwarf(dwarfSectionsFromElf(ElfFile.open(src))!);
    const units = dwarf.units();
    const before = src.bytesRead;
    const u = units[7]!;
    const data = dwarf.unitBytes(u);
    expect(data.base).toBe(u.offset);
    expect(data.bytes).toHaveLength(u.end - u.offset);
    expect(dwarf.unitBytes(u)).toBe(data);
    expect(dwarf.cuDie(u).string(0x03 /* DW_AT_name */)).toBe("unit7.c");
    expect(src.bytesRead - before).toBeLessThan(2 * (u.end - u.offset) + 4096);
  });

  it("fails on a unit cut short with the same error at the same offset as whole sections", () => {
    const errorOf = (f: () => unknown): DumpFormatError => {
      try {
        f();
      } catch (e) {
        if (e instanceof DumpFormatError) return e;
        throw e;
      }
      throw new Error("no error");
    };
    const units = new Dwarf(built).units();
    const last = units[units.length - 1]!;
    // The last unit's length says more than there is: cut its tail (the header still claims it).
    for (const cut of [last.dieOffset + 3, last.end - 7]) {
      const info = built.info.slice(0, cut);
      const whole = errorOf(() => buildIndex(new Dwarf({ ...built, info })));
      const lazy = errorOf(() => buildIndex(new Dwarf({ ...built, info: new LazySection(new BytesSource("x", info), 0, info.length, ".debug_info") })));
      expect(lazy.offset).toBe(whole.offset);
      expect(lazy.reason).toBe(whole.reason);
    }
  });

  it("decodes each unit's abbreviations into reused tables exactly as into objects", () => {
    const dwarf = new Dwarf(built);
    const table = new FlatAbbrevTable();
    for (const u of dwarf.units()) {
      dwarf.loadFlatAbbrevs(table, u, (at) => at & 7);
      const objects = parseAbbrevTable(built.abbrev, ".debug_abbrev", u.abbrevOffset, u.shape);
      expect(table.count).toBeGreaterThan(0);
      for (let code = 1; code <= table.count; code++) {
        const d = table.decl(code);
        const a = objects.get(code)!;
        expect(d).toBeGreaterThanOrEqual(0);
        const at = table.attrStart[d]!;
        const n = table.attrCount[d]!;
        expect([table.tag[d], table.children[d] === 1, table.fixedSize[d]]).toEqual([a.tag, a.hasChildren, a.fixedSize]);
        expect(Array.from(table.attr.subarray(at, at + n))).toEqual(a.attrs);
        expect(Array.from(table.form.subarray(at, at + n))).toEqual(a.forms);
        expect(Array.from(table.size.subarray(at, at + n))).toEqual(a.sizes);
        expect(Array.from(table.slot.subarray(at, at + n))).toEqual(a.attrs.map((x) => x & 7));
        expect(Array.from(table.plan.subarray(table.planStart[d]!, table.planStart[d]! + table.planCount[d]!))).toEqual(a.skipPlan);
      }
      expect(table.decl(table.count + 1)).toBe(-1);
    }
  });
});
