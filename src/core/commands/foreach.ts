// crash's `foreach` (task.c cmd_foreach/foreach): run a per-task command for every task, or for the tasks
// chosen by pid, task address, name, state, or kernel/user/active/gleader. Each task's output starts with
// the command's own "PID: ..." header; outputs are separated by a blank line, as crash prints them.
import { taskTable, type Task } from "../kernel/tasks/tasks";
import { CommandError, type Command, type CommandContext } from "./command";

/** Commands foreach can run per task (crash's FOREACH_* keywords that kdw has). */
const PER_TASK = ["bt", "vm", "task", "files", "net", "set", "sig", "vtop"];
const STATES = ["RU", "IN", "UN", "ST", "TR", "ZO", "DE", "SW", "WA", "PA", "ID", "NE"];

interface Selection {
  pids: number[];
  addrs: bigint[];
  names: string[];
  regexes: RegExp[];
  states: string[];
  kernel: boolean;
  user: boolean;
  active: boolean;
  gleader: boolean;
}

function selects(sel: Selection, t: Task): boolean {
  if (sel.kernel && !t.kernelThread) return false;
  if (sel.user && t.kernelThread) return false;
  if (sel.active && !t.active) return false;
  if (sel.gleader && t.pid !== t.tgid) return false;
  if (sel.states.length && !sel.states.includes(t.stateString)) return false;
  const specific = sel.pids.length + sel.addrs.length + sel.names.length + sel.regexes.length;
  if (!specific) return true;
  return sel.pids.includes(t.pid) || sel.addrs.includes(t.address) || sel.names.includes(t.comm) || sel.regexes.some((r) => r.test(t.comm));
}

export const foreachCommand: Command = {
  name: "foreach",
  summary: "display command data for multiple tasks in the system",
  help: `NAME
  foreach - display command data for multiple tasks in the system

SYNOPSIS
  foreach [[pid | taskp | name | state | [kernel | user | active | gleader]] ...] command [flag] [argument]

DESCRIPTION
  Runs a per-task command (${PER_TASK.join(", ")}, and ps) for every task, or for those chosen:
    pid / taskp   a task by pid or task_struct address;
    name          tasks whose command name is name (a name in slashes, /regex/, is matched as a regex);
    state         tasks in that state: ${STATES.join(" ")};
    kernel, user  kernel threads, user tasks;  active  tasks running on a CPU;  gleader  thread-group leaders.
  Flags after the command are passed to it (foreach bt -l, foreach files -d, ...).`,
  run(ctx: CommandContext, args) {
    const sel: Selection = { pids: [], addrs: [], names: [], regexes: [], states: [], kernel: false, user: false, active: false, gleader: false };
    let i = 0;
    let cmdName: string | undefined;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (PER_TASK.includes(a) || a === "ps") {
        cmdName = a;
        i++;
        break;
      }
      if (a === "kernel") sel.kernel = true;
      else if (a === "user") sel.user = true;
      else if (a === "active") sel.active = true;
      else if (a === "gleader") sel.gleader = true;
      else if (STATES.includes(a)) sel.states.push(a);
      else if (/^\d+$/.test(a)) sel.pids.push(Number(a));
      else if (/^(0x)?[0-9a-f]{12,16}$/i.test(a)) sel.addrs.push(BigInt("0x" + a.replace(/^0x/i, "")));
      else if (/^\/.+\/$/.test(a)) {
        try {
          sel.regexes.push(new RegExp(a.slice(1, -1)));
        } catch {
          throw new CommandError("foreach", `invalid regular expression: ${a}`);
        }
      } else if (a.startsWith("\\")) sel.names.push(a.slice(1));
      else sel.names.push(a);
    }
    if (!cmdName) throw new CommandError("foreach", `no keyword specified (one of: ${[...PER_TASK, "ps"].join(", ")})`);
    const cmd = ctx.commands.find(cmdName);
    if (!cmd) throw new CommandError("foreach", `${cmdName}: not available in this version of kdw`);
    const flags = args.slice(i);
    const tasks = taskTable(ctx.prog).tasks.filter((t) => selects(sel, t));
    if (cmdName === "ps") {
      const out = cmd.run(ctx, [...flags, ...tasks.map((t) => t.address.toString(16))]);
      return { data: out.data, text: out.text, errors: out.errors };
    }
    const texts: string[] = [];
    const errors: string[] = [];
    const data: unknown[] = [];
    const saved = ctx.state.currentTask;
    try {
      for (const t of tasks) {
        ctx.interrupt?.();
        if (cmdName === "set") ctx.state.currentTask = t.address;
        try {
          const out = cmd.run(ctx, cmdName === "set" ? [] : [...flags, t.address.toString(16)]);
          texts.push(out.text);
          data.push(out.data);
          errors.push(...(out.errors ?? []));
        } catch (err) {
          // A cancel ends the whole foreach, not one task's step.
          if (!(err instanceof Error) || err.name === "CancelledError") throw err;
          errors.push(`${cmdName}: ${err.message.replace(new RegExp(`^${cmdName}: `), "")}`);
        }
      }
    } finally {
      ctx.state.currentTask = saved;
    }
    return { data, text: texts.join("\n"), errors };
  },
};
