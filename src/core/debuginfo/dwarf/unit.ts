// Unit headers of .debug_info (DWARF 5 section 7.5.1.1; DWARF 4 section 7.5.1.1 for versions 2-4).
// 32-bit DWARF only: no kernel build emits the 64-bit format, and refusing it cleanly is better than
// half-reading it.
import { DumpFormatError } from "../../io/errors";
import type { FormShape } from "./abbrev";
import * as C from "./constants";
import { SectionReader } from "./reader";
import { sectionRange, type SectionData } from "./section";

export interface UnitHeader {
  /** Offset of the unit header in .debug_info. */
  readonly offset: number;
  /** Offset just past the unit. */
  readonly end: number;
  readonly version: number;
  readonly unitType: number;
  readonly addrSize: number;
  readonly abbrevOffset: number;
  /** Offset of the unit's first DIE (its DW_TAG_compile_unit). */
  readonly dieOffset: number;
  readonly shape: FormShape;
}

/** The reserved initial-length values (7.2.2): 0xffffffff announces 64-bit DWARF, the rest are reserved. */
const DWARF64_ESCAPE = 0xffff_ffff;
const RESERVED_LENGTH_MIN = 0xffff_fff0;

/** Reads the initial length of a 32-bit DWARF structure (unit, line program, list table) and checks it fits. */
export function readInitialLength(r: SectionReader, what: string): number {
  const at = r.pos;
  const length = r.u32();
  if (length === DWARF64_ESCAPE) r.fail(`${what}: 64-bit DWARF format is not supported`, at);
  if (length >= RESERVED_LENGTH_MIN) r.fail(`${what}: reserved initial length 0x${length.toString(16)}`, at);
  if (r.pos + length > r.sectionLength) r.fail(`${what}: length 0x${length.toString(16)} runs past the end of the section`, at);
  return length;
}

/** The longest unit header (DWARF 5 type unit: length, version, type, address size, abbrev offset, signature, type offset). */
const MAX_UNIT_HEADER = 24;

export function readUnitHeader(info: SectionData, name: string, offset: number): UnitHeader {
  // Only the header's bytes: a lazy .debug_info is not read here.
  const r = new SectionReader(sectionRange(info, offset, MAX_UNIT_HEADER), name, offset, undefined, offset, info.length);
  const length = readInitialLength(r, "unit");
  const end = r.pos + length;
  r.limit(end);
  const version = r.u16();
  if (version < 2 || version > 5) r.fail(`unsupported DWARF version ${version}`, offset + 4);
  let unitType: number = C.DW_UT_compile;
  let addrSize: number;
  let abbrevOffset: number;
  if (version >= 5) {
    unitType = r.u8();
    addrSize = r.u8();
    abbrevOffset = r.u32();
    switch (unitType) {
      case C.DW_UT_compile:
      case C.DW_UT_partial:
        break;
      case C.DW_UT_skeleton:
      case C.DW_UT_split_compile:
        r.skip(8); // dwo_id
        break;
      case C.DW_UT_type:
      case C.DW_UT_split_type:
        r.skip(8 + 4); // type_signature, type_offset
        break;
      default:
        r.fail(`unknown unit type 0x${unitType.toString(16)}`, offset + 6);
    }
  } else {
    abbrevOffset = r.u32();
    addrSize = r.u8();
  }
  if (addrSize !== 4 && addrSize !== 8 && addrSize !== 2) r.fail(`unsupported address size ${addrSize}`);
  if (r.pos > end) r.fail("unit header longer than the unit", offset);
  return {
    offset,
    end,
    version,
    unitType,
    addrSize,
    abbrevOffset,
    dieOffset: r.pos,
    shape: { addrSize, refAddrSize: version <= 2 ? addrSize : 4 },
  };
}

/** More units than any object has (vmlinux: a few thousand; allmodconfig: under 30,000). */
const MAX_UNITS = 1 << 22;

/** Every unit header of .debug_info, in order. Reads only the headers. */
export function readUnitHeaders(info: SectionData, name: string): UnitHeader[] {
  const units: UnitHeader[] = [];
  let off = 0;
  while (off < info.length) {
    if (units.length >= MAX_UNITS) throw new DumpFormatError(name, off, "too many units");
    const u = readUnitHeader(info, name, off);
    units.push(u);
    off = u.end;
  }
  return units;
}

/** The unit containing `offset` (binary search over headers sorted by offset), or undefined. */
export function unitContaining(units: readonly UnitHeader[], offset: number): UnitHeader | undefined {
  let lo = 0;
  let hi = units.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const u = units[mid]!;
    if (offset < u.offset) hi = mid - 1;
    else if (offset >= u.end) lo = mid + 1;
    else return u;
  }
  return undefined;
}
