// crash's runq text: per CPU its runqueue, current task, RT priority array and CFS timeline.
import { escapeControl } from "../shared/escape";
import type { RunqCpu, RunqTask } from "./runq";

function line(t: RunqTask): string {
  return t.pid !== undefined ? `PID: ${String(t.pid).padEnd(5)}  TASK: ${t.task.toString(16)}  COMMAND: "${escapeControl(t.comm ?? "")}"` : t.task.toString(16);
}

function queued(q: readonly (RunqTask & { prio: number })[]): string {
  return q.length ? q.map((e) => `     [${String(e.prio).padStart(3)}] ${line(e)}\n`).join("") : "     [no tasks queued]\n";
}

export function formatRunq(cpus: readonly RunqCpu[]): string {
  return cpus
    .map(
      (rq) =>
        `CPU ${rq.cpu} RUNQUEUE: ${rq.address.toString(16)}\n` +
        `  CURRENT: ${line(rq.current)}\n` +
        `  RT PRIO_ARRAY: ${rq.rtPrioArray.toString(16)}\n` +
        queued(rq.rt) +
        `  CFS RB_ROOT: ${rq.cfsRoot.toString(16)}\n` +
        queued(rq.cfs),
    )
    .join("\n");
}
