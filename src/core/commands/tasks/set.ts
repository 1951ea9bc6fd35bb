// crash's `set` for task contexts (task.c cmd_set, show_context): show the current context, or switch it to
// a pid, a task address, the panic task (-p) or the task running on a CPU (-c). The context block is also
// what the console prints at start-up (indented by 5 there, as crash does before its first prompt).
import type { Program } from "../../program/program";
import { panicTask, taskTable, type Task } from "../../kernel/tasks/tasks";
import { taskLayout } from "../../kernel/tasks/layout";
import { taskStateBits, taskStateStringVerbose } from "../../kernel/tasks/state";
import { CommandError, type Command, type CommandContext } from "../command";
import { escapeControl as printable } from "../shared/escape";

export interface ContextOptions {
  /** Spaces before each line: 0 at the prompt, 5 at start-up. */
  indent?: number;
}

/** show_context: PID, COMMAND, TASK [THREAD_INFO], CPU, STATE (and PANIC/ACTIVE for running tasks). */
export function formatContext(prog: Program, task: Task, options: ContextOptions = {}): string {
  const pad = " ".repeat(options.indent ?? 0);
  const table = taskTable(prog);
  const layout = taskLayout(prog);
  const samePid = table.tasks.filter((t) => t.pid === task.pid).length;
  let taskLine = `   TASK: ${task.address.toString(16)}  `;
  if (samePid > 1) taskLine += `(1 of ${samePid})  `;
  if (layout.threadInfo !== undefined) taskLine += `[THREAD_INFO: ${(task.address + BigInt(layout.threadInfo)).toString(16)}]`;
  let state = `  STATE: ${taskStateStringVerbose(task.state, taskStateBits(prog))} `;
  if (task.active) state += task.panic ? "(PANIC)" : "(ACTIVE)";
  return [`    PID: ${task.pid}`, `COMMAND: "${printable(task.comm)}"`, taskLine, `    CPU: ${task.cpu}`, state].map((l) => pad + l).join("\n") + "\n";
}

/** The console's current task: what `set` chose, else the panic task, else CPU 0's running task. */
export function currentTask(ctx: CommandContext): Task {
  const table = taskTable(ctx.prog);
  const chosen = ctx.state.currentTask !== undefined ? table.byAddress.get(ctx.state.currentTask) : undefined;
  const task = chosen ?? panicTask(ctx.prog) ?? table.tasks.find((t) => t.active) ?? table.tasks[0];
  if (!task) throw new CommandError("set", "no tasks found in the dump");
  return task;
}

/** crash's str_to_context: a decimal pid first, else a hexadecimal task address. */
export function resolveTaskArg(prog: Program, arg: string): Task | undefined {
  const table = taskTable(prog);
  if (/^\d+$/.test(arg)) {
    const byPid = table.tasks.find((t) => t.pid === Number(arg));
    if (byPid) return byPid;
  }
  if (/^(0x)?[0-9a-fA-F]{1,16}$/.test(arg)) return table.byAddress.get(BigInt(arg.startsWith("0x") ? arg : "0x" + arg));
  return undefined;
}

export const setCommand: Command = {
  name: "set",
  summary: "set a process context",
  help: `NAME
  set - set a process context

SYNOPSIS
  set [pid | taskp | -p | -c cpu]

DESCRIPTION
  With no argument, shows the current context: PID, COMMAND, TASK, CPU and STATE of the task that
  commands such as bt, files and vm act on by default. With an argument, makes that task current:
    pid     a process PID (for pid 0, the idle task of CPU 0).
    taskp   a hexadecimal task_struct address.
    -p      the panic task (the one running on the CPU that panicked).
    -c cpu  the task that was running on that CPU.`,
  run(ctx, args) {
    let task: Task | undefined;
    if (args.length === 0) task = currentTask(ctx);
    else if (args[0] === "-p" && args.length === 1) {
      task = panicTask(ctx.prog);
      if (!task) throw new CommandError("set", "no panic task found");
    } else if (args[0] === "-c" && args.length === 2) {
      const cpu = Number(args[1]);
      const rq = taskTable(ctx.prog).runqueues.find((r) => r.cpu === cpu);
      task = rq ? taskTable(ctx.prog).byAddress.get(rq.curr) : undefined;
      if (!task) throw new CommandError("set", `invalid cpu: ${args[1]}`);
    } else if (args.length === 1 && !args[0]!.startsWith("-")) {
      task = resolveTaskArg(ctx.prog, args[0]!);
      if (!task) throw new CommandError("set", `invalid task or pid value: ${args[0]}`);
    } else throw new CommandError("set", `usage: set [pid | taskp | -p | -c cpu]`);
    ctx.state.currentTask = task.address;
    return { data: { task: task.address, pid: task.pid, comm: task.comm, cpu: task.cpu }, text: formatContext(ctx.prog, task) };
  },
};
