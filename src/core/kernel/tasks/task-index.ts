// The walk of the task table (task.c refresh_*_task_table, sort_context_array): the per-CPU idle tasks
// (init_task on CPU 0, rq->idle on the others), then the process list (init_task.tasks) and each leader's
// thread list (signal->thread_head through thread_node; thread_group before 3.14), each task's links read
// once (task-read.ts). What it keeps of a task is what orders and groups it (pid, tgid, cpu): the index a
// page of the task tree needs, in crash's order, without reading the rest of 50,000 rows; tasks.ts reads
// the rows. Every walk is bounded; a corrupt list keeps what was read and records where it stopped.
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import { wholeView } from "../../io/little-endian";
import { runqueues, type Runqueue } from "./sched";
import { taskLayout, type TaskLayout } from "./layout";
import { readTaskLinks, TaskWalkState, type TaskLinks } from "./task-read";

/** Most tasks a walk will list; a dump claiming more is treated as corrupt past this point. */
export const MAX_TASKS = 1 << 20;

export interface TaskWalkOptions {
  /** Steps allowed to each list walk (default: MAX_TASKS). */
  budget?: number;
  /** Read each task's row with its links (TaskLinks.raw: when the whole table is wanted). */
  rows?: boolean;
}

export interface TaskIndex {
  /** In crash's order: by pid, the idle tasks (pid 0) by CPU. */
  tasks: readonly TaskLinks[];
  byAddress: TaskAddresses;
  /** Where a walk stopped early (loop, bad pointer, budget): the tasks before it are in `tasks`. */
  problems: readonly WalkAborted[];
  runqueues: readonly Runqueue[];
  /** The first task with pid 0 and with pid 1 in the order the walk met them (crash's kernel-thread check). */
  firstIdle: bigint | undefined;
  firstInit: bigint | undefined;
}

/** The tasks of an index by address. */
export interface TaskAddresses {
  get(address: bigint): TaskLinks | undefined;
  readonly size: number;
}

/**
 * Tasks by address, in the order added: an open-addressing hash table of the addresses' 32-bit halves in
 * typed arrays (the walk looks up every node it passes; a Map costs several times more, and with BigInt
 * keys more again). Doubles when half full.
 */
export class TaskAddressMap implements TaskAddresses {
  /** The tasks in the order added. */
  readonly items: TaskLinks[] = [];
  private cap: number;
  private hiKeys: Int32Array;
  private loKeys: Int32Array;
  /** Index in `items` plus one; 0 for an empty slot. */
  private slots: Int32Array;

  /** `expected`: how many tasks the walk expects (a hint: room for them at most half full; it grows past it). */
  constructor(expected = 0) {
    let cap = 1 << 12;
    while (cap < 2 * Math.min(expected, PRESIZE_MAX)) cap *= 2;
    this.cap = cap;
    this.hiKeys = new Int32Array(cap);
    this.loKeys = new Int32Array(cap);
    this.slots = new Int32Array(cap);
  }

  get size(): number {
    return this.items.length;
  }

  private slotOf(hi: number, lo: number): number {
    const mask = this.cap - 1;
    let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 7;
    for (;;) {
      h &= mask;
      const v = this.slots[h]!;
      if (v === 0 || (this.loKeys[h] === lo && this.hiKeys[h] === hi)) return h;
      h++;
    }
  }

  /** The task at the address with these halves (`| 0`). */
  at(hi: number, lo: number): TaskLinks | undefined {
    const v = this.slots[this.slotOf(hi, lo)]!;
    return v === 0 ? undefined : this.items[v - 1];
  }

  /** The place in `items` of the task at the address with these halves; -1 when there is none. */
  indexOf(hi: number, lo: number): number {
    return this.slots[this.slotOf(hi, lo)]! - 1;
  }

  get(address: bigint): TaskLinks | undefined {
    return this.at(Number(BigInt.asIntN(32, address >> 32n)), Number(BigInt.asIntN(32, address)));
  }

