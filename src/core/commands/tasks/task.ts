// crash's `task` (task.c cmd_task): the task_struct of a task (and its thread_info), or chosen members.
// The values are gdb's print of the structures (program/gdb-format), which reads memory as it prints
// (strings, symbols): that text is part of the result; task-format.ts lays the tasks out.
import { taskLayout } from "../../kernel/tasks/layout";
import type { Task } from "../../kernel/tasks/tasks";
import { formatMemberValues, formatStructValue } from "../../program/gdb-format/gdb-format";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { currentTask, requireTaskArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { valueOptions } from "../shared/type-args";
import { formatNestedMember, isNestedMember, memberExists } from "../shared/member-path";
import { formatTaskDumps } from "./task-format";

export interface TaskDump {
  task: TaskRef;
  /** gdb's print of the task_struct, or of the members asked for with -R. */
  taskStruct: string;
  /** gdb's print of the thread_info, where the kernel keeps one in the task_struct (not with -R). */
  threadInfo?: string;
  /** -R: members neither structure has (crash says so and goes on). */
  errors?: string[];
}

interface TaskOptions {
  members: string[];
  radix?: 10 | 16;
  targets: string[];
}

function dumpTask(ctx: CommandContext, task: Task, o: TaskOptions): TaskDump {
  const prog = ctx.prog;
  const taskType = prog.type("struct task_struct");
  const bytes = prog.read(task.address, prog.sizeOf(taskType));
  const opts = { ...valueOptions(ctx, task.address), name: "task_struct", radix: o.radix };
  if (o.members.length) {
    const tiType = prog.findType("struct thread_info");
    const errors: string[] = [];
    let text = "";
    for (const m of o.members) {
      if (isNestedMember(m)) {
        const nested = formatNestedMember(taskType, bytes, m, opts);
        if (nested === undefined) errors.push(`task: invalid data structure member reference: ${m}`);
        else text += nested;
      } else {
        if (!memberExists(taskType, m) && !(tiType && memberExists(tiType, m))) errors.push(`task: ${m}: not a task_struct or thread_info member`);
        text += formatMemberValues(taskType, bytes, [m], opts);
      }
    }
    return { task: taskRef(task), taskStruct: text, ...(errors.length ? { errors } : {}) };
  }
  const dump: TaskDump = { task: taskRef(task), taskStruct: formatStructValue(taskType, bytes, opts) };
  const ti = taskLayout(prog).threadInfo;
  const tiType = prog.findType("struct thread_info");
  if (ti !== undefined && tiType) {
    const addr = task.address + BigInt(ti);
    dump.threadInfo = formatStructValue(tiType, prog.read(addr, prog.sizeOf(tiType)), { ...valueOptions(ctx, addr), name: "thread_info", radix: o.radix });
  }
  return dump;
}

export const taskCommand = defineCommand({
  name: "task",
  summary: "task_struct and thread_info contents",
  help: `SYNOPSIS
  task [-R member[,member]] [-x|-d] [pid | taskp] ...

DESCRIPTION
  Shows the task_struct (and the thread_info) of the current context, or of each pid or task address
  given. -R shows only the named task_struct members. -x / -d print numbers in hexadecimal / decimal.`,
  options: { flags: "xd", values: "R" },
  parse(args): TaskOptions {
    const members = args.values("R").flatMap((list) => list.split(",").filter(Boolean));
    const radix = args.has("x") ? 16 : args.has("d") ? 10 : undefined;
    if (args.values("R").length && members.length === 0) throw new CommandError("task", "-R needs a member list");
    return { members, radix, targets: [...args.operands] };
  },
  execute(ctx, o, tasks): TaskDump[] {
    const chosen = tasks ?? o.targets.map((t) => requireTaskArg(ctx.prog, "task", t));
    return (chosen.length ? chosen : [currentTask(ctx)]).map((t) => {
      ctx.interrupt?.();
      return dumpTask(ctx, t, o);
    });
  },
  format: formatTaskDumps,
  errors: (dumps) => dumps.flatMap((d) => d.errors ?? []),
  perTask: true,
});
