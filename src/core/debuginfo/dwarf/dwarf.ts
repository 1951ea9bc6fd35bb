// One object's DWARF: the sections, the unit headers (read once, on first need), abbreviation tables (cached
// per offset) and the unit-level bases DWARF 5 indexes go through (str_offsets, addr). Everything else is
// decoded when a DIE is asked for. A lazy .debug_info (section.ts) is read a unit at a time and a bounded
// number of units kept; the index build lends its scan window (setScanWindow) so that its units are not read
// twice.
import { DumpFormatError, TruncatedError } from "../../io/errors";
import { AbbrevInterner, parseAbbrevTable, type AbbrevTable } from "./abbrev";
import type { FlatAbbrevTable } from "./flat-abbrev";
import * as C from "./constants";
import { Die, skipAttrs } from "./die";
import { decodeCString, sectionBytes, sectionLabel, SectionReader, type DwarfSections } from "./reader";
import { LazySection, sectionRange, type SectionData } from "./section";
import { readUnitHeaders, unitContaining, type UnitHeader } from "./unit";

/** The bytes of one or more whole units: `bytes[off - base]` is .debug_info offset `off`. */
export interface UnitBytes {
  readonly bytes: Uint8Array;
  readonly base: number;
}

/** What the unit's DW_TAG_compile_unit says that other DIEs of the unit depend on. */
export interface UnitAttrs {
  readonly name?: string;
  readonly compDir?: string;
  readonly stmtList?: number;
  readonly lowPc?: bigint;
  readonly strOffsetsBase: number;
  readonly addrBase: number;
  readonly rnglistsBase: number;
  readonly loclistsBase: number;
}

/** DWARF 5 7.26 and 7.27: the first entry of a str_offsets / addr contribution follows an 8-byte header. */
const DEFAULT_TABLE_BASE = 8;
/**
 * Abbreviation tables kept decoded for the DIEs type lookups read. GCC writes one table per unit (vmlinux:
 * 2,170); a lookup follows references inside one unit, so a few tables suffice. Their declarations are
 * shared (AbbrevInterner). The index build decodes tables its own way (flat-abbrev.ts) and keeps none.
 */
const ABBREV_CACHE_TABLES = 16;
/**
 * Bytes of a lazy .debug_info's units kept (a type lookup reads one unit and follows references inside it;
 * vmlinux's largest unit is 580 KiB, the median 64 KiB).
 */
const UNIT_CACHE_BYTES = 16 << 20;
/** Nesting deeper than any C program's DIE tree (GCC's deepest lexical-block nests: a few dozen). */
const MAX_DEPTH = 1024;

export class Dwarf {
  readonly info: SectionData;
  readonly infoName: string;
  /** .debug_info's size: references past it are errors. */
  readonly infoLength: number;
  private unitList: UnitHeader[] | undefined;
  private readonly abbrevCache = new Map<number, AbbrevTable>();
  private readonly unitAttrCache = new Map<number, UnitAttrs>();
  private interner: AbbrevInterner | undefined;
  /** A whole .debug_info: every unit's bytes. */
  private readonly wholeInfo: UnitBytes | undefined;
  /** Units read from a lazy .debug_info, by unit offset, least recently used first. */
  private readonly unitCache = new Map<number, UnitBytes>();
  private unitCacheBytes = 0;
  private scanWindow: { bytes: Uint8Array; base: number; end: number } | undefined;

  constructor(readonly sections: DwarfSections) {
    this.info = sections.info;
    this.infoName = sectionLabel(sections, "info");
    this.infoLength = sections.info.length;
    if (!(sections.info instanceof LazySection)) this.wholeInfo = { bytes: sections.info, base: 0 };
  }

  units(): readonly UnitHeader[] {
    return (this.unitList ??= readUnitHeaders(this.info, this.infoName));
  }

  /** The bytes of unit `u` (and maybe of its neighbours): read from a lazy .debug_info on first need. */
  unitBytes(u: UnitHeader): UnitBytes {
    if (this.wholeInfo) return this.wholeInfo;
    const w = this.scanWindow;
    if (w && u.offset >= w.base && u.end <= w.end) return w;
    let got = this.unitCache.get(u.offset);
    if (got) {
      this.unitCache.delete(u.offset);
      this.unitCache.set(u.offset, got);
      return got;
    }
    got = { bytes: (this.info as LazySection).read(u.offset, u.end - u.offset), base: u.offset };
    this.unitCache.set(u.offset, got);
    this.unitCacheBytes += got.bytes.length;
    while (this.unitCacheBytes > UNIT_CACHE_BYTES && this.unitCache.size > 1) {
      const [k, old] = this.unitCache.entries().next().value!;
      this.unitCache.delete(k);
      this.unitCacheBytes -= old.bytes.length;
    }
    return got;
  }

