// What the x86_64 backtracer needs from the kernel (UnwindEnv, filled by src/core/kernel/stack.ts) and what it
// produces (BacktraceLine): frames, exception frames, stack transitions and the reason a trace stopped.
import type { OrcEntry } from "./orc";
import type { CpuStacks, StackRange } from "./stacks";

/** Registers of an exception frame, by pt_regs order (arch/x86/include/asm/ptrace.h). */
export const PT_REGS_NAMES = ["r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss"] as const;
export type PtRegName = (typeof PT_REGS_NAMES)[number];
export type PtRegs = Record<PtRegName, bigint>;

export interface PtRegsLayout {
  size: number;
  offsets: Record<PtRegName, number>;
}

/** 6.1's struct pt_regs: 21 longs in PT_REGS_NAMES order. */
export const DEFAULT_PT_REGS: PtRegsLayout = {
  size: 168,
  offsets: Object.fromEntries(PT_REGS_NAMES.map((n, i) => [n, i * 8])) as Record<PtRegName, number>,
};

export interface SymbolHit {
  name: string;
  offset: number;
}

/** One decoded instruction in gdb's AT&T spelling (the shape of disasm.ts's DecodedInstruction). */
export interface DecodedInstructionLike {
  address: bigint;
  length: number;
  /** Prefixes and mnemonic: `push`, `sub`, `lock cmpxchg`. */
  mnemonic: string;
  /** AT&T operands without spaces: `$0x10,%rsp`. */
  operands: string;
}

/** An x86-64 decoder (the CLI injects iced-x86's; the core has none of its own). */
export interface InstructionDecoderLike {
  decode(bytes: Uint8Array, ip: bigint, max: number): DecodedInstructionLike[];
  /**
   * The direct near calls and jumps among the instructions decoded from `bytes` (the first at `ip`),
   * without formatting any text: for scans over whole functions. Optional; callers fall back to decode().
   */
  branches?(bytes: Uint8Array, ip: bigint, max: number): DirectBranch[];
}

/** A direct near call or jump (rel8/rel32) and where it goes. */
export interface DirectBranch {
  address: bigint;
  length: number;
  kind: "call" | "jmp" | "jcc";
  target: bigint;
}

export interface UnwindEnv {
  /** Kernel virtual memory; throws a KdwError when unreadable. */
  read(addr: bigint, len: number): Uint8Array;
  /** crash's value_search: the kernel symbol containing addr. */
  symbolAt(addr: bigint): SymbolHit | undefined;
  /** crash's is_kernel_text: in an executable section of the kernel, or at a text symbol. */
  isKernelText(addr: bigint): boolean;
  /** In the module area (MODULES_VADDR..MODULES_END). */
  isModuleAddr(addr: bigint): boolean;
  /** A vmalloc/module address that the page tables map. */
  isMappedVmalloc(addr: bigint): boolean;
  orcFind(ip: bigint): OrcEntry | undefined;
  symbolAddress(name: string): bigint | undefined;
  ptRegs: PtRegsLayout;
  cpus: readonly CpuStacks[];
  /** crash's exception_functions_5_8: entry points that leave a pt_regs right above their return slot. */
  exceptionFunctions: ReadonlySet<string>;
  /** repeat_nmi exists (3.3+): the NMI stack keeps 12 more words above the frame. */
  nestedNmi: boolean;
  /** __init text: crash takes frame size 0 there. */
  initText?: StackRange;
  /** For crash's frame-size fallback (count pushes from the function start); without it, ORC at ip - 1. */
  decoder?: InstructionDecoderLike;
  /**
   * Frame sizes the fallback counted, by return address (the function's start follows from it), one map for
   * a return address and one for an exception frame's ip: the same return addresses recur in every sleeping
   * task's trace, and the count depends only on the (immutable) kernel text.
   */
  framesizeCache?: { call: Map<bigint, number>; exception: Map<bigint, number> };
  /** offsetof(struct inactive_task_frame, ret_addr), where the kernel has that struct. */
  inactiveRetAddrOffset?: number;
}

export interface UnwindTask {
  address: bigint;
  pid: number;
  cpu: number;
  kernelThread: boolean;
  /** task->stack .. + THREAD_SIZE. */
  stack: StackRange;
}

export interface UnwindStart {
  rip: bigint;
  rsp: bigint;
  /** Frame pointer known at the start (inactive_task_frame.bp), 0 if none. */
  bp: bigint;
  /** Starting registers from the dump's NT_PRSTATUS, printed when the trace starts in them. */
  noteRegs?: PtRegs;
  /** crash's BT_KERNEL_SPACE / BT_USER_SPACE: the trace starts from the note's registers. */
  space?: "kernel" | "user";
  /** How the start was found (for the structured result). */
  source: "inactive_task_frame" | "stack search" | "NT_PRSTATUS";
}

export interface UnwindOptions {
  /** bt -f: the words between frames. */
  full?: boolean;
  /** Longest trace (frames) before giving up as a loop. */
  maxFrames?: number;
  /**
   * bt -o (crash's BT_OLD_BACK_TRACE on x86_64): no frame sizes, so every kernel text return address left on
   * the stack is a frame, stale ones included (x86_64_get_framesize returns 0 first thing).
   */
  oldMethod?: boolean;
}

export type BacktraceLine =
  | { kind: "frame"; level: number; sp: bigint; ip: bigint; name: string; offset: number }
  | { kind: "exception"; at: bigint | undefined; regs: PtRegs; kernelMode: boolean; rip?: SymbolHit; ripMessage?: string }
  | { kind: "words"; addr: bigint; words: bigint[] }
  | { kind: "transition"; text: string }
  /** crash's own error lines ("cannot transition ..."), printed as `bt: ...`. */
  | { kind: "error"; text: string }
  /** kdw's marked stop: the trace ended early for a reason crash would not print. */
  | { kind: "stop"; text: string };

export interface Backtrace {
  task: UnwindTask;
  start: UnwindStart;
  lines: BacktraceLine[];
  /** True when the trace ended on an error (crash's FATAL) or a kdw stop. */
  incomplete: boolean;
}
