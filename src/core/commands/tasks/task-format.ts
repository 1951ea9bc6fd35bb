// crash's task output: each task's header, then its task_struct and thread_info as gdb printed them (or
// the members -R picked), a blank line between tasks.
import { formatTaskHeader } from "../shared/task-header";
import type { TaskResult } from "./task";

export function formatTaskDumps(r: TaskResult): string {
  return r.dumps.map((d) => formatTaskHeader(d.task) + "\n" + d.taskStruct + (d.threadInfo !== undefined ? "\n" + d.threadInfo : "")).join("\n");
}
