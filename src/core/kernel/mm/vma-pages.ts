// Each page of a VMA translated the way crash's `vm -p` translates it (memory.c vm_area_page_dump, uvtop,
// swap_location, vma_file_offset): the physical address of a mapped page; for a page that is not mapped,
// its swap location when its PTE holds a swap entry, else its offset in the mapped file, else nothing. The
// walk is bounded by the caller's page budget, and an upper-level entry that is not present settles every
// page it covers at once (a 256 MiB untouched mapping is one PMD-level miss per 2 MiB, not 65,536 walks).
import type { UserAddressSpace } from "../../arch/x86_64/layout";
import { PageNotPresentError } from "../../arch/x86_64/pagetable";
import { KdwError } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { dPath, fsLayout } from "../fs/fs";
import type { Vma } from "./vma";

const PAGE = 4096n;

export type PageTranslation =
  | { vaddr: bigint; kind: "mapped"; phys: number }
  /** A swap entry in the PTE: the swap area's index and the page's offset in it, and the area's file. */
  | { vaddr: bigint; kind: "swap"; type: number; offset: bigint; device?: string }
  /** Not mapped, in a file mapping: the file's path and the page's offset in the file (bytes). */
  | { vaddr: bigint; kind: "file"; path: string; offset: bigint }
  | { vaddr: bigint; kind: "unmapped" };

/** Bytes one entry of each level maps (4-level paging; a 5-level PGD entry maps more, and is settled per P4D). */
const LEVEL_SPAN: Record<string, bigint> = { PGD: 1n << 39n, P4D: 1n << 39n, PUD: 1n << 30n, PMD: 1n << 21n, PTE: PAGE };

// x86_64 swap entries since the L1TF fix (4.18; arch/x86/include/asm/pgtable_64.h): the type in the top
// SWP_TYPE_BITS bits, the offset inverted below it from SWP_OFFSET_FIRST_BIT (_PAGE_BIT_PROTNONE + 1).
const SWP_TYPE_BITS = 5n;
const SWP_OFFSET_SHIFT = 9n + SWP_TYPE_BITS;
const PAGE_PROTNONE = 1n << 8n;

const SWAP_LAYOUT = layout({ swapFile: optional("swap_info_struct.swap_file") });

function swapEntry(pte: bigint): { type: number; offset: bigint } {
  return { type: Number(pte >> (64n - SWP_TYPE_BITS)), offset: ((~pte << SWP_TYPE_BITS) & 0xffffffffffffffffn) >> SWP_OFFSET_SHIFT };
}

/** The path of swap area `type` (swap_info[type]->swap_file), or undefined (crash: "(unknown swap location)"). */
function swapDevice(prog: Program, type: number): string | undefined {
  try {
    if (!prog.hasSymbol("swap_info")) return undefined;
    const slots = Math.floor((prog.symbolSize("swap_info") ?? 0) / 8);
    if (type >= slots) return undefined;
    const si = prog.readU64(prog.symbolAddress("swap_info") + BigInt(type * 8));
    const off = SWAP_LAYOUT.of(prog).swapFile;
    if (si === 0n || off === undefined) return undefined;
    const file = prog.readU64(si + BigInt(off));
    if (file === 0n) return undefined;
    const l = fsLayout(prog);
    return dPath(prog, prog.readU64(file + BigInt(l.fileDentry)), prog.readU64(file + BigInt(l.fileVfsmnt)), l).path;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
}

/** What a page is when it is not mapped: in a file mapping with a path, its place in the file. */
function notMapped(vma: Vma, path: string, vaddr: bigint): PageTranslation {
  if (vma.file === 0n || path === "") return { vaddr, kind: "unmapped" };
  return { vaddr, kind: "file", path, offset: (((vaddr - vma.start) >> 12n) + vma.pgoff) << 12n };
}

/**
 * The pages of `vma` from `from` (default its start) up to its end, at most `budget` of them, translated
 * through `space` (the task's page tables). `path` is the mapped file's path as crash names it ("" for none).
 */
export function* vmaPageTranslations(prog: Program, space: UserAddressSpace, vma: Vma, path: string, budget: number, from = vma.start): Generator<PageTranslation> {
  let vaddr = from & ~(PAGE - 1n);
  let left = budget;
  while (vaddr < vma.end && left > 0) {
    const phys = space.walker.tryTranslate(space.pgdPhys, vaddr);
    if (phys >= 0) {
      yield { vaddr, kind: "mapped", phys };
      vaddr += PAGE;
      left--;
      continue;
    }
    let settledUntil = vaddr + PAGE;
    let page: PageTranslation = notMapped(vma, path, vaddr);
    try {
      space.walker.walk(space.pgdPhys, vaddr);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      if (err instanceof PageNotPresentError) {
        if (err.level === "PTE") {
          if (err.entry !== 0n && (err.entry & PAGE_PROTNONE) === 0n) {
            const e = swapEntry(err.entry);
            const device = swapDevice(prog, e.type);
            page = { vaddr, kind: "swap", type: e.type, offset: e.offset, ...(device !== undefined ? { device } : {}) };
          }
        } else {
          const span = LEVEL_SPAN[err.level] ?? PAGE;
          settledUntil = (vaddr & ~(span - 1n)) + span;
        }
      }
    }
    yield page;
    vaddr += PAGE;
    left--;
    while (vaddr < settledUntil && vaddr < vma.end && left > 0) {
      yield notMapped(vma, path, vaddr);
      vaddr += PAGE;
      left--;
    }
  }
}
