// foreach's text: each task's output as its command printed it, separated by blank lines.
import type { ForeachResult } from "./foreach";

export function formatForeach(r: ForeachResult): string {
  return r.runs.filter((run) => !run.failed).map((run) => run.text).join("\n");
}
