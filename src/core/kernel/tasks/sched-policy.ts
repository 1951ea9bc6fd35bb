// A task's scheduling policy (task_struct.policy: SCHED_NORMAL, SCHED_FIFO, ... include/uapi/linux/sched.h)
// and the saved kernel stack pointer of a task that is not running (task_struct.thread.sp on x86_64: where
// __switch_to_asm left its inactive_task_frame), what crash's `ps -y` filters on and `ps -s` shows.
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import type { Task } from "./tasks";

const SCHED_LAYOUT = layout({
  policy: "task_struct.policy",
  threadSp: optional("task_struct.thread.sp"),
});

/** crash's sched_policy_info: the policies by their uapi values. */
export const SCHED_POLICIES = ["NORMAL", "FIFO", "RR", "BATCH", "ISO", "IDLE", "DEADLINE"] as const;

/** task_struct.policy (unsigned int). */
export function taskPolicy(prog: Program, task: Task): number {
  return prog.readU32(task.address + BigInt(SCHED_LAYOUT.of(prog).policy));
}

/** task_struct.thread.sp, or undefined when the kernel's thread_struct has no sp. */
export function taskThreadSp(prog: Program, task: Task): bigint | undefined {
  const off = SCHED_LAYOUT.of(prog).threadSp;
  return off === undefined ? undefined : prog.readU64(task.address + BigInt(off));
}
