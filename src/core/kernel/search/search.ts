// crash's `search` (memory.c cmd_search): the memory it looks through for each kind of search, and the order
// in which it reports what it finds.
//   kernel   each kvaddr range (ranges.ts) that meets [start, end), in order of its start: so the kernel's
//            image is reported twice (through the direct map, then through the kernel text mapping), and
//            vmalloc'ed pages twice (direct map, then their vmalloc address), as crash reports them;
//   physical the memory nodes' page frames;
//   user     one task's VMAs, through its page tables (crash's -u, the current context);
//   stacks   each task's kernel stack, with the task's header before its first match (crash's -t, -T).
// Every search is bounded (pages visited, matches reported) and cancellable; what it could not read of the
// kernel's own tables is in `problems`.
import type { X86_64AddressSpace, UserAddressSpace } from "../../arch/x86_64/layout";
import type { Program } from "../../program/program";
import { PageSearch, SearchStopped, type SearchEvent, type SearchLimits, type SearchTarget } from "./page-search";
import { PfnSet, searchPlace, type SearchPlace } from "./ranges";

export type { SearchEvent, SearchLimits, SearchTarget } from "./page-search";

/** Defaults: a search visits at most 2^26 pages (256 GiB) and reports at most a million matches. */
export const DEFAULT_SEARCH_LIMITS: SearchLimits = { maxPages: 1 << 26, maxMatches: 1_000_000 };

const PAGE = 4096n;

export interface SearchOutcome {
  events: SearchEvent[];
  matches: number;
  pagesVisited: number;
  pagesRead: number;
  /** Why the search ended before the end of its range (a limit). */
  stopped?: string;
  /** What could not be read of the kernel's tables (vmap areas, sections, nodes). */
  problems: string[];
}

/** -K: no vmalloc'ed, module or vmemmap memory; -V: no direct map and no kernel text mapping. */
export type KernelSkip = "none" | "vmalloc" | "unity";

function finish(ps: PageSearch, problems: string[], run: () => void): SearchOutcome {
  let stopped: string | undefined;
  try {
    run();
  } catch (err) {
    if (!(err instanceof SearchStopped)) throw err;
    stopped = err.reason;
  }
  return { events: ps.events, matches: ps.matches, pagesVisited: ps.pagesVisited, pagesRead: ps.pagesRead, ...(stopped ? { stopped } : {}), problems };
}

/** search_virtual's first step: a start that is not long-aligned is rounded down, with crash's INFO line. */
function alignStart(ps: PageSearch, start: bigint): bigint {
  if ((start & 7n) === 0n) return start;
  const aligned = start & ~7n;
  ps.note(`rounding down start address to: ${aligned.toString(16)}`);
  return aligned;
}

/** next_vmlist_vaddr: the first vmalloc'ed address at or after `vaddr`. */
function nextVmlistAddress(place: SearchPlace, vaddr: bigint): bigint | undefined {
  const list = place.vmlist;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.end <= vaddr) lo = mid + 1;
    else hi = mid;
  }
  const area = list[lo];
  if (!area) return undefined;
  return vaddr <= area.start ? area.start : vaddr;
}

/** next_module_vaddr: the first listed module address at or after `vaddr`. */
function nextModuleAddress(place: SearchPlace, vaddr: bigint): bigint | undefined {
  let min: bigint | undefined;
  for (const m of place.modules) {
    if (vaddr >= m.end) continue;
    if (vaddr >= m.start) return vaddr;
    if (min === undefined || m.start < min) min = m.start;
  }
  return min;
}

/** The first and last address of kernel virtual memory crash searches by default (-k). */
export function kernelSearchBounds(place: SearchPlace): { start: bigint; end: bigint } {
  const start = place.ranges[0]?.start ?? 0n;
  const end = place.ranges.reduce((e, r) => (r.end > e ? r.end : e), 0n);
  return { start, end };
}

/** The physical range crash searches by default (-p): from the first node's first frame to the last node's end. */
export function physicalSearchBounds(place: SearchPlace, maxPfn: number): { start: bigint; end: bigint } {
  const first = place.nodes[0];
  const last = place.nodes[place.nodes.length - 1];
  if (!first || !last) return { start: 0n, end: BigInt(maxPfn) * PAGE };
  return { start: BigInt(first.startPfn) * PAGE, end: BigInt(last.startPfn + last.pages) * PAGE };
}