  /**
   * Lends the bytes of units [base, base + bytes.length) to unitBytes() while a scan walks them (undefined ends
   * the loan). The scan may reuse the buffer afterwards: nothing made from it may outlive the loan.
   */
  setScanWindow(bytes: Uint8Array | undefined, base = 0): void {
    this.scanWindow = bytes ? { bytes, base, end: base + bytes.length } : undefined;
  }

  unitFor(offset: number): UnitHeader {
    const u = unitContaining(this.units(), offset);
    if (!u || offset < u.dieOffset) throw new DumpFormatError(this.infoName, offset, "offset is not inside any unit's DIEs");
    return u;
  }

  abbrevs(u: UnitHeader): AbbrevTable {
    // Address size changes form sizes; every unit of one object has the same, so the offset is the key and
    // a unit that differs gets its own entry.
    const key = u.abbrevOffset * 16 + u.addrSize + (u.shape.refAddrSize === u.addrSize && u.version <= 2 ? 1 : 0);
    let t = this.abbrevCache.get(key);
    if (t) {
      // Most recently used last: the Map's insertion order is the LRU order.
      this.abbrevCache.delete(key);
      this.abbrevCache.set(key, t);
      return t;
    }
    t = this.parseAbbrevs(u);
    this.abbrevCache.set(key, t);
    if (this.abbrevCache.size > ABBREV_CACHE_TABLES) this.abbrevCache.delete(this.abbrevCache.keys().next().value!);
    return t;
  }

  private parseAbbrevs(u: UnitHeader): AbbrevTable {
    this.interner ??= new AbbrevInterner();
    const interner = this.interner;
    return this.withAbbrevTable(u.abbrevOffset, (bytes, name, base, length) => parseAbbrevTable(bytes, name, u.abbrevOffset, u.shape, interner, base, length));
  }

  /** Decodes unit `u`'s abbreviation table into `table` (the index build's reused arrays). */
  loadFlatAbbrevs(table: FlatAbbrevTable, u: UnitHeader, slotOf: (at: number) => number): void {
    if (table.holds(u.abbrevOffset, u.shape)) return;
    this.withAbbrevTable(u.abbrevOffset, (bytes, name, base, length) => table.load(bytes, name, u.abbrevOffset, u.shape, slotOf, base, length));
  }

  /**
   * Runs `parse` over the bytes of the abbreviation table at `off`. A lazy .debug_abbrev is read up to the next
   * table any unit names (tables are written one after the other), or, if the table runs on past that, up to
   * the end of the section.
   */
  private withAbbrevTable<T>(off: number, parse: (bytes: Uint8Array, name: string, base: number, sectionLength: number) => T): T {
    const data = this.sections.abbrev;
    const name = sectionLabel(this.sections, "abbrev");
    if (!(data instanceof LazySection)) return parse(data, name, 0, data.length);
    const end = this.abbrevTableEnd(off);
    try {
      return parse(sectionRange(data, off, end - off), name, off, data.length);
    } catch (e) {
      if (!(e instanceof TruncatedError) || end >= data.length) throw e;
      return parse(sectionRange(data, off, data.length - off), name, off, data.length);
    }
  }

  private abbrevStarts: number[] | undefined;

