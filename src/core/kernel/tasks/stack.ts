// Kernel stacks and backtraces of tasks: what the x86_64 backtracer (arch/x86_64/unwind.ts) needs, read from
// the kernel's own data once per Program: the ORC tables (from the vmlinux sections, else from memory), each
// CPU's IRQ stack (per-CPU hardirq_stack_ptr), IST exception stacks (cpu_tss_rw.x86_tss.ist[], sized by
// struct cea_exception_stacks) and entry trampoline stack (cpu_tss_rw.x86_tss.sp0), the pt_regs layout, and
// each task's stack (task_struct.stack, THREAD_SIZE) and starting registers.
import { orcLayoutOf, OrcTable } from "../../arch/x86_64/orc";
import { IST_NAMES, type CpuStacks, type ExceptionStack, type StackRange } from "../../arch/x86_64/stacks";
import { backtrace } from "../../arch/x86_64/unwind";
import { activeTaskStart, inactiveTaskStart } from "../../arch/x86_64/unwind-start";
import { DEFAULT_PT_REGS, PT_REGS_NAMES, type Backtrace, type InstructionDecoderLike, type PtRegName, type PtRegs, type PtRegsLayout, type SymbolHit, type UnwindEnv, type UnwindOptions, type UnwindTask } from "../../arch/x86_64/unwind-types";
import type { SymbolTable } from "../../debuginfo/symbols";
import { SHT_NOBITS, type ElfFile } from "../../dump/elf";
import type { CpuRegisters } from "../../dump/prstatus";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { layout, optional, type OptionalMember } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";
import { panicTask, taskTable, type Task } from "./tasks";

/** x86_64 THREAD_SIZE: PAGE_SIZE << THREAD_SIZE_ORDER (2 without KASAN; page_64_types.h). */
export const THREAD_SIZE = 16384;
/** IRQ_STACK_SIZE when struct irq_stack is not described (page_64_types.h). */
const IRQ_STACK_SIZE = 16384;
const MAX_IST = 7; // tss_struct.x86_tss.ist[7]
const MODULES_VADDR = 0xffffffffc0000000n; // __START_KERNEL_map + KERNEL_IMAGE_SIZE (1 GiB with KASLR)
const MODULES_END = 0xffffffffff000000n;
const SHF_EXECINSTR = 4;
/** More ORC entries than a kernel has (a distribution 6.1 kernel: about 370,000). */
const MAX_ORC_ENTRIES = 1 << 23;
const CEA_STACK_MEMBERS = ["DF_stack", "NMI_stack", "DB_stack", "MCE_stack", "VC_stack", "VC2_stack"];
const EXCEPTION_FUNCTIONS_5_8 = [
  "asm_exc_invalid_tss", "asm_exc_segment_not_present", "asm_exc_alignment_check", "asm_exc_general_protection", "asm_exc_page_fault",
  "asm_exc_divide_error", "asm_exc_overflow", "asm_exc_bounds", "asm_exc_invalid_op", "asm_exc_device_not_available",
  "asm_exc_coproc_segment_overrun", "asm_exc_spurious_interrupt_bug", "asm_exc_coprocessor_error", "asm_exc_simd_coprocessor_error",
  "asm_exc_debug", "xen_asm_exc_stack_segment", "xen_asm_exc_xen_hypervisor_callback", "xen_asm_exc_int3",
];
const EXCEPTION_FUNCTIONS_ORIG = [
  "invalid_TSS", "segment_not_present", "alignment_check", "xen_stack_segment", "general_protection", "page_fault", "divide_error",
  "overflow", "bounds", "invalid_op", "device_not_available", "coprocessor_segment_overrun", "spurious_interrupt_bug",
  "coprocessor_error", "simd_coprocessor_error", "xen_hypervisor_callback", "xen_debug", "xen_int3", "async_page_fault",
];

export interface StackContext {
  env: UnwindEnv;
  /** Where the ORC table came from ("vmlinux", "memory") or why there is none. */
  orcSource: string;
  /** The kernel's ORC table, when it could be read (dis bounds functions with it when kallsyms has no sizes). */
  orc?: OrcTable;
  threadSpOffset: number | undefined;
  stackOffset: number | undefined;
  frameBpOffset: number | undefined;
}

