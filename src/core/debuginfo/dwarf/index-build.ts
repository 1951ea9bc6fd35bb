// One pass over .debug_info that fills the name index with every CU-scope name: the unit DIE's children
// (and the enumerators of its enums). Everything deeper (function bodies: parameters, locals, inlined
// calls, lexical blocks) is skipped by abbreviation skip plans and DW_AT_sibling, never decoded.
// The pass keeps nothing but the index: each unit's abbreviation table is decoded into arrays reused from unit
// to unit (flat-abbrev.ts), a lazy .debug_info is read a MiB of whole units at a time into one reused buffer,
// and one scanner walks every unit, so memory does not grow with the section and the collector has little to
// do. Splittable by unit ranges so that an adapter can run parts in worker threads and merge them
// (index-parallel.ts).
import { DumpFormatError } from "../../io/errors";
import { fixedFormSize } from "./abbrev";
import * as C from "./constants";
import { skipVarForm } from "./die";
import type { Dwarf, UnitBytes } from "./dwarf";
import { FlatAbbrevTable, missingCode } from "./flat-abbrev";
import { DwarfIndex, IF_DECLARATION, IK_BASE, IK_ENUM, IK_ENUMERATOR, IK_FUNCTION, IK_STRUCT, IK_TYPEDEF, IK_UNION, IK_VARIABLE, type NameSection } from "./name-index";
import { LazySection } from "./section";
import type { UnitHeader } from "./unit";

export interface IndexRange {
  /** Units whose header offset is in [start, end) of .debug_info. */
  start: number;
  end: number;
}

/** Splits the units into `parts` ranges of about equal .debug_info bytes, for parallel builds. */
export function partitionUnits(dwarf: Dwarf, parts: number): IndexRange[] {
  const units = dwarf.units();
  const total = dwarf.infoLength;
  const out: IndexRange[] = [];
  let start = 0;
  for (const u of units) {
    if (out.length < parts - 1 && u.end - start >= total / parts) {
      out.push({ start, end: u.end });
      start = u.end;
    }
  }
  out.push({ start, end: total });
  return out;
}

// Slots of the attributes the scan looks at, in a reusable position/form scratch.
const S_NAME = 0;
const S_DECL = 1;
const S_LOCATION = 2;
const S_LOW_PC = 3;
const S_RANGES = 4;
const S_SPEC = 5;
const S_ORIGIN = 6;
const S_SIBLING = 7;
const N_SLOTS = 8;

function slotOf(at: number): number {
  switch (at) {
    case C.DW_AT_name:
      return S_NAME;
    case C.DW_AT_declaration:
      return S_DECL;
    case C.DW_AT_location:
      return S_LOCATION;
    case C.DW_AT_low_pc:
      return S_LOW_PC;
    case C.DW_AT_ranges:
      return S_RANGES;
    case C.DW_AT_specification:
      return S_SPEC;
    case C.DW_AT_abstract_origin:
      return S_ORIGIN;
    case C.DW_AT_sibling:
      return S_SIBLING;
  }
  return -1;
}

function indexKindOf(tag: number): number {
  switch (tag) {
    case C.DW_TAG_structure_type:
      return IK_STRUCT;
    case C.DW_TAG_union_type:
      return IK_UNION;
    case C.DW_TAG_enumeration_type:
      return IK_ENUM;
    case C.DW_TAG_typedef:
      return IK_TYPEDEF;
    case C.DW_TAG_base_type:
      return IK_BASE;
    case C.DW_TAG_variable:
      return IK_VARIABLE;
    case C.DW_TAG_subprogram:
      return IK_FUNCTION;
  }
  return 0;
}

// A module-level function, not a closure: closures made per DIE cost an allocation each (and, under tools
// that keep function names, a defineProperty each).
function u32le(b: Uint8Array, q: number): number {
  return (b[q]! | (b[q + 1]! << 8) | (b[q + 2]! << 16)) + b[q + 3]! * 0x100_0000;
}

/** Hops through DW_AT_specification / DW_AT_abstract_origin to find a name (GCC: at most 2). */
const MAX_NAME_HOPS = 4;

/** More DIEs nested than any C program's tree (GCC's deepest lexical-block nests: a few dozen). */
const MAX_DEPTH = 1024;

