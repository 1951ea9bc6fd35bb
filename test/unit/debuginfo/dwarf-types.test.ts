import { describe, expect, it } from "vitest";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { buildIndex, partitionUnits } from "../../../src/core/debuginfo/dwarf/index-build";
import { DwarfIndex, IF_DECLARATION, IK_ENUMERATOR, IK_STRUCT, IK_VARIABLE, mergeIndexes } from "../../../src/core/debuginfo/dwarf/name-index";
import { openDwarf } from "../../../src/core/debuginfo/dwarf/open";
import { DwarfTypeSystem } from "../../../src/core/debuginfo/dwarf/type-system";
import { findMember, resolveType, sizeOf, type ArrayType, type IntType, type PointerType, type StructType, type Type } from "../../../src/core/debuginfo/types";
import { DO_THING_LEN, DO_THING_LOW, SPEC_VAR_ADDR, THE_FOO_ADDR, USES_BAR_ADDR, sampleDwarf } from "../../fixtures/dwarf-sample";

function open(version: 4 | 5) {
  const sections = sampleDwarf(version);
  const dwarf = new Dwarf(sections);
  const index = buildIndex(dwarf);
  return { sections, dwarf, index, ts: new DwarfTypeSystem(dwarf, index, { perCpu: { start: 0n, end: 0x40000n } }) };
}

function struct(t: Type | undefined): StructType {
  const s = t && resolveType(t);
  if (!s || (s.kind !== "struct" && s.kind !== "union")) throw new Error(`not a struct: ${s?.kind}`);
  return s;
}

describe.each([4, 5] as const)("DWARF %i types", (version) => {
  it("reads struct foo: members, offsets, bitfields, anonymous union, self pointer", () => {
    const { ts } = open(version);
    const foo = struct(ts.findType("foo", "struct"));
    expect(foo.name).toBe("foo");
    expect(foo.size).toBe(48);
    expect(foo.members.map((m) => [m.name, m.bitOffset, m.bitSize])).toEqual([
      ["a", 0, undefined],
      ["b", 32, 3],
      ["c", 35, 5],
      [undefined, 64, undefined],
      ["next", 128, undefined],
      ["name", 192, undefined],
      ["flex", 320, undefined],
    ]);
    expect(findMember(foo, "y")).toMatchObject({ bitOffset: 64 });
    const next = foo.members[4]!.type as PointerType;
    expect(next.kind).toBe("pointer");
    expect(next.target).toBe(foo); // cached by DIE offset: the cycle is the same object
    const name = foo.members[5]!.type as ArrayType;
    expect(name.count).toBe(16);
    expect((name.element as IntType).char).toBe(true);
    const flex = foo.members[6]!.type as ArrayType;
    expect(flex.count).toBeUndefined();
  });

  it("reads base types with their encodings", () => {
    const { ts } = open(version);
    expect(ts.findType("int", "base")).toEqual({ kind: "int", name: "int", size: 4, signed: true });
    expect(ts.findType("unsigned int")).toEqual({ kind: "int", name: "unsigned int", size: 4, signed: false });
    expect(ts.findType("char")).toMatchObject({ signed: true, char: true, size: 1 });
    expect(ts.findType("_Bool")).toMatchObject({ signed: false, bool: true });
    expect(ts.findType("double")).toEqual({ kind: "float", name: "double", size: 8 });
  });

  it("reads enums, typedefs, multi-dimensional arrays, qualifiers and void pointers", () => {
    const { ts } = open(version);
    const color = ts.findType("color", "enum");
    expect(color).toMatchObject({ kind: "enum", name: "color", size: 4, signed: true });
    expect(color?.kind === "enum" && color.enumerators).toEqual([
      { name: "RED", value: -1n },
      { name: "GREEN", value: 1n },
    ]);
    expect(ts.findEnumerator("RED")?.value).toBe(-1n);
    expect(ts.findEnumerator("GREEN")?.type).toBe(color);
    expect(ts.findEnumerator("BLUE")).toBeUndefined();
    const m = ts.findType("matrix_t")!;
    expect(sizeOf(m)).toBe(24);
    const outer = resolveType(m) as ArrayType;
    expect(outer.count).toBe(2);
    expect((outer.element as ArrayType).count).toBe(3);
    const cint = ts.findType("cint_t");
    expect(cint?.kind === "typedef" && cint.target.kind).toBe("const");
    const vptr = ts.findType("vptr_t");
    expect(vptr?.kind === "typedef" && vptr.target).toMatchObject({ kind: "pointer", size: 8, target: { kind: "void" } });
    expect(ts.findType("foo", "union")).toBeUndefined();
    expect(ts.findType("nonexistent")).toBeUndefined();
  });

  it("finds variables (static address, declaration, specification) and functions", () => {
    const { ts } = open(version);
    const v = ts.findVariable("the_foo")!;
    expect(v.address).toBe(THE_FOO_ADDR);
    expect(v.type.kind === "typedef" && v.type.name).toBe("foo_t");
    expect(v.perCpu).toBeUndefined();
    const decl = ts.findVariable("jiffies_like")!;
    expect(decl.address).toBeUndefined();
    expect(decl.type).toMatchObject({ kind: "int", name: "long int" });
    const spec = ts.findVariable("spec_var")!;
    expect(spec.address).toBe(SPEC_VAR_ADDR);
    expect(spec.type).toMatchObject({ kind: "int", name: "int" });
    expect(ts.findVariable("local_i")).toBeUndefined();
    const f = ts.findFunction("do_thing")!;
    expect(f.lowPc).toBe(DO_THING_LOW);
    expect(f.highPc).toBe(DO_THING_LOW + BigInt(DO_THING_LEN));
    expect(f.type.returnType).toMatchObject({ name: "int" });
    expect(f.type.params.map((p) => p.name)).toEqual(["f"]);
    expect(f.type.variadic).toBe(true);
  });

  it("resolves a forward declaration to the definition in another unit", () => {
    const { ts } = open(version);
    const p = resolveType(ts.findVariable("uses_bar")!.type) as PointerType;
    expect(ts.findVariable("uses_bar")!.address).toBe(USES_BAR_ADDR);
    const bar = struct(p.target);
    expect(bar.declaration).toBeUndefined();
    expect(bar.members.map((m) => m.name)).toEqual(["z"]);
    // The second unit's `struct foo;` did not replace the definition.
    expect(struct(ts.findType("foo", "struct")).size).toBe(48);
  });
});

