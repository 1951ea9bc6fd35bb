// crash's `bt` (kernel.c cmd_bt, back_trace; x86_64.c x86_64_low_budget_back_trace_cmd): the kernel stack
// backtrace of the current task, of tasks given by pid or address, of every CPU's active task (-a) or of
// some CPUs' (-c), of a thread group (-g), or of the panic task (-p). Instead of the trace: the text
// symbols on the stack (-t, -T), the raw stack (-r), the exception frames a stack holds (-e, -E), a check of
// every task's stack for overflows (-v). -R keeps the traces that refer to a symbol or address; -o traces
// without frame sizes (crash's old x86_64 method) and -O makes that the session's default; -S and -I start
// the trace at a stack address and instruction of one's choosing.
import type { FoundEframe } from "../../arch/x86_64/eframe-search";
import { decodePtRegs } from "../../arch/x86_64/unwind-eframe";
import type { Backtrace, BacktraceLine, PtRegs } from "../../arch/x86_64/unwind-types";
import { KdwError } from "../../io/errors";
import { stackContext, taskBacktrace, taskStack, type StackContext } from "../../kernel/tasks/stack";
import { withModuleSymbols } from "../../kernel/modules/debuginfo";
import { withModuleKallsyms } from "../../kernel/modules/symbols";
import { stackOverflows } from "../../kernel/tasks/stack-overflow";
import { cpuCount } from "../../kernel/tasks/sched";
import { panicTask, taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, isCancel, type CommandContext } from "../command";
import { parseCpuList } from "../shared/cpu-list";
import { isHexAddress, parseHex, resolveAddress } from "../shared/symbol-args";
import { currentTask, tasksForArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { ValueLabeler, type SlabDetail } from "../shared/value-label";
import { formatBt } from "./bt-format";
import { cpuStackEframes, rawStack, taskEframes, traceRefers, type BtReference, type BtStackSearch } from "./bt-views";

/**
 * bt -t: a kernel text address found on the stack, the starting point, a page that could not be read, or
 * (last, for a user task) the user-mode registers at the top of the stack.
 */
export type BtTextEntry =
  | { kind: "start"; name: string; rip: bigint }
  | { kind: "word"; address: bigint; name: string; value: bigint }
  | { kind: "unreadable"; address: bigint }
  | { kind: "eframe"; regs: PtRegs; rip?: string };

export interface BtTask extends TaskRef {
  backtrace?: Backtrace;
  /** -l: the source line of each line of the backtrace ("" where there is none), in the same order. */
  sources?: string[];
  /** -t / -T: the text symbols on the stack instead of the frames. */
  textSymbols?: BtTextEntry[];
  /** -e: the exception frames the task's stack holds. */
  eframes?: FoundEframe[];
  /**
   * -F / -FF: how the -f words that are not shown in hexadecimal read, by value (hex, no 0x): crash's
   * format_stack_entry ("symbol+offset", "[cache]" or "[value:cache]").
   */
  wordLabels?: Record<string, string>;
  /** -r: the raw stack, from its base, with rd -s's name of each word (undefined: none). */
  raw?: { base: bigint; bytes: Uint8Array; symbols: (string | undefined)[] };
  error?: string;
}

export interface BtResult {
  /** -s / -x: frames as name+offset, in decimal or hex. */
  offsets?: "dec" | "hex";
  tasks: BtTask[];
  /** -R: only the tasks whose trace refers to it were kept (each block then ends with a blank line). */
  reference?: string;
  /** -O: crash's note on the method now used by default. */
  message?: string;
  /** -E: each CPU stack searched and the frames found. */
  stacks?: BtStackSearch[];
  /** -v: the tasks whose stacks show an overflow, with crash's lines (none: "No stack overflows detected"). */
  overflows?: { task: TaskRef; signs: string[] }[];
  /** Words that named no task. */
  errors: string[];
}

type BtTargets = { kind: "active" } | { kind: "cpus"; spec: string } | { kind: "panic" } | { kind: "current" } | { kind: "words"; words: string[] };

type BtView = "trace" | "text" | "textAll" | "raw" | "eframes" | "cpuEframes" | "overflow" | "toggle";

interface BtOptions {
  view: BtView;
  targets: BtTargets;
  group: boolean;
  full: boolean;
  /** -F: the -f words symbolically, slab objects as [cache]; -FF: as [value:cache]. */
  symbolic?: SlabDetail;
  lines: boolean;
  offsets?: "dec" | "hex";
  moduleSymbols: boolean;
  old: boolean;
  reference?: string;
  startSp?: string;
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

/** bt -t / -T: every kernel text address on the stack from the starting SP or the stack's base (crash's BT_TEXT_SYMBOLS). */
function textSymbols(ctx: CommandContext, sc: StackContext, task: Task, start: bigint | undefined, rip: bigint | undefined): BtTextEntry[] {
  const env = sc.env;
  const out: BtTextEntry[] = [];
  const startName = rip !== undefined ? env.symbolAt(rip)?.name : undefined;
  if (rip !== undefined && startName) out.push({ kind: "start", name: startName, rip });
  const stack = taskStack(ctx.prog, sc, task);
  const from = start !== undefined && start >= stack.base && start < stack.top ? start : stack.base;
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
  // crash's trace loop ends a user task's text listing as it ends its trace: with the pt_regs at the top of
  // the task's stack, printed without being verified.
  if (!task.kernelThread) {
    try {
      const regs = decodePtRegs(ctx.prog.read(stack.top - BigInt(env.ptRegs.size), env.ptRegs.size), env.ptRegs);
      const kernel = (regs.cs & 3n) === 0n;
      const hit = kernel ? env.symbolAt(regs.ip) : undefined;
      out.push({ kind: "eframe", regs, ...(kernel ? { rip: hit ? hit.name + (hit.offset ? `+${hit.offset}` : "") : "unknown or invalid address" } : {}) });
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
    }
  }
  return out;
}

/** -l: each line's source line: a frame's return address, a kernel-mode exception's RIP. */
function sourceLines(lines: readonly BacktraceLine[], lineAt: (address: bigint) => string | undefined): string[] {
  return lines.map((l) => (l.kind === "frame" ? lineAt(l.ip) : l.kind === "exception" && l.kernelMode && l.rip ? lineAt(l.regs.ip) : undefined) ?? "");
}

function guard(out: BtTask, f: () => void): BtTask {
  try {
    f();
  } catch (err) {
    if (!(err instanceof Error) || isCancel(err)) throw err;
    out.error = err.message.replace(/^bt: /, "");
  }
  return out;
}

/** The stack address of -S, checked against the task's stacks (crash: "non-process stack address for this task"). */
function startAt(ctx: CommandContext, sc: StackContext, task: Task, o: BtOptions): { rsp: bigint } | undefined {
  if (o.startSp === undefined) return undefined;
  const stack = taskStack(ctx.prog, sc, task);
  const sp = parseHex(o.startSp);
  const cpu = sc.env.cpus.find((c) => c.cpu === task.cpu);
  const inOther = cpu && [cpu.irq, ...cpu.exception, cpu.entry].some((r) => r && sp >= r.base && sp < r.top);
  if (!(sp >= stack.base && sp < stack.top) && !inOther) {
    throw new CommandError("bt", `non-process stack address for this task: ${sp.toString(16)}\n    (valid range: ${stack.base.toString(16)} - ${stack.top.toString(16)})`);
  }
  return { rsp: sp };
}

function taskView(ctx: CommandContext, sc: StackContext, task: Task, o: BtOptions): BtTask {
  const out: BtTask = taskRef(task);
  return guard(out, () => {
    if (o.view === "raw") {
      out.raw = rawStack(ctx, sc, task, o.startSp !== undefined ? parseHex(o.startSp) : undefined);
      return;
    }
    if (o.view === "eframes") {
      out.eframes = taskEframes(ctx, sc, task);
      return;
    }
    if (o.view === "textAll") {
      // BT_TEXT_SYMBOLS_ALL: from just above the thread_info at the stack's base, no starting point.
      const base = taskStack(ctx.prog, sc, task).base;
      const ti = ctx.prog.findType("struct thread_info");
      out.textSymbols = textSymbols(ctx, sc, task, base + BigInt(ti ? ctx.prog.sizeOf(ti) : 0), undefined);
      return;
    }
    const raw = taskBacktrace(ctx.prog, sc, task, { full: o.full, oldMethod: o.old }, startAt(ctx, sc, task, o));
    const loaded = o.moduleSymbols && ctx.moduleDebuginfo ? withModuleSymbols(raw, ctx.moduleDebuginfo) : raw;
    const bt = o.moduleSymbols ? withModuleKallsyms(ctx.prog, loaded) : loaded;
    out.backtrace = bt;
    if (o.symbolic) out.wordLabels = wordLabels(ctx, bt, o.symbolic);
    if (o.view === "text") out.textSymbols = textSymbols(ctx, sc, task, bt.start.rsp, bt.start.rip);
    else if (o.lines && ctx.lineAt) out.sources = sourceLines(bt.lines, ctx.lineAt);
  });
}

/** The labels of the -f words of a backtrace (bt -F), each distinct value looked up once. */
function wordLabels(ctx: CommandContext, bt: Backtrace, slab: SlabDetail): Record<string, string> {
  const labeler = new ValueLabeler(ctx, slab, true);
  const out: Record<string, string> = {};
  const seen = new Set<bigint>();
  for (const l of bt.lines) {
    if (l.kind !== "words") continue;
    for (const w of l.words) {
      if (seen.has(w)) continue;
      seen.add(w);
      const label = labeler.label(w);
      if (label !== undefined) out[w.toString(16)] = label;
    }
  }
  return out;
}

/** crash's reading of -R: a value crash can evaluate (a hexadecimal number here), else a symbol name. */
function btReference(ctx: CommandContext, text: string): BtReference {
  if (isHexAddress(text)) return { kind: "value", value: parseHex(text) };
  const sym = /^([A-Za-z_.$][\w.$]*)\+(\d+|0x[0-9a-f]+)$/i.exec(text);
  if (sym) return { kind: "value", value: resolveAddress(ctx, "bt", text) };
  return { kind: "symbol", name: text };
}

/** The tasks a bt line names, in crash's order. */
function targetTasks(ctx: CommandContext, o: BtOptions, only?: readonly Task[]): { tasks: Task[]; errors: string[] } {
  const errors: string[] = [];
  if (only) return { tasks: [...only], errors };
  const t = o.targets;
  let tasks: Task[];
  if (t.kind === "active") tasks = activeTasks(ctx);
  else if (t.kind === "cpus") {
    const cpus = parseCpuList("bt", t.spec, cpuCount(ctx.prog));
    const active = activeTasks(ctx);
    tasks = cpus.map((c) => {
      const a = active.find((x) => x.cpu === c);
      if (!a) throw new CommandError("bt", `cannot determine active task on cpu ${c}`);
      return a;
    });
  } else if (t.kind === "panic") {
    const p = panicTask(ctx.prog);
    if (!p) throw new CommandError("bt", "no panic task found!");
    tasks = [p];
  } else if (t.kind === "words") {
    tasks = [];
    for (const w of t.words) {
      const sel = tasksForArg(ctx.prog, w);
      if (!sel) errors.push(`bt: invalid task or pid value: ${w}`);
      // crash: a pid with several tasks (pid 0) shows each; with -g, a pid's thread group.
      else tasks.push(...(o.group ? [sel.tasks[0]!] : sel.tasks));
    }
  } else tasks = [currentTask(ctx)];
  if (!o.group) return { tasks, errors };
  // DO_THREAD_GROUP_BACKTRACE: the leader, then the other threads in task order.
  const table = taskTable(ctx.prog);
  const grouped: Task[] = [];
  for (const task of tasks) {
    if (task.pid === 0) {
      grouped.push(task);
      continue;
    }
    const leader = table.tasks.find((x) => x.pid === task.tgid) ?? task;
    grouped.push(leader, ...table.tasks.filter((x) => x.tgid === task.tgid && x.address !== leader.address));
  }
  return { tasks: grouped, errors };
}

function execute(ctx: CommandContext, o: BtOptions, only?: readonly Task[]): BtResult {
  const result: BtResult = { ...(o.offsets ? { offsets: o.offsets } : {}), tasks: [], errors: [] };
  if (o.view === "toggle") {
    ctx.state.btOldMethod = !ctx.state.btOldMethod;
    return { ...result, message: `bt: use ${ctx.state.btOldMethod ? "old" : "new"} bt method by default` };
  }
  if (o.view === "overflow") {
    return { ...result, overflows: stackOverflows(ctx.prog).map((s) => ({ task: taskRef(s.task), signs: s.signs })) };
  }
  const sc = context(ctx);
  if (o.view === "cpuEframes") {
    const cpus = o.targets.kind === "cpus" ? parseCpuList("bt", o.targets.spec, cpuCount(ctx.prog)) : undefined;
    return { ...result, stacks: cpuStackEframes(sc, cpus) };
  }
  const opts = { ...o, old: o.old || ctx.state.btOldMethod === true };
  const { tasks, errors } = targetTasks(ctx, opts, only);
  result.errors.push(...errors);
  if (o.lines && ctx.prog.noDwarf) throw new CommandError("bt", `-l needs DWARF line tables: ${ctx.prog.noDwarf}`);
  if (o.lines && !ctx.lineAt) throw new CommandError("bt", "-l: no line number information (the vmlinux has no DWARF line tables loaded)");
  const ref = o.reference !== undefined ? btReference(ctx, o.reference) : undefined;
  const fnStart = (a: bigint): bigint | undefined => {
    const hit = sc.env.symbolAt(a);
    return hit ? a - BigInt(hit.offset) : undefined;
  };
  for (const task of tasks) {
    ctx.interrupt?.();
    const one = taskView(ctx, sc, task, opts);
    if (ref && !(one.backtrace && traceRefers(one.backtrace, ref, fnStart))) continue;
    result.tasks.push(one);
  }
  if (o.reference !== undefined) result.reference = o.reference;
  return result;
}

const BT_OPTIONS = { flags: "apfFlsxteMgrTvoOEd", values: "cRS" } as const;

export const btCommand = defineCommand({
  name: "bt",
  summary: "backtrace",
  help: `SYNOPSIS
  bt [-a|-c cpu(s)|-g|-r|-t|-T|-l|-e|-E|-f|-F[F]|-o|-O|-v|-p|-M] [-R ref] [-s [-x|d]] [-S sp]
     [pid | task]

DESCRIPTION
  Shows the kernel stack backtrace of the current context's task, or of the tasks given by pid or
  task_struct address. The trace is crash's: stack words that are kernel text return addresses, frame
  sizes from the kernel's ORC tables, exception frames (pt_regs) printed after the entry points that
  leave them, and the NMI / exception / IRQ stacks followed back to the task's stack. The user-mode
  registers at the top of the stack end the trace of a user task.

    -a  the active task on each CPU when the dump was taken.
    -c cpu(s)  the active task on those CPUs: "3", "1,8,9", "1-23" or "1,8,9-14".
    -p  the panic task only.
    -g  every thread of the task's thread group, the leader first.
    -r  the raw kernel stack: every word from its base (from -S SP when given).
    -t  every kernel text address on the stack from the starting point, without frame analysis.
    -T  the same from just above the thread_info at the stack's base, without a starting point.
    -l  the source file and line of each frame (when the vmlinux has DWARF line tables).
    -e  the exception frames (kernel- and user-mode pt_regs) the task's stack holds, found by trying
        every word as one, as crash's search does.
    -E  the same over every CPU's IRQ stack and exception stacks (with -c, those CPUs'), whatever the
        task.
    -f  the words of each frame's stack between it and the next.
    -F  as -f, each word shown symbolically where it can be: symbol+offset, or [cache] for an address in
        a slab object; -FF shows [address:cache].
    -o  crash's old x86_64 method: no frame sizes, so every kernel text return address on the stack is
        a frame, stale ones included.
    -O  make -o the default for the rest of the session; again to go back.
    -v  every task's stack checked for an overflow (STACK_END_MAGIC at its end; before 4.9,
        thread_info.task and thread_info.cpu as well).
    -R ref  only the traces that refer to ref: a function name, or a value (a return address, an
        exception frame's RIP, register or function start).
    -s  function name plus offset in each frame; -x the same with hexadecimal offsets.
    -S sp  start the trace at stack address sp, with the return address stored there as the first
        frame. crash 8.0.6 ends with a segmentation fault on every -S on x86_64 dumps.
    -M  (kdw) names an exception RIP in a module crash cannot name (one that took itself off the module
        list): "[exception RIP: mz_getdents_pre+94]", as crash prints it when it has the module's
        symbols. The name comes from debuginfo loaded with "mod -s" or "mod -S" (then -l adds its
        source line after the registers), else from the module's own in-memory symbol table. Without
        -M the text is crash's.

  An exception RIP in code with no kernel symbol (a module off the module list, for instance) is shown
  as crash shows it: "no symbolic reference"; use -M, or sym, for a better name.
  Where crash 8.0.6 stops on "cannot transition from exception stack to current process stack" because
  the stack pointer is on the CPU's entry trampoline stack (cpu_entry_area), kdw prints the frame saved
  there and "--- <entry trampoline stack> ---", as crash does for its KPTI entry stacks.
  A trace that cannot go on (a stack page excluded from the dump, a stack pointer outside any stack,
  more frames than a stack can hold) ends with a line "[kdw: backtrace stopped: reason]".`,
  options: BT_OPTIONS,
  parse(args): BtOptions {
    if (args.values("R").length > 1) throw new CommandError("bt", "only one -R option allowed");
    if (args.values("c").length > 1) throw new CommandError("bt", "only one -c option allowed");
    if (args.has("x") && args.has("d")) throw new CommandError("bt", "-d and -x are mutually exclusive");
    const sp = args.value("S");
    if (sp !== undefined && !isHexAddress(sp)) throw new CommandError("bt", `invalid stack address: ${sp}`);
    if (sp !== undefined && parseHex(sp) === 0n) throw new CommandError("bt", "invalid stack address for this task: 0");
    const c = args.value("c");
    const group = args.has("g");
    if (c !== undefined && group) throw new CommandError("bt", "-c option cannot be used with the -g option");
    if (args.has("a") && group) throw new CommandError("bt", "-a option cannot be used with the -g option");
    const targets: BtTargets = args.has("a") ? { kind: "active" } : c !== undefined ? { kind: "cpus", spec: c } : args.has("p") ? { kind: "panic" } : args.operands.length ? { kind: "words", words: [...args.operands] } : { kind: "current" };
    // The option crash acts on at once comes first: -O and -v print and return, -E searches the CPU stacks.
    const view: BtView = args.has("O") ? "toggle" : args.has("v") ? "overflow" : args.has("E") ? "cpuEframes" : args.has("e") ? "eframes" : args.has("r") ? "raw" : args.has("T") ? "textAll" : args.has("t") ? "text" : "trace";
    return {
      view,
      targets,
      group,
      full: args.has("f") || args.has("F"),
      ...(args.has("F") ? { symbolic: Math.min(args.count("F"), 2) as SlabDetail } : {}),
      lines: args.has("l"),
      offsets: args.has("x") ? "hex" : args.has("s") ? "dec" : undefined,
      moduleSymbols: args.has("M"),
      old: args.has("o"),
      ...(args.value("R") !== undefined ? { reference: args.value("R")! } : {}),
      ...(sp !== undefined ? { startSp: sp } : {}),
    };
  },
  execute,
  format: formatBt,
  // A task's own error is part of its block (crash prints it there); the data keeps it in `error`.
  errors: (r) => [...r.errors, ...(r.stacks ?? []).flatMap((s) => (s.error !== undefined ? [`bt: CPU ${s.cpu} ${s.name} stack: ${s.error}`] : []))],
  perTask: true,
});
