// The tasks the pid allocator knows (kernel/pid.c): init_pid_ns.idr, an IDR (an XArray since 4.20) from pid
// number to struct pid, and for each struct pid the task it names — pid->tasks[PIDTYPE_PID].first, the
// hlist_node task_struct.pid_links[PIDTYPE_PID] (4.19+; pids[PIDTYPE_PID].node before). This is what /proc
// lists (next_tgid → find_ge_pid) and what kill(2) and ptrace(2) find: a view of the tasks independent of
// the task list (drgn's for_each_pid, crash's pid hash). Every pid of every namespace has its level-0
// number in init_pid_ns, so the initial namespace's IDR sees every task. Bounded.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { xaForEach, xaIsValue } from "../../program/xarray";
import { MAX_TASKS } from "./tasks";

export interface PidIdrEntry {
  /** The pid number (the IDR index). */
  nr: number;
  /** struct pid. */
  pid: bigint;
  /** The task it names as a PID (0 when the pid names none: a process group or session id only). */
  task: bigint;
}

export interface PidIdr {
  entries: PidIdrEntry[];
  /** task address -> its entry (tasks named by a pid). */
  byTask: Map<bigint, PidIdrEntry>;
  problems: WalkAborted[];
  absent?: string;
}

const PID_LAYOUT = layout(
  {
    idrRt: optional("pid_namespace.idr.idr_rt"), // 4.15+
    pidTasks: optional("pid.tasks"),
    // 4.19+: hlist_node pid_links[PIDTYPE_MAX]; before: struct pid_link pids[PIDTYPE_MAX] { node; pid; }.
    taskPidLink: optional("task_struct.pid_links", "task_struct.pids"),
  },
  ({ idrRt, pidTasks, taskPidLink }) => ({ complete: idrRt !== undefined && pidTasks !== undefined && taskPidLink !== undefined ? { idrRt, pidTasks, taskPidLink } : undefined }),
);

function pidLayout(prog: Program): { idrRt: number; pidTasks: number; taskPidLink: number } | undefined {
  return PID_LAYOUT.of(prog).complete;
}

/** Every pid of the initial pid namespace and the task each names. */
export function pidIdrTasks(prog: Program): PidIdr {
  const out: PidIdr = { entries: [], byTask: new Map(), problems: [] };
  const l = pidLayout(prog);
  if (!l || !prog.hasSymbol("init_pid_ns")) {
    out.absent = "this kernel has no pid IDR in struct pid_namespace (before 4.15) or its types lack it";
    return out;
  }
  const what = "pid IDR (init_pid_ns.idr)";
  try {
    for (const e of xaForEach(prog, prog.symbolAddress("init_pid_ns") + BigInt(l.idrRt), { budget: MAX_TASKS, what })) {
      if (xaIsValue(e.entry) || e.entry === 0n) continue;
      let task = 0n;
      try {
        // PIDTYPE_PID is 0: tasks[0].first.
        const first = prog.readU64(e.entry + BigInt(l.pidTasks));
        if (first !== 0n) task = first - BigInt(l.taskPidLink);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        out.problems.push(new WalkAborted(`struct pid ${e.entry.toString(16)} (pid ${e.index})`, err.message, out.entries.length));
        continue;
      }
      const entry = { nr: Number(e.index), pid: e.entry, task };
      out.entries.push(entry);
      if (task !== 0n) out.byTask.set(task, entry);
    }
  } catch (err) {
    if (err instanceof WalkAborted) out.problems.push(err);
    else if (err instanceof MissingDebugInfo) out.absent = err.message;
    else if (err instanceof KdwError) out.problems.push(new WalkAborted(what, err.message, out.entries.length));
    else throw err;
  }
  return out;
}
