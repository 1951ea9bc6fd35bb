// One unit's abbreviation table decoded into typed arrays that are reused from unit to unit: the index build's
// view of .debug_abbrev. The build reads each table once, for one unit, and keeps nothing of it: decoding
// into objects (abbrev.ts, what type lookups use) would leave ~300,000 declarations' worth of objects for the
// collector, and the young generation would grow to hold them. Same checks, same messages as parseAbbrevTable.
import { DumpFormatError } from "../../io/errors";
import { fixedFormSize, type FormShape } from "./abbrev";
import * as C from "./constants";
import { SectionReader } from "./reader";

/** More abbreviations than one table of any real object has (vmlinux CUs: a few hundred). */
const MAX_ABBREVS = 1 << 20;
/** More attributes than one abbreviation has (GCC: under 30). */
const MAX_ATTRS = 4096;
/** Codes below this are looked up in an array; the rest (no compiler writes them) in a Map. */
const DENSE_CODES = 1 << 16;

function grownI32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const n = new Int32Array(Math.max(need, a.length * 2));
  n.set(a);
  return n;
}

export class FlatAbbrevTable {
  /** Declarations, by index. */
  tag = new Int32Array(256);
  /** 1 when the DIE has children. */
  children = new Uint8Array(256);
  /** Total attribute bytes when every form is fixed-size, else -1. */
  fixedSize = new Int32Array(256);
  /** 1 when the declaration has DW_AT_byte_size. */
  hasByteSize = new Uint8Array(256);
  /** Where the declaration's attributes are in attr/form/size/slot, and how many. */
  attrStart = new Int32Array(256);
  attrCount = new Int32Array(256);
  /** Where its skip plan is in `plan` (>= 0: skip bytes; < 0: skip one value of form -entry), and its length. */
  planStart = new Int32Array(256);
  planCount = new Int32Array(256);
  attr = new Int32Array(4096);
  form = new Int32Array(4096);
  /** fixedFormSize of the form for the unit's shape, or -1. */
  size = new Int32Array(4096);
  /** What the caller wants to know of each attribute (see load's `slotOf`), or -1. */
  slot = new Int32Array(4096);
  plan = new Int32Array(4096);
  count = 0;
  /** Table offset and shape loaded (a unit that shares its table with the previous one reuses it). */
  offset = -1;
  private addrSize = 0;
  private refAddrSize = 0;
  private byCode = new Int32Array(1024);
  private sparse = new Map<number, number>();
  private maxCode = 0;

  /** Whether the table at `offset` for `shape` is the one loaded. */
  holds(offset: number, shape: FormShape): boolean {
    return this.offset === offset && this.addrSize === shape.addrSize && this.refAddrSize === shape.refAddrSize;
  }

  /** The index of the declaration with abbreviation code `code`, or -1. */
  decl(code: number): number {
    if (code < DENSE_CODES) return code <= this.maxCode ? this.byCode[code]! - 1 : -1;
    return this.sparse.get(code) ?? -1;
  }

