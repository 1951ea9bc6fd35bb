// The walk of the task table (task.c refresh_*_task_table, sort_context_array): the per-CPU idle tasks
// (init_task on CPU 0, rq->idle on the others), then the process list (init_task.tasks) and each leader's
// thread list (signal->thread_head through thread_node; thread_group before 3.14), each task's links read
// once (task-read.ts). What it keeps of a task is what orders and groups it (pid, tgid, cpu): the index a
// page of the task tree needs, in crash's order, without reading the rest of 50,000 rows; tasks.ts reads
// the rows. Every walk is bounded; a corrupt list keeps what was read and records where it stopped.
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import { runqueues, type Runqueue } from "./sched";
import { taskLayout, type TaskLayout } from "./layout";
import { readTaskLinks, type RawTask, type TaskLinks } from "./task-read";

/** Most tasks a walk will list; a dump claiming more is treated as corrupt past this point. */
export const MAX_TASKS = 1 << 20;

export interface TaskWalkOptions {
  /** Steps allowed to each list walk (default: MAX_TASKS). */
  budget?: number;
  /** Where to keep each task's row, read with its links (when the whole table is wanted). */
  rows?: Map<bigint, RawTask>;
}

export interface TaskIndex {
  /** In crash's order: by pid, the idle tasks (pid 0) by CPU. */
  tasks: readonly TaskLinks[];
  byAddress: ReadonlyMap<bigint, TaskLinks>;
  /** Where a walk stopped early (loop, bad pointer, budget): the tasks before it are in `tasks`. */
  problems: readonly WalkAborted[];
  runqueues: readonly Runqueue[];
  /** The first task with pid 0 and with pid 1 in the order the walk met them (crash's kernel-thread check). */
  firstIdle: bigint | undefined;
  firstInit: bigint | undefined;
}

/** Walks the task lists (tasks.ts keeps the index per Program; tests walk corrupted memory through buildTaskTable). */
export function buildTaskIndex(prog: Program, options: TaskWalkOptions = {}): TaskIndex {
  const layout = taskLayout(prog);
  const problems: WalkAborted[] = [];
  const rqs = safeRunqueues(prog, problems);
  const found = new Map<bigint, TaskLinks>();
  const initTask = prog.symbolAddress("init_task");

  /** A task not yet in `found`, read and added; the error when it cannot be (null: the index is full). */
  const readNew = (addr: bigint): TaskLinks | KdwError | null => {
    if (found.size >= MAX_TASKS) return null;
    try {
      const links = readTaskLinks(prog, addr, options.rows);
      found.set(addr, links);
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
    const got = found.get(addr) ?? readNew(addr);
    if (got === null || got instanceof KdwError) return reportUnread(addr, got);
    got.idle = true;
  };
  if (rqs.length === 0) addIdle(initTask);
  for (const rq of rqs) {
    const idle = rq.idle !== 0n ? rq.idle : rq.cpu === 0 ? initTask : 0n;
    if (idle !== 0n) addIdle(idle);
  }

  // The process list, then each process's threads.
  const walk: TaskListWalk = { prog, found, readNew, reportUnread, budget: options.budget ?? MAX_TASKS, mark: 0 };
  const leaders: TaskLinks[] = [];
  try {
    walkTaskList(walk, initTask + BigInt(layout.tasks), layout.tasks, leaders);
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
  const threadHead = layout.signalThreadHead !== undefined ? BigInt(layout.signalThreadHead) : 0n;
  for (const leader of leaders) walkThreads(walk, layout, threadHead, leader, problems);

  const met = [...found.values()];
  const tasks = [...met].sort((a, b) => (a.pid === 0 && b.pid === 0 ? a.cpu - b.cpu : a.pid - b.pid));
  return { tasks, byAddress: found, problems, runqueues: rqs, firstIdle: met.find((t) => t.pid === 0)?.address, firstInit: met.find((t) => t.pid === 1)?.address };
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
  found: Map<bigint, TaskLinks>;
  readNew: (addr: bigint) => TaskLinks | KdwError | null;
  reportUnread: (addr: bigint, why: KdwError | null) => void;
  budget: number;
  /** The last walk's mark (each walk marks the tasks it passes: its loop check). */
  mark: number;
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
 * reported as that task and ends the walk. No closures and no strings made unless it fails: this loop runs
 * once per task.
 */
function walkTaskList(w: TaskListWalk, head: bigint, off: number, leaders?: TaskLinks[], leader?: TaskLinks): void {
  const mark = ++w.mark;
  const offset = BigInt(off);
  let node = readListWord(w.prog, head, leader, "head", 0);
  let steps = 0;
  while (node !== head) {
    if (steps >= w.budget) throw new WalkAborted(walkName(leader), `step budget of ${w.budget} exhausted`, steps);
    const addr = node - offset;
    let links = w.found.get(addr);
    if (links !== undefined && links.mark === mark) throw new WalkAborted(walkName(leader), `loop at ${node.toString(16)}`, steps);
    if (node === 0n) throw new WalkAborted(walkName(leader), "NULL next pointer", steps);
    if (links === undefined) {
      const got = w.readNew(addr);
      if (got === null || got instanceof KdwError) {
        readListWord(w.prog, node, leader, "node", steps);
        w.reportUnread(addr, got);
        throw new WalkAborted(walkName(leader), `unreadable task ${addr.toString(16)}`, leaders ? steps : 0);
      }
      links = got;
    }
    links.mark = mark;
    leaders?.push(links);
    steps++;
    node = leaders ? links.tasksNext : links.threadNext;
  }
}

/** The next pointer at a list head or node; unreadable, it ends the walk as listForEachEntry would. */
function readListWord(prog: Program, at: bigint, leader: TaskLinks | undefined, kind: "head" | "node", steps: number): bigint {
  try {
    return prog.readU64(at);
  } catch (err) {
    if (err instanceof KdwError) throw new WalkAborted(walkName(leader), `${kind} ${at.toString(16)}: ${err.message}`, steps);
    throw err;
  }
}

/** The threads of a thread group (for_each_thread: signal->thread_head through thread_node). */
function walkThreads(w: TaskListWalk, l: TaskLayout, threadHead: bigint, leader: TaskLinks, problems: WalkAborted[]): void {
  let head: bigint;
  let off: number;
  if (l.threadNode !== undefined && l.signalThreadHead !== undefined) {
    if (leader.signal === 0n) return;
    head = leader.signal + threadHead;
    off = l.threadNode;
  } else if (l.threadGroup !== undefined) {
    // The older circular list through the leader itself: its own entry is the head.
    head = leader.address + BigInt(l.threadGroup);
    off = l.threadGroup;
  } else return;
  try {
    walkTaskList(w, head, off, undefined, leader);
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
}