/** What the unwinder reads of the kernel's structs; each may be missing from a kernel's debuginfo. */
const STACK_LAYOUT = layout({
  orcSignal: optional("orc_entry.signal"), // which of the two ORC entry formats (arch/x86_64/orc.ts)
  orcEnd: optional("orc_entry.end"),
  frameRetAddr: optional("inactive_task_frame.ret_addr"),
  frameBp: optional("inactive_task_frame.bp"),
  threadSp: optional("task_struct.thread.sp"),
  stack: optional("task_struct.stack"),
  tssIst: optional("tss_struct.x86_tss.ist"),
  tssSp0: optional("tss_struct.x86_tss.sp0"),
  // 6.2+: the per-CPU hardirq_stack_ptr became a member of the per-CPU struct pcpu_hot.
  hotIrqStack: optional("pcpu_hot.hardirq_stack_ptr"),
});

/** struct pt_regs by the 6.1 names (bp, bx, ax, ... ip, flags, sp): used only when every one is there. */
const PT_REGS = layout(Object.fromEntries(PT_REGS_NAMES.map((n) => [n, optional(`pt_regs.${n}`)])) as Record<PtRegName, OptionalMember>);

/** struct cea_exception_stacks: char arrays, each stack after its guard page, the next member bounding it. */
const CEA_MEMBERS = [...CEA_STACK_MEMBERS, ...CEA_STACK_MEMBERS.map((x) => x.replace("_stack", "_stack_guard")), "IST_top_guard"];
const CEA_STACKS = layout(Object.fromEntries(CEA_MEMBERS.map((n) => [n, optional(`cea_exception_stacks.${n}`)])) as Record<string, OptionalMember>);

/** The context is built on first use with the symbols and vmlinux the first caller passes (the program's). */
const CONTEXT = perProgram((): { context?: StackContext } => ({}));

/** The unwinding context of a program, built once. `vmlinux` gives the ORC tables without reading memory. */
export function stackContext(prog: Program, symbols: SymbolTable, vmlinux?: ElfFile, decoder?: InstructionDecoderLike): StackContext {
  const slot = CONTEXT.of(prog);
  const c = (slot.context ??= buildContext(prog, symbols, vmlinux));
  if (decoder && !c.env.decoder) c.env.decoder = decoder;
  return c;
}

function tryRead<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

