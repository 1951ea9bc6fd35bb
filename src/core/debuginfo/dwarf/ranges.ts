// Address ranges of a DIE: DW_AT_low_pc/high_pc, or DW_AT_ranges into .debug_rnglists (DWARF 5, 7.25) or
// .debug_ranges (DWARF 2-4, 7.23). Addresses are bigint: there are few ranges per DIE and this is not a hot path.
import { DumpFormatError } from "../../io/errors";
import * as C from "./constants";
import type { Die } from "./die";
import { sectionBytes, sectionLabel, SectionReader } from "./reader";

export interface PcRange {
  lowPc: bigint;
  /** Exclusive. */
  highPc: bigint;
}

/** More entries than one range list has in any real object (a function split in a handful of pieces; a CU: thousands). */
const MAX_RANGE_ENTRIES = 1 << 20;

/** The ranges of a DIE with low_pc/high_pc or DW_AT_ranges; empty when it has neither. */
export function dieRanges(d: Die): PcRange[] {
  const pc = d.pcRange();
  if (pc) return pc.highPc > pc.lowPc ? [pc] : [];
  if (!d.has(C.DW_AT_ranges)) return [];
  const dwarf = d.dwarf;
  const u = d.unit;
  const base = d.tag === C.DW_TAG_compile_unit ? (d.has(C.DW_AT_low_pc) ? d.address(C.DW_AT_low_pc)! : 0n) : (dwarf.unitAttrs(u).lowPc ?? 0n);
  const where = d.sectionOffset(C.DW_AT_ranges)!;
  if (u.version < 5) {
    if (!("offset" in where)) return d.fail("DW_FORM_rnglistx in a DWARF 4 unit");
    return debugRanges(new SectionReader(sectionBytes(dwarf.sections, "ranges"), sectionLabel(dwarf.sections, "ranges"), where.offset), u.addrSize, base);
  }
  const bytes = sectionBytes(dwarf.sections, "rnglists");
  const name = sectionLabel(dwarf.sections, "rnglists");
  let offset: number;
  if ("offset" in where) offset = where.offset;
  else {
    // DW_FORM_rnglistx: an index into the offsets array that DW_AT_rnglists_base points at (7.28).
    const listBase = dwarf.unitAttrs(u).rnglistsBase;
    offset = listBase + new SectionReader(bytes, name, listBase + where.index * 4).u32();
  }
  return rnglist(new SectionReader(bytes, name, offset), u.addrSize, base, (i) => dwarf.addrx(u, i));
}

function rnglist(r: SectionReader, addrSize: number, base: bigint, addrx: (i: number) => bigint): PcRange[] {
  const out: PcRange[] = [];
  const mask = addrSize === 8 ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  for (let n = 0; n < MAX_RANGE_ENTRIES; n++) {
    const at = r.pos;
    const kind = r.u8();
    let lo: bigint;
    let hi: bigint;
    switch (kind) {
      case C.DW_RLE_end_of_list:
        return out;
      case C.DW_RLE_base_addressx:
        base = addrx(r.uleb());
        continue;
      case C.DW_RLE_base_address:
        base = r.address(addrSize);
        continue;
      case C.DW_RLE_startx_endx:
        lo = addrx(r.uleb());
        hi = addrx(r.uleb());
        break;
      case C.DW_RLE_startx_length:
        lo = addrx(r.uleb());
        hi = lo + r.ulebBig();
        break;
      case C.DW_RLE_offset_pair:
        lo = base + r.ulebBig();
        hi = base + r.ulebBig();
        break;
      case C.DW_RLE_start_end:
        lo = r.address(addrSize);
        hi = r.address(addrSize);
        break;
      case C.DW_RLE_start_length:
        lo = r.address(addrSize);
        hi = lo + r.ulebBig();
        break;
      default:
        throw new DumpFormatError(r.name, at, `unknown range list entry kind 0x${kind.toString(16)}`);
    }
    lo &= mask;
    hi &= mask;
    if (hi > lo) out.push({ lowPc: lo, highPc: hi });
  }
  throw new DumpFormatError(r.name, r.pos, "range list does not end");
}

function debugRanges(r: SectionReader, addrSize: number, base: bigint): PcRange[] {
  const out: PcRange[] = [];
  const max = addrSize === 8 ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  for (let n = 0; n < MAX_RANGE_ENTRIES; n++) {
    const lo = r.address(addrSize);
    const hi = r.address(addrSize);
    if (lo === 0n && hi === 0n) return out;
    if (lo === max) {
      base = hi; // base address selection entry
      continue;
    }
    if (hi > lo) out.push({ lowPc: (base + lo) & max, highPc: (base + hi) & max });
  }
  throw new DumpFormatError(r.name, r.pos, "range list does not end");
}
