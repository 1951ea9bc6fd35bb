// The views of `bt` that are not a trace: the exception frames a stack holds (-e, -E: x86_64.c
// x86_64_eframe_search), the stack overflow check (-v: task.c check_stack_overflow), the raw stack (-r:
// raw_stack_dump), and the reference test of -R (x86_64_do_bt_reference_check over what a trace shows).
import { eframeSearch, type FoundEframe } from "../../arch/x86_64/eframe-search";
import type { Backtrace } from "../../arch/x86_64/unwind-types";
import { KdwError } from "../../io/errors";
import { taskStack, type StackContext } from "../../kernel/tasks/stack";
import type { Task } from "../../kernel/tasks/tasks";
import type { CommandContext } from "../command";
import { symbolizeValue } from "../shared/symbol-args";

/** bt -E: one CPU stack and the exception frames found on it. */
export interface BtStackSearch {
  cpu: number;
  /** "IRQ", or the exception stack's name (NMI, DOUBLEFAULT, DEBUG, MCE, VC, ...). */
  name: string;
  frames: FoundEframe[];
  /** The stack could not be read. */
  error?: string;
}

/** bt -e: the frames on a task's own stack, from its base. */
export function taskEframes(ctx: CommandContext, sc: StackContext, task: Task): FoundEframe[] {
  const range = taskStack(ctx.prog, sc, task);
  return eframeSearch(sc.env, range, range.base, -1);
}

/** bt -E: every CPU's IRQ stack, then every CPU's exception stacks, as crash walks them; -c limits the CPUs. */
export function cpuStackEframes(sc: StackContext, cpus?: readonly number[]): BtStackSearch[] {
  const out: BtStackSearch[] = [];
  const wanted = (cpu: number): boolean => cpus === undefined || cpus.includes(cpu);
  const search = (cpu: number, name: string, range: { base: bigint; top: bigint }, index: number): void => {
    try {
      out.push({ cpu, name, frames: eframeSearch(sc.env, range, range.base, index) });
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.push({ cpu, name, frames: [], error: err.message });
    }
  };
  for (const c of sc.env.cpus) if (wanted(c.cpu) && c.irq) search(c.cpu, "IRQ", c.irq, -1);
  for (const c of sc.env.cpus) if (wanted(c.cpu)) for (const e of c.exception) search(c.cpu, e.name, e, e.index);
  return out;
}

/**
 * bt -r: the whole kernel stack of the task (crash: raw_stack_dump from the stack's base), each word that is
 * in the kernel's symbol range named as rd -s names it.
 */
export function rawStack(ctx: CommandContext, sc: StackContext, task: Task, from?: bigint): { base: bigint; bytes: Uint8Array; symbols: (string | undefined)[] } {
  const range = taskStack(ctx.prog, sc, task);
  const base = from !== undefined && from >= range.base && from < range.top ? from : range.base;
  const bytes = ctx.prog.read(base, Number(range.top - base));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { base, bytes, symbols: Array.from({ length: bytes.length >>> 3 }, (_, i) => symbolizeValue(ctx, view.getBigUint64(i * 8, true))) };
}

/** The reference as crash reads it: a number (hexadecimal, or an expression crash can evaluate) or a symbol name. */
export type BtReference = { kind: "value"; value: bigint } | { kind: "symbol"; name: string };

/**
 * x86_64_do_bt_reference_check over a trace: a frame's function name or return address; an exception frame's
 * RIP, the name and start of the function holding it, and every register.
 */
export function traceRefers(bt: Backtrace, ref: BtReference, functionStart: (addr: bigint) => bigint | undefined): boolean {
  for (const l of bt.lines) {
    if (l.kind === "frame") {
      if (ref.kind === "symbol" ? l.name === ref.name : l.ip === ref.value) return true;
    } else if (l.kind === "exception") {
      const r = l.regs;
      if (ref.kind === "symbol") {
        if (l.rip && l.rip.name === ref.name) return true;
        continue;
      }
      if (Object.values(r).includes(ref.value)) return true;
      if (l.rip && functionStart(r.ip) === ref.value) return true;
    }
  }
  return false;
}