// Positions inside the scanner are relative to `b` (the bytes of the unit being scanned); DIE offsets handed
// out are .debug_info offsets (relative + base). One scanner serves every unit of a build (start()).
class UnitScanner {
  b: Uint8Array = new Uint8Array(0);
  base = 0;
  /** The unit's end, relative to b. */
  end = 0;
  u!: UnitHeader;
  readonly t = new FlatAbbrevTable();
  readonly pos = new Int32Array(N_SLOTS);
  readonly form = new Int32Array(N_SLOTS);
  nameSec: NameSection = 0;
  nameOff = 0;
  /** For an inline name (nameSec 1): the bytes nameOff is in. */
  nameBytes: Uint8Array | undefined;

  constructor(
    readonly dwarf: Dwarf,
    readonly index: DwarfIndex,
  ) {}

  fail(off: number, reason: string): never {
    throw new DumpFormatError(this.dwarf.infoName, off, reason);
  }

  /** Reads the abbreviation code at relative `pos`; leaves the position after it in `this.at`. */
  private at = 0;
  code(pos: number, dieOff: number): number {
    const b = this.b;
    let code = 0;
    let mul = 1;
    for (let k = 0; ; k++) {
      const byte = b[pos++]!;
      code += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) break;
      if (k > 8) this.fail(dieOff, "abbreviation code too long");
      mul *= 128;
    }
    this.at = pos;
    return code;
  }

  /** The declaration of `code`, or a format error naming the DIE. */
  decl(code: number, dieOff: number): number {
    const d = this.t.decl(code);
    if (d < 0) throw missingCode(this.dwarf.infoName, dieOff, code, this.u.abbrevOffset);
    return d;
  }

  /** Position after the attributes of a DIE of declaration `d` whose attributes start at `pos`. */
  skipAttrs(d: number, pos: number, dieOff: number): number {
    const t = this.t;
    const fixed = t.fixedSize[d]!;
    if (fixed >= 0) pos += fixed;
    else {
      const plan = t.plan;
      for (let i = t.planStart[d]!, n = i + t.planCount[d]!; i < n; i++) {
        const p = plan[i]!;
        pos = p >= 0 ? pos + p : skipVarForm(this.b, pos, -p, this.u);
      }
    }
    if (!(pos <= this.end)) this.fail(dieOff, "DIE attributes run past the end of the unit");
    return pos;
  }

  /** Walks a run of children starting at `pos`; returns the position after its terminating null entry. */
  skipChildren(pos: number): number {
    const t = this.t;
    const end = this.end;
    let depth = 1;
    while (depth > 0) {
      // GNU as writes unit DIEs that announce children and have none: the unit's end closes every open list.
      if (pos === end) return pos;
      if (!(pos < end)) this.fail(Math.min(pos + this.base, this.u.end) || this.u.end, "DIE tree runs past the end of the unit");
      const dieOff = pos + this.base;
      const code = this.code(pos, dieOff);
      pos = this.at;
      if (code === 0) {
        depth--;
        continue;
      }
      const d = this.decl(code, dieOff);
      pos = this.skipAttrs(d, pos, dieOff);
      if (t.children[d] && ++depth > MAX_DEPTH) this.fail(dieOff, "DIE tree nested too deeply");
    }
    return pos;
  }

  /** Records the positions of the interesting attributes of a DIE; returns the position after its attributes. */
  scan(d: number, pos: number, dieOff: number): number {
    this.pos.fill(-1);
    const t = this.t;
    const u = this.u;
    const b = this.b;
    for (let i = t.attrStart[d]!, n = i + t.attrCount[d]!; i < n; i++) {
      let form = t.form[i]!;
      let size = t.size[i]!;
      if (size < 0 && form === C.DW_FORM_indirect) {
        let f = 0;
        let mul = 1;
        for (let k = 0; k < 3; k++) {
          const byte = b[pos++]!;
          f += (byte & 0x7f) * mul;
          if ((byte & 0x80) === 0) break;
          mul *= 128;
        }
        if (f === C.DW_FORM_indirect || f === C.DW_FORM_implicit_const || fixedFormSize(f, u.shape) < -1) this.fail(dieOff, `bad indirect form 0x${f.toString(16)}`);
        form = f;
        size = fixedFormSize(form, u.shape);
      }
      const slot = t.slot[i]!;
      if (slot >= 0) {
        this.pos[slot] = pos;
        this.form[slot] = form;
      }
      pos = size >= 0 ? pos + size : skipVarForm(b, pos, form, u);
    }
    if (!(pos <= this.end)) this.fail(dieOff, "DIE attributes run past the end of the unit");
    return pos;
  }

  /** Sets nameSec/nameOff from the DW_AT_name found by scan(); false when there is none. */
  takeName(): boolean {
    const p = this.pos[S_NAME]!;
    if (p < 0) return false;
    const form = this.form[S_NAME]!;
    const b = this.b;
    switch (form) {
      case C.DW_FORM_strp:
        this.nameSec = 0;
        this.nameOff = u32le(b, p);
        break;
      case C.DW_FORM_string:
        this.nameSec = 1;
        this.nameOff = p;
        this.nameBytes = b;
        break;
      case C.DW_FORM_line_strp:
        this.nameSec = 2;
        this.nameOff = u32le(b, p);
        break;
      case C.DW_FORM_strx1:
        this.nameSec = 0;
        this.nameOff = this.dwarf.strOffset(this.u, b[p]!);
        break;
      case C.DW_FORM_strx2:
        this.nameSec = 0;
        this.nameOff = this.dwarf.strOffset(this.u, b[p]! | (b[p + 1]! << 8));
        break;
      case C.DW_FORM_strx3:
        this.nameSec = 0;
        this.nameOff = this.dwarf.strOffset(this.u, b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16));
        break;
      case C.DW_FORM_strx4:
        this.nameSec = 0;
        this.nameOff = this.dwarf.strOffset(this.u, u32le(b, p));
        break;
      case C.DW_FORM_strx:
      case C.DW_FORM_GNU_str_index: {
        let v = 0;
        let mul = 1;
        for (let q = p, k = 0; k < 8; k++) {
          const byte = b[q++]!;
          v += (byte & 0x7f) * mul;
          if ((byte & 0x80) === 0) break;
          mul *= 128;
        }
        this.nameSec = 0;
        this.nameOff = this.dwarf.strOffset(this.u, v);
        break;
      }
      default:
        return false;
    }
    const sec = this.nameSec === 0 ? this.dwarf.sections.str : this.nameSec === 1 ? b : this.dwarf.sections.lineStr;
    if (!sec || this.nameOff >= sec.length) this.fail(p + this.base, "name string offset past the end of its section");
    return true;
  }

  /**
   * The name of the DIE at `off` (following specification/abstract_origin): used for unnamed definitions.
   * Inside the unit being scanned it is read with the scanner's table; elsewhere (DW_FORM_ref_addr) through
   * the general reader.
   */
  nameThrough(off: number): boolean {
    for (let hop = 0; hop < MAX_NAME_HOPS; hop++) {
      if (off < this.u.dieOffset || off >= this.u.end) return this.nameThroughElsewhere(off, MAX_NAME_HOPS - hop);
      const code = this.code(off - this.base, off);
      if (code === 0) this.fail(off, "reference to a null entry");
      this.scan(this.decl(code, off), this.at, off);
      if (this.takeName()) return true;
      const slot = this.pos[S_SPEC]! >= 0 ? S_SPEC : this.pos[S_ORIGIN]! >= 0 ? S_ORIGIN : -1;
      if (slot < 0) return false;
      off = this.ref(slot, off);
    }
    return false;
  }

  private nameThroughElsewhere(off: number, hops: number): boolean {
    for (let hop = 0; hop < hops; hop++) {
      const d = this.dwarf.die(off);
      const ref = d.stringRef(C.DW_AT_name);
      if (ref) {
        this.nameSec = ref.section;
        this.nameOff = ref.offset;
        if (ref.section === 1) this.nameBytes = ref.bytes;
        return true;
      }
      const next = d.has(C.DW_AT_specification) ? d.ref(C.DW_AT_specification) : d.has(C.DW_AT_abstract_origin) ? d.ref(C.DW_AT_abstract_origin) : undefined;
      if (next === undefined) return false;
      off = next;
    }
    return false;
  }

  /** Absolute .debug_info offset of the reference recorded in `slot`. */
  ref(slot: number, dieOff: number): number {
    const p = this.pos[slot]!;
    const b = this.b;
    const u = this.u;
    let target: number;
    switch (this.form[slot]) {
      case C.DW_FORM_ref4:
        target = u.offset + (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x100_0000;
        break;
      case C.DW_FORM_ref1:
        target = u.offset + b[p]!;
        break;
      case C.DW_FORM_ref2:
        target = u.offset + (b[p]! | (b[p + 1]! << 8));
        break;
      default: {
        // Rarer forms (ref8, ref_udata, ref_addr, ref_sig8 refused) through the general decoder.
        const d = this.dwarf.dieAt(u, dieOff)!;
        const at = slot === S_SPEC ? C.DW_AT_specification : slot === S_ORIGIN ? C.DW_AT_abstract_origin : C.DW_AT_sibling;
        return d.ref(at)!;
      }
    }
    if (target >= this.dwarf.infoLength) this.fail(dieOff, `reference 0x${target.toString(16)} past the end of .debug_info`);
    return target;
  }

  /** True when the location is a static address: an expression that is exactly DW_OP_addr <address>. */
  staticLocation(): boolean {
    const p = this.pos[S_LOCATION]!;
    if (p < 0) return false;
    const b = this.b;
    let len: number;
    let data: number;
    switch (this.form[S_LOCATION]) {
      case C.DW_FORM_exprloc:
      case C.DW_FORM_block:
        if (b[p]! & 0x80) return false; // longer than 127 bytes: not a lone DW_OP_addr
        len = b[p]!;
        data = p + 1;
        break;
      case C.DW_FORM_block1:
        len = b[p]!;
        data = p + 1;
        break;
      default:
        return false; // a location list: the variable lives in registers or on the stack
    }
    return len === 1 + this.u.addrSize && b[data] === C.DW_OP_addr;
  }

  /** Indexes unit `u`, whose bytes are `data`. */
  run(u: UnitHeader, data: UnitBytes): void {
    this.u = u;
    this.b = data.bytes;
    this.base = data.base;
    this.end = u.end - data.base;
    this.dwarf.loadFlatAbbrevs(this.t, u, slotOf);
    const t = this.t;
    const base = this.base;
    const end = this.end;
    // The unit DIE.
    const cuCode = this.code(u.dieOffset - base, u.dieOffset);
    if (cuCode === 0) this.fail(u.dieOffset, "unit without a unit DIE");
    const cu = this.decl(cuCode, u.dieOffset);
    if (t.tag[cu] !== C.DW_TAG_compile_unit && t.tag[cu] !== C.DW_TAG_partial_unit) return;
    if (!t.children[cu]) return;
    let off = this.skipAttrs(cu, this.at, u.dieOffset);
    for (;;) {
      if (off === end) return; // GNU as: announced children, none written
      if (!(off < end)) this.fail(off + base, "DIE list runs past the end of the unit");
      const dieOff = off + base;
      const code = this.code(off, dieOff);
      off = this.at;
      if (code === 0) return;
      const d = this.decl(code, dieOff);
      const kind = indexKindOf(t.tag[d]!);
      const children = t.children[d] === 1;
      if (kind === 0 && !children) {
        off = this.skipAttrs(d, off, dieOff);
        continue;
      }
      if (kind === 0) {
        off = this.scan(d, off, dieOff);
        off = this.pos[S_SIBLING]! >= 0 ? this.siblingOr(dieOff, off) : this.skipChildren(off);
        continue;
      }
      const attrEnd = this.scan(d, off, dieOff);
      const sibling = this.pos[S_SIBLING]! >= 0 ? this.ref(S_SIBLING, dieOff) : -1;
      this.indexDie(d, kind, dieOff);
      off = attrEnd;
      if (children) {
        if (kind === IK_ENUM) off = this.indexEnumerators(dieOff, attrEnd);
        else off = sibling > dieOff && sibling <= u.end ? sibling - base : this.skipChildren(attrEnd);
      }
    }
  }

  /** Position (relative) of the next sibling: DW_AT_sibling when sane, else the children walked. */
  private siblingOr(dieOff: number, childStart: number): number {
    const sib = this.ref(S_SIBLING, dieOff);
    if (sib > dieOff && sib <= this.u.end) return sib - this.base;
    return this.skipChildren(childStart);
  }

  private indexDie(d: number, kind: number, dieOff: number): void {
    const t = this.t;
    let flags = this.pos[S_DECL]! >= 0 ? IF_DECLARATION : 0;
    let aux = 0;
    let named = this.takeName();
    if (kind === IK_VARIABLE) {
      if (!this.staticLocation()) flags |= IF_DECLARATION;
    } else if (kind === IK_FUNCTION) {
      if (this.pos[S_LOW_PC]! < 0 && this.pos[S_RANGES]! < 0) flags |= IF_DECLARATION;
    } else if (kind === IK_STRUCT || kind === IK_UNION || kind === IK_ENUM) {
      // A struct without DW_AT_byte_size and without children is a declaration GCC did not flag.
      if (!t.children[d] && !t.hasByteSize[d]) flags |= IF_DECLARATION;
    }
    if (!named && (kind === IK_VARIABLE || kind === IK_FUNCTION)) {
      const slot = this.pos[S_SPEC]! >= 0 ? S_SPEC : this.pos[S_ORIGIN]! >= 0 ? S_ORIGIN : -1;
      if (slot < 0) return;
      aux = this.ref(slot, dieOff);
      named = this.nameThrough(aux);
    }
    if (named) this.index.add(kind, flags, this.nameSec, this.nameOff, dieOff, aux, undefined, this.nameBytes);
  }

  /** Indexes the enumerators of the enum at `enumOff`; returns the position after its children. */
  private indexEnumerators(enumOff: number, childStart: number): number {
    const t = this.t;
    const base = this.base;
    let off = childStart;
    for (;;) {
      if (!(off < this.end)) this.fail(off + base, "enumerator list runs past the end of the unit");
      const dieOff = off + base;
      const code = this.code(off, dieOff);
      off = this.at;
      if (code === 0) return off;
      const d = this.decl(code, dieOff);
      const end = this.scan(d, off, dieOff);
      if (t.tag[d] === C.DW_TAG_enumerator && this.takeName()) this.index.add(IK_ENUMERATOR, 0, this.nameSec, this.nameOff, dieOff, enumOff, undefined, this.nameBytes);
      off = t.children[d] ? this.skipChildren(end) : end;
    }
  }
}

