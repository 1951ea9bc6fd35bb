// Abbreviation tables (.debug_abbrev, DWARF 5 section 7.5.3): per code, a tag, a children flag and a list of
// (attribute, form) pairs. Each abbreviation also carries a skip plan, so that walking past a DIE whose
// attributes nobody asked for costs one add per run of fixed-size forms: the inner loop of the index build.
// GCC writes one table per unit that repeats the same declarations (vmlinux: 314,000 declarations in 2,170
// tables, 8,500 distinct): tables parsed through one AbbrevInterner share an Abbrev per distinct declaration.
import * as C from "./constants";
import { SectionReader } from "./reader";

/** A form whose size the plan cannot know in advance: the plan stores `-form` and the walker decodes it. */
export interface Abbrev {
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attrs: readonly number[];
  readonly forms: readonly number[];
  /** DW_FORM_implicit_const values, by attribute index (DWARF 5: stored in the abbreviation, not the DIE). */
  readonly implicitConst: readonly (bigint | undefined)[] | undefined;
  /** Size of each attribute's form for this unit shape, or -1 when the data decides (fixedFormSize). */
  readonly sizes: readonly number[];
  /** >= 0: skip this many bytes; < 0: skip one value of form `-entry`. */
  readonly skipPlan: readonly number[];
  /** Total attribute bytes when every form is fixed-size, else -1. */
  readonly fixedSize: number;
  /** Index of DW_AT_sibling in attrs, or -1. */
  readonly siblingIndex: number;
}

/** The shape of a unit that decides the size of forms: address size and offset size (4: 32-bit DWARF). */
export interface FormShape {
  readonly addrSize: number;
  /** DW_FORM_ref_addr is address-sized in DWARF 2, offset-sized from DWARF 3. */
  readonly refAddrSize: number;
}

export const OFFSET_SIZE = 4;

/** Size of a value of `form`, or -1 when it depends on the data (LEB128, strings, blocks, indirect). */
export function fixedFormSize(form: number, shape: FormShape): number {
  switch (form) {
    case C.DW_FORM_addr:
      return shape.addrSize;
    case C.DW_FORM_data1:
    case C.DW_FORM_ref1:
    case C.DW_FORM_flag:
    case C.DW_FORM_strx1:
    case C.DW_FORM_addrx1:
      return 1;
    case C.DW_FORM_data2:
    case C.DW_FORM_ref2:
    case C.DW_FORM_strx2:
    case C.DW_FORM_addrx2:
      return 2;
    case C.DW_FORM_strx3:
    case C.DW_FORM_addrx3:
      return 3;
    case C.DW_FORM_data4:
    case C.DW_FORM_ref4:
    case C.DW_FORM_strx4:
    case C.DW_FORM_addrx4:
    case C.DW_FORM_ref_sup4:
      return 4;
    case C.DW_FORM_data8:
    case C.DW_FORM_ref8:
    case C.DW_FORM_ref_sig8:
    case C.DW_FORM_ref_sup8:
      return 8;
    case C.DW_FORM_data16:
      return 16;
    case C.DW_FORM_strp:
    case C.DW_FORM_line_strp:
    case C.DW_FORM_sec_offset:
    case C.DW_FORM_strp_sup:
    case C.DW_FORM_GNU_ref_alt:
    case C.DW_FORM_GNU_strp_alt:
      return OFFSET_SIZE;
    case C.DW_FORM_ref_addr:
      return shape.refAddrSize;
    case C.DW_FORM_flag_present:
    case C.DW_FORM_implicit_const:
      return 0;
    case C.DW_FORM_block1:
    case C.DW_FORM_block2:
    case C.DW_FORM_block4:
    case C.DW_FORM_block:
    case C.DW_FORM_exprloc:
    case C.DW_FORM_string:
    case C.DW_FORM_sdata:
    case C.DW_FORM_udata:
    case C.DW_FORM_ref_udata:
    case C.DW_FORM_indirect:
    case C.DW_FORM_strx:
    case C.DW_FORM_addrx:
    case C.DW_FORM_loclistx:
    case C.DW_FORM_rnglistx:
    case C.DW_FORM_GNU_addr_index:
    case C.DW_FORM_GNU_str_index:
      return -1;
  }
  return -2;
}

