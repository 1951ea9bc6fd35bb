// One pass over .debug_info that fills the name index with every CU-scope name: the unit DIE's children
// (and the enumerators of its enums). Everything deeper (function bodies: parameters, locals, inlined
// calls, lexical blocks) is skipped by abbreviation skip plans and DW_AT_sibling, never decoded.
// A lazy .debug_info is read a few MiB of whole units at a time into one reused buffer (lent to the Dwarf
// while its units are scanned), so the build's memory does not grow with the section.
// Splittable by unit ranges so that an adapter can run parts in worker threads and merge them
// (index-parallel.ts).
import { DumpFormatError } from "../../io/errors";
import type { Abbrev } from "./abbrev";
import * as C from "./constants";
import { skipAttrs, skipVarForm } from "./die";
import type { Dwarf, UnitBytes } from "./dwarf";
import { LazySection } from "./section";
import { DwarfIndex, IF_DECLARATION, IK_BASE, IK_ENUM, IK_ENUMERATOR, IK_FUNCTION, IK_STRUCT, IK_TYPEDEF, IK_UNION, IK_VARIABLE, type NameSection } from "./name-index";
import { fixedFormSize } from "./abbrev";
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

// Positions inside the scanner are relative to `b` (the unit's bytes); DIE offsets handed out are .debug_info
// offsets (relative + base).
class UnitScanner {
  readonly b: Uint8Array;
  readonly base: number;
  /** The unit's end, relative to b. */
  readonly end: number;
  readonly pos = new Int32Array(N_SLOTS);
  readonly form = new Int32Array(N_SLOTS);
  nameSec: NameSection = 0;
  nameOff = 0;
  /** For an inline name (nameSec 1): the bytes nameOff is in. */
  nameBytes: Uint8Array | undefined;

  constructor(
    readonly dwarf: Dwarf,
    readonly index: DwarfIndex,
    readonly u: UnitHeader,
    data: UnitBytes,
  ) {
    this.b = data.bytes;
    this.base = data.base;
    this.end = u.end - data.base;
  }

  fail(off: number, reason: string): never {
    throw new DumpFormatError(this.dwarf.infoName, off, reason);
  }

