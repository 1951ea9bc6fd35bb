// crash's `bt -e` and `bt -E` (x86_64.c x86_64_eframe_search): every word of a stack is tried as the start of
// an exception frame (struct pt_regs), and those x86_64_eframe_verify accepts are shown: on the task's own
// stack (-e), or on each CPU's IRQ and exception stacks (-E). The search is over what the stack holds, not
// over the trace, so it finds frames a backtrace steps over (a stale frame, a frame the unwinder lost).
import { StackBuffer, type StackRange } from "./stacks";
import { decodePtRegs, eframeVerify, type VerifyContext } from "./unwind-eframe";
import type { PtRegs, SymbolHit, UnwindEnv } from "./unwind-types";

export interface FoundEframe {
  /** The address of the pt_regs. */
  at: bigint;
  regs: PtRegs;
  kernelMode: boolean;
  /** A kernel-mode frame's RIP by name, or crash's message when it has none. */
  rip?: SymbolHit;
  ripMessage?: string;
}

/**
 * The exception frames in `range` from `from` up (crash: i from (stkptr - stackbase) / 8 while i <= (size -
 * sizeof(pt_regs)) / 8). `exceptionStackIndex` is the IST slot when the range is an exception stack, else -1.
 */
export function eframeSearch(env: UnwindEnv, range: StackRange, from: bigint, exceptionStackIndex: number): FoundEframe[] {
  const stack = new StackBuffer(range, env.read);
  const size = env.ptRegs.size;
  const v: VerifyContext = {
    isKernelText: (a) => env.isKernelText(a),
    isModuleAddr: (a) => env.isModuleAddr(a),
    isMappedVmalloc: (a) => env.isMappedVmalloc(a),
    startEstackIndex: exceptionStackIndex,
    onExceptionStack: false,
    eframeSearch: true,
    wordBelow: (k) => {
      try {
        return stack.contains(k - 8n) ? stack.at(k - 8n) : undefined;
      } catch {
        return undefined;
      }
    },
    symbolNameAt: (a) => env.symbolAt(a)?.name,
    ptRegsSize: size,
  };
  const out: FoundEframe[] = [];
  const last = range.base + ((range.top - range.base - BigInt(size)) / 8n) * 8n;
  for (let at = from < range.base ? range.base : from; at <= last; at += 8n) {
    // crash's accessible() on the frame's first and last word.
    if (!stack.contains(at) || !stack.contains(at + BigInt(size) - 1n)) continue;
    let regs: PtRegs;
    try {
      regs = decodePtRegs(stack.slice(at, size), env.ptRegs);
    } catch {
      continue;
    }
    if (!eframeVerify(v, at, regs)) continue;
    const kernelMode = (regs.cs & 3n) === 0n;
    const f: FoundEframe = { at, regs, kernelMode };
    if (kernelMode) {
      const hit = env.symbolAt(regs.ip);
      if (hit) f.rip = hit;
      else f.ripMessage = env.isModuleAddr(regs.ip) && env.isMappedVmalloc(regs.ip) ? "no symbolic reference" : "unknown or invalid address";
    }
    out.push(f);
  }
  return out;
}
