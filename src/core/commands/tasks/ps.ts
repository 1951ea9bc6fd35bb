// crash's `ps` (task.c cmd_ps, show_ps, show_ps_data and friends): process status of every task or of the
// ones named by pid, task address or command name, with -k/-u/-G/-I filters and the exclusive views
// -p (parents), -c (children), -g (thread group), -t (times), -l (last run), -m (time since last run),
// -C (-l/-m per CPU), -a (argv/envp), -r (rlimits), -S (state summary), -A (active tasks only), -s (KSTACKP
// for TASK), -y (by scheduling policy), -H (no header). A word written as one '...' string is a POSIX
// extended regular expression over the command name (crash's PS_BY_REGEX).
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";
import { detectHz, uptimeJiffies } from "../../kernel/system/sysinfo";
import { taskTable, type Task, type TaskTable } from "../../kernel/tasks/tasks";
import { taskMemUsage, type TaskMemUsage } from "../../kernel/tasks/mem";
import { RLIM_INFINITY, taskRlimits, type Rlimit } from "../../kernel/tasks/rlimit";
import { SCHED_POLICIES, taskPolicy, taskThreadSp } from "../../kernel/tasks/sched-policy";
import { cpuCount } from "../../kernel/tasks/sched";
import { readUserRange, taskArgRanges, taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, defineCommand, type CommandContext } from "../command";
import type { ParsedArgs } from "../options";
import { parseCpuList } from "../shared/cpu-list";
import { psSelector, selectorMatches, type TaskSelector } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatPs } from "./ps-format";

export type PsView = "default" | "parents" | "children" | "threads" | "times" | "lastRun" | "msecs" | "args" | "rlimits" | "summary" | "active";

const EXCLUSIVE: Record<string, PsView> = { p: "parents", c: "children", g: "threads", t: "times", l: "lastRun", m: "msecs", a: "args", r: "rlimits", S: "summary", A: "active" };

interface PsOptions {
  view: PsView;
  kernelOnly: boolean;
  userOnly: boolean;
  group: boolean;
  excludeIdle: boolean;
  activeOnly: boolean;
  noHeader: boolean;
  /** -s: the KSTACKP column (saved kernel stack pointer) instead of TASK. */
  kstackp: boolean;
  /** -y: a mask of 1 << policy (crash's make_sched_policy). */
  policies?: number;
  /** -C: the CPUs of -l and -m, as the user wrote them (checked against the dump's CPUs when run). */
  cpuSpec?: string;
  selectors: TaskSelector[];
}

/** One task's line of the default view. */
export interface PsRow {
  pid: number;
  ppid: number;
  cpu: number;
  task: bigint;
  /** ps -s: task_struct.thread.sp, 0 for a task running on a CPU (crash prints "--"); absent without -s. */
  kstackp?: bigint;
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
  | { kind: "msecs"; task: TaskRef; sinceLastRun: bigint; state: string; dayWidth: number }
  /** ps -l/-m -C: the CPU whose tasks follow. */
  | { kind: "cpu"; cpu: number; first: boolean }
  | { kind: "args"; task: TaskRef; args?: string[]; env?: string[] }
  | { kind: "rlimits"; task: TaskRef; limits: PsRlimit[] }
  | { kind: "summary"; state: string; count: number };

/** One resource limit of ps -r: crash's name for its index, rlim_cur and rlim_max (null: RLIM_INFINITY). */
export interface PsRlimit {
  name: string;
  cur: bigint | null;
  max: bigint | null;
}

export interface PsResult {
  view: PsView;
  /** The default view's header line is printed (not -H). */
  header: boolean;
  /** -s: the rows' and header's KSTACKP column. */
  kstackp: boolean;
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
  ps [-k|-u|-G|-I|-y policy] [-s] [-p|-c|-t|-[l|m][-C cpu]|-a|-g|-r|-S|-A|-H] [pid | task | command] ...

DESCRIPTION
  Shows process status for every task, or for the tasks selected by pid, hexadecimal task_struct
  address, or command name (prefix an all-digit command name with "\\"). A command name enclosed in
  '...' is a POSIX extended regular expression matched against task names. The idle tasks (one per CPU)
  and every thread are listed; kernel threads' names are shown in [brackets]; the task running on each
  CPU is marked with ">". Columns: PID, parent PID, CPU, task_struct address, state (RU, IN, UN, ID, ZO,
  ST, TR, DE, SW, WA, PA, NE), %MEM, VSZ and RSS in kilobytes, command.