describe("name index", () => {
  it("indexes CU-scope names only, preferring definitions", () => {
    const { index, sections, dwarf } = open(5);
    expect(index.lookup("foo", IK_STRUCT)?.flags).toBe(0);
    expect(index.lookup("jiffies_like", IK_VARIABLE)?.flags).toBe(IF_DECLARATION);
    expect(index.lookup("spec_var", IK_VARIABLE)?.aux).toBe(sections.offsets.get("spec_decl"));
    expect(index.lookup("RED", IK_ENUMERATOR)?.aux).toBe(sections.offsets.get("color"));
    expect(index.lookup("local_i", IK_VARIABLE)).toBeUndefined();
    expect(index.lookup("x", IK_VARIABLE)).toBeUndefined();
    const names = Array.from({ length: index.count }, (_, i) => index.name(i)).sort();
    expect(names).toContain("do_thing");
    expect(names).not.toContain("local_i");
    expect(dwarf.units().length).toBe(2);
  });

  it("serializes and loads back the same entries", () => {
    const { index, sections } = open(5);
    const image = index.serialize();
    const back = DwarfIndex.deserialize(sections, image);
    expect(back.count).toBe(index.count);
    for (const [n, k] of [["foo", IK_STRUCT], ["the_foo", IK_VARIABLE], ["GREEN", IK_ENUMERATOR]] as const) expect(back.lookup(n, k)).toEqual(index.lookup(n, k));
    // Unaligned image: loads too.
    const shifted = new Uint8Array(image.length + 1);
    shifted.set(image, 1);
    expect(DwarfIndex.deserialize(sections, shifted.subarray(1)).count).toBe(index.count);
  });

  it("refuses a corrupt or foreign image", () => {
    const { index, sections } = open(5);
    const image = index.serialize();
    expect(() => DwarfIndex.deserialize(sections, image.subarray(0, 10))).toThrow(/truncated/);
    const bad = image.slice();
    bad[0] ^= 0xff;
    expect(() => DwarfIndex.deserialize(sections, bad)).toThrow(/magic/);
    expect(() => DwarfIndex.deserialize(sampleDwarf(4), image)).toThrow(/another .debug_info/);
    const badOff = image.slice();
    new DataView(badOff.buffer).setUint32(16 + 4 * index.count, 0xffffff00, true); // die[0]
    expect(() => DwarfIndex.deserialize(sections, badOff)).toThrow(/out of range/);
    expect(() => DwarfIndex.deserialize(sections, image.subarray(0, image.length - 1))).toThrow(/does not match/);
  });

  it("builds in unit ranges and merges to the same answers as one build", () => {
    const { dwarf, index, sections } = open(5);
    const ranges = partitionUnits(dwarf, 2);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]!.start).toBe(0);
    expect(ranges[1]!.end).toBe(sections.info.length);
    const parts = ranges.map((r) => buildIndex(dwarf, r));
    expect(parts[0]!.lookup("bar", IK_STRUCT)?.flags).toBe(IF_DECLARATION);
    const merged = mergeIndexes(sections, parts);
    expect(merged.count).toBe(index.count);
    for (const [n, k] of [["bar", IK_STRUCT], ["foo", IK_STRUCT], ["spec_var", IK_VARIABLE]] as const) expect(merged.lookup(n, k)).toEqual(index.lookup(n, k));
  });
});

describe("openDwarf", () => {
  it("builds, loads from a cache image, and rebuilds from a bad one saying why", () => {
    const sections = sampleDwarf(5);
    const built = openDwarf(sections);
    expect(built.indexSource).toBe("built");
    const image = built.index.serialize();
    const cached = openDwarf(sections, { cachedIndex: image });
    expect(cached.indexSource).toBe("cache");
    expect(cached.types.findVariable("the_foo")?.address).toBe(THE_FOO_ADDR);
    const bad = openDwarf(sections, { cachedIndex: image.subarray(0, 8) });
    expect(bad.indexSource).toBe("rebuilt");
    expect(bad.cacheError).toMatch(/truncated header/);
    expect(bad.types.findType("foo", "struct")).toBeDefined();
  });
});