/** Kernel virtual memory in [start, end), range by range as crash searches it. */
export function searchKernel(prog: Program, space: X86_64AddressSpace, target: SearchTarget, range: { start: bigint; end: bigint; skip: KernelSkip }, limits: SearchLimits, place = searchPlace(prog, space)): SearchOutcome {
  const ps = new PageSearch(prog.dump, target, new PfnSet(place.validPfns), limits);
  const translate = (v: bigint) => space.tryTranslate(v);
  return finish(ps, place.problems, () => {
    for (const r of place.ranges) {
      if (range.start >= r.end || range.end <= r.start) continue;
      if (range.skip === "vmalloc" && (r.type === "vmalloc" || r.type === "modules" || r.type === "vmemmap")) continue;
      if (range.skip === "unity" && (r.type === "unity-map" || r.type === "start-map")) continue;
      const start = alignStart(ps, range.start > r.start ? range.start : r.start);
      const end = range.end < r.end ? range.end : r.end;
      switch (r.type) {
        case "unity-map":
          ps.walkLinear(start, end, place.unityDelta);
          break;
        case "start-map":
          ps.walkLinear(start, end, place.startMapDelta);
          break;
        case "vmalloc":
          ps.walkTranslated(start, end, translate, (pp) => nextVmlistAddress(place, pp + PAGE));
          break;
        case "modules":
          ps.walkTranslated(start, end, translate, (pp) => nextModuleAddress(place, pp + PAGE));
          break;
        case "vmemmap":
          ps.walkTranslated(start, end, translate, (pp) => pp + PAGE);
          break;
      }
    }
  });
}

/** Physical memory in [start, end). */
export function searchPhysical(prog: Program, space: X86_64AddressSpace, target: SearchTarget, range: { start: bigint; end: bigint }, limits: SearchLimits, place = searchPlace(prog, space)): SearchOutcome {
  const ps = new PageSearch(prog.dump, target, new PfnSet(place.validPfns), limits);
  return finish(ps, place.problems, () => ps.walkLinear(alignStart(ps, range.start), range.end, 0n));
}

/** A VMA of the searched task: [start, end). */
export interface UserRange {
  start: bigint;
  end: bigint;
}

/** A task's user space in [start, end), VMA by VMA (`vmas` in address order), through its page tables. */
export function searchUser(prog: Program, space: X86_64AddressSpace, user: UserAddressSpace, vmas: readonly UserRange[], target: SearchTarget, range: { start: bigint; end: bigint }, limits: SearchLimits, place = searchPlace(prog, space)): SearchOutcome {
  const ps = new PageSearch(prog.dump, target, new PfnSet(place.validPfns), limits);
  // next_upage: the next page of a VMA after the one that did not translate.
  const nextUserPage = (pp: bigint): bigint | undefined => {
    const vaddr = pp + PAGE;
    for (const v of vmas) {
      if (vaddr <= v.start) return v.start;
      if (vaddr < v.end) return vaddr;
    }
    return undefined;
  };
  return finish(ps, place.problems, () => ps.walkTranslated(alignStart(ps, range.start), range.end, (v) => user.tryTranslate(v), nextUserPage));
}

/** A task and its kernel stack [base, top). */
export interface TaskStack {
  task: bigint;
  base: bigint;
  top: bigint;
}

/** The kernel stacks of tasks, in order; a task's header event goes before its first match. */
export function searchStacks(prog: Program, space: X86_64AddressSpace, stacks: readonly TaskStack[], target: SearchTarget, limits: SearchLimits, place = searchPlace(prog, space)): SearchOutcome {
  const ps = new PageSearch(prog.dump, target, new PfnSet(place.validPfns), limits);
  return finish(ps, place.problems, () => {
    for (const s of stacks) {
      ps.pendingTask = s.task;
      ps.walkTranslated(alignStart(ps, s.base), s.top, (v) => space.tryTranslate(v), () => undefined);
      ps.pendingTask = undefined;
    }
  });
}
