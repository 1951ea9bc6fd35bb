// Debugging information entries: skipping them fast (the index build's inner loop) and decoding one DIE's
// attributes on demand (DWARF 5 section 7.5.6 for the forms). Every value comes back in the class its form
// belongs to; asking for the wrong class is a format error naming the DIE.
import { DumpFormatError } from "../../io/errors";
import { fixedFormSize, type Abbrev } from "./abbrev";
import * as C from "./constants";
import type { Dwarf, UnitBytes } from "./dwarf";
import { SectionReader } from "./reader";
import type { UnitHeader } from "./unit";

/**
 * Skips one value of a variable-size form at `pos`. Reads past the end return a position past `end` (undefined
 * bytes end LEB128 loops), which the caller turns into an error: the loop itself never runs away.
 */
export function skipVarForm(b: Uint8Array, pos: number, form: number, u: UnitHeader): number {
  switch (form) {
    case C.DW_FORM_udata:
    case C.DW_FORM_sdata:
    case C.DW_FORM_ref_udata:
    case C.DW_FORM_strx:
    case C.DW_FORM_addrx:
    case C.DW_FORM_loclistx:
    case C.DW_FORM_rnglistx:
    case C.DW_FORM_GNU_addr_index:
    case C.DW_FORM_GNU_str_index:
      while (b[pos++]! & 0x80);
      return pos;
    case C.DW_FORM_string: {
      const nul = b.indexOf(0, pos);
      return nul < 0 ? b.length + 1 : nul + 1;
    }
    case C.DW_FORM_block1:
      return pos + 1 + b[pos]!;
    case C.DW_FORM_block2:
      return pos + 2 + (b[pos]! | (b[pos + 1]! << 8));
    case C.DW_FORM_block4:
      return pos + 4 + (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16)) + b[pos + 3]! * 0x100_0000;
    case C.DW_FORM_block:
    case C.DW_FORM_exprloc: {
      let len = 0;
      let mul = 1;
      for (let i = 0; i < 8; i++) {
        const byte = b[pos++]!;
        len += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) return pos + len;
        mul *= 128;
      }
      return Number.NaN;
    }
    case C.DW_FORM_indirect: {
      let f = 0;
      let mul = 1;
      for (let i = 0; i < 3; i++) {
        const byte = b[pos++]!;
        f += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) break;
        mul *= 128;
      }
      if (f === C.DW_FORM_indirect || f === C.DW_FORM_implicit_const) return Number.NaN;
      const size = fixedFormSize(f, u.shape);
      if (size >= 0) return pos + size;
      if (size === -1) return skipVarForm(b, pos, f, u);
      return Number.NaN;
    }
  }
  return Number.NaN;
}

/** Position after the attributes of a DIE of abbreviation `a` starting at `pos`; may be NaN or past the end. */
export function skipAttrs(b: Uint8Array, pos: number, a: Abbrev, u: UnitHeader): number {
  if (a.fixedSize >= 0) return pos + a.fixedSize;
  const plan = a.skipPlan;
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i]!;
    pos = p >= 0 ? pos + p : skipVarForm(b, pos, -p, u);
  }
  return pos;
}

/** One DIE, its attributes decoded on demand. */
export class Die {
  private positions: Int32Array | undefined;
  private effForms: number[] | undefined;
  private endPos = -1;

  constructor(
    readonly dwarf: Dwarf,
    readonly unit: UnitHeader,
    /** The unit's bytes (kept: the DIE decodes from them later). */
    private readonly data: UnitBytes,
    readonly offset: number,
    readonly abbrev: Abbrev,
    /** Offset of the first attribute value (just after the abbreviation code). */
    readonly attrStart: number,
  ) {}

  get tag(): number {
    return this.abbrev.tag;
  }
  get hasChildren(): boolean {
    return this.abbrev.hasChildren;
  }

  fail(reason: string): never {
    throw new DumpFormatError(this.dwarf.infoName, this.offset, `DIE 0x${this.offset.toString(16)}: ${reason}`);
  }

  private layout(): Int32Array {
    if (this.positions) return this.positions;
    const a = this.abbrev;
    const { bytes: b, base } = this.data;
    const n = a.attrs.length;
    const positions = new Int32Array(n);
    let forms: number[] | undefined;
    // Positions relative to b while walking; stored as .debug_info offsets.
    let pos = this.attrStart - base;
    const end = this.unit.end - base;
    for (let i = 0; i < n; i++) {
      let form = a.forms[i]!;
      if (form === C.DW_FORM_indirect) {
        const r = new SectionReader(b, this.dwarf.infoName, pos + base, this.unit.end, base);
        form = r.uleb();
        if (form === C.DW_FORM_indirect || form === C.DW_FORM_implicit_const || fixedFormSize(form, this.unit.shape) === -2) this.fail(`bad indirect form 0x${form.toString(16)}`);
        pos = r.pos - base;
        (forms ??= a.forms.slice())[i] = form;
      }
      positions[i] = pos + base;
      const size = fixedFormSize(form, this.unit.shape);
      pos = size >= 0 ? pos + size : skipVarForm(b, pos, form, this.unit);
      if (!(pos <= end)) this.fail("attributes run past the end of the unit");
    }
    this.endPos = pos + base;
    this.effForms = forms;
    this.positions = positions;
    return positions;
  }