  /**
   * Decodes the table at section offset `offset` of .debug_abbrev from `bytes` (the section, or the range of it
   * starting at section offset `base`). `slotOf` maps an attribute to the caller's slot (or -1).
   */
  load(bytes: Uint8Array, name: string, offset: number, shape: FormShape, slotOf: (at: number) => number, base = 0, sectionLength = base + bytes.length): void {
    this.offset = -1;
    for (let c = 0; c <= this.maxCode; c++) this.byCode[c] = 0;
    this.maxCode = 0;
    this.sparse.clear();
    this.count = 0;
    const r = new SectionReader(bytes, name, offset, undefined, base, sectionLength);
    if (offset >= sectionLength) r.fail("abbreviation table offset past the end of the section");
    let attrs = 0;
    let plans = 0;
    for (let n = 0; ; n++) {
      if (n > MAX_ABBREVS) r.fail("abbreviation table does not end");
      const at = r.pos;
      const code = r.uleb();
      if (code === 0) break;
      if (this.decl(code) >= 0) r.fail(`duplicate abbreviation code ${code}`, at);
      const d = this.count++;
      if (d >= this.tag.length) this.growDecls();
      this.tag[d] = r.uleb();
      const children = r.u8();
      if (children > 1) r.fail(`bad DW_CHILDREN value ${children}`, at);
      this.children[d] = children;
      this.attrStart[d] = attrs;
      this.planStart[d] = plans;
      this.hasByteSize[d] = 0;
      let run = 0;
      let fixed = true;
      for (let k = 0; ; k++) {
        if (k > MAX_ATTRS) r.fail("abbreviation has too many attributes", at);
        const attrPos = r.pos;
        const attr = r.uleb();
        const form = r.uleb();
        if (attr === 0 && form === 0) break;
        if (attr === 0 || attr > 0xffff || form > 0xffff) r.fail(`bad attribute 0x${attr.toString(16)} / form 0x${form.toString(16)}`, attrPos);
        const size = fixedFormSize(form, shape);
        if (size === -2) r.fail(`unknown form 0x${form.toString(16)}`, attrPos);
        if (form === C.DW_FORM_implicit_const) r.skipUleb(); // the value is in the table; an SLEB128 ends as a ULEB128 does
        if (attrs + 1 > this.attr.length) this.growAttrs(attrs + 1);
        this.attr[attrs] = attr;
        this.form[attrs] = form;
        this.size[attrs] = size;
        this.slot[attrs] = slotOf(attr);
        attrs++;
        if (attr === C.DW_AT_byte_size) this.hasByteSize[d] = 1;
        if (size >= 0) run += size;
        else {
          fixed = false;
          if (plans + 2 > this.plan.length) this.plan = grownI32(this.plan, plans + 2);
          if (run > 0) this.plan[plans++] = run;
          run = 0;
          this.plan[plans++] = -form;
        }
      }
      if (run > 0) {
        if (plans + 1 > this.plan.length) this.plan = grownI32(this.plan, plans + 1);
        this.plan[plans++] = run;
      }
      this.attrCount[d] = attrs - this.attrStart[d]!;
      this.planCount[d] = plans - this.planStart[d]!;
      this.fixedSize[d] = fixed ? run : -1;
      if (code < DENSE_CODES) {
        if (code >= this.byCode.length) this.byCode = grownI32(this.byCode, code + 1);
        this.byCode[code] = d + 1;
        if (code > this.maxCode) this.maxCode = code;
      } else this.sparse.set(code, d);
    }
    this.offset = offset;
    this.addrSize = shape.addrSize;
    this.refAddrSize = shape.refAddrSize;
  }

  private growDecls(): void {
    const n = this.tag.length * 2;
    const g8 = (a: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
      const x = new Uint8Array(n);
      x.set(a);
      return x;
    };
    this.tag = grownI32(this.tag, n);
    this.children = g8(this.children);
    this.fixedSize = grownI32(this.fixedSize, n);
    this.hasByteSize = g8(this.hasByteSize);
    this.attrStart = grownI32(this.attrStart, n);
    this.attrCount = grownI32(this.attrCount, n);
    this.planStart = grownI32(this.planStart, n);
    this.planCount = grownI32(this.planCount, n);
  }

  private growAttrs(need: number): void {
    this.attr = grownI32(this.attr, need);
    this.form = grownI32(this.form, need);
    this.size = grownI32(this.size, need);
    this.slot = grownI32(this.slot, need);
  }
}

/** Thrown for a code the loaded table lacks (the caller names the DIE). */
export function missingCode(file: string, off: number, code: number, tableOffset: number): DumpFormatError {
  return new DumpFormatError(file, off, `abbreviation code ${code} not in the table at .debug_abbrev 0x${tableOffset.toString(16)}`);
}
