// crash's `bt` (kernel.c cmd_bt, x86_64.c x86_64_low_budget_back_trace_cmd): the kernel stack backtrace of
// the current task, of tasks given by pid or address, or of every CPU's active task (-a).
import type { Backtrace } from "../arch/x86_64/unwind-types";
import { stackContext, taskBacktrace, taskStack, type StackContext } from "../kernel/tasks/stack";
import { withModuleSymbols } from "../kernel/modules/debuginfo";
import { panicTask, taskTable, type Task } from "../kernel/tasks/tasks";
import { CommandError, KdwOptionError, splitOptions, type Command, type CommandContext } from "./command";
import { formatBacktrace, type BtFormatOptions } from "./bt-format";
import { formatTaskHeader } from "./ps-format";
import { currentTask, resolveTaskArg } from "./set";

export interface BtResult {
  tasks: { task: bigint; pid: number; cpu: number; backtrace?: Backtrace; error?: string }[];
}

function context(ctx: CommandContext): StackContext {
  return stackContext(ctx.prog, ctx.symbols, ctx.vmlinux, ctx.decoder);
}

/** The tasks running on each CPU when the dump was taken, by CPU (crash's bt -a order). */
function activeTasks(ctx: CommandContext): Task[] {
  const table = taskTable(ctx.prog);
  const panic = panicTask(ctx.prog);
  const out: Task[] = [];
  for (const rq of [...table.runqueues].sort((a, b) => a.cpu - b.cpu)) {
    const t = panic && panic.cpu === rq.cpu ? panic : table.byAddress.get(rq.curr);
    if (t) out.push(t);
  }
  return out;
}

/** bt -t: every kernel text address on the stack from the starting SP (crash's BT_TEXT_SYMBOLS). */
function textSymbols(ctx: CommandContext, sc: StackContext, task: Task, start: bigint, rip: bigint): string[] {
  const env = sc.env;
  const out: string[] = [];
  const startName = env.symbolAt(rip)?.name;
  if (startName) out.push(`${" ".repeat(14)}START: ${startName}${startName === "thread_return" ? " (schedule)" : ""} at ${rip.toString(16)}`);
  const stack = taskStack(ctx.prog, sc, task);
  const from = start >= stack.base && start < stack.top ? start : stack.base;
  for (let a = from; a < stack.top; a += 8n) {
    let w: bigint;
    try {
      w = ctx.prog.readU64(a);
    } catch {
      out.push(`    [kdw: stack page at ${a.toString(16)} cannot be read]`);
      a = (a | 0xfffn) - 7n;
      continue;
    }
    if (!env.isKernelText(w)) continue;
    const hit = env.symbolAt(w);
    if (!hit) continue;
    out.push(`  [${a.toString(16).padStart(16)}] ${hit.name} at ${w.toString(16)}`);
  }
  return out;
}

export const btCommand: Command = {
  name: "bt",
  summary: "backtrace",
  help: `NAME
  bt - backtrace

SYNOPSIS
  bt [-a|-p] [-f] [-l] [-s|-x] [-t] [-M] [pid | taskp] ...

DESCRIPTION
  Shows the kernel stack backtrace of the current context's task, or of the tasks given by pid or
  task_struct address. The trace is crash's: stack words that are kernel text return addresses, frame
  sizes from the kernel's ORC tables, exception frames (pt_regs) printed after the entry points that
  leave them, and the NMI / exception / IRQ stacks followed back to the task's stack. The user-mode
  registers at the top of the stack end the trace of a user task.

    -a  the active task on each CPU when the dump was taken.
    -p  the panic task only.
    -f  the words of each frame's stack between it and the next.
    -l  the source file and line of each frame (when the vmlinux has DWARF line tables).
    -s  function name plus offset in each frame; -x the same with hexadecimal offsets.
    -t  every kernel text address on the stack from the starting point, without frame analysis.
    -M  (kdw) names an exception RIP in a module whose debuginfo was loaded with "mod -s" or "mod -S"
        (hidden modules too): "[exception RIP: mz_getdents_pre+94]", as crash prints it when it has the
        module's symbols; with -l its source line follows the registers. Without -M the text is crash's
        whatever was loaded. (crash's -S is "start at this stack address", hence another letter.)

  An exception RIP in code with no kernel symbol (a module off the module list, for instance) is shown
  as crash shows it: "no symbolic reference"; use -M after "mod -s", or sym, for a better name.
  Where crash 8.0.6 stops on "cannot transition from exception stack to current process stack" because
  the stack pointer is on the CPU's entry trampoline stack (cpu_entry_area), kdw prints the frame saved
  there and "--- <entry trampoline stack> ---", as crash does for its KPTI entry stacks.
  A trace that cannot go on (a stack page excluded from the dump, a stack pointer outside any stack,
  more frames than a stack can hold) ends with a line "[kdw: backtrace stopped: reason]".`,
  run(ctx, args) {
    let opts;
    try {
      opts = splitOptions(args);
    } catch (err) {
      if (err instanceof KdwOptionError) throw new CommandError("bt", err.message);
      throw err;
    }
    const { flags, rest } = opts;
    for (const f of flags) if (!"apflsxteM".includes(f)) throw new CommandError("bt", `invalid option: -${f}`);
    const sc = context(ctx);
    let tasks: Task[];
    if (flags.has("a")) tasks = activeTasks(ctx);
    else if (flags.has("p")) {
      const p = panicTask(ctx.prog);
      if (!p) throw new CommandError("bt", "no panic task found");
      tasks = [p];
    } else if (rest.length) {
      tasks = rest.map((a) => {
        const t = resolveTaskArg(ctx.prog, a);
        if (!t) throw new CommandError("bt", `invalid task or pid value: ${a}`);
        return t;
      });
    } else tasks = [currentTask(ctx)];

    const fmt: BtFormatOptions = {
      symbolOffsets: flags.has("x") ? "hex" : flags.has("s") ? "dec" : undefined,
      lineAt: flags.has("l") ? ctx.lineAt : undefined,
    };
    if (flags.has("l") && ctx.prog.noDwarf) throw new CommandError("bt", `-l needs DWARF line tables: ${ctx.prog.noDwarf}`);
    if (flags.has("l") && !ctx.lineAt) throw new CommandError("bt", "-l: no line number information (the vmlinux has no DWARF line tables loaded)");
    const blocks: string[] = [];
    const errors: string[] = [];
    const data: BtResult = { tasks: [] };
    for (const task of tasks) {
      const lines = [formatTaskHeader(task)];
      try {
        const raw = taskBacktrace(ctx.prog, sc, task, { full: flags.has("f") });
        const bt = flags.has("M") && ctx.moduleDebuginfo ? withModuleSymbols(raw, ctx.moduleDebuginfo) : raw;
        if (flags.has("t")) lines.push(...textSymbols(ctx, sc, task, bt.start.rsp, bt.start.rip));
        else lines.push(...formatBacktrace(bt, fmt));
        data.tasks.push({ task: task.address, pid: task.pid, cpu: task.cpu, backtrace: bt });
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        const msg = `bt: ${err.message.replace(/^bt: /, "")}`;
        lines.push(msg);
        errors.push(msg);
        data.tasks.push({ task: task.address, pid: task.pid, cpu: task.cpu, error: err.message });
      }
      blocks.push(lines.join("\n") + "\n");
    }
    return { data, text: blocks.join("\n"), errors };
  },
};
