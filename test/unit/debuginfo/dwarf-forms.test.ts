import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as C from "../../../src/core/debuginfo/dwarf/constants";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { buildIndex } from "../../../src/core/debuginfo/dwarf/index-build";
import { IK_FUNCTION, IK_TYPEDEF, IK_VARIABLE } from "../../../src/core/debuginfo/dwarf/name-index";
import { DwarfTypeSystem } from "../../../src/core/debuginfo/dwarf/type-system";
import { DumpFormatError } from "../../../src/core/io/errors";
import { buildDwarf, type DieSpec } from "../../fixtures/dwarf-builder";
import { sampleDwarf } from "../../fixtures/dwarf-sample";

// User attribute numbers (DW_AT_lo_user = 0x2000) carry one value of each form.
const AT = (n: number): number => 0x2000 + n;

function formsDie(): DieSpec {
  return {
    id: "forms",
    tag: C.DW_TAG_variable,
    attrs: [
      [AT(1), C.DW_FORM_strx1, 1],
      [AT(2), C.DW_FORM_strx, 0],
      [AT(3), C.DW_FORM_addrx, 1],
      [AT(4), C.DW_FORM_implicit_const, -5],
      [AT(5), C.DW_FORM_data16, 0x1234],
      [AT(6), C.DW_FORM_indirect, [C.DW_FORM_udata, 300] as unknown as number],
      [AT(7), C.DW_FORM_line_strp, "/line/str"],
      [AT(8), C.DW_FORM_flag_present, true],
      [AT(9), C.DW_FORM_sdata, -1000],
      [AT(10), C.DW_FORM_data2, 0xfffe],
      [AT(11), C.DW_FORM_data8, 0xffffffff81000000n],
      [AT(12), C.DW_FORM_block1, Uint8Array.of(1, 2, 3)],
      [AT(13), C.DW_FORM_ref_addr, { ref: "target" }],
      [AT(14), C.DW_FORM_string, "inline"],
      [AT(15), C.DW_FORM_exprloc, Uint8Array.of(C.DW_OP_plus_uconst, 8)],
      [AT(16), C.DW_FORM_flag, 0],
      [AT(17), C.DW_FORM_rnglistx, 3],
    ],
  };
}

function formsUnit(): ReturnType<typeof buildDwarf> {
  const root: DieSpec = {
    tag: C.DW_TAG_compile_unit,
    attrs: [
      [C.DW_AT_str_offsets_base, C.DW_FORM_sec_offset, 8],
      [C.DW_AT_addr_base, C.DW_FORM_sec_offset, 8],
    ],
    children: [
      formsDie(),
      // The same forms inside a function body: skipped by plan, not decoded.
      { tag: C.DW_TAG_subprogram, attrs: [[C.DW_AT_name, C.DW_FORM_strx1, 2]], children: [{ ...formsDie(), id: undefined }] },
      { id: "target", tag: C.DW_TAG_variable, attrs: [[C.DW_AT_name, C.DW_FORM_string, "after_forms"], [C.DW_AT_declaration, C.DW_FORM_flag_present, true]] },
    ],
  };
  return buildDwarf([{ root }], { strOffsets: ["zero", "one", "fn"], addrs: [0x1000n, 0xffffffff82000000n] });
}