  /** Offset just past this DIE's attributes: its first child, or its next sibling. */
  get end(): number {
    this.layout();
    return this.endPos;
  }

  has(at: number): boolean {
    return this.abbrev.attrs.indexOf(at) >= 0;
  }

  form(at: number): number | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    this.layout();
    return (this.effForms ?? this.abbrev.forms)[i];
  }

  private reader(i: number): SectionReader {
    const positions = this.layout();
    return new SectionReader(this.data.bytes, this.dwarf.infoName, positions[i]!, this.unit.end, this.data.base);
  }

  /** String-class attribute (string, strp, line_strp, strx*). */
  string(at: number): string | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    const r = this.reader(i);
    switch (form) {
      case C.DW_FORM_string:
        return r.cstring();
      case C.DW_FORM_strp:
        return this.dwarf.str(r.u32());
      case C.DW_FORM_line_strp:
        return this.dwarf.lineStr(r.u32());
    }
    const index = this.strxIndex(form, r);
    if (index === undefined) this.fail(`attribute 0x${at.toString(16)} has form 0x${form.toString(16)}, not a string`);
    return this.dwarf.str(this.dwarf.strOffset(this.unit, index));
  }

  private strxIndex(form: number, r: SectionReader): number | undefined {
    switch (form) {
      case C.DW_FORM_strx:
      case C.DW_FORM_GNU_str_index:
        return r.uleb();
      case C.DW_FORM_strx1:
        return r.u8();
      case C.DW_FORM_strx2:
        return r.u16();
      case C.DW_FORM_strx3:
        return r.u24();
      case C.DW_FORM_strx4:
        return r.u32();
    }
    return undefined;
  }

  /**
   * Where a string attribute's bytes are without decoding them: section 0 = .debug_str, 2 = .debug_line_str
   * (offset into the section), 1 = inline (DW_FORM_string: `bytes[offset]`, a view of the unit's bytes).
   * The index stores these.
   */
  stringRef(at: number): { section: 0 | 2; offset: number } | { section: 1; offset: number; bytes: Uint8Array } | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    const r = this.reader(i);
    if (form === C.DW_FORM_string) return { section: 1, offset: r.pos - this.data.base, bytes: this.data.bytes };
    if (form === C.DW_FORM_strp) return { section: 0, offset: r.u32() };
    if (form === C.DW_FORM_line_strp) return { section: 2, offset: r.u32() };
    const index = this.strxIndex(form, r);
    if (index === undefined) this.fail(`attribute 0x${at.toString(16)} has form 0x${form.toString(16)}, not a string`);
    return { section: 0, offset: this.dwarf.strOffset(this.unit, index) };
  }

  flag(at: number): boolean {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return false;
    const form = this.abbrev.forms[i]!;
    if (form === C.DW_FORM_flag_present) return true;
    if (form === C.DW_FORM_flag) return this.reader(i).u8() !== 0;
    return this.unsigned(at) !== 0;
  }

  /** Constant-class attribute as bigint; data1..data8 are sign-extended when `signed`. */
  constant(at: number, signed = false): bigint | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    if (form === C.DW_FORM_implicit_const) return this.abbrev.implicitConst?.[i] ?? 0n;
    const r = this.reader(i);
    let v: bigint;
    let bits: number;
    switch (form) {
      case C.DW_FORM_data1:
      case C.DW_FORM_flag:
        v = BigInt(r.u8());
        bits = 8;
        break;
      case C.DW_FORM_data2:
        v = BigInt(r.u16());
        bits = 16;
        break;
      case C.DW_FORM_data4:
        v = BigInt(r.u32());
        bits = 32;
        break;
      case C.DW_FORM_data8:
        v = r.u64();
        bits = 64;
        break;
      case C.DW_FORM_data16: {
        // Only the low 64 bits fit a C integer type the kernel uses (__int128 constants are rare).
        v = r.u64();
        bits = 64;
        break;
      }
      case C.DW_FORM_sdata:
        return r.slebBig();
      case C.DW_FORM_udata:
        return r.ulebBig();
      default:
        return this.fail(`attribute 0x${at.toString(16)} has form 0x${form.toString(16)}, not a constant`);
    }
    return signed ? BigInt.asIntN(bits, v) : v;
  }

  /** Unsigned constant that fits a number (sizes, offsets, counts, line numbers). */
  unsigned(at: number): number | undefined {
    const v = this.constant(at, false);
    if (v === undefined) return undefined;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < 0n) this.fail(`attribute 0x${at.toString(16)} value ${v} out of range`);
    return Number(v);
  }

  /** Signed constant that fits a number (sdata as written; dataN sign-extended). */
  signed(at: number): number | undefined {
    const v = this.constant(at, true);
    if (v === undefined) return undefined;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`attribute 0x${at.toString(16)} value ${v} out of range`);
    return Number(v);
  }

  /** Reference-class attribute as an absolute .debug_info offset. DW_FORM_ref_sig8 (type units) is refused. */
  ref(at: number): number | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    const r = this.reader(i);
    let target: number;
    switch (form) {
      case C.DW_FORM_ref1:
        target = this.unit.offset + r.u8();
        break;
      case C.DW_FORM_ref2:
        target = this.unit.offset + r.u16();
        break;
      case C.DW_FORM_ref4:
        target = this.unit.offset + r.u32();
        break;
      case C.DW_FORM_ref8:
        target = this.unit.offset + r.u64n();
        break;
      case C.DW_FORM_ref_udata:
        target = this.unit.offset + r.uleb();
        break;
      case C.DW_FORM_ref_addr:
        target = this.unit.shape.refAddrSize === 8 ? r.u64n() : r.u32();
        break;
      case C.DW_FORM_ref_sig8:
        return this.fail("DW_FORM_ref_sig8: type units (.debug_types, -fdebug-types-section) are not supported");
      default:
        return this.fail(`attribute 0x${at.toString(16)} has form 0x${form.toString(16)}, not a reference`);
    }
    if (target >= this.dwarf.infoLength) this.fail(`reference 0x${target.toString(16)} past the end of .debug_info`);
    return target;
  }

  /** Address-class attribute (addr, addrx*). */
  address(at: number): bigint | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    const r = this.reader(i);
    switch (form) {
      case C.DW_FORM_addr:
        return r.address(this.unit.addrSize);
      case C.DW_FORM_addrx:
      case C.DW_FORM_GNU_addr_index:
        return this.dwarf.addrx(this.unit, r.uleb());
      case C.DW_FORM_addrx1:
        return this.dwarf.addrx(this.unit, r.u8());
      case C.DW_FORM_addrx2:
        return this.dwarf.addrx(this.unit, r.u16());
      case C.DW_FORM_addrx3:
        return this.dwarf.addrx(this.unit, r.u24());
      case C.DW_FORM_addrx4:
        return this.dwarf.addrx(this.unit, r.u32());
    }
    return this.fail(`attribute 0x${at.toString(16)} has form 0x${form.toString(16)}, not an address`);
  }

  /** Block or exprloc bytes (a view of .debug_info). */
  block(at: number): Uint8Array | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    const r = this.reader(i);
    switch (form) {
      case C.DW_FORM_block1:
        return r.sub(r.u8());
      case C.DW_FORM_block2:
        return r.sub(r.u16());
      case C.DW_FORM_block4:
        return r.sub(r.u32());
      case C.DW_FORM_block:
      case C.DW_FORM_exprloc:
        return r.sub(r.uleb());
    }
    return undefined;
  }

  /** A section offset (sec_offset, or data4/data8 in DWARF 2/3), or an index for rnglistx/loclistx. */
  sectionOffset(at: number): { offset: number } | { index: number } | undefined {
    const i = this.abbrev.attrs.indexOf(at);
    if (i < 0) return undefined;
    const form = (this.layout(), (this.effForms ?? this.abbrev.forms)[i]!);
    const r = this.reader(i);
    switch (form) {
      case C.DW_FORM_sec_offset:
      case C.DW_FORM_data4:
        return { offset: r.u32() };
      case C.DW_FORM_data8:
        return { offset: r.u64n() };
      case C.DW_FORM_rnglistx:
      case C.DW_FORM_loclistx:
        return { index: r.uleb() };
    }
    return this.fail(`attribute 0x${at.toString(16)} has form 0x${form.toString(16)}, not a section offset`);
  }

  /** DW_AT_low_pc and DW_AT_high_pc (an address, or in DWARF 4+ a constant length from low_pc). */
  pcRange(): { lowPc: bigint; highPc: bigint } | undefined {
    const low = this.has(C.DW_AT_low_pc) ? this.address(C.DW_AT_low_pc) : undefined;
    if (low === undefined || !this.has(C.DW_AT_high_pc)) return undefined;
    const form = this.form(C.DW_AT_high_pc)!;
    const high = form === C.DW_FORM_addr || (form >= C.DW_FORM_addrx1 && form <= C.DW_FORM_addrx4) || form === C.DW_FORM_addrx ? this.address(C.DW_AT_high_pc)! : low + this.constant(C.DW_AT_high_pc)!;
    return { lowPc: low, highPc: BigInt.asUintN(64, high) };
  }

  /** The children, in order. Subtrees are skipped with DW_AT_sibling when present, else walked. */
  *children(): Generator<Die> {
    if (!this.hasChildren) return;
    let off = this.end;
    for (let n = 0; ; n++) {
      if (n > MAX_CHILDREN) this.fail("too many children");
      // GNU as writes unit DIEs that announce children and have none: the unit's end closes the list.
      if (off === this.unit.end) return;
      if (off > this.unit.end) this.fail("children run past the end of the unit");
      const child = this.dwarf.dieAt(this.unit, off);
      if (!child) return;
      yield child;
      off = this.dwarf.nextSibling(child);
    }
  }
}

/** More children than one DIE has in any real object (an enum of a few thousand, a CU of ~100,000). */
const MAX_CHILDREN = 1 << 22;