  /** Adds a task whose address is not in the map yet. */
  add(t: TaskLinks): void {
    if (2 * (this.items.length + 1) > this.cap) this.grow();
    this.items.push(t);
    this.put(t.addrHi, t.addrLo, this.items.length);
  }

  private put(hi: number, lo: number, v: number): void {
    const h = this.slotOf(hi, lo);
    this.hiKeys[h] = hi;
    this.loKeys[h] = lo;
    this.slots[h] = v;
  }

  private grow(): void {
    this.cap *= 2;
    this.hiKeys = new Int32Array(this.cap);
    this.loKeys = new Int32Array(this.cap);
    this.slots = new Int32Array(this.cap);
    const items = this.items;
    for (let i = 0; i < items.length; i++) this.put(items[i]!.addrHi, items[i]!.addrLo, i + 1);
  }
}

/** The most tasks a walk makes room for before it starts, whatever the dump's nr_threads says. */
const PRESIZE_MAX = 1 << 18;

/**
 * The kernel's own count of its tasks (nr_threads, the idle tasks aside) plus the CPUs' idle tasks: how much
 * room the walk makes in advance (0 when unreadable). Only a size: the walk finds what it finds.
 */
function expectedTasks(prog: Program, cpus: number): number {
  try {
    if (!prog.hasSymbol("nr_threads")) return 0;
    const n = prog.readS32(prog.symbolAddress("nr_threads"));
    return n > 0 ? n + cpus : 0;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return 0;
  }
}

/** The low half (`| 0`) of (hi:lo) - off, for 0 <= off < 2^32: list_entry()'s container address. */
export function containerLo(lo: number, off: number): number {
  return ((lo >>> 0) - off) | 0;
}

/** The high half (`| 0`) of (hi:lo) - off: one less when the low half borrows. */
export function containerHi(hi: number, lo: number, off: number): number {
  return (lo >>> 0) < off ? (hi - 1) | 0 : hi;
}