describe("DWARF forms", () => {
  it("decodes every DWARF 5 form on demand", () => {
    const s = formsUnit();
    const dwarf = new Dwarf(s);
    const d = dwarf.die(s.offsets.get("forms")!);
    expect(d.string(AT(1))).toBe("one");
    expect(d.string(AT(2))).toBe("zero");
    expect(d.address(AT(3))).toBe(0xffffffff82000000n);
    expect(d.constant(AT(4), true)).toBe(-5n);
    expect(d.constant(AT(5))).toBe(0x1234n);
    expect(d.form(AT(6))).toBe(C.DW_FORM_udata);
    expect(d.unsigned(AT(6))).toBe(300);
    expect(d.string(AT(7))).toBe("/line/str");
    expect(d.flag(AT(8))).toBe(true);
    expect(d.signed(AT(9))).toBe(-1000);
    expect(d.constant(AT(10), true)).toBe(-2n);
    expect(d.constant(AT(10))).toBe(0xfffen);
    expect(d.constant(AT(11))).toBe(0xffffffff81000000n);
    expect(Array.from(d.block(AT(12))!)).toEqual([1, 2, 3]);
    expect(d.ref(AT(13))).toBe(s.offsets.get("target"));
    expect(d.string(AT(14))).toBe("inline");
    expect(Array.from(d.block(AT(15))!)).toEqual([C.DW_OP_plus_uconst, 8]);
    expect(d.flag(AT(16))).toBe(false);
    expect(d.sectionOffset(AT(17))).toEqual({ index: 3 });
    expect(d.has(AT(99))).toBe(false);
    expect(d.string(AT(99))).toBeUndefined();
    // Wrong class for the form: a format error naming the DIE.
    expect(() => d.ref(AT(9))).toThrow(/not a reference/);
    expect(() => d.address(AT(9))).toThrow(/not an address/);
    expect(() => d.string(AT(9))).toThrow(/not a string/);
  });

  it("skips every form: the index finds the names after them, strx names included", () => {
    const s = formsUnit();
    const index = buildIndex(new Dwarf(s));
    expect(index.lookup("after_forms", IK_VARIABLE)?.die).toBe(s.offsets.get("target"));
    expect(index.lookup("fn", IK_FUNCTION)).toBeDefined();
    expect(index.lookup("one", IK_VARIABLE)).toBeUndefined();
  });

  it("refuses DW_FORM_ref_sig8 (type units) cleanly", () => {
    const s = buildDwarf([{ root: { tag: C.DW_TAG_compile_unit, children: [{ id: "t", tag: C.DW_TAG_typedef, attrs: [[C.DW_AT_name, C.DW_FORM_strp, "sig_t"], [C.DW_AT_type, C.DW_FORM_ref_sig8, 0x1122334455667788n]] }] } }]);
    const dwarf = new Dwarf(s);
    const ts = new DwarfTypeSystem(dwarf, buildIndex(dwarf));
    expectFormatError(() => ts.findType("sig_t"), /DW_FORM_ref_sig8: type units/);
  });
});

function expectFormatError(f: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DumpFormatError);
  expect((err as Error).message).toMatch(re);
}