function buildContext(prog: Program, symbols: SymbolTable, vmlinux?: ElfFile): StackContext {
  // Names resolve through the program (the .symtab name index, already built): the sorted table
  // would build its own name index just for these.
  const sym = (n: string) => prog.symbols.addressOf(n);
  const l = STACK_LAYOUT.of(prog);
  // ORC: the sorted tables are the same in the vmlinux file and in memory (sorted at build time).
  const orcType = prog.findType("struct orc_entry");
  const layout = orcLayoutOf(orcType ? l.orcSignal !== undefined : false, orcType ? l.orcEnd !== undefined : true);
  const startIp = sym("__start_orc_unwind_ip");
  const stopIp = sym("__stop_orc_unwind_ip");
  const startU = sym("__start_orc_unwind");
  let orc: OrcTable | undefined;
  let orcSource = "none: no __start_orc_unwind_ip";
  if (startIp !== undefined && stopIp !== undefined && startU !== undefined) {
    // A separate debug file (objcopy --only-keep-debug) has the sections, empty (SHT_NOBITS): memory then.
    const ipSec = vmlinux?.sectionHeader(".orc_unwind_ip");
    const inFile = ipSec !== undefined && ipSec.type !== SHT_NOBITS && vmlinux?.sectionHeader(".orc_unwind")?.type !== SHT_NOBITS;
    const ipBytes = inFile ? vmlinux?.sectionBytes(".orc_unwind_ip") : undefined;
    const uBytes = inFile ? vmlinux?.sectionBytes(".orc_unwind") : undefined;
    if (ipSec && ipBytes && uBytes) {
      orc = new OrcTable(ipBytes, uBytes, startIp, layout, `${vmlinux!.name}:.orc_unwind`);
      orcSource = "vmlinux";
    } else {
      const n = Number(stopIp - startIp) / 4;
      const mem = Number.isInteger(n) && n > 0 && n <= MAX_ORC_ENTRIES ? tryRead(() => new OrcTable(prog.read(startIp, n * 4), prog.read(startU, n * 6), startIp, layout, "memory:__start_orc_unwind")) : undefined;
      if (mem) {
        orc = mem;
        orcSource = "memory";
      } else orcSource = "none: the ORC tables cannot be read from memory";
    }
  }

  const textRanges: StackRange[] = [];
  const slide = startIp !== undefined && vmlinux?.sectionHeader(".orc_unwind_ip") ? startIp - vmlinux.sectionHeader(".orc_unwind_ip")!.addr : undefined;
  if (vmlinux && slide !== undefined) {
    for (const s of vmlinux.sections) if (Number(s.flags) & SHF_EXECINSTR && s.addr) textRanges.push({ base: s.addr + slide, top: s.addr + slide + BigInt(s.size) });
  } else {
    for (const [a, b] of [["_stext", "_etext"], ["_sinittext", "_einittext"]] as const) {
      const lo = sym(a);
      const hi = sym(b);
      if (lo !== undefined && hi !== undefined) textRanges.push({ base: lo, top: hi });
    }
  }
  // Frames name the same return addresses again and again (every task in schedule, each address asked by the
  // frame's line and by its frame size): each address is looked up once, its answer shared (not changed).
  const named = new Map<bigint, SymbolHit | null>();
  const symbolAt = (a: bigint): SymbolHit | undefined => {
    let hit = named.get(a);
    if (hit === undefined) {
      hit = symbols.nameOffsetAt(a) ?? null;
      if (named.size >= 1 << 16) named.clear();
      named.set(a, hit);
    }
    return hit ?? undefined;
  };
  const isKernelText = (a: bigint): boolean => {
    for (const r of textRanges) if (a >= r.base && a < r.top) return true;
    const type = symbols.typeAt(a);
    return type === "t" || type === "T";
  };

  const ptRegs = ptRegsLayout(prog);
  const cpus = cpuStacks(prog, sym, l.tssIst, l.tssSp0, l.hotIrqStack);
  const initBegin = sym("__init_begin");
  const initEnd = sym("__init_end");
  const env: UnwindEnv = {
    read: (a, n) => prog.read(a, n),
    symbolAt,
    isKernelText,
    isModuleAddr: (a) => a >= MODULES_VADDR && a < MODULES_END,
    isMappedVmalloc: (a) => tryRead(() => prog.read(a, 1)) !== undefined,
    orcFind: (ip) => orc?.find(ip),
    symbolAddress: sym,
    ptRegs,
    cpus,
    exceptionFunctions: new Set(sym("asm_exc_page_fault") !== undefined ? EXCEPTION_FUNCTIONS_5_8 : EXCEPTION_FUNCTIONS_ORIG),
    nestedNmi: sym("repeat_nmi") !== undefined,
    initText: initBegin !== undefined && initEnd !== undefined ? { base: initBegin, top: initEnd } : undefined,
    inactiveRetAddrOffset: l.frameRetAddr,
  };
  return { env, orcSource, orc, threadSpOffset: l.threadSp, stackOffset: l.stack, frameBpOffset: l.frameBp };
}

/** struct pt_regs from the debuginfo (6.1 names: bp, bx, ax, ... ip, flags, sp). */
function ptRegsLayout(prog: Program): PtRegsLayout {
  const found = PT_REGS.of(prog);
  const offsets = {} as Record<PtRegName, number>;
  for (const n of PT_REGS_NAMES) {
    const off = found[n];
    if (off === undefined) return DEFAULT_PT_REGS;
    offsets[n] = off;
  }
  return { size: prog.sizeOf("struct pt_regs"), offsets };
}

