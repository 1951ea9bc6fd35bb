// crash's `bt -v` (task.c check_stack_overflow): signs that a task overran its kernel stack. With the
// thread_info in the task_struct (x86 since 4.9) the one sign is the word at the stack's lowest address,
// which the kernel sets to STACK_END_MAGIC (include/uapi/linux/magic.h) when it creates the stack
// (set_task_stack_end_magic) and which an overflow overwrites. Before that, thread_info at the stack's base
// also had to point back at the task and name a CPU that exists. init_task's stack is the static
// init_stack, never marked; crash skips it.
import { KdwError } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { cpuCount } from "./sched";
import { taskTable, type Task } from "./tasks";

export const STACK_END_MAGIC = 0x57ac6e9dn;

const OVERFLOW_LAYOUT = layout({
  stack: optional("task_struct.stack"),
  tiInTask: optional("task_struct.thread_info"),
  tiTask: optional("thread_info.task"),
  tiCpu: optional("thread_info.cpu"),
});

export interface StackOverflowSign {
  task: Task;
  /** crash's lines after the task header ("possible stack overflow: ..."). */
  signs: string[];
}

/** The tasks whose stack shows an overflow, in task order; none when every stack is intact. */
export function stackOverflows(prog: Program): StackOverflowSign[] {
  const l = OVERFLOW_LAYOUT.of(prog);
  const m = OVERFLOW_LAYOUT.members(prog);
  const inTask = m.tiInTask?.kind === "struct";
  const ncpus = cpuCount(prog);
  const init = prog.hasSymbol("init_task") ? prog.symbolAddress("init_task") : undefined;
  const out: StackOverflowSign[] = [];
  if (l.stack === undefined) return out;
  const stackOff = BigInt(l.stack);
  const endOf = (t: Task): bigint => {
    const base = prog.readU64(t.address + stackOff);
    return inTask ? base : base + BigInt(prog.sizeOf("struct thread_info"));
  };
  // crash looks for the magic only on kernels that use it: some task's stack must carry it.
  const tasks = taskTable(prog).tasks;
  const magicInUse = tasks.some((t) => {
    try {
      return prog.readU64(endOf(t)) === STACK_END_MAGIC;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return false;
    }
  });
  for (const t of tasks) {
    const signs: string[] = [];
    try {
      const base = prog.readU64(t.address + stackOff);
      if (!inTask) {
        // thread_info at the stack's base (before THREAD_INFO_IN_TASK).
        if (l.tiTask !== undefined) {
          const owner = prog.readU64(base + BigInt(l.tiTask));
          if (owner !== t.address) signs.push(`possible stack overflow: thread_info.task: ${owner.toString(16)} != ${t.address.toString(16)}`);
        }
        if (l.tiCpu !== undefined) {
          const cpu = prog.readU32(base + BigInt(l.tiCpu));
          if (cpu >= ncpus) signs.push(`possible stack overflow: thread_info.cpu: ${cpu} >= ${ncpus}`);
        }
      }
      const at = endOf(t);
      if (magicInUse && !(t.pid === 0 && (init === undefined || t.address === init))) {
        const magic = prog.readU64(at);
        if (magic !== STACK_END_MAGIC) signs.push(`possible stack overflow: ${at.toString(16)}: ${magic.toString(16)} != STACK_END_MAGIC`);
      }
    } catch (err) {
      // crash goes on with the next task when a stack cannot be read (RETURN_ON_ERROR).
      if (!(err instanceof KdwError)) throw err;
    }
    if (signs.length) out.push({ task: t, signs });
  }
  return out;
}
