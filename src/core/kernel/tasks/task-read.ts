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

/** A task as read, before the table knows its parent's pid and which tasks are active. */
export interface RawTask {
  address: bigint;
  pid: number;
  tgid: number;
  /** task_struct.comm as Latin-1. */
  comm: string;
  cpu: number;
  /** __state | exit_state (a long __state by its low 32 bits, as crash's task_state()). */
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
}

/** What the table's walk reads of every task: its place in the lists, and what orders and groups it. */
export interface TaskLinks {
  address: bigint;
  pid: number;
  tgid: number;
  cpu: number;
  /** One of the per-CPU idle tasks (set by the walk). */
  idle: boolean;
  signal: bigint;
  /** tasks.next: the process list's next node. */
  tasksNext: bigint;
  /** thread_node.next (3.14+) or thread_group.next: the thread list's next node; 0n when neither exists. */
  threadNext: bigint;
  /** Which walk last passed this task (the walk's loop check). */
  mark: number;
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
    flags,
    parent,
    realParent: a.realParent < 0 ? parent : u64(b, bb, a.realParent),
    mm: u64(b, bb, a.mm),
    signal: u64(b, bb, a.signal),
    startTime: u64(b, bb, a.startTime),
    utime: u64(b, bb, a.utime),
    stime: u64(b, bb, a.stime),
    lastArrival: u64(b, bb, a.lastArrival),
    cred: u64(b, bb, a.cred),
  };
}

/**
 * Reads one task_struct's links: the same two reads as readRawTask (so the same tasks fail), decoding only
 * what the walk needs, and its row too into `rows` when given (a walk for the whole table reads each page
 * once: on a compressed dump, a second pass would decompress the pages again). This runs once per task of
 * the dump: no closures, no view per read.
 */
export function readTaskLinks(prog: Program, addr: bigint, rows?: Map<bigint, RawTask>): TaskLinks {
  const p = PLAN.of(prog);
  const a = p.at;
  const head = prog.read(addr + p.headLoBig, p.headLen);
  const body = prog.read(addr + p.bodyLoBig, p.bodyLen);
  if (rows) rows.set(addr, decodeRow(p, addr, head, body));
  const cpu = u32(wholeView(head), head.byteOffset, a.cpu);
  const b = wholeView(body);
  const bb = body.byteOffset;
  return {
    address: addr,
    pid: a.pid < 0 ? 0 : b.getInt32(bb + a.pid, true),
    tgid: a.tgid < 0 ? 0 : b.getInt32(bb + a.tgid, true),
    cpu,
    idle: false,
    signal: u64(b, bb, a.signal),
    tasksNext: u64(b, bb, a.tasks),
    threadNext: u64(b, bb, p.threadAt),
    mark: 0,
  };
}