  /** Where the abbreviation table at `off` ends at the latest: the next table's start, or the section's end. */
  private abbrevTableEnd(off: number): number {
    const starts = (this.abbrevStarts ??= [...new Set(this.units().map((u) => u.abbrevOffset))].sort((a, b) => a - b));
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= off) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length ? starts[lo]! : this.sections.abbrev.length;
  }

  /** The DIE at `off` of unit `u`, or undefined for a null entry (the end of a sibling list). */
  dieAt(u: UnitHeader, off: number): Die | undefined {
    const data = this.unitBytes(u);
    const r = new SectionReader(data.bytes, this.infoName, off, u.end, data.base);
    const code = r.uleb();
    if (code === 0) return undefined;
    const a = this.abbrevs(u).get(code);
    if (!a) throw new DumpFormatError(this.infoName, off, `abbreviation code ${code} not in the table at .debug_abbrev 0x${u.abbrevOffset.toString(16)}`);
    return new Die(this, u, data, off, a, r.pos);
  }

  /** The DIE at absolute .debug_info offset `off` (a reference target). */
  die(off: number): Die {
    const u = this.unitFor(off);
    const d = this.dieAt(u, off);
    if (!d) throw new DumpFormatError(this.infoName, off, "reference to a null entry");
    return d;
  }

  cuDie(u: UnitHeader): Die {
    const d = this.dieAt(u, u.dieOffset);
    if (!d) throw new DumpFormatError(this.infoName, u.dieOffset, "unit without a unit DIE");
    return d;
  }

  /** Offset of the DIE after `d` at the same level. */
  nextSibling(d: Die): number {
    if (!d.hasChildren) return d.end;
    if (d.abbrev.siblingIndex >= 0) {
      const sib = d.ref(C.DW_AT_sibling)!;
      if (sib > d.offset && sib <= d.unit.end) return sib;
      // A bad sibling is not fatal: the tree walk below is the truth.
    }
    return this.skipChildren(d.unit, d.end);
  }

  /** Walks a run of children starting at `off` and returns the offset after its terminating null entry. */
  skipChildren(u: UnitHeader, off: number): number {
    const { bytes: b, base } = this.unitBytes(u);
    const table = this.abbrevs(u);
    const end = u.end - base;
    let depth = 1;
    let pos = off - base;
    while (depth > 0) {
      // GNU as writes unit DIEs that announce children and have none: the unit's end closes every open list.
      if (pos === end) return pos + base;
      if (!(pos < end)) throw new DumpFormatError(this.infoName, Math.min(pos + base, u.end) || u.end, "DIE tree runs past the end of the unit");
      const at = pos + base;
      let code = 0;
      let mul = 1;
      for (let i = 0; ; i++) {
        const byte = b[pos++]!;
        code += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) break;
        if (i > 8) throw new DumpFormatError(this.infoName, at, "abbreviation code too long");
        mul *= 128;
      }
      if (code === 0) {
        depth--;
        continue;
      }
      const a = table.get(code);
      if (!a) throw new DumpFormatError(this.infoName, at, `abbreviation code ${code} not in the table at .debug_abbrev 0x${u.abbrevOffset.toString(16)}`);
      pos = skipAttrs(b, pos, a, u);
      if (!(pos <= end)) throw new DumpFormatError(this.infoName, at, "DIE attributes run past the end of the unit");
      if (a.hasChildren && ++depth > MAX_DEPTH) throw new DumpFormatError(this.infoName, at, "DIE tree nested too deeply");
    }
    return pos + base;
  }

  unitAttrs(u: UnitHeader): UnitAttrs {
    let attrs = this.unitAttrCache.get(u.offset);
    if (attrs) return attrs;
    const d = this.cuDie(u);
    // Bases first: strx names in the unit DIE itself go through str_offsets_base.
    const base = (at: number): number => {
      const v = d.has(at) ? d.sectionOffset(at) : undefined;
      return v && "offset" in v ? v.offset : DEFAULT_TABLE_BASE;
    };
    const partial: UnitAttrs = { strOffsetsBase: base(C.DW_AT_str_offsets_base), addrBase: base(C.DW_AT_addr_base), rnglistsBase: base(C.DW_AT_rnglists_base), loclistsBase: base(C.DW_AT_loclists_base) };
    this.unitAttrCache.set(u.offset, partial);
    const stmt = d.has(C.DW_AT_stmt_list) ? d.sectionOffset(C.DW_AT_stmt_list) : undefined;
    attrs = {
      ...partial,
      name: d.string(C.DW_AT_name),
      compDir: d.string(C.DW_AT_comp_dir),
      stmtList: stmt && "offset" in stmt ? stmt.offset : undefined,
      lowPc: d.has(C.DW_AT_low_pc) ? d.address(C.DW_AT_low_pc) : undefined,
    };
    this.unitAttrCache.set(u.offset, attrs);
    return attrs;
  }

  str(off: number): string {
    return decodeCString(sectionBytes(this.sections, "str"), off, sectionLabel(this.sections, "str"));
  }

  lineStr(off: number): string {
    return decodeCString(sectionBytes(this.sections, "lineStr"), off, sectionLabel(this.sections, "lineStr"));
  }

  /** .debug_str offset of string index `index` of unit `u` (DW_FORM_strx*). */
  strOffset(u: UnitHeader, index: number): number {
    const base = this.unitAttrCache.get(u.offset)?.strOffsetsBase ?? this.unitAttrs(u).strOffsetsBase;
    const r = new SectionReader(sectionBytes(this.sections, "strOffsets"), sectionLabel(this.sections, "strOffsets"), base + index * 4);
    return r.u32();
  }

  /** Address index `index` of unit `u` (DW_FORM_addrx*, DW_RLE_*x). */
  addrx(u: UnitHeader, index: number): bigint {
    const base = this.unitAttrCache.get(u.offset)?.addrBase ?? this.unitAttrs(u).addrBase;
    const r = new SectionReader(sectionBytes(this.sections, "addr"), sectionLabel(this.sections, "addr"), base + index * u.addrSize);
    return r.address(u.addrSize);
  }
}
