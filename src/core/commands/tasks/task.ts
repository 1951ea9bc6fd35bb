// crash's `task` (task.c cmd_task): the task_struct of a task (and its thread_info), or chosen members.
import { taskLayout } from "../../kernel/tasks/layout";
import type { Task } from "../../kernel/tasks/tasks";
import { CommandError, type Command, type CommandContext } from "../command";
import { formatMemberValues, formatStructValue } from "../../program/gdb-format/gdb-format";
import { formatTaskHeader } from "./ps-format";
import { currentTask, resolveTaskArg } from "./set";
import { valueOptions } from "../gdb/types";

function showTask(ctx: CommandContext, task: Task, members: string[], radix: 10 | 16 | undefined): string {
  const prog = ctx.prog;
  const taskType = prog.type("struct task_struct");
  const size = prog.sizeOf(taskType);
  const bytes = prog.read(task.address, size);
  const opts = { ...valueOptions(ctx, task.address), name: "task_struct", radix };
  let text = formatTaskHeader(task) + "\n";
  if (members.length) return text + formatMemberValues(taskType, bytes, members, opts);
  text += formatStructValue(taskType, bytes, opts);
  const ti = taskLayout(prog).threadInfo;
  const tiType = prog.findType("struct thread_info");
  if (ti !== undefined && tiType) {
    const addr = task.address + BigInt(ti);
    text += "\n" + formatStructValue(tiType, prog.read(addr, prog.sizeOf(tiType)), { ...valueOptions(ctx, addr), name: "thread_info", radix });
  }
  return text;
}

export const taskCommand: Command = {
  name: "task",
  summary: "task_struct contents",
  help: `NAME
  task - task_struct and thread_info contents

SYNOPSIS
  task [-R member[,member]] [-x|-d] [pid | taskp] ...

DESCRIPTION
  Shows the task_struct (and the thread_info) of the current context, or of each pid or task address
  given. -R shows only the named task_struct members. -x / -d print numbers in hexadecimal / decimal.`,
  run(ctx, args) {
    let radix: 10 | 16 | undefined;
    const members: string[] = [];
    const targets: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-x") radix = 16;
      else if (a === "-d") radix = 10;
      else if (a === "-R") {
        const list = args[++i];
        if (!list) throw new CommandError("task", "-R needs a member list");
        members.push(...list.split(",").filter(Boolean));
      } else if (a.startsWith("-")) throw new CommandError("task", `invalid option: ${a}`);
      else targets.push(a);
    }
    const tasks: Task[] = [];
    for (const t of targets) {
      const task = resolveTaskArg(ctx.prog, t);
      if (!task) throw new CommandError("task", `invalid task or pid value: ${t}`);
      tasks.push(task);
    }
    if (tasks.length === 0) tasks.push(currentTask(ctx));
    const text = tasks.map((t) => showTask(ctx, t, members, radix)).join("\n");
    return { data: tasks.map((t) => t.address), text };
  },
};
