// crash's `search` (memory.c cmd_search): find values, masked values or strings in kernel virtual memory
// (every kvaddr range, as crash searches it), one task's user space, physical memory, or the tasks' kernel
// stacks. The walks are kernel/search; this file reads the words (search-args.ts), runs the walk, reads the
// -x context around each match, and keeps crash's order of what it prints.
import type { UserAddressSpace } from "../../arch/x86_64/layout";
import { KdwError } from "../../io/errors";
import { forEachVma } from "../../kernel/mm/vma";
import { searchPlace } from "../../kernel/search/ranges";
import { DEFAULT_SEARCH_LIMITS, kernelSearchBounds, physicalSearchBounds, searchKernel, searchPhysical, searchStacks, searchUser, type SearchLimits, type SearchOutcome, type SearchTarget, type TaskStack } from "../../kernel/search/search";
import { stackContext, taskStack } from "../../kernel/tasks/stack";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { currentTask } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatSearch } from "./search-format";
import { SEARCH_HELP } from "./search-help";
import { parseSearchWords, resolveSearch, SEARCH_OPTIONS, type ResolvedSearch, type SearchMemtype, type SearchMode, type SearchWords } from "./search-args";

/** A run of readable items before or after a match (-x), as crash's display_memory shows it. */
export interface SearchContextRun {
  address: bigint;
  bytes: Uint8Array;
}

export type SearchItem =
  /** A value match: the item in memory at `address`, and which value (index into `labels`) it matched. */
  | { kind: "value"; address: bigint; value: bigint; index: number; before?: SearchContextRun[]; after?: SearchContextRun[] }
  /** A string match: the characters shown from `address`, and which string it matched. */
  | { kind: "chars"; address: bigint; text: string; index: number }
  /** The task whose stack the next matches are on (-t, -T); `first` for the first such header. */
  | { kind: "task"; task: TaskRef; first: boolean }
  /** One of crash's INFO lines. */
  | { kind: "note"; text: string };

export interface SearchResult {
  memtype: SearchMemtype;
  mode: SearchMode;
  /** What crash prints after a value match, by value: "(init_task)" for a symbol or expression, else "". */
  labels: string[];
  /** The strings of a -c search. */
  strings: string[];
  /** -x: items shown before and after each match. */
  context: number;
  items: SearchItem[];
  matches: number;
  /** Why the search ended early (a limit). */
  stopped?: string;
  /** What of the kernel's tables could not be read. */
  problems: string[];
}

/** The limits of a console search, and the task of a user-space search; the service passes its own. */
export interface SearchRunOptions {
  limits?: Partial<SearchLimits>;
  /** The task whose user space -u searches (default: the console's current task). */
  task?: Task;
}

const WIDTH = { ulong: 8, uint: 4, ushort: 2 } as const;

function targetOf(r: ResolvedSearch): SearchTarget {
  if (r.mode === "chars") return { kind: "chars", strings: r.strings.map((s) => new TextEncoder().encode(s)) };
  return { kind: "values", width: WIDTH[r.mode], values: r.values, mask: r.mask };
}

/** The items before and after a match that can be read, as runs of consecutive items. */
function contextRuns(read: (a: bigint, n: number) => Uint8Array | undefined, start: bigint, count: number, width: number): SearchContextRun[] {
  const runs: SearchContextRun[] = [];
  let cur: { address: bigint; parts: Uint8Array[] } | undefined;
  const flush = () => {
    if (!cur) return;
    const bytes = new Uint8Array(cur.parts.length * width);
    cur.parts.forEach((p, i) => bytes.set(p, i * width));
    runs.push({ address: cur.address, bytes });
    cur = undefined;
  };
  for (let i = 0; i < count; i++) {
    const a = start + BigInt(i * width);
    const b = read(a, width);
    if (!b) {
      flush();
      continue;
    }
    cur ??= { address: a, parts: [] };
    cur.parts.push(b.slice());
  }
  flush();
  return runs;
}

function readerOf(ctx: CommandContext, memtype: SearchMemtype, user: UserAddressSpace | undefined): (a: bigint, n: number) => Uint8Array | undefined {
  return (a, n) => {
    try {
      if (memtype === "physical") return a + BigInt(n) > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : ctx.prog.dump.readPhys(Number(a), n);
      if (memtype === "user") return user?.read(a, n);
      return ctx.addressSpace.read(a, n);
    } catch (err) {
      if (err instanceof KdwError) return undefined;
      throw err;
    }
  };
}

