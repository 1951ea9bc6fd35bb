// crash's `runq` (task.c dump_CFS_runqueues): per CPU, the running task, the RT priority array and the CFS
// timeline with each queued task.
import { cpuRunqueues } from "../../kernel/tasks/runq";
import { taskTable, type TaskTable } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand } from "../command";
import { formatRunq } from "./runq-format";

/** A task on a runqueue: its address, with its pid and name when the task table has it. */
export interface RunqTask {
  task: bigint;
  pid?: number;
  comm?: string;
}

export interface RunqCpu {
  cpu: number;
  /** The struct rq. */
  address: bigint;
  current: RunqTask;
  /** &rq->rt.active */
  rtPrioArray: bigint;
  rt: (RunqTask & { prio: number })[];
  /** &rq->cfs.tasks_timeline */
  cfsRoot: bigint;
  cfs: (RunqTask & { prio: number })[];
  /** Where a queue walk stopped early. */
  problems: string[];
}

function runqTask(table: TaskTable, address: bigint): RunqTask {
  const t = table.byAddress.get(address);
  return t ? { task: address, pid: t.pid, comm: t.comm } : { task: address };
}

export const runqCommand = defineCommand({
  name: "runq",
  summary: "run queue",
  help: `SYNOPSIS
  runq [-c cpu]

DESCRIPTION
  For each CPU: its runqueue address, the task it was running, and the tasks queued on its real-time
  priority array and its CFS timeline ([prio] PID TASK COMMAND), as crash shows them. -c limits the
  display to one CPU.`,
  options: { values: "c", invalid: (o) => `invalid argument: ${o}` },
  parse(args): { cpu?: number } {
    if (args.operands.length) throw new CommandError("runq", `invalid argument: ${args.operands[0]}`);
    const c = args.value("c");
    if (c !== undefined && !/^\d+$/.test(c)) throw new CommandError("runq", `invalid argument: ${c}`);
    return c === undefined ? {} : { cpu: Number(c) };
  },
  execute(ctx, o): RunqCpu[] {
    const table = taskTable(ctx.prog);
    return cpuRunqueues(ctx.prog)
      .filter((rq) => o.cpu === undefined || rq.cpu === o.cpu)
      .map((rq) => ({
        cpu: rq.cpu,
        address: rq.address,
        current: runqTask(table, rq.curr),
        rtPrioArray: rq.rtPrioArray,
        rt: rq.rt.map((q) => ({ ...runqTask(table, q.task), prio: q.prio })),
        cfsRoot: rq.cfsRoot,
        cfs: rq.cfs.map((q) => ({ ...runqTask(table, q.task), prio: q.prio })),
        problems: rq.problems.map((p) => p.message),
      }));
  },
  format: formatRunq,
  errors: (cpus) => cpus.flatMap((rq) => rq.problems.map((p) => `runq: CPU ${rq.cpu}: ${p}`)),
});
