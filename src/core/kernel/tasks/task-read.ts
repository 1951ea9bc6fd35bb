// One task_struct read for the task table, in two depths over the same bytes: its links (pid, tgid, cpu,
// signal and the two list pointers the walk follows: tasks.next, and thread_node.next or thread_group.next),
// which is all the walk and the order need, and its row (every field a Task shows), read only for the tasks
// a query shows. Both read the same bytes, so a task whose links were read can have its row read, and a
// walk costs one visit per task. The members lie in two clusters (on 6.1: state, flags and thread_info.cpu
// in the first 0x30 bytes; the rest within 0x880..0xc08 of a 9.5 KiB struct): each is read as one span,
// which keeps a read inside one page most of the time (a view of the cached page, no copy). Offsets come
// from the declared layout (layout.ts), resolved once per Program; which member falls in which cluster
// does not matter to the result, only to the cost.
import type { MemberInfo } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";
import { TASK_LAYOUT } from "./layout";
import { wholeView } from "../../io/little-endian";
import type { Task } from "./tasks";

/**
 * A task as read, before the table knows its parent's pid and which tasks are active: a Task whose derived
 * fields (stateString, ppid, kernelThread, idle, active, panic) are placeholders, filled in place when the
 * table makes it its row (one object per task: a host's 10^5 rows are not made twice).
 */
export type RawTask = Task;

/**
 * What the index keeps of every task: what orders and groups it. One object per task of the dump (10^5 on a
 * large host), kept for the session: only the address is a BigInt, and what only the walk needs (the
 * pointers it follows, its loop marks) is in the walk's own arrays (TaskWalkState), gone after it: a host's
 * 50,000 tasks kept 5 MiB less, and the walk faulted in that much less fresh memory.
 */
export interface TaskLinks {
  address: bigint;
  /** The address's high and low 32 bits, `| 0`. */
  addrHi: number;
  addrLo: number;
  pid: number;
  tgid: number;
  cpu: number;
  /** One of the per-CPU idle tasks (set by the walk). */
  idle: boolean;
  /** The row's fields, when the walk read them with the links (a walk for the whole table). */
  raw: RawTask | undefined;
  /** The task's row, once made (tasks.ts: the table and the pages of the task tree share it). */
  task: Task | undefined;
}

/**
 * What the walk follows of each task, by the task's place in the order met (TaskAddressMap's): pointers as
 * 32-bit halves `| 0` (signed, as the engine stores small integers unboxed), grown as tasks are met.
 */
export class TaskWalkState {
  /** task_struct.signal. */
  signalHi: Int32Array;
  signalLo: Int32Array;
  /** tasks.next: the process list's next node. */
  tasksNextHi: Int32Array;
  tasksNextLo: Int32Array;
  /** thread_node.next (3.14+) or thread_group.next: the thread list's next node; 0 when neither exists. */
  threadNextHi: Int32Array;
  threadNextLo: Int32Array;
  /** Which list walk last passed the task (its loop check). */
  mark: Int32Array;

  constructor(capacity = 1024) {
    const n = Math.max(16, capacity);
    this.signalHi = new Int32Array(n);
    this.signalLo = new Int32Array(n);
    this.tasksNextHi = new Int32Array(n);
    this.tasksNextLo = new Int32Array(n);
    this.threadNextHi = new Int32Array(n);
    this.threadNextLo = new Int32Array(n);
    this.mark = new Int32Array(n);
  }

  /** Room for the task at place `at`. */
  ensure(at: number): void {
    if (at < this.mark.length) return;
    let n = this.mark.length * 2;
    while (n <= at) n *= 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.signalHi = grow(this.signalHi);
    this.signalLo = grow(this.signalLo);
    this.tasksNextHi = grow(this.tasksNextHi);
    this.tasksNextLo = grow(this.tasksNextLo);
    this.threadNextHi = grow(this.threadNextHi);
    this.threadNextLo = grow(this.threadNextLo);
    this.mark = grow(this.mark);
  }
}

/** The first members (state, flags, cpu) and the rest, read as two spans. */
const HEAD = ["state", "flags", "cpu"] as const;
const BODY = ["pid", "tgid", "comm", "exitState", "parent", "realParent", "mm", "signal", "startTime", "utime", "stime", "lastArrival", "cred", "tasks", "threadNode", "threadGroup"] as const;
type Field = (typeof HEAD)[number] | (typeof BODY)[number];

/** Where each field is in its span's bytes (-1: the kernel lacks it), and where the spans are in the struct. */
interface TaskReadPlan {
  headLo: number;
  headLen: number;
  headLoBig: bigint;
  bodyLo: number;
  bodyLoBig: bigint;
  bodyLen: number;
  at: Record<Field, number>;
  commLen: number;
  /** thread_node or thread_group, whichever list the thread walk follows. */
  threadAt: number;
}

