// All tasks as crash sees them (task.c refresh_*_task_table, add_context, sort_context_array): the per-CPU
// idle tasks (swapper/N: init_task on CPU 0, rq->idle on the others) and every thread of every thread group,
// found through the process list (init_task.tasks) and each leader's thread list (signal->thread_head /
// thread_node; thread_group on older kernels). Ordered as crash orders them: by pid, pid 0 by CPU.
// Every walk is bounded; a corrupt list keeps what was read and records where it stopped (`problems`).
import { KdwError, WalkAborted } from "../../io/errors";
import { listForEachEntry } from "../../program/list";
import { perProgram, type Program } from "../../program/program";
import { runqueues, type Runqueue } from "./sched";
import { TASK_LAYOUT, taskLayout, type TaskLayout } from "./layout";
import { taskStateBits, taskStateString, type TaskStateBits } from "./state";

/** include/linux/sched.h */
export const PF_EXITING = 0x00000004;
export const PF_KTHREAD = 0x00200000;

/** Most tasks a walk will list; a dump claiming more is treated as corrupt past this point. */
export const MAX_TASKS = 1 << 20;

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

export interface TaskTable {
  /** In crash's order: by pid, the idle tasks (pid 0) by CPU. */
  tasks: readonly Task[];
  byAddress: ReadonlyMap<bigint, Task>;
  /** Where a walk stopped early (loop, bad pointer, budget): the tasks before it are in `tasks`. */
  problems: readonly WalkAborted[];
  runqueues: readonly Runqueue[];
  panicTask: Task | undefined;
  /** The CPU that panicked (crashing_cpu / panic_cpu), when the kernel recorded it. */
  panicCpu: number | undefined;
}

export interface TaskWalkOptions {
  /** Steps allowed to each list walk (default: MAX_TASKS). */
  budget?: number;
}

const TASK_TABLE = perProgram((prog) => buildTaskTable(prog));

/** The task table of a program, walked once (a dump does not change). */
export const taskTable: (prog: Program) => TaskTable = TASK_TABLE.of;

/** The panic task (crash: the task running on the CPU that panicked). */
export function panicTask(prog: Program): Task | undefined {
  return taskTable(prog).panicTask;
}

/** sys's TASKS: how many tasks the table holds, idle tasks included. */
export function taskCount(prog: Program): number {
  return taskTable(prog).tasks.length;
}

/** Tasks with this pid (pid 0 has one per CPU). */
export function tasksByPid(table: TaskTable, pid: number): Task[] {
  return table.tasks.filter((t) => t.pid === pid);
}

/** Walks the task lists without caching (tests use it on corrupted memory). */
export function buildTaskTable(prog: Program, options: TaskWalkOptions = {}): TaskTable {
  const layout = taskLayout(prog);
  const bits = taskStateBits(prog);
  const budget = options.budget ?? MAX_TASKS;
  const problems: WalkAborted[] = [];
  const rqs = safeRunqueues(prog, problems);
  const found = new Map<bigint, RawTask>();
  const initTask = prog.symbolAddress("init_task");

  const add = (addr: bigint, idleCpu?: number): RawTask | undefined => {
    if (found.has(addr)) return found.get(addr);
    if (found.size >= MAX_TASKS) {
      if (!problems.some((p) => p.what === "task table")) problems.push(new WalkAborted("task table", `more than ${MAX_TASKS} tasks`, found.size));
      return undefined;
    }
    try {
      const raw = readTask(prog, addr);
      raw.idle = idleCpu !== undefined;
      found.set(addr, raw);
      return raw;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(`task ${addr.toString(16)}`, err.message, 0));
      return undefined;
    }
  };

  // Idle tasks first (crash: tt->idle_threads from the runqueues; CPU 0's is init_task).
  if (rqs.length === 0) add(initTask, 0);
  for (const rq of rqs) {
    const idle = rq.idle !== 0n ? rq.idle : rq.cpu === 0 ? initTask : 0n;
    if (idle !== 0n) add(idle, rq.cpu);
  }

  // The process list, then each process's threads.
  const leaders: RawTask[] = [];
  try {
    for (const obj of listForEachEntry(prog, initTask + BigInt(layout.tasks), prog.type("struct task_struct"), "tasks", { budget, what: "task list (init_task.tasks)" })) {
      const leader = add(obj.address!);
      if (!leader) throw new WalkAborted("task list (init_task.tasks)", `unreadable task ${obj.address!.toString(16)}`, leaders.length);
      leaders.push(leader);
    }
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
  for (const leader of leaders) walkThreads(prog, layout, leader, add, budget, problems);

  return finishTable(prog, bits, [...found.values()], rqs, problems);
}

/** A task as read, before the table knows its parent's pid and which tasks are active. */
type RawTask = Pick<Task, "address" | "pid" | "tgid" | "comm" | "cpu" | "state" | "flags" | "parent" | "realParent" | "mm" | "startTime" | "utime" | "stime" | "lastArrival" | "cred" | "idle"> & { signal: bigint };

function safeRunqueues(prog: Program, problems: WalkAborted[]): Runqueue[] {
  try {
    return runqueues(prog);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(new WalkAborted("runqueues", err.message, 0));
    return [];
  }
}

