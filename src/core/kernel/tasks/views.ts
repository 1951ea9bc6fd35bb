// Every task the kernel knows of, and in which of its views each was seen (the task side of volatility3's
// psxview): the task list (init_task.tasks, and each listed leader's threads: what crash's ps and the task
// table show), the thread groups (signal->thread_head of every thread group met in any view), the pid IDR
// (what /proc and kill(2) see) and the runqueues (what each CPU ran or had queued at the crash). A task
// seen in some views and missing from others was unlinked from those. Idle tasks (pid 0) are in none but
// the runqueues and are left out. Built once per program; each view's failure is recorded.
import { KdwError, WalkAborted } from "../../io/errors";
import { listForEachEntry } from "../../program/list";
import { perProgram, type Program } from "../../program/program";
import { taskLayout } from "./layout";
import { pidIdrTasks } from "./pid-idr";
import { cpuRunqueues } from "./runq";
import { MAX_TASKS, readTaskAt, taskTable, type Task } from "./tasks";

export type TaskViewName = "task-list" | "thread-group" | "pid-idr" | "runqueue";

export interface TaskView {
  task: Task;
  seenBy: TaskViewName[];
  /** The pid number the IDR files it under (its level-0 pid), when it is there. */
  idrPid?: number;
  /** The CPU whose runqueue held it (running or queued), when one did. */
  runqueueCpu?: number;
  /** rq->curr of that CPU. */
  running?: boolean;
}

export interface TaskViews {
  /** Task-list order (the task table's) first, then what only the other views hold. */
  tasks: TaskView[];
  byAddress: Map<bigint, TaskView>;
  problems: { view: TaskViewName; message: string }[];
  /** Views this kernel or dump cannot give, and why. */
  absent: { view: TaskViewName; reason: string }[];
}

const ORDER: TaskViewName[] = ["task-list", "thread-group", "pid-idr", "runqueue"];
const TASK_VIEWS = perProgram((prog) => buildTaskViews(prog));

export const taskViews: (prog: Program) => TaskViews = TASK_VIEWS.of;

/** Builds the views without caching (tests use it on patched memory). */
export function buildTaskViews(prog: Program): TaskViews {
  const table = taskTable(prog);
  const out: TaskViews = { tasks: [], byAddress: new Map(), problems: [], absent: [] };
  const idle = new Set(table.tasks.filter((t) => t.idle).map((t) => t.address));
  for (const p of table.problems) out.problems.push({ view: "task-list", message: p.message });
  const see = (address: bigint, view: TaskViewName): TaskView | undefined => {
    if (idle.has(address) || address === 0n) return undefined;
    let v = out.byAddress.get(address);
    if (!v) {
      if (out.byAddress.size >= MAX_TASKS) return undefined;
      const known = table.byAddress.get(address);
      let task: Task;
      try {
        task = known ?? readTaskAt(prog, table, address);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        out.problems.push({ view, message: `task ${address.toString(16)}: ${err.message}` });
        return undefined;
      }
      v = { task, seenBy: [] };
      out.byAddress.set(address, v);
      out.tasks.push(v);
    }
    if (!v.seenBy.includes(view)) v.seenBy.push(view);
    return v;
  };

  for (const t of table.tasks) see(t.address, "task-list");

  const idr = pidIdrTasks(prog);
  if (idr.absent) out.absent.push({ view: "pid-idr", reason: idr.absent });
  for (const p of idr.problems) out.problems.push({ view: "pid-idr", message: p.message });
  for (const e of idr.entries) {
    if (e.task === 0n) continue;
    const v = see(e.task, "pid-idr");
    if (v) v.idrPid = e.nr;
  }

  try {
    for (const rq of cpuRunqueues(prog)) {
      for (const p of rq.problems) out.problems.push({ view: "runqueue", message: `CPU ${rq.cpu}: ${p.message}` });
      for (const [task, running] of [[rq.curr, true] as const, ...rq.rt.map((q) => [q.task, false] as const), ...rq.cfs.map((q) => [q.task, false] as const)]) {
        const v = see(task, "runqueue");
        if (v && v.runqueueCpu === undefined) {
          v.runqueueCpu = rq.cpu;
          v.running = running;
        }
      }
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.absent.push({ view: "runqueue", reason: err.message });
  }

  // Thread groups: each distinct signal_struct's thread list, for every group met in any view.
  const l = taskLayout(prog);
  const taskType = prog.type("struct task_struct");
  const walked = new Set<bigint>();
  if (l.threadNode !== undefined && l.signalThreadHead !== undefined) {
    for (const v of [...out.tasks]) {
      let signal: bigint;
      try {
        signal = prog.readU64(v.task.address + BigInt(l.signal));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        continue;
      }
      if (signal === 0n || walked.has(signal)) continue;
      walked.add(signal);
      const what = `thread list of signal_struct ${signal.toString(16)}`;
      try {
        for (const t of listForEachEntry(prog, signal + BigInt(l.signalThreadHead), taskType, "thread_node", { budget: MAX_TASKS, what })) see(t.address!, "thread-group");
      } catch (err) {
        if (err instanceof WalkAborted) out.problems.push({ view: "thread-group", message: err.message });
        else if (err instanceof KdwError) out.problems.push({ view: "thread-group", message: `${what}: ${err.message}` });
        else throw err;
      }
    }
  } else out.absent.push({ view: "thread-group", reason: "this kernel has no signal->thread_head / thread_node (before 3.14)" });

  for (const v of out.tasks) v.seenBy.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return out;
}
