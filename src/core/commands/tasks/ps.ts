// crash's `ps` (task.c cmd_ps, show_ps, show_ps_data and friends): process status of every task or of the
// ones named by pid, task address or command name, with -k/-u/-G/-I filters and the exclusive views
// -p (parents), -c (children), -g (thread group), -t (times), -l (last run), -m (time since last run),
// -a (argv/envp), -S (state summary), -A (active tasks only), -H (no header).
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";
import { detectHz, uptimeJiffies } from "../../kernel/system/sysinfo";
import { taskTable, type Task, type TaskTable } from "../../kernel/tasks/tasks";
import { taskMemUsage, type TaskMemUsage } from "../../kernel/tasks/mem";
import { readUserRange, taskArgRanges, taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, defineCommand, type CommandContext } from "../command";
import type { ParsedArgs } from "../options";
import { psSelector, selectorMatches, type TaskSelector } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatPs } from "./ps-format";

export type PsView = "default" | "parents" | "children" | "threads" | "times" | "lastRun" | "msecs" | "args" | "summary";

const EXCLUSIVE: Record<string, PsView> = { p: "parents", c: "children", g: "threads", t: "times", l: "lastRun", m: "msecs", a: "args", S: "summary" };

interface PsOptions {
  view: PsView;
  kernelOnly: boolean;
  userOnly: boolean;
  group: boolean;
  excludeIdle: boolean;
  activeOnly: boolean;
  noHeader: boolean;
  selectors: TaskSelector[];
}

/** One task's line of the default view. */
export interface PsRow {
  pid: number;
  ppid: number;
  cpu: number;
  task: bigint;
  state: string;
  /** Percent of physical memory, as crash rounds it (one decimal). */
  pctMem: number;
  vszKb: number;
  rssKb: number;
  comm: string;
  kernelThread: boolean;
  active: boolean;
}

/** What the other views show, one entry per block they print, in order. */
export type PsEntry =
  | { kind: "parents"; chain: TaskRef[] }
  | { kind: "children"; task: TaskRef; children: TaskRef[] }
  | { kind: "threads"; leader: TaskRef; threads: TaskRef[] }
  | { kind: "times"; task: TaskRef; runJiffies: bigint; hz: number; startTime: bigint; utime: bigint; stime: bigint }
  | { kind: "lastRun"; task: TaskRef; lastArrival: bigint; state: string; width: number }
  | { kind: "msecs"; task: TaskRef; sinceLastRun: bigint; state: string }
  | { kind: "args"; task: TaskRef; args?: string[]; env?: string[] }
  | { kind: "summary"; state: string; count: number };

export interface PsResult {
  view: PsView;
  /** The default view's header line is printed (not -H). */
  header: boolean;
  /** The default view. */
  rows: PsRow[];
  /** The other views. */
  entries: PsEntry[];
  /** Tasks shown by the views that print task headers (-p, -c, -g, -t, -l, -m, -a). */
  tasks: bigint[];
  /** Where a task walk stopped early; the rows before it are good. */
  problems: string[];
  /** Error lines (ps -a: "cannot access user stack address"; a bad pid; where a task walk stopped). */
  errors: string[];
}

const PS_HELP_TEXT = `SYNOPSIS
  ps [-k|-u|-G|-I] [-p|-c|-t|-l|-m|-a|-g|-S|-A|-H] [pid | task | command] ...

DESCRIPTION
  Shows process status for every task, or for the tasks selected by pid, hexadecimal task_struct
  address, or command name (prefix an all-digit command name with "\\"). The idle tasks (one per CPU)
  and every thread are listed; kernel threads' names are shown in [brackets]; the task running on each
  CPU is marked with ">". Columns: PID, parent PID, CPU, task_struct address, state (RU, IN, UN, ID, ZO,
  ST, TR, DE, SW, WA, PA, NE), %MEM, VSZ and RSS in kilobytes, command.

    -k  kernel threads only.          -u  user tasks only.
    -G  thread group leaders only.    -I  leave out the idle tasks.
    -p  the parental hierarchy of each task.
    -c  the children of each task.
    -g  the threads of each thread group.
    -t  run time, start time, user and system time (ns), sorted by start time.
    -l  sched_info.last_arrival (ns) and state, most recent first.
    -m  time since last run (days hours:minutes:seconds.ms), most recent first.
    -a  command-line arguments and environment, read from the task's user stack.
    -S  a count of tasks in each state.
    -A  active tasks only.            -H  no header line.

  A task list that ends early (a loop or a bad pointer in the dump) is shown up to that point and
  followed by a line saying where it stopped.`;

const PS_OPTIONS = { flags: "kuGIpcgtlmaSAH" } as const;

