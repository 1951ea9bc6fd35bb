// crash's waitq text: a task header per waiter, or that the queue is empty.
import { formatTaskHeader } from "../shared/task-header";
import type { WaitqResult } from "./waitq";

export function formatWaitq(r: WaitqResult): string {
  if (r.kind === "note") return r.text + "\n";
  const tasks = r.entries.filter((e) => e.task);
  // A head whose list is NULL is no wait queue: crash calls it empty too (the error line says why).
  if (r.entries.length === 0) return `wait queue ${r.name !== undefined ? `"${r.name}" (${r.head.toString(16)})` : r.head.toString(16)} is empty\n`;
  return tasks.map((e) => formatTaskHeader(e.task!) + "\n").join("");
}
