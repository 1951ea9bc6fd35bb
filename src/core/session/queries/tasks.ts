// Task queries of the contract: rows for the task tree (paged), one task's details. Pages are cut from the
// task index (kernel/tasks/task-index.ts: the walk, in crash's order) and only their rows are read, so a
// 50,000-task dump answers its first page without reading the other rows.
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";
import { taskIndex, taskOf, taskTable, taskCred, threadGroups, type Task, type TaskGroups } from "../../kernel/tasks/tasks";
import { taskMemUsage } from "../../kernel/tasks/mem";
import { taskExePath } from "../../kernel/tasks/exe";
import { taskFsPaths } from "../../kernel/fs/files";
import type { Problem, TaskDetails, TaskRef, TaskRow, TasksPage, TasksParams } from "../contract";
import { hex, NotFoundError, parseHex, toProblem } from "../problems";

const DEFAULT_PAGE = 1000;

/** Threads in a thread group, the idle tasks left out. */
function threadCount(table: TaskGroups, tgid: number): number {
  let n = 0;
  for (const t of threadGroups(table).get(tgid) ?? []) if (!t.idle) n++;
  return n || 1;
}

export function taskRow(prog: Program, table: TaskGroups, t: Task): TaskRow {
  const pageKb = prog.dump.pageSize / 1024;
  let rss = 0;
  let vsz = 0;
  try {
    const mem = taskMemUsage(prog, table, t);
    rss = mem.rss * pageKb;
    vsz = mem.totalVm * pageKb;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  const cred = taskCred(prog, t);
  const row: TaskRow = {
    task: hex(t.address),
    pid: t.pid,
    tgid: t.tgid,
    ppid: t.ppid,
    comm: t.comm,
    state: t.stateString,
    cpu: t.cpu,
    flags: t.flags,
    kernelThread: t.kernelThread,
    idle: t.idle,
    active: t.active,
    panic: t.panic,
    threads: t.pid === t.tgid ? threadCount(table, t.tgid) : 1,
    rss,
    vsz,
    startTime: t.startTime.toString(),
  };
  if (cred.uid >= 0) row.uid = cred.uid;
  if (cred.gid >= 0) row.gid = cred.gid;
  if (!t.kernelThread && t.mm !== 0n) {
    const exe = taskExePath(prog, t);
    if (exe !== undefined) row.exe = exe;
  }
  return row;
}

export function tasksPage(prog: Program, params: TasksParams): TasksPage {
  const index = taskIndex(prog);
  const pids = params.pids && new Set(params.pids);
  const all = pids ? index.tasks.filter((t) => pids.has(t.pid)) : index.tasks;
  const offset = params.offset ?? 0;
  const limit = params.limit ?? DEFAULT_PAGE;
  const items = all.slice(offset, offset + limit).map((links) => taskRow(prog, index, taskOf(prog, links)));
  const problems: Problem[] = index.problems.map(toProblem);
  return { items, problems, offset, total: all.length };
}

/** The task a TaskRef names: the thread with that pid (the lowest-CPU idle task for pid 0), or the address. */
export function findTask(prog: Program, ref: TaskRef): Task {
  const index = taskIndex(prog);
  if ("pid" in ref) {
    const t = index.tasks.find((x) => x.pid === ref.pid);
    if (!t) throw new NotFoundError(`no task with pid ${ref.pid}`);
    return taskOf(prog, t);
  }
  const t = index.byAddress.get(parseHex(ref.task));
  if (!t) throw new NotFoundError(`no task at ${ref.task}`);
  return taskOf(prog, t);
}

export function taskDetails(prog: Program, ref: TaskRef): TaskDetails {
  const table = taskTable(prog);
  const t = findTask(prog, ref);
  const problems: Problem[] = [];
  const parent = table.byAddress.get(t.parent);
  const details: TaskDetails = {
    row: taskRow(prog, table, t),
    children: table.tasks.filter((c) => c.parent === t.address && c.address !== t.address && c.pid === c.tgid).map((c) => c.pid),
    threadGroup: t.idle ? [] : table.tasks.filter((x) => x.tgid === t.tgid && x.address !== t.address).map((x) => x.pid),
    problems,
  };
  if (parent && parent.address !== t.address) details.parent = taskRow(prog, table, parent);
  const cred = taskCred(prog, t);
  if (cred.uid >= 0) details.credentials = cred;
  try {
    const fs = taskFsPaths(prog, t.address);
    if (fs) {
      details.root = fs.root.path;
      details.cwd = fs.cwd.path;
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(toProblem(err));
  }
  return details;
}
