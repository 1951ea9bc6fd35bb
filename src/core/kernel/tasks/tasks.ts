// All tasks as crash sees them (task.c refresh_*_task_table, add_context, sort_context_array): the per-CPU
// idle tasks (swapper/N: init_task on CPU 0, rq->idle on the others) and every thread of every thread group,
// found through the process list (init_task.tasks) and each leader's thread list (signal->thread_head /
// thread_node; thread_group on older kernels). Ordered as crash orders them: by pid, pid 0 by CPU.
// Every walk is bounded; a corrupt list keeps what was read and records where it stopped (`problems`).
import { KdwError, WalkAborted } from "../../io/errors";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { runqueues, type Runqueue } from "./sched";
import { taskLayout, type TaskLayout } from "./layout";
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

const tables = new WeakMap<Program, TaskTable>();

/** The task table of a program, walked once (a dump does not change). */
export function taskTable(prog: Program): TaskTable {
  let t = tables.get(prog);
  if (!t) {
    t = buildTaskTable(prog);
    tables.set(prog, t);
  }
  return t;
}

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
      const raw = readTask(prog, layout, addr);
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

interface RawTask {
  address: bigint;
  pid: number;
  tgid: number;
  comm: string;
  cpu: number;
  state: number;
  flags: number;
  parent: bigint;
  realParent: bigint;
  mm: bigint;
  signal: bigint;
  startTime: bigint;
  utime: bigint;
  stime: bigint;
  lastArrival: bigint;
  cred: bigint;
  idle: boolean;
}

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

/** Reads the fields of one task_struct in one read of the span they occupy. */
function readTask(prog: Program, l: TaskLayout, addr: bigint): RawTask {
  const span = taskSpan(l);
  const bytes = prog.read(addr + BigInt(span.lo), span.hi - span.lo);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (off: number | undefined): number => (off === undefined ? 0 : dv.getUint32(off - span.lo, true));
  const s32 = (off: number): number => dv.getInt32(off - span.lo, true);
  const u64 = (off: number | undefined): bigint => (off === undefined ? 0n : dv.getBigUint64(off - span.lo, true));
  let comm = "";
  for (let i = 0; i < l.commLen; i++) {
    const c = bytes[l.comm - span.lo + i]!;
    if (c === 0) break;
    comm += String.fromCharCode(c);
  }
  const state = l.stateSize === 8 ? Number(u64(l.state) & 0xffffffffn) : u32(l.state);
  return {
    address: addr,
    pid: s32(l.pid),
    tgid: s32(l.tgid),
    comm,
    cpu: u32(l.cpu),
    state: (state | u32(l.exitState)) >>> 0,
    flags: u32(l.flags),
    parent: u64(l.parent),
    realParent: u64(l.realParent ?? l.parent),
    mm: u64(l.mm),
    signal: u64(l.signal),
    startTime: u64(l.startTime),
    utime: u64(l.utime),
    stime: u64(l.stime),
    lastArrival: u64(l.lastArrival),
    cred: u64(l.cred),
    idle: false,
  };
}

const spans = new WeakMap<TaskLayout, { lo: number; hi: number }>();

function taskSpan(l: TaskLayout): { lo: number; hi: number } {
  let s = spans.get(l);
  if (!s) {
    const offs = [l.pid, l.tgid, l.state, l.exitState, l.flags, l.parent, l.realParent, l.mm, l.signal, l.cpu, l.startTime, l.utime, l.stime, l.lastArrival, l.cred].filter((o): o is number => o !== undefined);
    s = { lo: Math.min(l.comm, ...offs), hi: Math.max(l.comm + l.commLen, ...offs.map((o) => o + 8)) };
    spans.set(l, s);
  }
  return s;
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
  const r = readTask(prog, taskLayout(prog), address);
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
