// crash's `sig` (task.c cmd_sig, dump_signal_data, do_sig_thread_group): per task its thread group's signal
// dispositions and shared pending signals, then its own blocked mask and private pending signals; -g all
// threads of the group; -l the signal names; -s the names of the bits of a sigset.
import { KdwError } from "../../io/errors";
import { signalName, signalNames, sigsetSignals, type SignalName } from "../../kernel/signal/names";
import { groupSignals, threadSignals, type GroupSignals, type ThreadSignals } from "../../kernel/signal/signal";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { currentTask, tasksForArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatSig } from "./sig-format";

/** One task's signals: the group's part (absent under -g for the other threads) and its own. */
export interface TaskSignalsRow {
  task: TaskRef;
  group?: GroupSignals;
  thread?: ThreadSignals;
  /** Why the task's signal state could not be read (a bad pointer, an excluded page). */
  problem?: string;
}

export type SigResult =
  | { kind: "list"; signals: SignalName[] }
  | { kind: "translate"; set: bigint; names: string[] }
  /** sig [pid | task]...: one block per task. */
  | { kind: "tasks"; tasks: TaskSignalsRow[]; errors: string[] }
  /** sig -g: per thread group, the leader with the group's part, then each thread's own part. */
  | { kind: "groups"; groups: { leader: TaskSignalsRow; threads: TaskSignalsRow[] }[]; errors: string[] };

interface SigOptions {
  list: boolean;
  translate?: string;
  group: boolean;
  reference: boolean;
  words: string[];
}

function readRow(ctx: CommandContext, task: Task, parts: { group: boolean; thread: boolean }): TaskSignalsRow {
  const row: TaskSignalsRow = { task: taskRef(task) };
  try {
    if (parts.group) row.group = groupSignals(ctx.prog, task.address);
    if (parts.thread && (row.group === undefined || row.group.signalStruct !== 0n)) row.thread = threadSignals(ctx.prog, task.address);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    row.problem = `sig: task ${task.address.toString(16)}: ${err.message}`;
  }
  return row;
}

/** do_sig_thread_group: the group of `task` (its leader when it is another thread), threads in crash's order. */
function threadGroup(ctx: CommandContext, task: Task): { leader: TaskSignalsRow; threads: TaskSignalsRow[] } | undefined {
  const table = taskTable(ctx.prog);
  const leader = task.pid === task.tgid ? task : table.tasks.find((t) => t.pid === task.tgid);
  if (!leader) return undefined;
  const threads = [leader, ...table.tasks.filter((t) => t.tgid === leader.tgid && t.address !== leader.address)];
  return {
    leader: readRow(ctx, leader, { group: true, thread: false }),
    threads: threads.map((t) => {
      ctx.interrupt?.();
      return readRow(ctx, t, { group: false, thread: true });
    }),
  };
}

export const sigCommand = defineCommand({
  name: "sig",
  summary: "task signal handling",
  help: `SYNOPSIS
  sig [[-l] | [-s sigset]] | [-g] [pid | taskp] ...

DESCRIPTION
  This command displays signal-handling data of one or more tasks.  Multiple
  task or PID numbers may be entered; if no arguments are entered, the signal
  handling data of the current context will be displayed.  The default display
  shows:

    1.  A formatted dump of the "sig" signal_struct structure referenced by
        the task_struct.  For each defined signal, it shows the sigaction
        structure address, the signal handler, the signal sigset_t mask
        (also expressed as a 64-bit hexadecimal value), and the flags.
    2.  Whether the task has an unblocked signal pending.
    3.  The contents of the "blocked" and "signal" sigset_t structures
        from the task_struct/signal_struct, both of which are represented
        as a 64-bit hexadecimal value.
    4.  For each queued signal, private and/or shared, if any, its signal
        number and associated siginfo structure address.

  The -l option lists the signal numbers and their name(s).  The -s option
  translates a 64-bit hexadecimal value representing the contents of a
  sigset_t structure into the signal names whose bits are set.

        pid  a process PID.
      taskp  a hexadecimal task_struct pointer.
         -g  displays signal information for all threads in a task's
             thread group.
         -l  displays the defined signal numbers and names.
  -s sigset  translates a 64-bit hexadecimal value representing a sigset_t
             into a list of signal names associated with the bits set.

  BLOCKED is task_struct.blocked alone (crash 8.0.6 on a 64-bit kernel ORs the
  next word, real_blocked, into its upper half). A pending queue that loops or
  holds a bad pointer keeps the signals read before the fault and adds an error
  line naming it.`,
  options: { flags: "lg", values: "sR" },
  parse(args): SigOptions {
    return { list: args.has("l"), translate: args.value("s"), group: args.has("g"), reference: args.value("R") !== undefined, words: [...args.operands] };
  },
  execute(ctx, o, only): SigResult {
    // cmd_sig handles -s and -l as they come, before anything else.
    if (o.translate !== undefined) {
      if (!/^(0x)?[0-9a-f]{1,16}$/i.test(o.translate)) throw new CommandError("sig", `invalid sigset: ${o.translate}`);
      const set = BigInt("0x" + o.translate.replace(/^0x/i, ""));
      return { kind: "translate", set, names: sigsetSignals(set).map((s) => signalName(s).name) };
    }
    if (o.list) return { kind: "list", signals: signalNames() };
    const errors: string[] = [];
    // foreach hands over the tasks it chose.
    const tasks: Task[] = only ? [...only] : [];
    let bogus = 0;
    let reference = o.reference;
    for (const w of only ? [] : o.words) {
      ctx.interrupt?.();
      if (/^(0x)?[0-9a-f]+$/i.test(w)) {
        const sel = tasksForArg(ctx.prog, w);
        if (sel) tasks.push(...sel.tasks);
        else {
          bogus++;
          errors.push(`sig: invalid task or pid value: ${w}`);
        }
      } else if (w.includes(",") || ctx.prog.memberOffset("struct task_struct", w) !== undefined) reference = true;
      else errors.push(`sig: invalid task or pid value: ${w}`);
    }
    // A word that is no number does not count as a bad task: with no task found crash shows the current one.
    if (tasks.length === 0 && bogus === 0) tasks.push(currentTask(ctx));
    if (reference) throw new CommandError("sig", "-R not supported yet");
    if (!o.group) return { kind: "tasks", tasks: tasks.map((t) => readRow(ctx, t, { group: true, thread: true })), errors };
    const groups: { leader: TaskSignalsRow; threads: TaskSignalsRow[] }[] = [];
    for (const t of tasks) {
      const g = threadGroup(ctx, t);
      if (g) groups.push(g);
    }
    return { kind: "groups", groups, errors };
  },
  format: formatSig,
  perTask: true,
  errors: (r) => {
    if (r.kind !== "tasks" && r.kind !== "groups") return undefined;
    const rows = r.kind === "tasks" ? r.tasks : r.groups.flatMap((g) => [g.leader, ...g.threads]);
    const problems = rows.flatMap((row) => [row.problem, row.group?.shared?.problem, row.thread?.pending.problem].filter((p): p is string => p !== undefined).map((p) => (p.startsWith("sig:") ? p : `sig: ${p}`)));
    const all = [...r.errors, ...problems];
    return all.length ? all : undefined;
  },
});