/** Each CPU's IRQ, exception and entry stacks (crash x86_64_per_cpu_init, x86_64_ist_init). */
function cpuStacks(prog: Program, sym: (n: string) => bigint | undefined, istOff: number | undefined, sp0Off: number | undefined, hotIrqOff: number | undefined): CpuStacks[] {
  const out: CpuStacks[] = [];
  const nr = prog.dump.cpus.length || 1;
  const hot = sym("pcpu_hot");
  const hardirq = sym("hardirq_stack_ptr") ?? (hot !== undefined && hotIrqOff !== undefined ? hot + BigInt(hotIrqOff) : undefined);
  const tss = sym("cpu_tss_rw");
  const ceaType = prog.findType("struct cea_exception_stacks");
  // IST stack sizes by slot, from struct cea_exception_stacks (each stack follows its guard page).
  const sizes = CEA_STACK_MEMBERS.map((m) => (ceaType ? (ceaStackSize(prog, m) ?? 0) : 4096));
  const irqType = prog.findType("struct irq_stack");
  const isize = irqType ? prog.sizeOf(irqType) : IRQ_STACK_SIZE;
  const entrySize = prog.findType("struct entry_stack") ? prog.sizeOf("struct entry_stack") : 4096;
  for (let cpu = 0; cpu < nr; cpu++) {
    const off = tryRead(() => prog.perCpuOffset(cpu));
    if (off === undefined) break;
    const c: { cpu: number; irq?: StackRange; exception: ExceptionStack[]; entry?: StackRange } = { cpu, exception: [] };
    if (hardirq !== undefined) {
      let p = tryRead(() => prog.readU64(hardirq + off));
      if (p) {
        if ((p & 0xfffn) !== 0n) p += 8n;
        c.irq = { base: p - BigInt(isize), top: p };
      }
    }
    if (tss !== undefined && istOff !== undefined) {
      for (let i = 0; i < MAX_IST; i++) {
        const top = tryRead(() => prog.readU64(tss + off + BigInt(istOff + i * 8)));
        if (!top) break;
        const size = sizes[i] ?? 0;
        c.exception.push({ name: IST_NAMES[i]!, index: i, base: top - BigInt(size), top });
      }
      if (sp0Off !== undefined) {
        const sp0 = tryRead(() => prog.readU64(tss + off + BigInt(sp0Off)));
        if (sp0) c.entry = { base: sp0 - BigInt(entrySize), top: sp0 };
      }
    }
    out.push(c);
  }
  return out;
}

/** A stack's size: from its offset to the next member's (each is a char array followed by a guard page). */
function ceaStackSize(prog: Program, member: string): number | undefined {
  const offsets = CEA_STACKS.of(prog);
  const off = offsets[member];
  if (off === undefined) return undefined;
  let next = Infinity;
  for (const m of CEA_MEMBERS) {
    const o = offsets[m];
    if (o !== undefined && o > off && o < next) next = o;
  }
  return Number.isFinite(next) ? next - off : undefined;
}

/** The dump's NT_PRSTATUS registers as a pt_regs. */
export function noteToPtRegs(c: CpuRegisters): PtRegs {
  const r = c.regs;
  return {
    r15: r.r15, r14: r.r14, r13: r.r13, r12: r.r12, bp: r.rbp, bx: r.rbx, r11: r.r11, r10: r.r10, r9: r.r9, r8: r.r8,
    ax: r.rax, cx: r.rcx, dx: r.rdx, si: r.rsi, di: r.rdi, orig_ax: r.orig_rax, ip: r.rip, cs: r.cs, flags: r.eflags, sp: r.rsp, ss: r.ss,
  };
}

/** The task's kernel stack (task_struct.stack .. + THREAD_SIZE). */
export function taskStack(prog: Program, ctx: StackContext, task: Task): StackRange {
  if (ctx.stackOffset === undefined) throw new MissingDebugInfo("task_struct has no stack member");
  const base = prog.readU64(task.address + BigInt(ctx.stackOffset));
  return { base, top: base + BigInt(THREAD_SIZE) };
}

/** Where bt -S / -I start a trace instead: a stack address, and optionally the instruction pointer there. */
export interface BacktraceStart {
  rsp: bigint;
  rip?: bigint;
}

