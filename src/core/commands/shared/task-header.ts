// crash's print_task_header, the line every per-task output starts with, and the task it names as data.
import type { Task } from "../../kernel/tasks/tasks";
import { escapeControl as printable } from "./escape";

/** A task as results name it: its task_struct address, pid, CPU and command name. */
export interface TaskRef {
  task: bigint;
  pid: number;
  cpu: number;
  comm: string;
}

export function taskRef(t: Task): TaskRef {
  return { task: t.address, pid: t.pid, cpu: t.cpu, comm: t.comm };
}

const VADDR_PRLEN = 16;

/** print_task_header: `PID: %-7ld  TASK: %-16lx  CPU: %-3s  COMMAND: "%s"`. */
export function formatTaskHeader(t: TaskRef): string {
  return `PID: ${String(t.pid).padEnd(7)}  TASK: ${t.task.toString(16).padEnd(VADDR_PRLEN)}  CPU: ${String(t.cpu).padEnd(3)}  COMMAND: "${printable(t.comm)}"`;
}
