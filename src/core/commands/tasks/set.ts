// crash's `set` for task contexts (task.c cmd_set, show_context): show the current context, or switch it to
// a pid, a task address, the panic task (-p) or the task running on a CPU (-c). The context block is also
// what the console prints at start-up (indented by 5 there, as crash does before its first prompt).
import { panicTask, taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand } from "../command";
import { currentTask, resolveTaskArg } from "../shared/task-args";
import { formatContext } from "./set-format";
import { taskContext, type TaskContext } from "../shared/task-context";

export { taskContext, type TaskContext };

const USAGE = "usage: set [pid | taskp | -p | -c cpu]";

type SetTarget = { kind: "current" } | { kind: "panic" } | { kind: "cpu"; cpu: string } | { kind: "task"; word: string };

export const setCommand = defineCommand({
  name: "set",
  summary: "set a process context",
  help: `SYNOPSIS
  set [pid | taskp | -p | -c cpu]

DESCRIPTION
  With no argument, shows the current context: PID, COMMAND, TASK, CPU and STATE of the task that
  commands such as bt, files and vm act on by default. With an argument, makes that task current:
    pid     a process PID (for pid 0, the idle task of CPU 0).
    taskp   a hexadecimal task_struct address.
    -p      the panic task (the one running on the CPU that panicked).
    -c cpu  the task that was running on that CPU.`,
  options: { flags: "p", values: "c", invalid: () => USAGE },
  parse(args): SetTarget {
    const n = args.operands.length + args.flags.length + (args.value("c") === undefined ? 0 : 1);
    if (n === 0) return { kind: "current" };
    if (n > 1) throw new CommandError("set", USAGE);
    if (args.has("p")) return { kind: "panic" };
    const cpu = args.value("c");
    if (cpu !== undefined) return { kind: "cpu", cpu };
    return { kind: "task", word: args.operands[0]! };
  },
  execute(ctx, target, tasks): TaskContext {
    let task: Task | undefined;
    if (tasks) task = tasks[0];
    else if (target.kind === "current") task = currentTask(ctx);
    else if (target.kind === "panic") {
      task = panicTask(ctx.prog);
      if (!task) throw new CommandError("set", "no panic task found");
    } else if (target.kind === "cpu") {
      const rq = taskTable(ctx.prog).runqueues.find((r) => r.cpu === Number(target.cpu));
      task = rq ? taskTable(ctx.prog).byAddress.get(rq.curr) : undefined;
      if (!task) throw new CommandError("set", `invalid cpu: ${target.cpu}`);
    } else {
      task = resolveTaskArg(ctx.prog, target.word);
      if (!task) throw new CommandError("set", `invalid task or pid value: ${target.word}`);
    }
    if (!task) throw new CommandError("set", "no task");
    // foreach set shows each task's context without changing the console's.
    if (!tasks) ctx.state.currentTask = task.address;
    return taskContext(ctx.prog, task);
  },
  format: (c) => formatContext(c),
  perTask: true,
});