function spanOf(members: Readonly<Record<string, MemberInfo | undefined>>, keys: readonly string[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = 0;
  for (const k of keys) {
    const m = members[k];
    if (!m) continue;
    lo = Math.min(lo, m.offset);
    hi = Math.max(hi, m.offset + m.size);
  }
  return lo === Infinity ? { lo: 0, hi: 0 } : { lo, hi };
}

const PLAN = perProgram((prog): TaskReadPlan => {
  const members = TASK_LAYOUT.members(prog) as Readonly<Record<string, MemberInfo | undefined>>;
  const head = spanOf(members, HEAD);
  const body = spanOf(members, BODY);
  const at = {} as Record<Field, number>;
  for (const k of HEAD) at[k] = members[k] ? members[k].offset - head.lo : -1;
  for (const k of BODY) at[k] = members[k] ? members[k].offset - body.lo : -1;
  return { headLo: head.lo, headLen: head.hi - head.lo, headLoBig: BigInt(head.lo), bodyLo: body.lo, bodyLoBig: BigInt(body.lo), bodyLen: body.hi - body.lo, at, commLen: members.comm?.size ?? 0, threadAt: at.threadNode >= 0 ? at.threadNode : at.threadGroup };
});

/** A u64 field at `off` of bytes starting at `base` in `v` (0n where the kernel lacks the member). */
function u64(v: DataView, base: number, off: number): bigint {
  return off < 0 ? 0n : v.getBigUint64(base + off, true);
}

/** A u32 field, 0 where the kernel lacks the member. */
function u32(v: DataView, base: number, off: number): number {
  return off < 0 ? 0 : v.getUint32(base + off, true);
}

/** Reads one task_struct's row fields (two reads); a failed read throws its KdwError. */
export function readRawTask(prog: Program, addr: bigint): RawTask {
  const p = PLAN.of(prog);
  return decodeRow(p, addr, prog.read(addr + p.headLoBig, p.headLen), prog.read(addr + p.bodyLoBig, p.bodyLen));
}

function decodeRow(p: TaskReadPlan, addr: bigint, head: Uint8Array, body: Uint8Array): RawTask {
  const a = p.at;
  const h = wholeView(head);
  const hb = head.byteOffset;
  const cpu = u32(h, hb, a.cpu);
  const state = u32(h, hb, a.state);
  const flags = u32(h, hb, a.flags);
  const b = wholeView(body);
  const bb = body.byteOffset;
  let comm = "";
  if (a.comm >= 0) {
    for (let i = a.comm, end = a.comm + p.commLen; i < end; i++) {
      const c = body[i]!;
      if (c === 0) break;
      comm += String.fromCharCode(c);
    }
  }
  const parent = u64(b, bb, a.parent);
  return {
    address: addr,
    pid: a.pid < 0 ? 0 : b.getInt32(bb + a.pid, true),
    tgid: a.tgid < 0 ? 0 : b.getInt32(bb + a.tgid, true),
    comm,
    cpu,
    state: (state | u32(b, bb, a.exitState)) >>> 0,
    stateString: "",
    flags,
    parent,
    realParent: a.realParent < 0 ? parent : u64(b, bb, a.realParent),
    ppid: -1,
    mm: u64(b, bb, a.mm),
    kernelThread: false,
    idle: false,
    active: false,
    panic: false,
    startTime: u64(b, bb, a.startTime),
    utime: u64(b, bb, a.utime),
    stime: u64(b, bb, a.stime),
    lastArrival: u64(b, bb, a.lastArrival),
    cred: u64(b, bb, a.cred),
  };
}

/** A u64 field's high or low half `| 0` (0 where the kernel lacks the member). */
function half(v: DataView, base: number, off: number, high: number): number {
  return off < 0 ? 0 : v.getInt32(base + off + high, true);
}

/**
 * Reads one task_struct's links: the same two reads as readRawTask (so the same tasks fail), decoding only
 * what the walk needs (the pointers it follows into `walk` at place `at`), and its row too `withRow` (a
 * walk for the whole table reads each page once: on a compressed dump, a second pass would decompress the
 * pages again). This runs once per task of the dump: no closures, no view per read, one BigInt (the
 * address, given).
 */
export function readTaskLinks(prog: Program, addr: bigint, addrHi: number, addrLo: number, withRow: boolean, walk: TaskWalkState, at: number): TaskLinks {
  const p = PLAN.of(prog);
  const a = p.at;
  const head = prog.read(addr + p.headLoBig, p.headLen);
  const body = prog.read(addr + p.bodyLoBig, p.bodyLen);
  const cpu = u32(wholeView(head), head.byteOffset, a.cpu);
  const b = wholeView(body);
  const bb = body.byteOffset;
  walk.ensure(at);
  walk.signalHi[at] = half(b, bb, a.signal, 4);
  walk.signalLo[at] = half(b, bb, a.signal, 0);
  walk.tasksNextHi[at] = half(b, bb, a.tasks, 4);
  walk.tasksNextLo[at] = half(b, bb, a.tasks, 0);
  walk.threadNextHi[at] = half(b, bb, p.threadAt, 4);
  walk.threadNextLo[at] = half(b, bb, p.threadAt, 0);
  walk.mark[at] = 0;
  return {
    address: addr,
    addrHi,
    addrLo,
    pid: a.pid < 0 ? 0 : b.getInt32(bb + a.pid, true),
    tgid: a.tgid < 0 ? 0 : b.getInt32(bb + a.tgid, true),
    cpu,
    idle: false,
    raw: withRow ? decodeRow(p, addr, head, body) : undefined,
    task: undefined,
  };
}
