// crash's `ps` (task.c cmd_ps, show_ps, show_ps_data and friends): process status of every task or of the
// ones named by pid, task address or command name, with -k/-u/-G/-I filters and the exclusive views
// -p (parents), -c (children), -g (thread group), -t (times), -l (last run), -m (time since last run),
// -a (argv/envp), -S (state summary), -A (active tasks only), -H (no header).
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";
import { detectHz, uptimeJiffies } from "../../kernel/system/sysinfo";
import { taskTable, type Task, type TaskTable } from "../../kernel/tasks/tasks";
import { taskMemUsage } from "../../kernel/tasks/mem";
import { readUserRange, taskArgRanges, taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, type Command } from "../command";
import { escapeControl as printable } from "../shared/escape";
import { convertTime, formatPsRow, formatTaskHeader, PS_HEADER, psRow, translateNanoseconds, type PsRow } from "./ps-format";

type View = "default" | "parents" | "children" | "threads" | "times" | "lastRun" | "msecs" | "args" | "summary";

const EXCLUSIVE: Record<string, View> = { p: "parents", c: "children", g: "threads", t: "times", l: "lastRun", m: "msecs", a: "args", S: "summary" };

interface PsOptions {
  view: View;
  kernelOnly: boolean;
  userOnly: boolean;
  group: boolean;
  excludeIdle: boolean;
  activeOnly: boolean;
  noHeader: boolean;
}

type Selector = { kind: "pid"; pid: number } | { kind: "task"; task: bigint } | { kind: "comm"; comm: string };

export interface PsResult {
  rows: PsRow[];
  /** Tasks shown by the views that print task headers (-p, -c, -g, -t, -l, -m, -a). */
  tasks: bigint[];
  /** Where a task walk stopped early; the rows before it are good. */
  problems: string[];
  /** Error lines (ps -a: "cannot access user stack address"; a bad pid; where a task walk stopped). */
  errors: string[];
}

