// crash's `task` (task.c cmd_task, do_task, task_struct_member): the task_struct of a task (and its
// thread_info), or chosen members (-R, or member names among the operands). The values are gdb's print of
// the structures (program/gdb-format), which reads memory as it prints (strings, symbols): that text is part
// of the result; task-format.ts lays the tasks out.
import { taskLayout } from "../../kernel/tasks/layout";
import type { Task } from "../../kernel/tasks/tasks";
import { findMember } from "../../debuginfo/types";
import { formatStructValue } from "../../program/gdb-format/gdb-format";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { currentTask, tasksForArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { valueOptions } from "../shared/type-args";
import { formatTaskDumps } from "./task-format";
import { pickTaskMembers } from "./task-members";

export interface TaskDump {
  task: TaskRef;
  /** gdb's print of the task_struct, or the lines of the members asked for with -R. */
  taskStruct: string;
  /** gdb's print of the thread_info, where the kernel keeps one in the task_struct (not with -R). */
  threadInfo?: string;
}

export interface TaskResult {
  dumps: TaskDump[];
  /** Words that name no task, names that are no member (crash prints them among the output). */
  errors: string[];
}

interface TaskOptions {
  members: string[];
  radix?: 10 | 16;
  targets: string[];
}

const NUMBER = /^(0x)?[0-9a-fA-F]+$/;

function dumpTask(ctx: CommandContext, task: Task, o: TaskOptions, members: readonly string[], errors: string[]): TaskDump {
  const prog = ctx.prog;
  const taskType = prog.type("struct task_struct");
  const bytes = prog.read(task.address, prog.sizeOf(taskType));
  const taskStruct = formatStructValue(taskType, bytes, { ...valueOptions(ctx, task.address), name: "task_struct", radix: o.radix });
  let threadInfo: string | undefined;
  const ti = taskLayout(prog).threadInfo;
  const tiType = prog.findType("struct thread_info");
  if (ti !== undefined && tiType) {
    const addr = task.address + BigInt(ti);
    threadInfo = formatStructValue(tiType, prog.read(addr, prog.sizeOf(tiType)), { ...valueOptions(ctx, addr), name: "thread_info", radix: o.radix });
  }
  if (members.length === 0) return { task: taskRef(task), taskStruct, ...(threadInfo !== undefined ? { threadInfo } : {}) };
  const isMember = (name: string): boolean => findMember(taskType, name) !== undefined || (tiType !== undefined && findMember(tiType, name) !== undefined);
  const pick = pickTaskMembers(taskStruct + (threadInfo ?? ""), members, isMember);
  errors.push(...pick.errors);
  return { task: taskRef(task), taskStruct: pick.text };
}

function task(ctx: CommandContext, o: TaskOptions, only?: readonly Task[]): TaskResult {
  const result: TaskResult = { dumps: [], errors: [] };
  const members = [...o.members];
  const chosen: Task[] = only ? [...only] : [];
  let bogus = false;
  if (!only) {
    const taskType = ctx.prog.type("struct task_struct");
    for (const word of o.targets) {
      if (NUMBER.test(word)) {
        const sel = tasksForArg(ctx.prog, word);
        if (sel) chosen.push(...sel.tasks);
        else {
          bogus = true;
          result.errors.push(`task: invalid task or pid value: ${word}`);
        }
      } else if (word.includes(",") || findMember(taskType, word) !== undefined || word.includes(".") || word.includes("[")) {
        members.push(...word.split(",").filter(Boolean));
      } else result.errors.push(`task: invalid task, pid, or task_struct member: ${word}`);
    }
    if (chosen.length === 0 && !bogus) chosen.push(currentTask(ctx));
  }
  for (const t of chosen) {
    ctx.interrupt?.();
    result.dumps.push(dumpTask(ctx, t, o, members, result.errors));
  }
  return result;
}

export const taskCommand = defineCommand({
  name: "task",
  summary: "task_struct and thread_info contents",
  help: `SYNOPSIS
  task [-R member[,member]] [-x|-d] [pid | taskp] ...

DESCRIPTION
  Shows the task_struct (and the thread_info) of the current context, or of each pid or task address
  given (a pid shows every task with that pid: pid 0 is the idle task of each CPU).

    -R member[,member]  only the members named: each line "  NAME = ..." of the task_struct and of the
                        thread_info (so "flags" shows both), with the value's block when it is one; a
                        name with a dot or an index ("se.exec_start", "pids[1]") is found through the
                        nested members as crash finds it. Member names may also be given as operands.
    -x  numbers in hexadecimal.       -d  numbers in decimal.`,
  options: { flags: "xdh", values: "R" },
  parse(args): TaskOptions {
    const members = args.values("R").flatMap((list) => list.split(",").filter(Boolean));
    if ((args.has("x") || args.has("h")) && args.has("d")) throw new CommandError("task", "-d and -x are mutually exclusive");
    const radix = args.has("x") || args.has("h") ? 16 : args.has("d") ? 10 : undefined;
    if (args.values("R").length && members.length === 0) throw new CommandError("task", "-R needs a member list");
    return { members, radix, targets: [...args.operands] };
  },
  execute: task,
  format: formatTaskDumps,
  errors: (r) => r.errors,
  perTask: true,
});