function parse(args: ParsedArgs<typeof PS_OPTIONS>): PsOptions {
  const o: PsOptions = { view: "default", kernelOnly: args.has("k"), userOnly: args.has("u"), group: args.has("G"), excludeIdle: args.has("I"), activeOnly: args.has("A"), noHeader: args.has("H"), selectors: args.operands.map(psSelector) };
  for (const f of args.flags) {
    const v = EXCLUSIVE[f];
    if (!v) continue;
    if (o.view !== "default" && o.view !== v) throw new CommandError("ps", "-p, -c, -g, -t, -l, -m, -a and -S are mutually exclusive");
    o.view = v;
  }
  if (o.kernelOnly && o.userOnly) throw new CommandError("ps", "-u and -k are mutually exclusive");
  if (o.group && (o.view === "lastRun" || o.view === "msecs")) throw new CommandError("ps", `-G not supported with -${o.view === "lastRun" ? "l" : "m"} option`);
  if (o.view === "summary" && o.selectors.length) throw new CommandError("ps", "-S option takes no arguments");
  return o;
}

export const psCommand = defineCommand({
  name: "ps",
  summary: "display process status information",
  help: PS_HELP_TEXT,
  options: PS_OPTIONS,
  parse,
  execute: ps,
  format: formatPs,
  errors: (r) => r.errors,
  perTask: true,
});

/** Walks the task table into the view asked for; `only` (foreach) replaces the selectors. */
function ps(ctx: CommandContext, o: PsOptions, only?: readonly Task[]): PsResult {
  const prog = ctx.prog;
  const table = taskTable(prog);
  const selectors: TaskSelector[] = only ? only.map((t) => ({ kind: "task", task: t.address })) : o.selectors;
  const result: PsResult = { view: o.view, header: o.view === "default" && !o.noHeader, rows: [], entries: [], tasks: [], problems: table.problems.map((p) => p.message), errors: [] };
  const walk = new PsWalk(ctx, table, o, result);
  let order = table.tasks;
  if (o.view === "lastRun" || o.view === "msecs") order = [...order].sort((a, b) => (b.lastArrival > a.lastArrival ? 1 : b.lastArrival < a.lastArrival ? -1 : 0));

  for (const sel of selectors) {
    if (sel.kind === "comm" || table.tasks.some((t) => matches(t, sel, o))) continue;
    result.errors.push(`ps: invalid task or pid value: ${sel.kind === "pid" ? sel.pid : sel.kind === "task" ? sel.task.toString(16) : ""}`);
  }
  if (o.view === "summary") walk.summary(order);
  else if (selectors.length === 0) {
    const shown = order.filter((t) => passesFilters(t, o, true));
    if (o.view === "times") walk.times(shown);
    else for (const t of shown) walk.showOne(t, order, true);
  } else {
    const picked: Task[] = [];
    for (const t of order) {
      for (const sel of selectors) {
        if (!matches(t, sel, o)) continue;
        if (o.view === "times") picked.push(t);
        else walk.showOne(t, order, false);
      }
    }
    if (o.view === "times") for (const t of picked) walk.times([groupLeader(table, t, o) ?? t]);
  }
  for (const p of result.problems) result.errors.push(`ps: task list incomplete: ${p}`);
  return result;
}

function matches(t: Task, sel: TaskSelector, o: PsOptions): boolean {
  if (sel.kind === "comm") return t.comm === sel.comm && (!(o.group || o.view === "threads") || t.pid === t.tgid);
  return selectorMatches(sel, t);
}

function passesFilters(t: Task, o: PsOptions, all: boolean): boolean {
  if (o.userOnly && t.kernelThread) return false;
  if (o.kernelOnly && !t.kernelThread) return false;
  if (o.excludeIdle && t.idle) return false;
  if (o.group && all && t.pid !== t.tgid) return false;
  if (o.activeOnly && all && !t.active) return false;
  return true;
}

/** The thread group leader for -G on a named task (crash's tgid_to_context). */
function groupLeader(table: TaskTable, t: Task, o: PsOptions): Task | undefined {
  if (!o.group || t.pid === t.tgid) return t;
  return table.tasks.find((x) => x.pid === t.tgid);
}

export function psRow(task: Task, mem: TaskMemUsage, pageSize: number): PsRow {
  return {
    pid: task.pid,
    ppid: task.ppid,
    cpu: task.cpu,
    task: task.address,
    state: task.stateString,
    pctMem: mem.pctPhysmem,
    vszKb: (mem.totalVm * pageSize) / 1024,
    rssKb: (mem.rss * pageSize) / 1024,
    comm: task.comm,
    kernelThread: task.kernelThread,
    active: task.active,
  };
}

/** One ps run's walk: each task it shows becomes a row or an entry of the result. */
class PsWalk {
  private readonly seen = new Set<bigint>();
  private readonly prog: Program;

  constructor(
    private readonly ctx: CommandContext,
    private readonly table: TaskTable,
    private readonly o: PsOptions,
    private readonly result: PsResult,
  ) {
    this.prog = ctx.prog;
  }

