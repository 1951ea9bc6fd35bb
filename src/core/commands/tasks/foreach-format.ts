// foreach's text: each task's output as its command printed it, separated by blank lines (with -R, as the
// command printed it: the blocks of the tasks that refer to the reference end with their own blank line).
import type { ForeachResult } from "./foreach";

export function formatForeach(r: ForeachResult): string {
  return r.runs
    .filter((run) => !run.failed)
    .map((run) => run.text)
    .join(r.reference ? "" : "\n");
}