/**
 * Backtraces are kept for programs of at most this many tasks. Past it (a host of 50,000 tasks) a foreach
 * would only pass every trace through the store: kept long enough to be promoted to the old generation,
 * then dropped, where a trace that is not kept dies young (measured: the collector's share of `foreach bt`
 * over 50,000 tasks).
 */
const BACKTRACES_TASKS = 4096;
/** Traces kept per program, all options together: past it the store starts again. */
const BACKTRACES_KEPT = 16_384;
/** A program's backtraces from each task's own starting point: by options (optionsKey), then task address. */
const BACKTRACES = perProgram(() => ({ count: 0, byOptions: new Map<number, Map<bigint, Backtrace>>() }));

/** The options a kept trace was made with, as a number; -1 for options not kept (a frame limit). */
function optionsKey(opts: UnwindOptions, ctx: StackContext): number {
  if (opts.maxFrames !== undefined) return -1;
  return (opts.full ? 1 : 0) | (opts.oldMethod ? 2 : 0) | (ctx.env.decoder ? 4 : 0);
}

/**
 * A task's backtrace as crash's `bt` finds it (from `from` when given: bt -S SP [-I IP]). The dump does not
 * change: on a program of at most BACKTRACES_TASKS tasks, a trace from the task's own starting point is kept
 * and given again (bt after foreach bt, a panel after the console, a detector after both); callers do not
 * change what they are given.
 */
export function taskBacktrace(prog: Program, ctx: StackContext, task: Task, opts: UnwindOptions = {}, from?: BacktraceStart): Backtrace {
  const key = from ? -1 : optionsKey(opts, ctx);
  if (key < 0 || taskTable(prog).tasks.length > BACKTRACES_TASKS) return traceTask(prog, ctx, task, opts, from);
  const kept = BACKTRACES.of(prog);
  let traces = kept.byOptions.get(key);
  if (!traces) kept.byOptions.set(key, (traces = new Map()));
  const hit = traces.get(task.address);
  if (hit) return hit;
  const bt = traceTask(prog, ctx, task, opts, from);
  if (kept.count >= BACKTRACES_KEPT) {
    for (const m of kept.byOptions.values()) m.clear();
    kept.count = 0;
  }
  traces.set(task.address, bt);
  kept.count++;
  return bt;
}

function traceTask(prog: Program, ctx: StackContext, task: Task, opts: UnwindOptions, from: BacktraceStart | undefined): Backtrace {
  const table = taskTable(prog);
  const panic = panicTask(prog);
  const unwindTask: UnwindTask = { address: task.address, pid: task.pid, cpu: task.cpu, kernelThread: task.kernelThread, stack: taskStack(prog, ctx, task) };
  const onCpu = table.runqueues.some((r) => r.curr === task.address) || task === panic;
  if (ctx.threadSpOffset === undefined) throw new MissingDebugInfo("task_struct has no thread.sp");
  const threadSp = prog.readU64(task.address + BigInt(ctx.threadSpOffset));
  // crash reads inactive_task_frame.bp at thread.sp for every task (x86_64_get_sp), also for a running
  // task whose switch frame is stale: that bp is where its ORC frame-pointer tracking starts.
  const switchFrame = inactiveTaskStart(ctx.env, threadSp, ctx.frameBpOffset);
  let start;
  if (onCpu) {
    const note = prog.dump.cpus.find((c) => c.cpu === task.cpu);
    start = activeTaskStart(ctx.env, { task: unwindTask, panic: task === panic, noteRegs: note ? noteToPtRegs(note) : undefined });
    if (start.source === "stack search") start.bp = switchFrame.bp;
  } else start = switchFrame;
  if (from) {
    // Without -I, the return address stored at SP names the first frame (crash's get_stack_frame would give
    // the task's own starting point, which belongs to another stack position).
    let rip = from.rip;
    if (rip === undefined) {
      const w = tryRead(() => prog.readU64(from.rsp));
      rip = w !== undefined && ctx.env.isKernelText(w) ? w : start.rip;
    }
    start = { rip, rsp: from.rsp, bp: 0n, source: start.source };
  }
  return backtrace(ctx.env, unwindTask, start, opts);
}
