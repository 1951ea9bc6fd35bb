// crash's `bt` (kernel.c cmd_bt, x86_64.c x86_64_low_budget_back_trace_cmd): the kernel stack backtrace of
// the current task, of tasks given by pid or address, or of every CPU's active task (-a).
import type { Backtrace, BacktraceLine } from "../../arch/x86_64/unwind-types";
import { stackContext, taskBacktrace, taskStack, type StackContext } from "../../kernel/tasks/stack";
import { withModuleSymbols } from "../../kernel/modules/debuginfo";
import { withModuleKallsyms } from "../../kernel/modules/symbols";
import { panicTask, taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, isCancel, type CommandContext } from "../command";
import { currentTask, requireTaskArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatBt } from "./bt-format";

/** bt -t: a kernel text address found on the stack, the starting point, or a page that could not be read. */
export type BtTextEntry = { kind: "start"; name: string; rip: bigint } | { kind: "word"; address: bigint; name: string; value: bigint } | { kind: "unreadable"; address: bigint };

export interface BtTask extends TaskRef {
  backtrace?: Backtrace;
  /** -l: the source line of each line of the backtrace ("" where there is none), in the same order. */
  sources?: string[];
  /** -t: the text symbols on the stack instead of the frames. */
  textSymbols?: BtTextEntry[];
  error?: string;
}

export interface BtResult {
  /** -s / -x: frames as name+offset, in decimal or hex. */
  offsets?: "dec" | "hex";
  tasks: BtTask[];
}

type BtTargets = { kind: "active" } | { kind: "panic" } | { kind: "current" } | { kind: "words"; words: string[] };

interface BtOptions {
  targets: BtTargets;
  full: boolean;
  lines: boolean;
  offsets?: "dec" | "hex";
  text: boolean;
  moduleSymbols: boolean;
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
function textSymbols(ctx: CommandContext, sc: StackContext, task: Task, start: bigint, rip: bigint): BtTextEntry[] {
  const env = sc.env;
  const out: BtTextEntry[] = [];
  const startName = env.symbolAt(rip)?.name;
  if (startName) out.push({ kind: "start", name: startName, rip });
  const stack = taskStack(ctx.prog, sc, task);
  const from = start >= stack.base && start < stack.top ? start : stack.base;
  for (let a = from; a < stack.top; a += 8n) {
    let w: bigint;
    try {
      w = ctx.prog.readU64(a);
    } catch {
      out.push({ kind: "unreadable", address: a });
      a = (a | 0xfffn) - 7n;
      continue;
    }
    if (!env.isKernelText(w)) continue;
    const hit = env.symbolAt(w);
    if (hit) out.push({ kind: "word", address: a, name: hit.name, value: w });
  }
  return out;
}

/** -l: each line's source line: a frame's return address, a kernel-mode exception's RIP. */
function sourceLines(lines: readonly BacktraceLine[], lineAt: (address: bigint) => string | undefined): string[] {
  return lines.map((l) => (l.kind === "frame" ? lineAt(l.ip) : l.kind === "exception" && l.kernelMode && l.rip ? lineAt(l.regs.ip) : undefined) ?? "");
}

function backtraceOf(ctx: CommandContext, sc: StackContext, task: Task, o: BtOptions): BtTask {
  const out: BtTask = taskRef(task);
  try {
    const raw = taskBacktrace(ctx.prog, sc, task, { full: o.full });
    const loaded = o.moduleSymbols && ctx.moduleDebuginfo ? withModuleSymbols(raw, ctx.moduleDebuginfo) : raw;
    const bt = o.moduleSymbols ? withModuleKallsyms(ctx.prog, loaded) : loaded;
    out.backtrace = bt;
    if (o.text) out.textSymbols = textSymbols(ctx, sc, task, bt.start.rsp, bt.start.rip);
    else if (o.lines && ctx.lineAt) out.sources = sourceLines(bt.lines, ctx.lineAt);
  } catch (err) {
    if (!(err instanceof Error) || isCancel(err)) throw err;
    out.error = err.message.replace(/^bt: /, "");
  }
  return out;
}

export const btCommand = defineCommand({
  name: "bt",
  summary: "backtrace",
  help: `SYNOPSIS
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
    -M  (kdw) names an exception RIP in a module crash cannot name (one that took itself off the module
        list): "[exception RIP: mz_getdents_pre+94]", as crash prints it when it has the module's
        symbols. The name comes from debuginfo loaded with "mod -s" or "mod -S" (then -l adds its
        source line after the registers), else from the module's own in-memory symbol table. Without
        -M the text is crash's. (crash's -S is "start at this stack address", hence another letter.)

  An exception RIP in code with no kernel symbol (a module off the module list, for instance) is shown
  as crash shows it: "no symbolic reference"; use -M, or sym, for a better name.
  Where crash 8.0.6 stops on "cannot transition from exception stack to current process stack" because
  the stack pointer is on the CPU's entry trampoline stack (cpu_entry_area), kdw prints the frame saved
  there and "--- <entry trampoline stack> ---", as crash does for its KPTI entry stacks.
  A trace that cannot go on (a stack page excluded from the dump, a stack pointer outside any stack,
  more frames than a stack can hold) ends with a line "[kdw: backtrace stopped: reason]".`,
  options: { flags: "apflsxteM" },
  parse(args): BtOptions {
    const targets: BtTargets = args.has("a") ? { kind: "active" } : args.has("p") ? { kind: "panic" } : args.operands.length ? { kind: "words", words: [...args.operands] } : { kind: "current" };
    return { targets, full: args.has("f"), lines: args.has("l"), offsets: args.has("x") ? "hex" : args.has("s") ? "dec" : undefined, text: args.has("t"), moduleSymbols: args.has("M") };
  },
  execute(ctx, o, only): BtResult {
    const sc = context(ctx);
    let tasks: readonly Task[];
    if (only) tasks = only;
    else if (o.targets.kind === "active") tasks = activeTasks(ctx);
    else if (o.targets.kind === "panic") {
      const p = panicTask(ctx.prog);
      if (!p) throw new CommandError("bt", "no panic task found");
      tasks = [p];
    } else if (o.targets.kind === "words") tasks = o.targets.words.map((w) => requireTaskArg(ctx.prog, "bt", w));
    else tasks = [currentTask(ctx)];
    if (o.lines && ctx.prog.noDwarf) throw new CommandError("bt", `-l needs DWARF line tables: ${ctx.prog.noDwarf}`);
    if (o.lines && !ctx.lineAt) throw new CommandError("bt", "-l: no line number information (the vmlinux has no DWARF line tables loaded)");
    const result: BtResult = { ...(o.offsets ? { offsets: o.offsets } : {}), tasks: [] };
    for (const task of tasks) {
      ctx.interrupt?.();
      result.tasks.push(backtraceOf(ctx, sc, task, o));
    }
    return result;
  },
  format: formatBt,
  errors: (r) => r.tasks.flatMap((t) => (t.error !== undefined ? [`bt: ${t.error}`] : [])),
  perTask: true,
});