  /** Records the positions of the interesting attributes of a DIE; returns the position after its attributes. */
  scan(a: Abbrev, pos: number, dieOff: number): number {
    this.pos.fill(-1);
    const u = this.u;
    const sizes = a.sizes;
    for (let i = 0; i < a.attrs.length; i++) {
      let form = a.forms[i]!;
      let size = sizes[i]!;
      if (size < 0 && form === C.DW_FORM_indirect) {
        let f = 0;
        let mul = 1;
        for (let k = 0; k < 3; k++) {
          const byte = this.b[pos++]!;
          f += (byte & 0x7f) * mul;
          if ((byte & 0x80) === 0) break;
          mul *= 128;
        }
        if (f === C.DW_FORM_indirect || f === C.DW_FORM_implicit_const || fixedFormSize(f, u.shape) < -1) this.fail(dieOff, `bad indirect form 0x${f.toString(16)}`);
        form = f;
        size = fixedFormSize(form, u.shape);
      }
      const slot = slotOf(a.attrs[i]!);
      if (slot >= 0) {
        this.pos[slot] = pos;
        this.form[slot] = form;
      }
      pos = size >= 0 ? pos + size : skipVarForm(this.b, pos, form, u);
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

  /** The name of the DIE at `off` (following specification/abstract_origin): used for unnamed definitions. */
  nameThrough(off: number): boolean {
    for (let hop = 0; hop < MAX_NAME_HOPS; hop++) {
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

  run(): void {
    const dwarf = this.dwarf;
    const u = this.u;
    const cu = dwarf.cuDie(u);
    if (cu.tag !== C.DW_TAG_compile_unit && cu.tag !== C.DW_TAG_partial_unit) return;
    if (!cu.hasChildren) return;
    const table = dwarf.abbrevs(u);
    const b = this.b;
    const base = this.base;
    const end = this.end;
    let off = cu.end - base;
    for (let n = 0; ; n++) {
      if (off === end) return; // GNU as: announced children, none written
      if (!(off < end)) this.fail(off + base, "DIE list runs past the end of the unit");
      const dieOff = off + base;
      let code = 0;
      let mul = 1;
      for (let k = 0; ; k++) {
        const byte = b[off++]!;
        code += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) break;
        if (k > 8) this.fail(dieOff, "abbreviation code too long");
        mul *= 128;
      }
      if (code === 0) return;
      const a = table.get(code);
      if (!a) this.fail(dieOff, `abbreviation code ${code} not in the table at .debug_abbrev 0x${u.abbrevOffset.toString(16)}`);
      const kind = indexKindOf(a.tag);
      if (kind === 0 && !a.hasChildren) {
        off = skipAttrs(b, off, a, u);
        if (!(off <= end)) this.fail(dieOff, "DIE attributes run past the end of the unit");
        continue;
      }
      if (kind === 0) {
        off = this.scan(a, off, dieOff);
        off = this.pos[S_SIBLING]! >= 0 ? this.siblingOr(dieOff, off) : dwarf.skipChildren(u, off + base) - base;
        continue;
      }
      const attrEnd = this.scan(a, off, dieOff);
      this.indexDie(a, kind, dieOff);
      off = attrEnd;
      if (a.hasChildren) {
        if (kind === IK_ENUM) off = this.indexEnumerators(dieOff, attrEnd, table);
        else off = this.pos[S_SIBLING]! >= 0 ? this.siblingOr(dieOff, attrEnd) : dwarf.skipChildren(u, attrEnd + base) - base;
      }
    }
  }

  /** Position (relative) of the next sibling: DW_AT_sibling when sane, else the children walked. */
  private siblingOr(dieOff: number, childStart: number): number {
    const sib = this.ref(S_SIBLING, dieOff);
    if (sib > dieOff && sib <= this.u.end) return sib - this.base;
    return this.dwarf.skipChildren(this.u, childStart + this.base) - this.base;
  }

  private indexDie(a: Abbrev, kind: number, dieOff: number): void {
    let flags = this.pos[S_DECL]! >= 0 ? IF_DECLARATION : 0;
    let aux = 0;
    let named = this.takeName();
    if (kind === IK_VARIABLE) {
      if (!this.staticLocation()) flags |= IF_DECLARATION;
    } else if (kind === IK_FUNCTION) {
      if (this.pos[S_LOW_PC]! < 0 && this.pos[S_RANGES]! < 0) flags |= IF_DECLARATION;
    } else if (kind === IK_STRUCT || kind === IK_UNION || kind === IK_ENUM) {
      // A struct without DW_AT_byte_size and without children is a declaration GCC did not flag.
      if (!a.hasChildren && a.attrs.indexOf(C.DW_AT_byte_size) < 0) flags |= IF_DECLARATION;
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
  private indexEnumerators(enumOff: number, childStart: number, table: ReturnType<Dwarf["abbrevs"]>): number {
    const b = this.b;
    const u = this.u;
    const base = this.base;
    let off = childStart;
    for (;;) {
      if (!(off < this.end)) this.fail(off + base, "enumerator list runs past the end of the unit");
      const dieOff = off + base;
      const code = b[off++]!;
      if (code === 0) return off;
      let a = code < 0x80 ? table.get(code) : undefined;
      if (!a) {
        // Long codes and unusual children (GCC writes none): take the general path.
        const d = this.dwarf.dieAt(u, dieOff)!;
        a = d.abbrev;
        off = d.end;
        if (a.hasChildren) off = this.dwarf.skipChildren(u, off);
        off -= base;
        continue;
      }
      const end = this.scan(a, off, dieOff);
      if (a.tag === C.DW_TAG_enumerator && this.takeName()) this.index.add(IK_ENUMERATOR, 0, this.nameSec, this.nameOff, dieOff, enumOff, undefined, this.nameBytes);
      off = a.hasChildren ? this.dwarf.skipChildren(u, end + base) - base : end;
    }
  }
}

/** Whole units read at once from a lazy .debug_info during a build (one larger unit is read alone). */
const SCAN_CHUNK = 4 << 20;

/** Builds the name index over the units in `range` (all units by default). */
export function buildIndex(dwarf: Dwarf, range: IndexRange = { start: 0, end: dwarf.infoLength }): DwarfIndex {
  const index = new DwarfIndex(dwarf.sections);
  const units = dwarf.units().filter((u) => u.offset >= range.start && u.offset < range.end);
  const info = dwarf.info;
  if (!(info instanceof LazySection)) {
    for (const u of units) new UnitScanner(dwarf, index, u, dwarf.unitBytes(u)).run();
    return index;
  }
  let buffer = new Uint8Array(SCAN_CHUNK);
  try {
    for (let i = 0; i < units.length; ) {
      // Consecutive units up to SCAN_CHUNK bytes (at least one): read as one range into the reused buffer.
      const first = units[i]!;
      let j = i + 1;
      while (j < units.length && units[j]!.offset === units[j - 1]!.end && units[j]!.end - first.offset <= SCAN_CHUNK) j++;
      const length = units[j - 1]!.end - first.offset;
      if (length > buffer.length) buffer = new Uint8Array(length);
      const window = buffer.subarray(0, length);
      info.readInto(first.offset, window);
      dwarf.setScanWindow(window, first.offset);
      const data: UnitBytes = { bytes: window, base: first.offset };
      for (let k = i; k < j; k++) new UnitScanner(dwarf, index, units[k]!, data).run();
      i = j;
    }
  } finally {
    dwarf.setScanWindow(undefined);
  }
  return index;
}
