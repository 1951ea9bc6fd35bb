// A task's memory use as crash's `ps` shows it (memory.c get_task_mem_usage): VSZ is mm->total_vm; RSS is
// the positive parts of mm->rss_stat.count[MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES] (6.2+: the positive
// sums of the percpu_counter mm->rss_stat[] of those three, tools.c percpu_counter_sum_positive) plus, on
// kernels with SPLIT_RSS_COUNTING (task_struct.rss_stat, before 6.2), the positive per-thread counts of every
// thread of the thread group that have not been folded into the mm yet. %MEM is RSS over the pages below
// high_memory.
import { KdwError } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";
import { PF_EXITING, threadGroups, type Task, type TaskGroups } from "./tasks";
import { taskLayout, type TaskLayout } from "./layout";
import { cpuCount } from "./sched";
import { taskStateBits } from "./state";

export interface TaskMemUsage {
  mm: bigint;
  /** Pages. */
  rss: number;
  totalVm: number;
  /** RSS as a percentage of physical memory pages. */
  pctPhysmem: number;
}

const NONE: TaskMemUsage = { mm: 0n, rss: 0, totalVm: 0, pctPhysmem: 0 };
const PAGE_SHIFT = 12n;

/** Per table: the split RSS of each thread group (crash's tgid rss_cache). */
const splitRssCache = new WeakMap<TaskGroups, Map<number, number>>();

/** What a task's usage reads of its mm, each part read when first needed: the same for every thread that shares it. */
interface MmCounts {
  /** mm_count (mm_users before), read for an exiting task only. */
  count?: number | KdwError;
  /** The positive mm-level RSS counts in pages, and total_vm. */
  usage?: { rss: number; totalVm: number } | KdwError;
}

/** Each mm's counts, read once per Program (the threads of a group share their mm: a host's 10^5 tasks, far fewer mms). */
const MM_COUNTS = perProgram((): Map<bigint, MmCounts> => new Map());

function mmEntry(prog: Program, mm: bigint): MmCounts {
  const cache = MM_COUNTS.of(prog);
  let c = cache.get(mm);
  if (c === undefined) cache.set(mm, (c = {}));
  return c;
}

/** Reads `read` once into the entry's `key`; a KdwError is kept and thrown again. */
function once<K extends keyof MmCounts>(c: MmCounts, key: K, read: () => Exclude<MmCounts[K], KdwError | undefined>): Exclude<MmCounts[K], KdwError | undefined> {
  let v = c[key];
  if (v === undefined) {
    try {
      v = read();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      v = err;
    }
    c[key] = v;
  }
  if (v instanceof KdwError) throw v;
  return v as Exclude<MmCounts[K], KdwError | undefined>;
}

function mmUsage(prog: Program, l: TaskLayout, mm: bigint): { rss: number; totalVm: number } {
  let rss = 0;
  if (l.mmRssStatCount !== undefined) {
    for (const idx of [l.mmFilePages, l.mmAnonPages, l.mmShmemPages]) {
      if (idx < 0) continue;
      const count = BigInt.asIntN(64, prog.readU64(mm + BigInt(l.mmRssStatCount + idx * 8)));
      if (count > 0n) rss += Number(count);
    }
  } else if (l.mmRssStatPercpu !== undefined) {
    for (const idx of [l.mmFilePages, l.mmAnonPages, l.mmShmemPages]) {
      if (idx >= 0) rss += percpuCounterSumPositive(prog, l, mm + BigInt(l.mmRssStatPercpu + idx * l.percpuCounterSize));
    }
  }
  return { rss, totalVm: l.mmTotalVm !== undefined ? Number(prog.readU64(mm + BigInt(l.mmTotalVm))) : 0 };
}

export function taskMemUsage(prog: Program, table: TaskGroups, task: Task): TaskMemUsage {
  const l = taskLayout(prog);
  const bits = taskStateBits(prog);
  if (task.state & bits.zombie || task.mm === 0n) return NONE;
  try {
    const mm = task.mm;
    const c = mmEntry(prog, mm);
    const mmCount = l.mmCount;
    if (mmCount !== undefined && task.flags & PF_EXITING && once(c, "count", () => prog.readS32(mm + BigInt(mmCount))) <= 0) return { ...NONE, mm };
    const counts = once(c, "usage", () => mmUsage(prog, l, mm));
    let rss = counts.rss;
    if (l.rssStatCount !== undefined) rss += splitRss(prog, table, task.tgid);
    const usage = { mm, rss, totalVm: counts.totalVm, pctPhysmem: 0 };
    if (task.kernelThread && rss === 0) return usage;
    usage.pctPhysmem = (rss * 100) / totalPages(prog);
    return usage;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { ...NONE, mm: task.mm };
  }
}

/** Sum over a thread group of task_struct.rss_stat.count[] (int), positive values only. */
function splitRss(prog: Program, table: TaskGroups, tgid: number): number {
  let cache = splitRssCache.get(table);
  if (!cache) {
    cache = new Map();
    splitRssCache.set(table, cache);
  }
  const hit = cache.get(tgid);
  if (hit !== undefined) return hit;
  const l = taskLayout(prog);
  let sum = 0;
  // The group's threads, gathered once per table (a pass over every task per group would be quadratic).
  for (const t of threadGroups(table).get(tgid) ?? []) {
    if (l.rssStatCount === undefined) break;
    for (const idx of [l.mmFilePages, l.mmAnonPages, l.mmShmemPages]) {
      if (idx < 0) continue;
      try {
        const count = prog.readS32(t.address + BigInt(l.rssStatCount + idx * 4));
        if (count > 0) sum += count;
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
    }
  }
  cache.set(tgid, sum);
  return sum;
}

/**
 * percpu_counter_sum_positive (crash tools.c, lib/percpu_counter.c): the counter's count plus each CPU's
 * s32 in `counters` (CONFIG_SMP), 0 when the sum is negative.
 */
function percpuCounterSumPositive(prog: Program, l: TaskLayout, fbc: bigint): number {
  if (l.percpuCounterCount === undefined) return 0;
  let sum = BigInt.asIntN(64, prog.readU64(fbc + BigInt(l.percpuCounterCount)));
  if (l.percpuCounterCounters !== undefined) {
    const counters = prog.readU64(fbc + BigInt(l.percpuCounterCounters));
    const cpus = cpuCount(prog);
    for (let cpu = 0; cpu < cpus; cpu++) sum += BigInt(prog.readS32(BigInt.asUintN(64, counters + prog.perCpuOffset(cpu))));
  }
  return sum < 0n ? 0 : Number(sum);
}

/** crash's vt->total_pages: __pa(high_memory) in pages; the dump's highest pfn when that is unreadable. */
const TOTAL_PAGES = perProgram((prog) => {
  let n = prog.dump.maxPfn;
  try {
    const high = prog.readU64(prog.symbolAddress("high_memory"));
    const base = prog.readU64(prog.symbolAddress("page_offset_base"));
    if (high > base) n = Number((high - base) >> PAGE_SHIFT);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return n > 0 ? n : 1;
});

export const totalPages: (prog: Program) => number = TOTAL_PAGES.of;
