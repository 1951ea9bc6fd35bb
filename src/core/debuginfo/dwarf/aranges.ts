// Address → compile unit: .debug_aranges (DWARF 5 section 6.1.2, 7.21) when present, else the units' own
// DW_AT_low_pc/high_pc/ranges. Built once, kept as sorted typed arrays (vmlinux: ~11,000 ranges).
import { DumpFormatError } from "../../io/errors";
import type { Dwarf } from "./dwarf";
import { dieRanges } from "./ranges";
import { sectionLabel, SectionReader } from "./reader";
import { readInitialLength } from "./unit";

/** More address ranges than a kernel has (a few per unit, thousands of units). */
const MAX_ARANGES = 1 << 22;

export class UnitAddressMap {
  private constructor(
    private readonly starts: BigUint64Array,
    private readonly ends: BigUint64Array,
    private readonly units: Uint32Array,
  ) {}

  get size(): number {
    return this.starts.length;
  }

  /** .debug_info offset of the unit whose code holds `address`, or undefined. */
  unitFor(address: bigint): number | undefined {
    let lo = 0;
    let hi = this.starts.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= address) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Ranges of different units do not overlap in a linked image; look back a little in case they nest.
    for (let i = best; i >= 0 && i > best - 8; i--) if (address < this.ends[i]!) return this.units[i];
    return undefined;
  }

  static build(dwarf: Dwarf): UnitAddressMap {
    const rows: { start: bigint; end: bigint; unit: number }[] = [];
    const covered = new Set<number>();
    if (dwarf.sections.aranges) readAranges(dwarf.sections.aranges, sectionLabel(dwarf.sections, "aranges"), rows, covered);
    // Units .debug_aranges does not list (GNU as units, some toolchains write none at all): their own ranges.
    for (const u of dwarf.units()) {
      if (covered.has(u.offset)) continue;
      for (const r of dieRanges(dwarf.cuDie(u))) rows.push({ start: r.lowPc, end: r.highPc, unit: u.offset });
    }
    rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const n = rows.length;
    const m = new UnitAddressMap(new BigUint64Array(n), new BigUint64Array(n), new Uint32Array(n));
    rows.forEach((r, i) => {
      m.starts[i] = r.start;
      m.ends[i] = r.end;
      m.units[i] = r.unit;
    });
    return m;
  }
}

function readAranges(bytes: Uint8Array, name: string, rows: { start: bigint; end: bigint; unit: number }[], covered: Set<number>): void {
  const r = new SectionReader(bytes, name);
  while (!r.atEnd) {
    const setStart = r.pos;
    const length = readInitialLength(r, "address range set");
    const setEnd = r.pos + length;
    r.end = setEnd;
    const version = r.u16();
    if (version !== 2) r.fail(`unsupported .debug_aranges version ${version}`, setStart);
    const unit = r.u32();
    const addrSize = r.u8();
    const segSize = r.u8();
    if (addrSize !== 4 && addrSize !== 8) r.fail(`bad address size ${addrSize}`, setStart);
    if (segSize !== 0) r.fail("segmented addresses are not supported", setStart);
    // Tuples start at a multiple of twice the address size from the start of the set.
    const tuple = 2 * addrSize;
    r.pos = setStart + Math.ceil((r.pos - setStart) / tuple) * tuple;
    covered.add(unit);
    for (;;) {
      if (rows.length > MAX_ARANGES) throw new DumpFormatError(name, r.pos, "too many address ranges");
      if (r.pos === setEnd) break; // some producers omit the terminator
      const start = r.address(addrSize);
      const len = r.address(addrSize);
      if (start === 0n && len === 0n) break;
      if (len > 0n) rows.push({ start, end: start + len, unit });
    }
    r.end = bytes.length;
    r.pos = setEnd;
  }
}
