// The task a word names, in one place: crash's str_to_context (a decimal pid first, else a hexadecimal
// task_struct address), its "every task of that pid" form (files, vm, net -s), ps's selectors (pid, task
// address or command name) and foreach's (pid, task address, name or /regex/). Also the console's current
// task, which a command without a task operand acts on.
import { panicTask, taskTable, tasksByPid, type Task } from "../../kernel/tasks/tasks";
import type { Program } from "../../program/program";
import { CommandError, type CommandContext } from "../command";

const HEX_ADDRESS = /^(0x)?[0-9a-fA-F]{1,16}$/;

function hexValue(word: string): bigint {
  return BigInt("0x" + word.replace(/^0x/i, ""));
}

/** str_to_context: a decimal pid first (the first task of that pid), else a hexadecimal task address. */
export function resolveTaskArg(prog: Program, word: string): Task | undefined {
  const table = taskTable(prog);
  if (/^\d+$/.test(word)) {
    const byPid = table.tasks.find((t) => t.pid === Number(word));
    if (byPid) return byPid;
  }
  return HEX_ADDRESS.test(word) ? table.byAddress.get(hexValue(word)) : undefined;
}

/** A task word as above, or the command's "invalid task or pid value" error. */
export function requireTaskArg(prog: Program, command: string, word: string): Task {
  const task = resolveTaskArg(prog, word);
  if (!task) throw new CommandError(command, `invalid task or pid value: ${word}`);
  return task;
}

/** str_to_context for files, vm and net -s: every task of a pid (pid 0: one per CPU), else a task address. */
export function tasksForArg(prog: Program, word: string): { tasks: Task[]; byPid: boolean } | undefined {
  if (/^\d+$/.test(word)) {
    const tasks = tasksByPid(taskTable(prog), Number(word));
    if (tasks.length > 0) return { tasks, byPid: true };
  }
  const task = resolveTaskArg(prog, word);
  return task ? { tasks: [task], byPid: false } : undefined;
}

/** The console's current task: what `set` chose, else the panic task, else CPU 0's running task. */
export function currentTask(ctx: CommandContext): Task {
  const table = taskTable(ctx.prog);
  const chosen = ctx.state.currentTask !== undefined ? table.byAddress.get(ctx.state.currentTask) : undefined;
  const task = chosen ?? panicTask(ctx.prog) ?? table.tasks.find((t) => t.active) ?? table.tasks[0];
  if (!task) throw new CommandError("set", "no tasks found in the dump");
  return task;
}

/** What a ps or foreach word selects. */
export type TaskSelector = { kind: "pid"; pid: number } | { kind: "task"; task: bigint } | { kind: "comm"; comm: string } | { kind: "regex"; regex: RegExp };

/** ps's words: all digits a pid, hexadecimal a task address, anything else a command name ("\\" escapes digits). */
export function psSelector(word: string): TaskSelector {
  if (/^\d+$/.test(word)) return { kind: "pid", pid: Number(word) };
  if (/^(0x)?[0-9a-fA-F]+$/.test(word) && word.length <= 18) return { kind: "task", task: hexValue(word) };
  return { kind: "comm", comm: word.startsWith("\\") ? word.slice(1) : word };
}

/**
 * foreach's words: all digits a pid, 12 to 16 hex digits a task address (shorter hex words are names),
 * '...' (crash's) or /.../ a regular expression over the command name, anything else a name ("\\" escapes).
 */
export function foreachSelector(command: string, word: string): TaskSelector {
  if (/^\d+$/.test(word)) return { kind: "pid", pid: Number(word) };
  if (/^(0x)?[0-9a-f]{12,16}$/i.test(word)) return { kind: "task", task: hexValue(word) };
  if (/^\/.+\/$/.test(word) || /^'.*'$/.test(word)) {
    try {
      return { kind: "regex", regex: new RegExp(word.slice(1, -1)) };
    } catch {
      throw new CommandError(command, `invalid regular expression: ${word}`);
    }
  }
  return { kind: "comm", comm: word.startsWith("\\") ? word.slice(1) : word };
}

/** Does the task match a selector (by pid, address, name or regex over its name)? */
export function selectorMatches(sel: TaskSelector, t: Task): boolean {
  switch (sel.kind) {
    case "pid":
      return t.pid === sel.pid;
    case "task":
      return t.address === sel.task;
    case "comm":
      return t.comm === sel.comm;
    case "regex":
      return sel.regex.test(t.comm);
  }
}

/** Where a task came from, for crash's layout: the word's position and whether it was a pid (all its tasks). */
export interface TaskArgOrigin {
  /** The word's index; -1 for foreach's tasks and the current task. */
  word: number;
  byPid: boolean;
}

/**
 * The tasks of a per-task command, in crash's order (files, vm, net -s): foreach's when given, else the current
 * task when there is no word, else each word's (tasksForArg). A word that names no task is an error line
 * `COMMAND: invalid task or pid value: WORD`, and crash goes on with the next.
 */
export function forEachTaskArg(ctx: CommandContext, command: string, words: readonly string[], only: readonly Task[] | undefined, visit: (task: Task, origin: TaskArgOrigin) => void, invalid: (line: string) => void): void {
  const step = (task: Task, origin: TaskArgOrigin): void => {
    ctx.interrupt?.();
    visit(task, origin);
  };
  if (only) only.forEach((t) => step(t, { word: -1, byPid: false }));
  else if (words.length === 0) step(currentTask(ctx), { word: -1, byPid: false });
  words.forEach((w, i) => {
    const sel = tasksForArg(ctx.prog, w);
    if (!sel) invalid(`${command}: invalid task or pid value: ${w}`);
    else for (const task of sel.tasks) step(task, { word: i, byPid: sel.byPid });
  });
}