/** A table's abbreviations by code. Codes are dense from 1 in every compiler's output; a map takes the rest. */
export class AbbrevTable {
  private readonly dense: (Abbrev | undefined)[] = [];
  private readonly sparse = new Map<number, Abbrev>();
  constructor(readonly offset: number) {}
  add(code: number, a: Abbrev): void {
    if (code < 1 << 16) this.dense[code] = a;
    else this.sparse.set(code, a);
  }
  get(code: number): Abbrev | undefined {
    return code < 1 << 16 ? this.dense[code] : this.sparse.get(code);
  }
}

/** More abbreviations than one table of any real object has (vmlinux CUs: a few hundred). */
const MAX_ABBREVS = 1 << 20;
/** More attributes than one abbreviation has (GCC: under 30). */
const MAX_ATTRS = 4096;

/**
 * One Abbrev per distinct declaration (its bytes after the code, and the unit shape), across tables. It keeps
 * its own copy of each distinct declaration's bytes, so tables may come from separate reads of the section.
 */
export class AbbrevInterner {
  private readonly byHash = new Map<number, { at: number; length: number; shape: FormShape; abbrev: Abbrev }[]>();
  /**
   * Layouts by tag, children, attributes, forms and shape. GCC gives DW_AT_decl_file an implicit constant,
   * so one unit's declarations differ from another's by that value alone (vmlinux: 8,500 distinct
   * declarations, far fewer layouts): they share the arrays.
   */
  private readonly layouts = new Map<string, AbbrevLayout>();
  private arena = new Uint8Array(1 << 14);
  private used = 0;
  /** Distinct declarations seen. */
  size = 0;

  /** The shared Abbrev of the declaration in b[start, end), or undefined when it is new. */
  find(b: Uint8Array, start: number, end: number, hash: number, shape: FormShape): Abbrev | undefined {
    const list = this.byHash.get(hash);
    if (!list) return undefined;
    const n = end - start;
    const arena = this.arena;
    for (const e of list) {
      if (e.length !== n || e.shape.addrSize !== shape.addrSize || e.shape.refAddrSize !== shape.refAddrSize) continue;
      let i = 0;
      while (i < n && arena[e.at + i] === b[start + i]) i++;
      if (i === n) return e.abbrev;
    }
    return undefined;
  }

  layout(tag: number, hasChildren: boolean, attrs: number[], forms: number[], shape: FormShape): AbbrevLayout {
    const key = `${shape.addrSize} ${shape.refAddrSize} ${tag} ${hasChildren ? 1 : 0} ${attrs.join(",")} ${forms.join(",")}`;
    let l = this.layouts.get(key);
    if (!l) this.layouts.set(key, (l = makeLayout(tag, hasChildren, attrs, forms, shape)));
    return l;
  }

  keep(b: Uint8Array, start: number, end: number, hash: number, shape: FormShape, abbrev: Abbrev): void {
    const n = end - start;
    if (this.used + n > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + n));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    this.arena.set(b.subarray(start, end), this.used);
    let list = this.byHash.get(hash);
    if (!list) this.byHash.set(hash, (list = []));
    list.push({ at: this.used, length: n, shape, abbrev });
    this.used += n;
    this.size++;
  }
}

