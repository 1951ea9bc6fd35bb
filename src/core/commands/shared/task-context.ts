// crash's show_context (task.c): the PID, COMMAND, TASK, CPU and STATE block that `set` prints, that the
// console prints at start-up, and that kmem prints for an address inside a task_struct or a kernel stack.
import type { Program } from "../../program/program";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { taskLayout } from "../../kernel/tasks/layout";
import { taskStateBits, taskStateStringVerbose } from "../../kernel/tasks/state";
import { escapeControl as printable } from "./escape";

/** show_context's values: the task, how many tasks share its pid, its thread_info, its state. */
export interface TaskContext {
  task: bigint;
  pid: number;
  comm: string;
  cpu: number;
  /** Tasks with this pid (pid 0: one idle task per CPU). */
  samePid: number;
  /** The thread_info address, where the kernel keeps it in the task_struct. */
  threadInfo?: bigint;
  /** The state by the kernel's names: "TASK_RUNNING". */
  state: string;
  active: boolean;
  panic: boolean;
}

export function taskContext(prog: Program, task: Task): TaskContext {
  const table = taskTable(prog);
  const ti = taskLayout(prog).threadInfo;
  return {
    task: task.address,
    pid: task.pid,
    comm: task.comm,
    cpu: task.cpu,
    samePid: table.tasks.filter((t) => t.pid === task.pid).length,
    ...(ti !== undefined ? { threadInfo: task.address + BigInt(ti) } : {}),
    state: taskStateStringVerbose(task.state, taskStateBits(prog)),
    active: task.active,
    panic: task.panic,
  };
}

export interface ContextFormatOptions {
  /** Spaces before each line: 0 at the prompt, 5 at start-up. */
  indent?: number;
}

/** show_context: PID, COMMAND, TASK [THREAD_INFO], CPU, STATE (and PANIC/ACTIVE for running tasks). */
export function formatContext(c: TaskContext, options: ContextFormatOptions = {}): string {
  const pad = " ".repeat(options.indent ?? 0);
  let taskLine = `   TASK: ${c.task.toString(16)}  `;
  if (c.samePid > 1) taskLine += `(1 of ${c.samePid})  `;
  if (c.threadInfo !== undefined) taskLine += `[THREAD_INFO: ${c.threadInfo.toString(16)}]`;
  let state = `  STATE: ${c.state} `;
  if (c.active) state += c.panic ? "(PANIC)" : "(ACTIVE)";
  return [`    PID: ${c.pid}`, `COMMAND: "${printable(c.comm)}"`, taskLine, `    CPU: ${c.cpu}`, state].map((l) => pad + l).join("\n") + "\n";
}
