// All tasks as crash sees them (task.c refresh_*_task_table, add_context, sort_context_array): the per-CPU
// idle tasks (swapper/N: init_task on CPU 0, rq->idle on the others) and every thread of every thread group,
// found through the process list (init_task.tasks) and each leader's thread list (signal->thread_head /
// thread_node; thread_group on older kernels). Ordered as crash orders them: by pid, pid 0 by CPU.
// The walk (task-index.ts) keeps what orders and groups each task; a task's row (every field of Task) is
// read when the table or a page of the task tree first needs it (taskOf), once per Program. Every walk is
// bounded; a corrupt list keeps what was read and records where it stopped (`problems`).
import { KdwError, WalkAborted } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";
import type { Runqueue } from "./sched";
import { taskLayout } from "./layout";
import { readRawTask, type RawTask, type TaskLinks } from "./task-read";
import { buildTaskIndex, type TaskIndex, type TaskWalkOptions } from "./task-index";

export { MAX_TASKS, type TaskIndex, type TaskWalkOptions } from "./task-index";
export type { TaskLinks } from "./task-read";
import { taskStateBits, taskStateString, type TaskStateBits } from "./state";

/** include/linux/sched.h */
export const PF_EXITING = 0x00000004;
export const PF_KTHREAD = 0x00200000;

export interface Task {
  address: bigint;
  pid: number;
  tgid: number;
  /** task_struct.comm as Latin-1 (no byte lost); escape it at output. */
  comm: string;
  cpu: number;
  /** __state | exit_state, as crash's task_state(). */
  state: number;
  /** crash's two-letter state: RU, IN, UN, ID, ZO, ... */
  stateString: string;
  flags: number;
  /** task_struct.parent (crash's ptask; ps's PPID is its pid). */
  parent: bigint;
  realParent: bigint;
  /** pid of `parent`, -1 when the parent is not in the table (crash's NO_PID). */
  ppid: number;
  /** task_struct.mm: 0 for kernel threads. */
  mm: bigint;
  kernelThread: boolean;
  /** One of the per-CPU idle tasks. */
  idle: boolean;
  /** rq->curr of its CPU (or the panic task): crash's `>` in ps. */
  active: boolean;
  panic: boolean;
  /** task_struct.start_time (ns since boot), utime, stime (ns). */
  startTime: bigint;
  utime: bigint;
  stime: bigint;
  /** sched_info.last_arrival (ns of the CPU clock), what `ps -l` sorts by. */
  lastArrival: bigint;
  /** task_struct.cred (read its uid/gid with taskCred: lazily, creds live on other pages). */
  cred: bigint;
}

/** What the task table and the task index share: every task's address and thread group, in crash's order. */
export interface TaskGroups {
  readonly tasks: readonly { readonly address: bigint; readonly pid: number; readonly tgid: number; readonly idle: boolean }[];
}

/** Tasks by address (a Map is one). */
export interface TaskLookup {
  get(address: bigint): Task | undefined;
  has(address: bigint): boolean;
}

export interface TaskTable {
  /** In crash's order: by pid, the idle tasks (pid 0) by CPU. */
  tasks: readonly Task[];
  byAddress: TaskLookup;
  /** Where a walk stopped early (loop, bad pointer, budget): the tasks before it are in `tasks`. */
  problems: readonly WalkAborted[];
  runqueues: readonly Runqueue[];
  panicTask: Task | undefined;
  /** The CPU that panicked (crashing_cpu / panic_cpu), when the kernel recorded it. */
  panicCpu: number | undefined;
}

/** The walk's result per Program, kept once made: the table and the task tree's pages share it. */
const WALK = perProgram((): { index?: TaskIndex } => ({}));

/** The task index of a program (the walk, in crash's order), walked once: a dump does not change. */
export function taskIndex(prog: Program): TaskIndex {
  const w = WALK.of(prog);
  return (w.index ??= buildTaskIndex(prog));
}

const TASK_TABLE = perProgram((prog) => {
  // Asked before the index, the walk reads every row with its links: one pass over the task_structs.
  const w = WALK.of(prog);
  w.index ??= buildTaskIndex(prog, { rows: true });
  return tableOf(prog, w.index, ROW_CONTEXT.of(prog));
});

