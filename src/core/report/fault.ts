// Where the kernel died: the first kernel-mode exception frame of the panic task's backtrace, the code
// around its instruction pointer (decoded from the start of its function, so the instructions before the
// fault are the real ones, not a guess at an instruction boundary), and the source lines when debuginfo and
// a source tree have them.
import type { BacktraceReply, Hex, Instruction, ModuleRow } from "../session/contract";
import type { Gatherer } from "./gather";
import type { PanicSection } from "./schema";

/** Instructions shown before and after the faulting one. */
export const DIS_BEFORE = 12;
export const DIS_AFTER = 8;
/** Farthest into a function the decode starts from its beginning; past this it starts at the fault. */
const MAX_FUNCTION_OFFSET = 2048;

export type FaultParts = Pick<PanicSection, "faultingFrame" | "fault" | "disassembly" | "source">;

export async function gatherFault(g: Gatherer, bt: BacktraceReply, modules: readonly ModuleRow[]): Promise<FaultParts | undefined> {
  const index = bt.frames.findIndex((f) => f.exception !== undefined);
  if (index < 0) return undefined;
  const frame = bt.frames[index]!;
  const rip = frame.exception?.rip ?? frame.pc;
  const parts: FaultParts = { faultingFrame: index, fault: { address: rip } };
  const fault = parts.fault!;
  const at = await g.ask("panic", "symbolAt", { address: rip });
  const symbol = frame.symbol ?? at?.symbol?.name;
  const offset = frame.offset ?? at?.offset;
  const moduleName = frame.module ?? at?.symbol?.module;
  if (symbol !== undefined) fault.symbol = symbol;
  if (offset !== undefined) fault.offset = offset;
  if (moduleName !== undefined) {
    fault.module = moduleName;
    const m = modules.find((x) => x.name === moduleName);
    fault.moduleHidden = m?.hidden ?? at?.symbol?.hiddenModule ?? false;
    if (m) {
      fault.moduleOutOfTree = m.outOfTree;
      fault.moduleTaints = m.taints;
    }
  }

  // Line tables belong to the vmlinux (a module's come only with its .ko): ask for lines in core text only.
  const lines = moduleName === undefined;
  const start = at?.symbol && offset !== undefined && offset <= MAX_FUNCTION_OFFSET ? at.symbol.address : undefined;
  let dis = start ? await g.ask("panic", "disassemble", { target: start, count: Math.min(4096, offset! + DIS_AFTER + 1), lines }) : undefined;
  let faultIndex = dis ? dis.instructions.findIndex((i) => sameAddress(i.address, rip)) : -1;
  if (faultIndex < 0) {
    // No function start, or its decode does not land on the fault: decode from the fault itself.
    dis = await g.ask("panic", "disassemble", { target: rip, count: DIS_AFTER + 1, lines });
    faultIndex = dis ? dis.instructions.findIndex((i) => sameAddress(i.address, rip)) : -1;
  }
  if (dis && faultIndex >= 0) {
    g.warn("panic", dis.problems);
    const from = Math.max(0, faultIndex - DIS_BEFORE);
    const instructions: Instruction[] = dis.instructions.slice(from, faultIndex + DIS_AFTER + 1);
    parts.disassembly = { instructions, faultIndex: faultIndex - from };
    const line = dis.instructions[faultIndex]!.line ?? frame.line;
    if (line) fault.line = line;
  }
  if (fault.line) {
    // Only with a source tree (open's `src`); without one the reply has no lines. Source is a convenience
    // beside the evidence, so its absence is not a warning.
    const src = await g.tryAsk("source", { address: rip, context: 8 });
    if (src.ok && src.result.lines.length) parts.source = src.result;
  }
  return parts;
}

function sameAddress(a: Hex, b: Hex): boolean {
  try {
    return BigInt(a) === BigInt(b);
  } catch {
    return false;
  }
}
