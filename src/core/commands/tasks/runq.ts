// crash's `runq` (task.c dump_CFS_runqueues): per CPU, the running task, the RT priority array and the CFS
// timeline with each queued task.
import { cpuRunqueues, type QueuedTask } from "../../kernel/tasks/runq";
import { taskTable } from "../../kernel/tasks/tasks";
import { CommandError, type Command } from "../command";
import { escapeControl } from "../shared/escape";

export const runqCommand: Command = {
  name: "runq",
  summary: "run queue",
  help: `NAME
  runq - run queue

SYNOPSIS
  runq [-c cpu]

DESCRIPTION
  For each CPU: its runqueue address, the task it was running, and the tasks queued on its real-time
  priority array and its CFS timeline ([prio] PID TASK COMMAND), as crash shows them. -c limits the
  display to one CPU.`,
  run(ctx, args) {
    let only: number | undefined;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === "-c" && /^\d+$/.test(args[i + 1] ?? "")) only = Number(args[++i]);
      else throw new CommandError("runq", `invalid argument: ${args[i]}`);
    }
    const table = taskTable(ctx.prog);
    const line = (t: bigint): string => {
      const task = table.byAddress.get(t);
      return task ? `PID: ${String(task.pid).padEnd(5)}  TASK: ${t.toString(16)}  COMMAND: "${escapeControl(task.comm)}"` : t.toString(16);
    };
    const queued = (q: QueuedTask[]): string => (q.length ? q.map((e) => `     [${String(e.prio).padStart(3)}] ${line(e.task)}\n`).join("") : "     [no tasks queued]\n");
    const rqs = cpuRunqueues(ctx.prog).filter((rq) => only === undefined || rq.cpu === only);
    const blocks = rqs.map(
      (rq) =>
        `CPU ${rq.cpu} RUNQUEUE: ${rq.address.toString(16)}\n` +
        `  CURRENT: ${line(rq.curr)}\n` +
        `  RT PRIO_ARRAY: ${rq.rtPrioArray.toString(16)}\n` +
        queued(rq.rt) +
        `  CFS RB_ROOT: ${rq.cfsRoot.toString(16)}\n` +
        queued(rq.cfs),
    );
    const errors = rqs.flatMap((rq) => rq.problems.map((p) => `runq: CPU ${rq.cpu}: ${p.message}`));
    return { data: rqs, text: blocks.join("\n"), errors };
  },
};
