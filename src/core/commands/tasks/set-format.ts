// crash's show_context block for a TaskContext.
import { escapeControl as printable } from "../shared/escape";
import type { TaskContext } from "./set";

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