/** Whole units read at once from a lazy .debug_info during a build (one larger unit is read alone). */
const SCAN_CHUNK = 1 << 20;

/** About one name per this many bytes of .debug_info (vmlinux: 1,220): the index's first capacity. */
const INFO_BYTES_PER_NAME = 1024;

/** Builds the name index over the units in `range` (all units by default). */
export function buildIndex(dwarf: Dwarf, range: IndexRange = { start: 0, end: dwarf.infoLength }, options: { chunkBytes?: number } = {}): DwarfIndex {
  const units = dwarf.units().filter((u) => u.offset >= range.start && u.offset < range.end);
  const bytes = units.length ? units[units.length - 1]!.end - units[0]!.offset : 0;
  const index = new DwarfIndex(dwarf.sections, Math.max(1024, Math.ceil(bytes / INFO_BYTES_PER_NAME)));
  const scanner = new UnitScanner(dwarf, index);
  const info = dwarf.info;
  if (!(info instanceof LazySection)) {
    for (const u of units) scanner.run(u, dwarf.unitBytes(u));
    return index;
  }
  const chunk = options.chunkBytes ?? SCAN_CHUNK;
  let buffer = new Uint8Array(chunk);
  try {
    for (let i = 0; i < units.length; ) {
      // Consecutive units up to `chunk` bytes (at least one): read as one range into the reused buffer.
      const first = units[i]!;
      let j = i + 1;
      while (j < units.length && units[j]!.offset === units[j - 1]!.end && units[j]!.end - first.offset <= chunk) j++;
      const length = units[j - 1]!.end - first.offset;
      if (length > buffer.length) buffer = new Uint8Array(length);
      const window = buffer.subarray(0, length);
      info.readInto(first.offset, window);
      // Lent to the Dwarf too: a reference the scanner follows through the general reader finds it there.
      dwarf.setScanWindow(window, first.offset);
      const data: UnitBytes = { bytes: window, base: first.offset };
      for (let k = i; k < j; k++) scanner.run(units[k]!, data);
      i = j;
    }
  } finally {
    dwarf.setScanWindow(undefined);
  }
  return index;
}
