// crash's task output: each task's header, then its task_struct and thread_info as gdb printed them.
import { formatTaskHeader } from "../shared/task-header";
import type { TaskDump } from "./task";

export function formatTaskDumps(dumps: readonly TaskDump[]): string {
  return dumps.map((d) => formatTaskHeader(d.task) + "\n" + d.taskStruct + (d.threadInfo !== undefined ? "\n" + d.threadInfo : "")).join("\n");
}