    -k  kernel threads only.          -u  user tasks only.
    -G  thread group leaders only.    -I  leave out the idle tasks.
    -y policy  tasks of these scheduling policies: a comma-separated list of numbers or names
        (0 NORMAL, 1 FIFO, 2 RR, 3 BATCH, 4 ISO, 5 IDLE, 6 DEADLINE; case-insensitive).
    -s  the KSTACKP column (the saved kernel stack pointer, "--" for a running task) instead of TASK.
    -p  the parental hierarchy of each task.
    -c  the children of each task.
    -g  the threads of each thread group.
    -t  run time, start time, user and system time (ns), sorted by start time.
    -l  sched_info.last_arrival (ns) and state, most recent first.
    -m  time since last run (days hours:minutes:seconds.ms), most recent first.
    -C cpus  with -l or -m: per-CPU blocks, for "1,3,5", "1-3", "all" or "a".
    -a  command-line arguments and environment, read from the task's user stack.
    -r  resource limits (current and maximum) of each task.
    -S  a count of tasks in each state.
    -A  active tasks only.            -H  no header line.

  A task list that ends early (a loop or a bad pointer in the dump) is shown up to that point and
  followed by a line saying where it stopped.`;

const PS_OPTIONS = { flags: "kuGIpcgtlmarSAHs", values: "Cy" } as const;

/** crash's sched_policy_bit_from_str: a name (its prefix compared), the value in decimal, or in hex ("0x1"). */
function policyBit(word: string): number {
  const upper = word.toUpperCase();
  const i = SCHED_POLICIES.findIndex((name, value) => upper.startsWith(name) || upper === String(value) || upper === `0X${value.toString(16).toUpperCase()}`);
  if (i < 0) throw new CommandError("ps", `${word}: invalid scheduling policy`);
  return 1 << i;
}

/** A word written as '...': crash's PS_BY_REGEX, matched (REG_EXTENDED) against the command name. */
function psWord(word: string): TaskSelector {
  if (word.length < 2 || !word.startsWith("'") || !word.endsWith("'")) return psSelector(word);
  const pattern = word.slice(1, -1);
  try {
    return { kind: "regex", regex: new RegExp(pattern) };
  } catch {
    throw new CommandError("ps", `invalid regular expression: ${pattern}`);
  }
}

function parse(args: ParsedArgs<typeof PS_OPTIONS>): PsOptions {
  const o: PsOptions = {
    view: "default",
    kernelOnly: args.has("k"),
    userOnly: args.has("u"),
    group: args.has("G"),
    excludeIdle: args.has("I"),
    activeOnly: args.has("A"),
    noHeader: args.has("H"),
    kstackp: args.has("s"),
    selectors: [],
  };
  for (const f of args.flags) {
    const v = EXCLUSIVE[f];
    if (!v) continue;
    if (o.view !== "default" && o.view !== v) throw new CommandError("ps", "-a, -t, -c, -p, -g, -l, -m, -S, -r and -A flags are all mutually-exclusive");
    o.view = v;
  }
  const policy = args.value("y");
  if (policy !== undefined) o.policies = policy.split(",").reduce((mask, w) => mask | policyBit(w), 0);
  const cpus = args.value("C");
  if (cpus !== undefined) {
    if (o.view !== "lastRun" && o.view !== "msecs") throw new CommandError("ps", "-C option is only applicable with -l and -m");
    o.cpuSpec = cpus;
  }
  o.selectors = args.operands.map(psWord);
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
  keepsQuotes: true,
});

/** Walks the task table into the view asked for; `only` (foreach) replaces the selectors. */
function ps(ctx: CommandContext, o: PsOptions, only?: readonly Task[]): PsResult {
  const prog = ctx.prog;
  const table = taskTable(prog);
  const selectors: TaskSelector[] = only ? only.map((t) => ({ kind: "task", task: t.address })) : o.selectors;
  const result: PsResult = { view: o.view, header: (o.view === "default" || o.view === "active") && !o.noHeader, kstackp: o.kstackp, rows: [], entries: [], tasks: [], problems: table.problems.map((p) => p.message), errors: [] };
  const walk = new PsWalk(ctx, table, o, result);
  let order = table.tasks;
  if (o.view === "lastRun" || o.view === "msecs") order = [...order].sort((a, b) => (b.lastArrival > a.lastArrival ? 1 : b.lastArrival < a.lastArrival ? -1 : 0));

  for (const sel of selectors) {
    if (sel.kind === "comm" || sel.kind === "regex" || table.tasks.some((t) => matches(t, sel, o))) continue;
    result.errors.push(`ps: invalid task or pid value: ${sel.kind === "pid" ? sel.pid : sel.kind === "task" ? sel.task.toString(16) : ""}`);
  }
  if (o.view === "summary") walk.summary(order);
  else if (o.cpuSpec !== undefined && selectors.length === 0) walk.perCpu(order, parseCpuList("ps", o.cpuSpec, cpuCount(prog)));
  else if (selectors.length === 0) {
    const shown = order.filter((t) => passesFilters(t, o, true, prog));
    if (o.view === "times") walk.times(shown);
    else for (const t of shown) walk.showOne(t, order, true);
  } else {
    if (o.cpuSpec !== undefined) result.errors.push("ps: -C option is not applicable with specified tasks");
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
  if (sel.kind === "comm" || sel.kind === "regex") return selectorMatches(sel, t) && (!(o.group || o.view === "threads") || t.pid === t.tgid);
  return selectorMatches(sel, t);
}

function passesFilters(t: Task, o: PsOptions, all: boolean, prog: Program): boolean {
  if (o.userOnly && t.kernelThread) return false;
  if (o.kernelOnly && !t.kernelThread) return false;
  if (o.policies !== undefined && !(o.policies & (1 << taskPolicy(prog, t)))) return false;
  if (o.excludeIdle && t.idle) return false;
  if (o.group && all && t.pid !== t.tgid) return false;
  if ((o.activeOnly || o.view === "active") && all && !t.active) return false;
  return true;
}

/** The thread group leader for -G on a named task (crash's tgid_to_context). */
function groupLeader(table: TaskTable, t: Task, o: PsOptions): Task | undefined {
  if (!o.group || t.pid === t.tgid) return t;
  return table.tasks.find((x) => x.pid === t.tgid);
}

export function psRow(task: Task, mem: TaskMemUsage, pageSize: number, kstackp?: bigint): PsRow {
  return {
    pid: task.pid,
    ppid: task.ppid,
    cpu: task.cpu,
    task: task.address,
    ...(kstackp !== undefined ? { kstackp } : {}),
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
    if (!all && !passesFilters(task, o, false, this.prog)) return;
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
      case "msecs":
        // crash pads the days of a named task's delta to the width of its runqueue clock's days.
        result.entries.push(this.msecs(t, all ? 0 : undefined));
        break;
      case "args":
        this.taskArgs(t);
        break;
      case "rlimits":
        result.entries.push({ kind: "rlimits", task: taskRef(t), limits: this.rlimits(t) });
        break;
      default:
        result.rows.push(psRow(t, taskMemUsage(this.prog, table, t), this.prog.dump.pageSize, o.kstackp ? this.kstackp(t) : undefined));
        return;
    }
    result.tasks.push(t.address);
  }

  /** task_pointer_string(do_kstackp): thread.sp, 0 for a running task (crash prints "--"). */
  private kstackp(t: Task): bigint {
    return t.active ? 0n : (taskThreadSp(this.prog, t) ?? 0n);
  }

  private rqClock(cpu: number): bigint {
    return this.table.runqueues.find((rq) => rq.cpu === cpu)?.clock ?? 0n;
  }

  /** show_milliseconds for one task: the delta from its CPU's rq clock; `dayWidth` 0 leaves the days unpadded. */
  private msecs(t: Task, dayWidth?: number): PsEntry {
    const clock = this.rqClock(t.cpu);
    const width = dayWidth ?? (clock / 86400000000000n).toString().length;
    return { kind: "msecs", task: taskRef(t), sinceLastRun: clock > t.lastArrival ? clock - t.lastArrival : 0n, state: t.stateString, dayWidth: width };
  }

  /** show_task_rlimit: signal->rlim[], crash's names by index. */
  private rlimits(t: Task): PsRlimit[] {
    const { limits } = taskRlimits(this.prog, t);
    if (limits.length === 0) throw new CommandError("ps", "cannot determine rlimit array location");
    const value = (v: bigint): bigint | null => (v === RLIM_INFINITY ? null : v);
    return limits.map((l: Rlimit, i) => ({ name: RLIMIT_NAMES[i] ?? "(unknown)", cur: value(l.cur), max: value(l.max) }));
  }

  /** show_last_run / show_milliseconds with -C: for each CPU asked for, its tasks in the sorted order. */
  perCpu(order: readonly Task[], cpus: readonly number[]): void {
    const width = (order[0]?.lastArrival ?? 0n).toString().length;
    cpus.forEach((cpu, i) => {
      this.result.entries.push({ kind: "cpu", cpu, first: i === 0 });
      const clockDays = (this.rqClock(cpu) / 86400000000000n).toString().length;
      for (const t of order) {
        if (t.cpu !== cpu) continue;
        this.ctx.interrupt?.();
        this.result.entries.push(this.o.view === "msecs" ? this.msecs(t, clockDays) : { kind: "lastRun", task: taskRef(t), lastArrival: t.lastArrival, state: t.stateString, width });
        this.result.tasks.push(t.address);
      }
    });
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

/** crash's rlim_names, by RLIMIT_* index (include/uapi/asm-generic/resource.h). */
const RLIMIT_NAMES = ["CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"];

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