  showOne(task: Task, order: readonly Task[], all: boolean): void {
    this.ctx.interrupt?.();
    const { o, table, result } = this;
    if (!all && !passesFilters(task, o, false)) return;
    let t: Task | undefined = task;
    if (o.group) {
      t = groupLeader(table, task, o);
      if (!t || this.seen.has(t.address)) return;
      this.seen.add(t.address);
    }
    switch (o.view) {
      case "parents":
        result.entries.push({ kind: "parents", chain: this.parentChain(t).map(taskRef) });
        break;
      case "children":
        result.entries.push({ kind: "children", task: taskRef(t), children: table.tasks.filter((c) => c.parent === t.address).map(taskRef) });
        break;
      case "threads":
        this.threadList(t, all);
        break;
      case "lastRun":
        result.entries.push({ kind: "lastRun", task: taskRef(t), lastArrival: t.lastArrival, state: t.stateString, width: (order[0]?.lastArrival ?? 0n).toString().length });
        break;
      case "msecs": {
        const clock = table.runqueues.find((rq) => rq.cpu === t.cpu)?.clock ?? 0n;
        result.entries.push({ kind: "msecs", task: taskRef(t), sinceLastRun: clock > t.lastArrival ? clock - t.lastArrival : 0n, state: t.stateString });
        break;
      }
      case "args":
        this.taskArgs(t);
        break;
      default:
        result.rows.push(psRow(t, taskMemUsage(this.prog, table, t), this.prog.dump.pageSize));
        return;
    }
    result.tasks.push(t.address);
  }

  /** parent_list: from the oldest ancestor (task->parent until it points to itself) down to the task. */
  private parentChain(task: Task): Task[] {
    const chain: Task[] = [task];
    const seen = new Set([task.address]);
    let cur = task;
    while (cur.parent !== cur.address) {
      const parent = this.table.byAddress.get(cur.parent);
      if (!parent || seen.has(parent.address) || chain.length > this.table.tasks.length) break;
      seen.add(parent.address);
      chain.push(parent);
      cur = parent;
    }
    return chain.reverse();
  }

  /** show_tgid_list: the leader, then the other threads of its group. */
  private threadList(task: Task, all: boolean): void {
    let leader: Task | undefined = task;
    if (task.pid !== task.tgid) {
      if (all) return;
      leader = this.table.tasks.find((t) => t.pid === task.tgid);
      if (!leader) return;
    }
    if (leader.pid === 0 && this.seen.has(0n)) return;
    const threads: TaskRef[] = [];
    for (const t of this.table.tasks) {
      if (t.address === leader.address || t.tgid !== leader.tgid) continue;
      threads.push(taskRef(t));
      if (t.pid === 0) this.seen.add(0n);
    }
    this.result.entries.push({ kind: "threads", leader: taskRef(leader), threads });
  }

  /** show_task_times: sorted by start time; RUN TIME from jiffies as crash computes it (START_TIME_NSECS). */
  times(tasks: readonly Task[]): void {
    const hz = detectHz(this.prog);
    const now = uptimeJiffies(this.prog, hz);
    const sorted = [...tasks].sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
    for (const t of sorted) {
      this.ctx.interrupt?.();
      const started = (t.startTime / 1000000000n) * BigInt(hz);
      this.result.entries.push({ kind: "times", task: taskRef(t), runJiffies: started > now ? 0n : now - started, hz, startTime: t.startTime, utime: t.utime, stime: t.stime });
      this.result.tasks.push(t.address);
    }
  }

  /** show_task_args: ARG and ENV from the user stack, or crash's error when those pages are not in the dump. */
  private taskArgs(t: Task): void {
    const entry: PsEntry & { kind: "args" } = { kind: "args", task: taskRef(t) };
    this.result.entries.push(entry);
    // crash prints these among its output; here they go to the error lines, printed after the text.
    const fail = (msg: string) => {
      this.result.errors.push(`ps: ${msg}`);
    };
    if (t.mm === 0n) return fail("no user stack");
    let ranges, space;
    try {
      ranges = taskArgRanges(this.prog, t);
      space = taskUserSpace(this.prog, t);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return fail(`cannot read the mm of task ${t.address.toString(16)}: ${err.message}`);
    }
    const args = readUserRange(space, ranges.argStart, ranges.argEnd);
    if (!args.ok) return fail(`cannot access user stack address: ${args.address.toString(16)}`);
    entry.args = splitNul(args.bytes);
    const env = readUserRange(space, ranges.envStart, ranges.envEnd);
    if (!env.ok) return fail(`cannot access user stack address: ${env.address.toString(16)}`);
    entry.env = splitNul(env.bytes);
  }

  summary(tasks: readonly Task[]): void {
    const counts = new Map<string, number>();
    for (const t of tasks) counts.set(t.stateString, (counts.get(t.stateString) ?? 0) + 1);
    for (const [state, count] of counts) this.result.entries.push({ kind: "summary", state, count });
  }
}

/** NUL-separated strings as Latin-1 (escaped when printed), empty ones left out. */
function splitNul(bytes: Uint8Array): string[] {
  const parts: string[] = [];
  let cur = "";
  for (const c of bytes) {
    if (c === 0) {
      if (cur) parts.push(cur);
      cur = "";
    } else cur += String.fromCharCode(c);
  }
  if (cur) parts.push(cur);
  return parts;
}