/** A 64-bit value from its halves (either signed or unsigned). */
function fromHalves(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Walks the task lists (tasks.ts keeps the index per Program; tests walk corrupted memory through buildTaskTable). */
export function buildTaskIndex(prog: Program, options: TaskWalkOptions = {}): TaskIndex {
  const layout = taskLayout(prog);
  const problems: WalkAborted[] = [];
  const rqs = safeRunqueues(prog, problems);
  /** The tasks found, in the order the walk met them; what the walk follows of each, by the same place. */
  const expected = expectedTasks(prog, rqs.length);
  const found = new TaskAddressMap(expected);
  const state = new TaskWalkState(Math.min(expected, PRESIZE_MAX) + 16);
  const met = found.items;
  const initTask = prog.symbolAddress("init_task");

  /** A task not yet found, read and added; the error when it cannot be (null: the index is full). */
  const readNew = (addr: bigint, hi: number, lo: number): TaskLinks | KdwError | null => {
    if (found.size >= MAX_TASKS) return null;
    try {
      const links = readTaskLinks(prog, addr, hi, lo, options.rows === true, state, found.size);
      found.add(links);
      return links;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return err;
    }
  };
  const reportUnread = (addr: bigint, why: KdwError | null): void => {
    if (why !== null) problems.push(new WalkAborted(`task ${addr.toString(16)}`, why.message, 0));
    else if (!problems.some((p) => p.what === "task table")) problems.push(new WalkAborted("task table", `more than ${MAX_TASKS} tasks`, found.size));
  };

  // Idle tasks first (crash: tt->idle_threads from the runqueues; CPU 0's is init_task).
  const addIdle = (addr: bigint): void => {
    const hi = Number(BigInt.asIntN(32, addr >> 32n));
    const lo = Number(BigInt.asIntN(32, addr));
    const got = found.at(hi, lo) ?? readNew(addr, hi, lo);
    if (got === null || got instanceof KdwError) return reportUnread(addr, got);
    got.idle = true;
  };
  if (rqs.length === 0) addIdle(initTask);
  for (const rq of rqs) {
    const idle = rq.idle !== 0n ? rq.idle : rq.cpu === 0 ? initTask : 0n;
    if (idle !== 0n) addIdle(idle);
  }

  // The process list, then each process's threads.
  const walk: TaskListWalk = { prog, found, state, readNew, reportUnread, budget: options.budget ?? MAX_TASKS, mark: 0, hi: 0, hiBig: 0n, wordHi: 0, wordLo: 0 };
  /** The process list's tasks, by their place in `found`. */
  const leaders: number[] = [];
  try {
    const head = initTask + BigInt(layout.tasks);
    walkTaskList(walk, head, Number(BigInt.asIntN(32, head >> 32n)), Number(BigInt.asIntN(32, head)), layout.tasks, leaders);
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
  for (const at of leaders) walkThreads(walk, layout, at, problems);

  return { tasks: byPid(met), byAddress: found, problems, runqueues: rqs, firstIdle: met.find((t) => t.pid === 0)?.address, firstInit: met.find((t) => t.pid === 1)?.address };
}

/** Ranks below 2^20 (MAX_TASKS) in a sort key whose upper part is the pid. */
const RANK = 2 ** 20;

/**
 * The tasks in crash's order (sort_context_array): by pid, the idle tasks by CPU, ties otherwise in the order
 * met. Sorted as numbers (pid and rank in one exact key), not through a comparator called 10^6 times.
 */
export function byPid(met: readonly TaskLinks[]): TaskLinks[] {
  const idle = met.filter((t) => t.pid === 0).sort((a, b) => a.cpu - b.cpu);
  const keys = new Float64Array(met.length);
  let n = 0;
  for (let j = 0; j < idle.length; j++) keys[n++] = 2 ** 31 * RANK + j;
  for (let i = 0; i < met.length; i++) {
    const pid = met[i]!.pid;
    if (pid !== 0) keys[n++] = (pid + 2 ** 31) * RANK + i;
  }
  keys.sort();
  const out: TaskLinks[] = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const pidPart = Math.floor(key / RANK);
    const rank = key - pidPart * RANK;
    out.push(pidPart === 2 ** 31 ? idle[rank]! : met[rank]!);
  }
  return out;
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

/** What the list walks share: the tasks found so far and how to read a new one. */
interface TaskListWalk {
  prog: Program;
  found: TaskAddressMap;
  state: TaskWalkState;
  readNew: (addr: bigint, hi: number, lo: number) => TaskLinks | KdwError | null;
  reportUnread: (addr: bigint, why: KdwError | null) => void;
  budget: number;
  /** The last walk's mark (each walk marks the tasks it passes: its loop check). */
  mark: number;
  /** The high half last made a BigInt, and that BigInt shifted (tasks mostly share their high 32 bits). */
  hi: number;
  hiBig: bigint;
  /** The list word readListWord read last. */
  wordHi: number;
  wordLo: number;
}

/** The walk's name in its messages: the process list, or the thread list of a leader. */
function walkName(leader: TaskLinks | undefined): string {
  return leader ? `thread list of pid ${leader.pid} (task ${leader.address.toString(16)})` : "task list (init_task.tasks)";
}

/**
 * list_for_each_entry over task_structs linked through the member at `off`, from the list head at `head`:
 * with `leaders`, the process list (tasks), whose entries it collects; else the thread list of `leader`.
 * Each task is read once and its next node taken from that read. The checks, their order and their
 * messages are listForEachEntry's (program/list.ts), then the caller's for a task it cannot read: an
 * unreadable next pointer ends the walk on its node; a readable node whose task_struct cannot be read is
 * reported as that task and ends the walk. This loop runs once per task: pointers as 32-bit halves, no
 * closure, no string and no BigInt but a new task's address, unless it fails.
 */
function walkTaskList(w: TaskListWalk, head: bigint, headHi: number, headLo: number, off: number, leaders?: number[], leader?: TaskLinks): void {
  const mark = ++w.mark;
  const s = w.state;
  readListWord(w, head, leader, "head", 0);
  let nodeHi = w.wordHi;
  let nodeLo = w.wordLo;
  let steps = 0;
  while (nodeHi !== headHi || nodeLo !== headLo) {
    if (steps >= w.budget) throw new WalkAborted(walkName(leader), `step budget of ${w.budget} exhausted`, steps);
    // addr = node - off, in halves with the borrow (containerLo/containerHi).
    const lo = containerLo(nodeLo, off);
    const hi = containerHi(nodeHi, nodeLo, off);
    let at = w.found.indexOf(hi, lo);
    if (at >= 0 && s.mark[at] === mark) throw new WalkAborted(walkName(leader), `loop at ${fromHalves(nodeHi, nodeLo).toString(16)}`, steps);
    if (nodeHi === 0 && nodeLo === 0) throw new WalkAborted(walkName(leader), "NULL next pointer", steps);
    if (at < 0) {
      const addr = bigOf(w, hi, lo);
      const got = w.readNew(addr, hi, lo);
      if (got === null || got instanceof KdwError) {
        readListWord(w, fromHalves(nodeHi, nodeLo), leader, "node", steps);
        w.reportUnread(addr, got);
        throw new WalkAborted(walkName(leader), `unreadable task ${addr.toString(16)}`, leaders ? steps : 0);
      }
      at = w.found.size - 1;
    }
    s.mark[at] = mark;
    leaders?.push(at);
    steps++;
    if (leaders) {
      nodeHi = s.tasksNextHi[at]!;
      nodeLo = s.tasksNextLo[at]!;
    } else {
      nodeHi = s.threadNextHi[at]!;
      nodeLo = s.threadNextLo[at]!;
    }
  }
}

/** A 64-bit value from its halves, the high half's BigInt kept from the last call (tasks mostly share it). */
function bigOf(w: TaskListWalk, hi: number, lo: number): bigint {
  if (hi !== w.hi || w.hiBig === 0n) {
    w.hi = hi;
    w.hiBig = BigInt(hi >>> 0) << 32n;
  }
  return w.hiBig + BigInt(lo >>> 0);
}

/**
 * The next pointer at a list head or node, as halves into w.wordHi and w.wordLo; unreadable, it ends the
 * walk as listForEachEntry would.
 */
function readListWord(w: TaskListWalk, at: bigint, leader: TaskLinks | undefined, kind: "head" | "node", steps: number): void {
  let b: Uint8Array;
  try {
    b = w.prog.read(at, 8);
  } catch (err) {
    if (err instanceof KdwError) throw new WalkAborted(walkName(leader), `${kind} ${at.toString(16)}: ${err.message}`, steps);
    throw err;
  }
  const v = wholeView(b);
  w.wordLo = v.getInt32(b.byteOffset, true);
  w.wordHi = v.getInt32(b.byteOffset + 4, true);
}

/** The threads of a thread group (for_each_thread: signal->thread_head through thread_node); the leader by its place in `found`. */
function walkThreads(w: TaskListWalk, l: TaskLayout, at: number, problems: WalkAborted[]): void {
  const leader = w.found.items[at]!;
  let off: number;
  let list: number;
  let baseHi: number;
  let baseLo: number;
  if (l.threadNode !== undefined && l.signalThreadHead !== undefined) {
    const signalHi = w.state.signalHi[at]!;
    const signalLo = w.state.signalLo[at]!;
    if (signalHi === 0 && signalLo === 0) return;
    baseHi = signalHi;
    baseLo = signalLo;
    list = l.signalThreadHead;
    off = l.threadNode;
  } else if (l.threadGroup !== undefined) {
    // The older circular list through the leader itself: its own entry is the head.
    baseHi = leader.addrHi;
    baseLo = leader.addrLo;
    list = l.threadGroup;
    off = l.threadGroup;
  } else return;
  // The head's address, in halves with the carry, and as a BigInt to read it.
  const sum = (baseLo >>> 0) + list;
  const headLo = sum | 0;
  const headHi = sum >= 2 ** 32 ? (baseHi + 1) | 0 : baseHi;
  const head = bigOf(w, baseHi, baseLo) + BigInt(list);
  try {
    walkTaskList(w, head, headHi, headLo, off, undefined, leader);
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
}
