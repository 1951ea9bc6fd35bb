// Which pages of a kernel virtual range the page tables map (what /sys/kernel/debug/page_tables shows for
// one region): a walk of the kernel's tables that descends only into entries overlapping the range, for
// scans over a sparse area (the module area is 1 GiB with a few hundred pages in use). Each table page is
// read once; a table the dump left out ends that branch and is reported. Bounded by a page budget.
import type { Dump } from "../../dump/dump";
import { KdwError } from "../../io/errors";
import { PAGE_NX, PAGE_PRESENT, PAGE_PSE, PAGE_RW, PTE_PFN_MASK } from "./pagetable";

export interface MappedPage {
  vaddr: bigint;
  /** 4096, 2 MiB or 1 GiB. */
  size: number;
  phys: number;
  writable: boolean;
  executable: boolean;
}

export interface MappedRanges {
  pages: MappedPage[];
  /** Tables that could not be read, or the budget that ended the walk. */
  problems: string[];
}

/** The most pages a walk returns (4 GiB of 4 KiB pages). */
export const MAX_MAPPED_PAGES = 1 << 20;

const ENTRIES = 512;

/**
 * The mapped pages of [start, end) under the top-level table at `pgdPhys`, in address order. Large pages
 * (2 MiB, 1 GiB) are returned whole.
 */
export function mappedPages(dump: Pick<Dump, "readPhys" | "pageState">, pgdPhys: number, la57: boolean, start: bigint, end: bigint, budget = MAX_MAPPED_PAGES): MappedRanges {
  const out: MappedRanges = { pages: [], problems: [] };
  // Shifts of each level, top first: PGD(48, 5-level) P4D/PGD(39) PUD(30) PMD(21) PTE(12).
  const shifts = la57 ? [48n, 39n, 30n, 21n, 12n] : [39n, 30n, 21n, 12n];
  const signExtend = (v: bigint): bigint => {
    const top = la57 ? 56n : 47n;
    return v & (1n << top) ? v | (~((1n << (top + 1n)) - 1n) & 0xffffffffffffffffn) : v;
  };
  const table = (phys: number): DataView | undefined => {
    try {
      if (dump.pageState(Math.floor(phys / 4096)) !== "present") {
        out.problems.push(`page table at physical 0x${phys.toString(16)} is not in the dump`);
        return undefined;
      }
      const b = dump.readPhys(phys, 4096);
      return new DataView(b.buffer, b.byteOffset, 4096);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(`page table at physical 0x${phys.toString(16)}: ${err.message}`);
      return undefined;
    }
  };
  const walk = (phys: number, level: number, base: bigint): boolean => {
    const t = table(phys);
    if (!t) return true;
    const shift = shifts[level]!;
    const span = 1n << shift;
    const leafLevel = level === shifts.length - 1;
    for (let i = 0; i < ENTRIES; i++) {
      const lo = signExtend(base + BigInt(i) * span);
      const hi = lo + span;
      if (hi <= start || lo >= end) continue;
      const entry = t.getBigUint64(i * 8, true);
      if ((entry & BigInt(PAGE_PRESENT)) === 0n) continue;
      const next = Number(entry & PTE_PFN_MASK);
      const large = !leafLevel && (entry & BigInt(PAGE_PSE)) !== 0n && (shift === 30n || shift === 21n);
      if (leafLevel || large) {
        if (out.pages.length >= budget) {
          out.problems.push(`more than ${budget} mapped pages: the walk stopped at ${lo.toString(16)}`);
          return false;
        }
        const size = Number(span);
        out.pages.push({ vaddr: lo, size, phys: large ? next - (next % size) : next, writable: (entry & BigInt(PAGE_RW)) !== 0n, executable: (entry & PAGE_NX) === 0n });
        continue;
      }
      if (!walk(next, level + 1, base + BigInt(i) * span)) return false;
    }
    return true;
  };
  walk(pgdPhys - (pgdPhys % 4096), 0, 0n);
  return out;
}