/** The task table of a program, walked once (a dump does not change). */
export const taskTable: (prog: Program) => TaskTable = TASK_TABLE.of;

/** The panic task (crash: the task running on the CPU that panicked). */
export function panicTask(prog: Program): Task | undefined {
  return taskTable(prog).panicTask;
}

/** sys's TASKS: how many tasks the table holds, idle tasks included. */
export function taskCount(prog: Program): number {
  return taskIndex(prog).tasks.length;
}

/** Tasks with this pid (pid 0 has one per CPU). */
export function tasksByPid(table: TaskTable, pid: number): Task[] {
  return table.tasks.filter((t) => t.pid === pid);
}

/** Walks the task lists without caching (tests use it on corrupted memory). */
export function buildTaskTable(prog: Program, options: TaskWalkOptions = {}): TaskTable {
  const index = buildTaskIndex(prog, { ...options, rows: true });
  return tableOf(prog, index, rowContext(prog, index));
}

export type TaskGroupMember = TaskGroups["tasks"][number];

/** The tasks of each thread group: `get(tgid)`, in the table's order, idle tasks included. */
export interface ThreadGroups {
  get(tgid: number): readonly TaskGroupMember[] | undefined;
}

const GROUPS = new WeakMap<TaskGroups, ThreadGroups>();

/** Ranks below 2^20 (MAX_TASKS) in a sort key whose upper part is the tgid. */
const RANK = 2 ** 20;

/**
 * The thread groups of a table or index, found once per table: its tasks sorted by (tgid, place) as numbers
 * (one exact key each: no comparator, no array per group), a group the run of one tgid, found by binary search.
 */
export function threadGroups(table: TaskGroups): ThreadGroups {
  let groups = GROUPS.get(table);
  if (!groups) {
    const tasks = table.tasks;
    const keys = new Float64Array(tasks.length);
    for (let i = 0; i < tasks.length; i++) keys[i] = (tasks[i]!.tgid + 2 ** 31) * RANK + i;
    keys.sort();
    groups = {
      get(tgid: number): readonly TaskGroupMember[] | undefined {
        const low = (tgid + 2 ** 31) * RANK;
        let lo = 0;
        let hi = keys.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (keys[mid]! < low) lo = mid + 1;
          else hi = mid;
        }
        const members: TaskGroupMember[] = [];
        for (let k = lo; k < keys.length && keys[k]! < low + RANK; k++) members.push(tasks[keys[k]! - low]!);
        return members.length ? members : undefined;
      },
    };
    GROUPS.set(table, groups);
  }
  return groups;
}

/** What turning a task's fields into its row needs, worked out once per index. */
interface RowContext {
  index: TaskIndex;
  bits: TaskStateBits;
  /** PF_KTHREAD where crash trusts it, else 0. */
  pfKthread: number;
  active: ReadonlySet<bigint>;
  panicAddr: bigint | undefined;
  panicCpu: number | undefined;
}

function rowContext(prog: Program, index: TaskIndex): RowContext {
  const rqs = index.runqueues;
  const panicCpu = readPanicCpu(prog, rqs.length);
  return {
    index,
    bits: taskStateBits(prog),
    pfKthread: kthreadFlagUsable(prog, index) ? PF_KTHREAD : 0,
    active: new Set(rqs.map((rq) => rq.curr)),
    panicAddr: panicCpu !== undefined ? rqs.find((rq) => rq.cpu === panicCpu)?.curr : undefined,
    panicCpu,
  };
}

const ROW_CONTEXT = perProgram((prog) => rowContext(prog, taskIndex(prog)));

/** Fills in a task's derived fields: the row the table and the pages show (the object read, made a Task). */
function rowOf(c: RowContext, links: TaskLinks, r: RawTask): Task {
  r.stateString = taskStateString(r.state, c.bits);
  r.ppid = c.index.byAddress.get(r.parent)?.pid ?? -1;
  r.kernelThread = c.pfKthread ? (r.flags & c.pfKthread) !== 0 : r.mm === 0n || r.pid === 0;
  r.idle = links.idle;
  r.active = c.active.has(r.address) || r.address === c.panicAddr;
  r.panic = r.address === c.panicAddr;
  return r;
}