/** The threads of a thread group (for_each_thread: signal->thread_head through thread_node). */
function walkThreads(prog: Program, l: TaskLayout, leader: RawTask, add: (a: bigint) => RawTask | undefined, budget: number, problems: WalkAborted[]): void {
  const what = `thread list of pid ${leader.pid} (task ${leader.address.toString(16)})`;
  let head: bigint;
  let member: string;
  if (l.threadNode !== undefined && l.signalThreadHead !== undefined) {
    if (leader.signal === 0n) return;
    head = leader.signal + BigInt(l.signalThreadHead);
    member = "thread_node";
  } else if (l.threadGroup !== undefined) {
    // The older circular list through the leader itself: its own entry is the head.
    head = leader.address + BigInt(l.threadGroup);
    member = "thread_group";
  } else return;
  try {
    for (const obj of listForEachEntry(prog, head, prog.type("struct task_struct"), member, { budget, what })) {
      if (!add(obj.address!)) throw new WalkAborted(what, `unreadable task ${obj.address!.toString(16)}`, 0);
    }
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
}

/** The task_struct fields of a table row, read at once. */
const TASK_ROW = TASK_LAYOUT.span("pid", "tgid", "comm", "state", "exitState", "flags", "parent", "realParent", "mm", "signal", "cpu", "startTime", "utime", "stime", "lastArrival", "cred");

/** Reads the fields of one task_struct in one read of the span they occupy. */
function readTask(prog: Program, addr: bigint): RawTask {
  const v = TASK_ROW.read(prog, addr);
  // A long __state (5.14+) is read by its low 32 bits, as crash's task_state() does.
  return {
    address: addr,
    pid: v.s32("pid"),
    tgid: v.s32("tgid"),
    comm: v.chars("comm"),
    cpu: v.u32("cpu"),
    state: (v.u32("state") | v.u32("exitState")) >>> 0,
    flags: v.u32("flags"),
    parent: v.u64("parent"),
    realParent: v.u64(v.has("realParent") ? "realParent" : "parent"),
    mm: v.u64("mm"),
    signal: v.u64("signal"),
    startTime: v.u64("startTime"),
    utime: v.u64("utime"),
    stime: v.u64("stime"),
    lastArrival: v.u64("lastArrival"),
    cred: v.u64("cred"),
    idle: false,
  };
}

function finishTable(prog: Program, bits: TaskStateBits, raws: RawTask[], rqs: Runqueue[], problems: WalkAborted[]): TaskTable {
  const byAddressRaw = new Map(raws.map((r) => [r.address, r]));
  const pfKthread = kthreadFlagUsable(raws) ? PF_KTHREAD : 0;
  const activeSet = new Set(rqs.map((rq) => rq.curr));
  const panicCpu = readPanicCpu(prog, rqs.length);
  const panicAddr = panicCpu !== undefined ? rqs.find((rq) => rq.cpu === panicCpu)?.curr : undefined;
  const tasks: Task[] = raws.map((r) => ({
    address: r.address,
    pid: r.pid,
    tgid: r.tgid,
    comm: r.comm,
    cpu: r.cpu,
    state: r.state,
    stateString: taskStateString(r.state, bits),
    flags: r.flags,
    parent: r.parent,
    realParent: r.realParent,
    ppid: byAddressRaw.get(r.parent)?.pid ?? -1,
    mm: r.mm,
    kernelThread: pfKthread ? (r.flags & pfKthread) !== 0 : r.mm === 0n || r.pid === 0,
    idle: r.idle,
    active: activeSet.has(r.address) || r.address === panicAddr,
    panic: r.address === panicAddr,
    startTime: r.startTime,
    utime: r.utime,
    stime: r.stime,
    lastArrival: r.lastArrival,
    cred: r.cred,
  }));
  tasks.sort((a, b) => (a.pid === 0 && b.pid === 0 ? a.cpu - b.cpu : a.pid - b.pid));
  const byAddress = new Map(tasks.map((t) => [t.address, t]));
  return { tasks, byAddress, problems, runqueues: rqs, panicTask: panicAddr !== undefined ? byAddress.get(panicAddr) : undefined, panicCpu };
}

/**
 * One task read on its own, in the terms of `table`: a task found outside the task lists (in the pid IDR, on
 * a runqueue), which the table does not hold. Its PPID is -1 when its parent is not in the table either.
 */
export function readTaskAt(prog: Program, table: TaskTable, address: bigint): Task {
  const r = readTask(prog, address);
  return {
    address,
    pid: r.pid,
    tgid: r.tgid,
    comm: r.comm,
    cpu: r.cpu,
    state: r.state,
    stateString: taskStateString(r.state, taskStateBits(prog)),
    flags: r.flags,
    parent: r.parent,
    realParent: r.realParent,
    ppid: table.byAddress.get(r.parent)?.pid ?? -1,
    mm: r.mm,
    kernelThread: (r.flags & PF_KTHREAD) !== 0 || r.mm === 0n,
    idle: false,
    active: table.runqueues.some((rq) => rq.curr === address),
    panic: table.panicTask?.address === address,
    startTime: r.startTime,
    utime: r.utime,
    stime: r.stime,
    lastArrival: r.lastArrival,
    cred: r.cred,
  };
}

/** crash's is_kernel_thread check: PF_KTHREAD unless pid 0 lacks it or pid 1 (with an mm) has it. */
function kthreadFlagUsable(raws: RawTask[]): boolean {
  const idle = raws.find((r) => r.pid === 0);
  if (idle && !(idle.flags & PF_KTHREAD)) return false;
  const init = raws.find((r) => r.pid === 1);
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

/** cred->uid and cred->gid of a task; -1 each when unreadable. */
export function taskCred(prog: Program, task: Task): { uid: number; gid: number } {
  const l = taskLayout(prog);
  const cred = task.cred;
  if (cred === 0n || l.credUid === undefined || l.credGid === undefined) return { uid: -1, gid: -1 };
  try {
    return { uid: prog.readU32(cred + BigInt(l.credUid)), gid: prog.readU32(cred + BigInt(l.credGid)) };
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { uid: -1, gid: -1 };
  }
}
