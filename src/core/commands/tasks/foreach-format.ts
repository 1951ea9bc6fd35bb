// foreach's text: each task's output as its command printed it, separated by blank lines (with -R, as the
// command printed it: the blocks of the tasks that refer to the reference end with their own blank line).
// sig is crash's exception (task.c foreach, FOREACH_SIG): the blank line `sig` ends a task's block with is
// not printed, only the one foreach puts between tasks (sig -g's thread groups keep theirs).
import type { ForeachResult } from "./foreach";

export function formatForeach(r: ForeachResult): string {
  const runs = r.runs.filter((run) => !run.failed);
  if (r.command === "sig") return runs.map((run) => (r.sigGroups ? run.text : run.text.replace(/\n\n$/, "\n"))).join("\n");
  return runs.map((run) => run.text).join(r.reference ? "" : "\n");
}

