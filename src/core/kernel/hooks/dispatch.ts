// The system call dispatchers (arch/x86/entry/syscall_64.c x64_sys_call, syscall_32.c ia32_sys_call,
// syscall_x32.c x32_sys_call; 6.9+, backported to 6.6, 6.1, 5.15 and 5.10): a switch on the syscall number
// that compilers turn into compares and direct calls or tail jumps (`call __x64_sys_read`, `jmp
// __x64_sys_close`). A rootkit that patches one of those rel32 displacements (FlipSwitch) diverts a syscall
// while sys_call_table stays clean. This decodes the dispatcher and lists every direct call or jump that
// leaves it, with the rel32 word that encodes it. The decoder is injected (iced-x86 in the CLI).
import type { DirectBranch, InstructionDecoderLike } from "../../arch/x86_64/unwind-types";
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";

export const DISPATCHERS: readonly { symbol: string; abi: string; table: string }[] = [
  { symbol: "x64_sys_call", abi: "x86-64", table: "sys_call_table" },
  { symbol: "ia32_sys_call", abi: "ia32", table: "ia32_sys_call_table" },
  { symbol: "x32_sys_call", abi: "x32", table: "x32_sys_call_table" },
];
/** Longest dispatcher decoded (x64_sys_call is about 4 KiB; a few hundred cases of ten bytes). */
const MAX_DISPATCHER_BYTES = 1 << 16;
const MAX_INSTRUCTIONS = 1 << 15;

export interface DispatchSite {
  /** The call or jump instruction. */
  address: bigint;
  length: number;
  mnemonic: string;
  /** Where it goes. */
  target: bigint;
  /** The rel32 displacement's address (the instruction's last four bytes) and value as stored. */
  slot: bigint;
  rel32: number;
}

export interface Dispatcher {
  symbol: string;
  abi: string;
  /** The table the same ABI has (absent in kernels that dropped it). */
  table: string;
  address: bigint;
  size: number;
  /** Every direct call or jump whose target is outside the function. */
  sites: DispatchSite[];
  /** Instructions decoded (0 when the decoder's fast branch scan was used). */
  instructions: number;
}

export interface Dispatchers {
  dispatchers: Dispatcher[];
  problems: WalkAborted[];
  absent?: string;
}

/** The dispatchers this kernel has, decoded; none without a decoder (said in `absent`). */
export function syscallDispatchers(prog: Program, decoder: InstructionDecoderLike | undefined): Dispatchers {
  const out: Dispatchers = { dispatchers: [], problems: [] };
  const present = DISPATCHERS.filter((d) => prog.hasSymbol(d.symbol));
  if (present.length === 0) {
    out.absent = "this kernel has no x64_sys_call (it dispatches through sys_call_table: before 6.9 and its backports)";
    return out;
  }
  if (!decoder) {
    out.absent = "no x86-64 decoder was given: x64_sys_call's call sites cannot be checked";
    return out;
  }
  for (const d of present) {
    const address = prog.symbolAddress(d.symbol);
    const declared = prog.symbolSize(d.symbol);
    // Without a declared size (kallsyms only), the next symbol bounds the function: with CALL_PADDING (6.2+,
    // on in Debian's 6.12) the padding before the next function is NOPs under a __pfx_ symbol, not int3.
    const extent = declared && declared > 0 ? declared : prog.symbolExtent(d.symbol);
    const size = Math.min(MAX_DISPATCHER_BYTES, extent && extent > 0 ? extent : MAX_DISPATCHER_BYTES);
    const rec: Dispatcher = { symbol: d.symbol, abi: d.abi, table: d.table, address, size, sites: [], instructions: 0 };
    let bytes: Uint8Array;
    try {
      bytes = prog.read(address, size);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted(d.symbol, err.message, 0));
      continue;
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const b of branchesOf(decoder, bytes, address, rec, declared !== undefined && declared > 0)) {
      if (b.target >= address && b.target < address + BigInt(rec.size)) continue;
      if (b.address >= address + BigInt(rec.size)) break;
      const at = Number(b.address - address);
      const slotOff = at + b.length - 4;
      if (b.length < 5 || slotOff + 4 > bytes.length) continue;
      const rel32 = dv.getInt32(slotOff, true);
      // Only a rel32 form encodes the target in those four bytes; a rel8 jump cannot leave the function far.
      if (BigInt.asUintN(64, b.address + BigInt(b.length) + BigInt(rel32)) !== b.target) continue;
      rec.sites.push({ address: b.address, length: b.length, mnemonic: b.kind, target: b.target, slot: address + BigInt(slotOff), rel32 });
    }
    out.dispatchers.push(rec);
  }
  return out;
}

/**
 * The direct branches of a function: the decoder's fast scan when it has one, else its full decode (the
 * target from `branchTarget`, or the operand text of a direct near branch, `0xffff...`). Without a declared
 * size (kallsyms only), the function ends at its first int3 padding, which `rec.size` then records.
 */
function branchesOf(decoder: InstructionDecoderLike, bytes: Uint8Array, address: bigint, rec: Dispatcher, sized: boolean): DirectBranch[] {
  if (decoder.branches && sized) return decoder.branches(bytes, address, MAX_INSTRUCTIONS);
  const out: DirectBranch[] = [];
  const insns = decoder.decode(bytes, address, MAX_INSTRUCTIONS);
  rec.instructions = insns.length;
  for (const insn of insns) {
    if (insn.mnemonic === "int3") {
      rec.size = Math.min(rec.size, Number(insn.address - address));
      break;
    }
    const m = /^(?:(?:bnd|notrack) )?(call|jmp|j[a-z]+)$/.exec(insn.mnemonic);
    if (!m) continue;
    const target = "branchTarget" in insn && typeof insn.branchTarget === "bigint" ? insn.branchTarget : /^0x[0-9a-f]+$/.test(insn.operands) ? BigInt(insn.operands) : undefined;
    if (target !== undefined) out.push({ address: insn.address, length: insn.length, kind: m[1] === "call" ? "call" : m[1] === "jmp" ? "jmp" : "jcc", target });
  }
  return out;
}