/** Runs a search the words describe. */
export function runSearch(ctx: CommandContext, words: SearchWords, options: SearchRunOptions = {}): SearchResult {
  const prog = ctx.prog;
  const space = ctx.addressSpace;
  const place = searchPlace(prog, space);
  let task: Task | undefined;
  let user: UserAddressSpace | undefined;
  let vmas: { start: bigint; end: bigint }[] = [];
  if (words.memtype === "user") {
    task = options.task ?? currentTask(ctx);
    if (task.kernelThread || task.mm === 0n) throw new CommandError("search", "current context has no user address space");
    try {
      user = taskUserSpace(prog, task);
      for (const v of forEachVma(prog, task.mm)) vmas.push({ start: v.start, end: v.end });
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      if (!user) throw new CommandError("search", `no user address space for task ${task.address.toString(16)}: ${err.message}`);
      place.problems.push(`VMAs of pid ${task.pid}: ${err.message}`);
    }
    vmas = vmas.filter((v) => v.end > v.start);
  }
  const r = resolveSearch(words, {
    symbol: (name) => prog.symbols.addressOf(name),
    isKernelAddress: (a) => a >= space.layout.pageOffsetBase,
    isUserAddress: (a) => a < space.layout.userSpaceEnd,
    kernelBounds: () => kernelSearchBounds(place),
    physicalBounds: () => physicalSearchBounds(place, prog.dump.maxPfn),
    userStart: () => vmas[0]?.start ?? 0n,
    userEnd: space.layout.pageOffsetBase,
  });
  const limits: SearchLimits = { ...DEFAULT_SEARCH_LIMITS, ...options.limits, interrupt: options.limits?.interrupt ?? ctx.interrupt };
  const target = targetOf(r);
  let outcome: SearchOutcome;
  const tasks = new Map<bigint, Task>();
  if (r.memtype === "physical") outcome = searchPhysical(prog, space, target, r, limits, place);
  else if (r.memtype === "user") outcome = searchUser(prog, space, user!, vmas, target, r, limits, place);
  else if (r.stacks) {
    const sctx = stackContext(prog, ctx.symbols, ctx.vmlinux);
    const stacks: TaskStack[] = [];
    for (const t of taskTable(prog).tasks) {
      if (r.stacks === "active" && !t.active) continue;
      try {
        const s = taskStack(prog, sctx, t);
        stacks.push({ task: t.address, base: s.base, top: s.top });
        tasks.set(t.address, t);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        place.problems.push(`stack of pid ${t.pid}: ${err.message}`);
      }
    }
    outcome = searchStacks(prog, space, stacks, target, limits, place);
  } else outcome = searchKernel(prog, space, target, r, limits, place);

  const read = readerOf(ctx, r.memtype, user);
  const width = r.mode === "chars" ? 1 : WIDTH[r.mode];
  const items: SearchItem[] = r.notes.map((text) => ({ kind: "note", text }));
  let headers = 0;
  for (const e of outcome.events) {
    if (e.kind === "note") items.push(e);
    else if (e.kind === "chars") items.push(e);
    else if (e.kind === "task") items.push({ kind: "task", task: taskRef(tasks.get(e.task)!), first: headers++ === 0 });
    else if (r.context) {
      const n = r.context * width;
      items.push({ ...e, before: contextRuns(read, e.address - BigInt(n), r.context, width), after: contextRuns(read, e.address + BigInt(width), r.context, width) });
    } else items.push(e);
  }
  return {
    memtype: r.memtype,
    mode: r.mode,
    labels: r.labels,
    strings: r.strings,
    context: r.context,
    items,
    matches: outcome.matches,
    ...(outcome.stopped ? { stopped: outcome.stopped } : {}),
    problems: outcome.problems,
  };
}

export const searchCommand = defineCommand({
  name: "search",
  summary: "search memory",
  help: SEARCH_HELP,
  options: SEARCH_OPTIONS,
  parse: parseSearchWords,
  execute: (ctx, words) => runSearch(ctx, words),
  format: formatSearch,
  errors: (r) => [...r.problems.map((p) => `search: ${p}`), ...(r.stopped ? [`search: ${r.stopped}`] : [])],
});