const PS_HELP = `NAME
  ps - display process status information

SYNOPSIS
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

export const psCommand: Command = {
  name: "ps",
  summary: "display process status information",
  help: PS_HELP,
  run(ctx, args) {
    const { options, selectors } = parseArgs(args);
    const prog = ctx.prog;
    const table = taskTable(prog);
    const out: string[] = [];
    const result: PsResult = { rows: [], tasks: [], problems: table.problems.map((p) => p.message), errors: [] };
    let order = table.tasks;
    if (options.view === "lastRun" || options.view === "msecs") order = [...order].sort((a, b) => (b.lastArrival > a.lastArrival ? 1 : b.lastArrival < a.lastArrival ? -1 : 0));

    for (const sel of selectors) {
      if (sel.kind === "comm" || table.tasks.some((t) => matches(t, sel, options))) continue;
      const msg = `ps: invalid task or pid value: ${sel.kind === "pid" ? sel.pid : sel.task.toString(16)}`;
      result.errors.push(msg);
    }
    if (options.view === "default" && !options.noHeader) out.push(PS_HEADER);
    if (options.view === "summary") {
      if (selectors.length) throw new CommandError("ps", "-S option takes no arguments");
      summary(order, out);
    } else if (selectors.length === 0) {
      const shown = order.filter((t) => passesFilters(t, options, true));
      if (options.view === "times") times(prog, shown, out, result);
      else {
        const seen = new Set<bigint>();
        for (const t of shown) showOne(prog, table, t, options, out, result, seen, order, true);
      }
    } else {
      const seen = new Set<bigint>();
      const picked: Task[] = [];
      for (const t of order) {
        for (const sel of selectors) {
          if (!matches(t, sel, options)) continue;
          if (options.view === "times") picked.push(t);
          else showOne(prog, table, t, options, out, result, seen, order, false);
        }
      }
      if (options.view === "times") for (const t of picked) times(prog, [groupLeader(table, t, options) ?? t], out, result);
    }
    for (const p of result.problems) result.errors.push(`ps: task list incomplete: ${p}`);
    let text = out.join("\n");
    if (text !== "") text += "\n";
    return { data: result, text, errors: result.errors };
  },
};

function parseArgs(args: string[]): { options: PsOptions; selectors: Selector[] } {
  const options: PsOptions = { view: "default", kernelOnly: false, userOnly: false, group: false, excludeIdle: false, activeOnly: false, noHeader: false };
  const selectors: Selector[] = [];
  const setView = (v: View) => {
    if (options.view !== "default" && options.view !== v) throw new CommandError("ps", "-p, -c, -g, -t, -l, -m, -a and -S are mutually exclusive");
    options.view = v;
  };
  for (const a of args) {
    if (/^-[A-Za-z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (EXCLUSIVE[c]) setView(EXCLUSIVE[c]);
        else if (c === "k") options.kernelOnly = true;
        else if (c === "u") options.userOnly = true;
        else if (c === "G") options.group = true;
        else if (c === "I") options.excludeIdle = true;
        else if (c === "A") options.activeOnly = true;
        else if (c === "H") options.noHeader = true;
        else throw new CommandError("ps", `invalid option: -${c}`);
      }
      if (options.kernelOnly && options.userOnly) throw new CommandError("ps", "-u and -k are mutually exclusive");
    } else if (/^\d+$/.test(a)) selectors.push({ kind: "pid", pid: Number(a) });
    else if (/^(0x)?[0-9a-fA-F]+$/.test(a) && a.length <= 18) selectors.push({ kind: "task", task: BigInt(a.startsWith("0x") ? a : "0x" + a) });
    else selectors.push({ kind: "comm", comm: a.startsWith("\\") ? a.slice(1) : a });
  }
  if (options.group && (options.view === "lastRun" || options.view === "msecs")) throw new CommandError("ps", `-G not supported with -${options.view === "lastRun" ? "l" : "m"} option`);
  return { options, selectors };
}

function matches(t: Task, sel: Selector, o: PsOptions): boolean {
  if (sel.kind === "pid") return t.pid === sel.pid;
  if (sel.kind === "task") return t.address === sel.task;
  return t.comm === sel.comm && (!(o.group || o.view === "threads") || t.pid === t.tgid);
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

function showOne(prog: Program, table: TaskTable, task: Task, o: PsOptions, out: string[], result: PsResult, seen: Set<bigint>, order: readonly Task[], all: boolean): void {
  if (!all && !passesFilters(task, o, false)) return;
  let t: Task | undefined = task;
  if (o.group) {
    t = groupLeader(table, task, o);
    if (!t || seen.has(t.address)) return;
    seen.add(t.address);
  }
  switch (o.view) {
    case "parents":
      parentList(table, t, out);
      out.push("");
      break;
    case "children":
      childList(table, t, out);
      out.push("");
      break;
    case "threads":
      threadList(table, t, out, all, seen);
      break;
    case "lastRun": {
      const width = (order[0]?.lastArrival ?? 0n).toString().length;
      out.push(`[${t.lastArrival.toString().padStart(width)}] [${t.stateString}]  ${formatTaskHeader(t)}`);
      break;
    }
    case "msecs": {
      const clock = table.runqueues.find((rq) => rq.cpu === t.cpu)?.clock ?? 0n;
      const delta = clock > t.lastArrival ? clock - t.lastArrival : 0n;
      out.push(`[${translateNanoseconds(delta)}] [${t.stateString}]  ${formatTaskHeader(t)}`);
      break;
    }
    case "args":
      taskArgs(prog, t, out, result);
      break;
    default: {
      const row = psRow(t, taskMemUsage(prog, table, t), prog.dump.pageSize);
      result.rows.push(row);
      out.push(formatPsRow(row));
      return;
    }
  }
  result.tasks.push(t.address);
}

/** parent_list: from the oldest ancestor (task->parent until it points to itself) down to the task. */
function parentList(table: TaskTable, task: Task, out: string[]): void {
  const chain: Task[] = [task];
  const seen = new Set([task.address]);
  let cur = task;
  while (cur.parent !== cur.address) {
    const parent = table.byAddress.get(cur.parent);
    if (!parent || seen.has(parent.address) || chain.length > table.tasks.length) break;
    seen.add(parent.address);
    chain.push(parent);
    cur = parent;
  }
  chain.reverse().forEach((t, depth) => out.push(" ".repeat(depth) + formatTaskHeader(t)));
}

function childList(table: TaskTable, task: Task, out: string[]): void {
  out.push(formatTaskHeader(task));
  const children = table.tasks.filter((t) => t.parent === task.address);
  for (const c of children) out.push("  " + formatTaskHeader(c));
  if (children.length === 0) out.push("  (no children)");
}

/** show_tgid_list: the leader, then the other threads of its group. */
function threadList(table: TaskTable, task: Task, out: string[], all: boolean, seen: Set<bigint>): void {
  let leader: Task | undefined = task;
  if (task.pid !== task.tgid) {
    if (all) return;
    leader = table.tasks.find((t) => t.pid === task.tgid);
    if (!leader) return;
  }
  if (leader.pid === 0 && seen.has(0n)) return;
  out.push(formatTaskHeader(leader));
  let n = 0;
  for (const t of table.tasks) {
    if (t.address === leader.address || t.tgid !== leader.tgid) continue;
    out.push("  " + formatTaskHeader(t));
    n++;
    if (t.pid === 0) seen.add(0n);
  }
  if (n === 0) out.push("  (no threads)");
  out.push("");
}

/** show_task_times: sorted by start time; RUN TIME from jiffies as crash computes it (START_TIME_NSECS). */
function times(prog: Program, tasks: readonly Task[], out: string[], result: PsResult): void {
  const hz = detectHz(prog);
  const now = uptimeJiffies(prog, hz);
  const sorted = [...tasks].sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
  for (const t of sorted) {
    const started = (t.startTime / 1000000000n) * BigInt(hz);
    const run = started > now ? 0n : now - started;
    out.push(formatTaskHeader(t), `    RUN TIME: ${convertTime(run, hz)}`, `  START TIME: ${t.startTime}`, `       UTIME: ${t.utime}`, `       STIME: ${t.stime}`, "");
    result.tasks.push(t.address);
  }
}

/** show_task_args: ARG and ENV from the user stack, or crash's error when those pages are not in the dump. */
function taskArgs(prog: Program, t: Task, out: string[], result: PsResult): void {
  out.push(formatTaskHeader(t));
  // crash prints these among its output; here they go to the error lines, printed after the text.
  const fail = (msg: string) => {
    result.errors.push(`ps: ${msg}`);
  };
  if (t.mm === 0n) return fail("no user stack");
  let ranges, space;
  try {
    ranges = taskArgRanges(prog, t);
    space = taskUserSpace(prog, t);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return fail(`cannot read the mm of task ${t.address.toString(16)}: ${err.message}`);
  }
  const args = readUserRange(space, ranges.argStart, ranges.argEnd);
  if (!args.ok) return fail(`cannot access user stack address: ${args.address.toString(16)}`);
  out.push("ARG: " + splitNul(args.bytes).join(" "));
  const env = readUserRange(space, ranges.envStart, ranges.envEnd);
  if (!env.ok) return fail(`cannot access user stack address: ${env.address.toString(16)}`);
  const vars = splitNul(env.bytes);
  out.push("ENV: " + vars.join("\n     "));
  if (vars.length === 0) out.push("");
}

function splitNul(bytes: Uint8Array): string[] {
  const parts: string[] = [];
  let cur = "";
  for (const c of bytes) {
    if (c === 0) {
      if (cur) parts.push(printable(cur));
      cur = "";
    } else cur += String.fromCharCode(c);
  }
  if (cur) parts.push(printable(cur));
  return parts;
}

function summary(tasks: readonly Task[], out: string[]): void {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.stateString, (counts.get(t.stateString) ?? 0) + 1);
  for (const [s, n] of counts) out.push(`  ${s}: ${n}`);
}