/**
 * The Task of one entry of the program's task index, its row read on first use: a page of the task tree
 * reads the rows it shows, not the other 50,000. Throws the read's KdwError (the walk read the same bytes,
 * so only a dump changing under it would).
 */
export function taskOf(prog: Program, links: TaskLinks): Task {
  return (links.task ??= rowOf(ROW_CONTEXT.of(prog), links, links.raw ?? readRawTask(prog, links.address)));
}

function tableOf(prog: Program, index: TaskIndex, c: RowContext): TaskTable {
  const tasks: Task[] = [];
  let problems = index.problems;
  for (const links of index.tasks) {
    if (links.task === undefined) {
      try {
        links.task = rowOf(c, links, links.raw ?? readRawTask(prog, links.address));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems = [...problems, new WalkAborted(`task ${links.address.toString(16)}`, err.message, 0)];
        continue;
      }
    }
    // The row is made: the fields read with the links are no longer needed.
    links.raw = undefined;
    tasks.push(links.task);
  }
  const byAddress: TaskLookup = {
    get: (address) => index.byAddress.get(address)?.task,
    has: (address) => index.byAddress.get(address)?.task !== undefined,
  };
  return { tasks, byAddress, problems, runqueues: index.runqueues, panicTask: c.panicAddr !== undefined ? byAddress.get(c.panicAddr) : undefined, panicCpu: c.panicCpu };
}

/**
 * One task read on its own, in the terms of `table`: a task found outside the task lists (in the pid IDR, on
 * a runqueue), which the table does not hold. Its PPID is -1 when its parent is not in the table either.
 */
export function readTaskAt(prog: Program, table: TaskTable, address: bigint): Task {
  const r = readRawTask(prog, address);
  r.stateString = taskStateString(r.state, taskStateBits(prog));
  r.ppid = table.byAddress.get(r.parent)?.pid ?? -1;
  r.kernelThread = (r.flags & PF_KTHREAD) !== 0 || r.mm === 0n;
  r.active = table.runqueues.some((rq) => rq.curr === address);
  r.panic = table.panicTask?.address === address;
  return r;
}

/** crash's is_kernel_thread check: PF_KTHREAD unless pid 0 lacks it or pid 1 (with an mm) has it. */
function kthreadFlagUsable(prog: Program, index: TaskIndex): boolean {
  const fields = (addr: bigint | undefined): RawTask | undefined => {
    if (addr === undefined) return undefined;
    try {
      return readRawTask(prog, addr);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return undefined;
    }
  };
  const idle = fields(index.firstIdle);
  if (idle && !(idle.flags & PF_KTHREAD)) return false;
  const init = fields(index.firstInit);
  return !(init && init.mm !== 0n && init.flags & PF_KTHREAD);
}

/** crashing_cpu (x86, set by the crash NMI path) or panic_cpu (kernel/panic.c); -1 means none. */
function readPanicCpu(prog: Program, cpus: number): number | undefined {
  for (const name of ["crashing_cpu", "panic_cpu"]) {
    if (!prog.hasSymbol(name)) continue;
    try {
      const cpu = prog.readS32(prog.symbolAddress(name));
      if (cpu >= 0 && cpu < cpus) return cpu;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
    }
  }
  return undefined;
}

/** Each cred's uid and gid, read once per Program (threads, and most kernel threads, share theirs). */
const CREDS = perProgram((): Map<bigint, { uid: number; gid: number }> => new Map());

/** cred->uid and cred->gid of a task; -1 each when unreadable. */
export function taskCred(prog: Program, task: Task): { uid: number; gid: number } {
  const l = taskLayout(prog);
  const cred = task.cred;
  if (cred === 0n || l.credUid === undefined || l.credGid === undefined) return { uid: -1, gid: -1 };
  const cache = CREDS.of(prog);
  const hit = cache.get(cred);
  if (hit) return { ...hit };
  let ids: { uid: number; gid: number };
  try {
    ids = { uid: prog.readU32(cred + BigInt(l.credUid)), gid: prog.readU32(cred + BigInt(l.credGid)) };
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    ids = { uid: -1, gid: -1 };
  }
  cache.set(cred, ids);
  return { ...ids };
}