describe("DWARF bad input", () => {
  const indexOf = (info: Uint8Array, abbrev?: Uint8Array) => () => {
    const s = sampleDwarf(5);
    return buildIndex(new Dwarf({ ...s, info, abbrev: abbrev ?? s.abbrev }));
  };

  it("refuses 64-bit DWARF, reserved lengths, bad versions, units past the end", () => {
    const s = sampleDwarf(5);
    const info = s.info.slice();
    new DataView(info.buffer).setUint32(0, 0xffffffff, true);
    expectFormatError(indexOf(info), /64-bit DWARF format is not supported/);
    new DataView(info.buffer).setUint32(0, 0xfffffff5, true);
    expectFormatError(indexOf(info), /reserved initial length/);
    const v = s.info.slice();
    new DataView(v.buffer).setUint16(4, 7, true);
    expectFormatError(indexOf(v), /unsupported DWARF version 7/);
    expectFormatError(indexOf(s.info.subarray(0, s.info.length - 3)), /runs past the end of the section/);
  });

  it("reports a unit whose DIEs overrun it, an unknown abbreviation code, an unknown form", () => {
    const s = sampleDwarf(5);
    const short = s.info.slice();
    const dv = new DataView(short.buffer);
    dv.setUint32(0, dv.getUint32(0, true) - 40, true); // unit 1 now ends inside its DIE tree
    expect(indexOf(short)).toThrow(DumpFormatError);
    const badCode = s.info.slice();
    badCode[s.offsets.get("int")!] = 0x7f;
    expectFormatError(indexOf(badCode), /abbreviation code 127 not in the table/);
    const abbrev = s.abbrev.slice();
    // The first abbreviation is the unit DIE: code 1, tag, children, then (DW_AT_name, form): make the form unknown.
    abbrev[4] = 0x7e;
    expectFormatError(indexOf(s.info, abbrev), /unknown form 0x7e/);
    expectFormatError(indexOf(s.info, s.abbrev.subarray(0, 20)), /truncated/);
  });

  it("reports string and reference offsets past the end of their sections", () => {
    const s = sampleDwarf(5);
    expectFormatError(() => buildIndex(new Dwarf({ ...s, str: s.str!.subarray(0, 4) })), /past the end/);
    const dwarf = new Dwarf({ ...s, str: s.str!.subarray(0, 4) });
    expectFormatError(() => dwarf.cuDie(dwarf.units()[0]!).string(C.DW_AT_name), /unterminated string/);
    expectFormatError(() => dwarf.cuDie(dwarf.units()[1]!).string(C.DW_AT_name), /string offset past the end/);
    const info = s.info.slice();
    // Member "next" of foo points at ptr_foo with a ref4: the pointer's DW_AT_type; point it far away.
    const ptr = s.offsets.get("ptr_foo")!;
    new DataView(info.buffer).setUint32(ptr + 2, 0x7fffffff, true); // code, byte_size, then the ref4
    const ts = new DwarfTypeSystem(new Dwarf({ ...s, info }), buildIndex(new Dwarf({ ...s, info })));
    const foo = ts.findType("foo", "struct");
    expectFormatError(() => foo?.kind === "struct" && (foo.members[4]!.type as { target: unknown }).target, /past the end of .debug_info/);
  });

  it("refuses typedef loops instead of recursing", () => {
    const s = buildDwarf([
      {
        root: {
          tag: C.DW_TAG_compile_unit,
          children: [
            { id: "a", tag: C.DW_TAG_typedef, attrs: [[C.DW_AT_name, C.DW_FORM_strp, "a_t"], [C.DW_AT_type, C.DW_FORM_ref4, { ref: "b" }]] },
            { id: "b", tag: C.DW_TAG_const_type, attrs: [[C.DW_AT_type, C.DW_FORM_ref4, { ref: "a" }]] },
            { id: "e", tag: C.DW_TAG_enumeration_type, attrs: [[C.DW_AT_name, C.DW_FORM_strp, "self_e"], [C.DW_AT_byte_size, C.DW_FORM_data1, 4], [C.DW_AT_type, C.DW_FORM_ref4, { ref: "e" }]] },
          ],
        },
      },
    ]);
    const dwarf = new Dwarf(s);
    const index = buildIndex(dwarf);
    expect(index.lookup("a_t", IK_TYPEDEF)).toBeDefined();
    const ts = new DwarfTypeSystem(dwarf, index);
    expectFormatError(() => ts.findType("a_t"), /type reference loop/);
    expect(ts.findType("self_e")).toMatchObject({ kind: "enum", signed: false, enumerators: [] });
  });

  it("refuses DIE trees nested past the depth cap", () => {
    let inner: DieSpec = { tag: C.DW_TAG_variable, attrs: [[C.DW_AT_name, C.DW_FORM_string, "deep"]] };
    for (let i = 0; i < 1100; i++) inner = { tag: 0x0b /* DW_TAG_lexical_block */, children: [inner] };
    const s = buildDwarf([{ root: { tag: C.DW_TAG_compile_unit, children: [{ tag: C.DW_TAG_subprogram, attrs: [[C.DW_AT_name, C.DW_FORM_string, "f"]], children: [inner] }] } }]);
    expectFormatError(() => buildIndex(new Dwarf(s)), /nested too deeply/);
  });

  it("accepts a unit DIE that announces children and has none (GNU as)", () => {
    const s = buildDwarf([{ root: { tag: C.DW_TAG_compile_unit, attrs: [[C.DW_AT_name, C.DW_FORM_string, "x.S"]], emptyChildren: true } }, { root: { tag: C.DW_TAG_compile_unit, children: [{ tag: C.DW_TAG_base_type, attrs: [[C.DW_AT_name, C.DW_FORM_string, "int"], [C.DW_AT_byte_size, C.DW_FORM_data1, 4], [C.DW_AT_encoding, C.DW_FORM_data1, C.DW_ATE_signed]] }] } }]);
    const dwarf = new Dwarf(s);
    expect([...dwarf.cuDie(dwarf.units()[0]!).children()]).toEqual([]);
    expect(new DwarfTypeSystem(dwarf, buildIndex(dwarf)).findType("int")).toMatchObject({ size: 4 });
  });

  it("never throws anything but DumpFormatError on corrupted bytes, and always ends", () => {
    const s = sampleDwarf(5);
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(s.info.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), fc.boolean(), (flips, inAbbrev) => {
        const info = s.info.slice();
        const abbrev = s.abbrev.slice();
        for (const f of flips) {
          if (inAbbrev) abbrev[f.at % abbrev.length] = f.value;
          else info[f.at] = f.value;
        }
        try {
          const dwarf = new Dwarf({ ...s, info, abbrev });
          const ts = new DwarfTypeSystem(dwarf, buildIndex(dwarf));
          for (const n of ["foo", "color", "matrix_t", "foo_t", "bar"]) {
            const t = ts.findType(n);
            if (t && (t.kind === "struct" || t.kind === "union")) for (const m of t.members) void m.type;
          }
          void ts.findVariable("the_foo");
          void ts.findFunction("do_thing")?.type.params;
        } catch (e) {
          if (!(e instanceof DumpFormatError)) throw e;
        }
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});
