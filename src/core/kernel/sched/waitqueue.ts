// Wait queues (include/linux/wait.h): a wait_queue_head holds a list of wait_queue_entry, each with the
// task (or other object) in `private` and the function that wakes it. Names that moved: before 4.13 the
// head was struct __wait_queue_head { task_list } and the entry struct __wait_queue { task_list }. A poll
// or select waiter's private is its struct poll_wqueues (fs/select.c pollwake), whose polling_task is the
// task. The walk is bounded and stops at a loop or an unreadable entry, keeping what it read.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, optional, variants } from "../../program/layout";
import type { Program } from "../../program/program";

/** Entries beyond this on one queue mean a corrupt list (thundering herds are thousands, not millions). */
const MAX_WAITERS = 1 << 16;

const WAITQ = layout({
  head: variants({ head: "wait_queue_head.head", task_list: "__wait_queue_head.task_list" }),
  entry: variants({ entry: "wait_queue_entry.entry", task_list: "__wait_queue.task_list" }),
  private: variants({ entry: "wait_queue_entry.private", task_list: "__wait_queue.private" }),
  func: optional("wait_queue_entry.func", "__wait_queue.func"),
  flags: optional("wait_queue_entry.flags", "__wait_queue.flags"),
  pollingTask: optional("poll_wqueues.polling_task"),
});

export interface WaitQueueEntry {
  /** The struct wait_queue_entry. */
  address: bigint;
  /** wait_queue_entry.private: a task_struct for most sleepers. */
  private: bigint;
  func: bigint;
  flags: number;
}

export interface WaitQueue {
  /** The wait_queue_head. */
  head: bigint;
  entries: WaitQueueEntry[];
  /** Why the walk stopped early; the entries before it are in `entries`. */
  problem?: WalkAborted;
}

/** The entries queued on the wait_queue_head at `head`, in queue order. */
export function waitQueueEntries(prog: Program, head: bigint): WaitQueue {
  const l = WAITQ.of(prog);
  const listHead = head + BigInt(l.head);
  const out: WaitQueue = { head, entries: [] };
  const seen = new Set<bigint>();
  let node = listHead;
  try {
    node = prog.readU64(listHead);
    while (node !== listHead) {
      if (node === 0n) throw new WalkAborted("wait queue", "NULL next pointer", out.entries.length);
      if (seen.has(node)) throw new WalkAborted("wait queue", `loop at ${node.toString(16)}`, out.entries.length);
      if (seen.size >= MAX_WAITERS) throw new WalkAborted("wait queue", `more than ${MAX_WAITERS} entries`, out.entries.length);
      seen.add(node);
      const entry = node - BigInt(l.entry);
      out.entries.push({
        address: entry,
        private: prog.readU64(entry + BigInt(l.private)),
        func: l.func !== undefined ? prog.readU64(entry + BigInt(l.func)) : 0n,
        flags: l.flags !== undefined ? prog.readU32(entry + BigInt(l.flags)) : 0,
      });
      node = prog.readU64(node);
    }
  } catch (err) {
    if (err instanceof WalkAborted) out.problem = err;
    else if (err instanceof KdwError) out.problem = new WalkAborted("wait queue", `entry at ${node.toString(16)}: ${err.message}`, out.entries.length);
    else throw err;
  }
  return out;
}

/** The task a poll/select waiter stands for: poll_wqueues.polling_task of its private (fs/select.c). */
export function pollingTask(prog: Program, pollWqueues: bigint): bigint | undefined {
  const off = WAITQ.of(prog).pollingTask;
  if (off === undefined) return undefined;
  try {
    return prog.readU64(pollWqueues + BigInt(off));
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}