/** FNV-1a of a declaration's bytes and the unit shape. */
function declarationHash(b: Uint8Array, start: number, end: number, shape: FormShape): number {
  let h = Math.imul(0x811c9dc5 ^ shape.addrSize, 0x01000193);
  h = Math.imul(h ^ shape.refAddrSize, 0x01000193);
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Parses the table at section offset `offset` of .debug_abbrev (up to its terminating 0 code), from `bytes`:
 * the section, or the range of it that starts at section offset `base`. With an interner, a declaration seen
 * before (in any table) is not parsed again: its Abbrev is shared.
 */
export function parseAbbrevTable(bytes: Uint8Array, name: string, offset: number, shape: FormShape, interner?: AbbrevInterner, base = 0, sectionLength = base + bytes.length): AbbrevTable {
  const r = new SectionReader(bytes, name, offset, undefined, base, sectionLength);
  if (offset >= sectionLength) r.fail("abbreviation table offset past the end of the section");
  const table = new AbbrevTable(offset);
  for (let n = 0; ; n++) {
    if (n > MAX_ABBREVS) r.fail("abbreviation table does not end");
    const at = r.pos;
    const code = r.uleb();
    if (code === 0) return table;
    if (table.get(code)) r.fail(`duplicate abbreviation code ${code}`, at);
    const declStart = r.pos;
    if (interner) {
      // Skip to the declaration's end without decoding it, then look for it.
      r.skipUleb();
      r.skip(1);
      for (let k = 0; ; k++) {
        if (k > MAX_ATTRS) r.fail("abbreviation has too many attributes", at);
        const attrPos = r.pos;
        const attr = r.uleb();
        const form = r.uleb();
        if (attr === 0 && form === 0) break;
        if (form === C.DW_FORM_implicit_const) r.skipUleb(); // an SLEB128 ends as a ULEB128 does
        else if (form > 0xffff) r.fail(`bad attribute 0x${attr.toString(16)} / form 0x${form.toString(16)}`, attrPos);
      }
      const declEnd = r.pos;
      const hash = declarationHash(bytes, declStart - base, declEnd - base, shape);
      const shared = interner.find(bytes, declStart - base, declEnd - base, hash, shape);
      if (shared) {
        table.add(code, shared);
        continue;
      }
      r.pos = declStart;
      const a = parseDeclaration(r, at, shape, interner);
      interner.keep(bytes, declStart - base, declEnd - base, hash, shape, a);
      table.add(code, a);
      continue;
    }
    table.add(code, parseDeclaration(r, at, shape));
  }
}

/** One declaration after its code: tag, children flag, (attribute, form) pairs. */
function parseDeclaration(r: SectionReader, at: number, shape: FormShape, interner?: AbbrevInterner): Abbrev {
  const tag = r.uleb();
  const children = r.u8();
  if (children > 1) r.fail(`bad DW_CHILDREN value ${children}`, at);
  const attrs: number[] = [];
  const forms: number[] = [];
  let implicitConst: (bigint | undefined)[] | undefined;
  for (;;) {
    if (attrs.length > MAX_ATTRS) r.fail("abbreviation has too many attributes", at);
    const attrPos = r.pos;
    const attr = r.uleb();
    const form = r.uleb();
    if (attr === 0 && form === 0) break;
    if (attr === 0 || attr > 0xffff || form > 0xffff) r.fail(`bad attribute 0x${attr.toString(16)} / form 0x${form.toString(16)}`, attrPos);
    if (fixedFormSize(form, shape) === -2) r.fail(`unknown form 0x${form.toString(16)}`, attrPos);
    if (form === C.DW_FORM_implicit_const) (implicitConst ??= [])[attrs.length] = r.slebBig();
    attrs.push(attr);
    forms.push(form);
  }
  const layout = interner ? interner.layout(tag, children === 1, attrs, forms, shape) : makeLayout(tag, children === 1, attrs, forms, shape);
  return implicitConst ? { ...layout, implicitConst } : layout;
}

/** An Abbrev less its implicit constants: what declarations that differ only in those values share. */
type AbbrevLayout = Abbrev & { readonly implicitConst: undefined };

function makeLayout(tag: number, hasChildren: boolean, attrs: number[], forms: number[], shape: FormShape): AbbrevLayout {
  const plan: number[] = [];
  const sizes: number[] = [];
  let run = 0;
  let fixed = true;
  for (const form of forms) {
    const size = fixedFormSize(form, shape);
    sizes.push(size);
    if (size >= 0) run += size;
    else {
      fixed = false;
      if (run > 0) plan.push(run);
      run = 0;
      plan.push(-form);
    }
  }
  if (run > 0) plan.push(run);
  return {
    tag,
    hasChildren,
    // Plain arrays of small integers: cheaper to allocate than typed arrays, as fast to read; copied to their
    // exact length (push leaves room to grow).
    attrs: attrs.slice(),
    forms: forms.slice(),
    implicitConst: undefined,
    sizes: sizes.slice(),
    skipPlan: plan.slice(),
    fixedSize: fixed ? run : -1,
    siblingIndex: attrs.indexOf(C.DW_AT_sibling),
  };
}
