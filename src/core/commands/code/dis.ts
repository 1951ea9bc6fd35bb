// crash's `dis` (kernel.c cmd_dis): disassembly of kernel text in gdb's AT&T syntax, as crash filters it
// (x86_64.c x86_64_dis_filter): `<symbol+offset>` labels and targets in crash's radix, `[FTRACE NOP]` on a
// function's patched-out fentry call, source lines before each group with -l, the source listing with -s.
import { formatInstruction, fullInstruction, isFtraceNop, symbolWithOffset, type DecodedInstruction, type DisLine } from "../../arch/x86_64/disasm";
import type { InstructionDecoderLike } from "../../arch/x86_64/unwind-types";
import { KdwError } from "../../io/errors";
import { CommandError, defineCommand, type CommandContext } from "../command";
import type { ParsedArgs } from "../options";
import { lineText } from "../../program/source-lines";
import { loadedSymbolEnd, moduleSymbolEnd, moduleSymbolHit, moduleSymbolNamed } from "../../kernel/modules/module-symbols";
import type { KernelSymbol, SymbolAt } from "../../debuginfo/symbols";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { sourceListing, type SourceListing } from "../shared/source-listing";
import { currentTask } from "../shared/task-args";
import { formatDis } from "./dis-format";
import { stackContext } from "../../kernel/tasks/stack";

export interface DisResult {
  /** The instructions, each with its symbol+offset label and (-l) the source line printed before it. */
  lines: DisLine[];
  /** A bare (unfiltered) listing marks this program counter with gdb's "=> ". */
  currentPc?: bigint;
  /** The name is no symbol: crash's "possible alternatives". */
  notFound?: { name: string; alternatives: { address: bigint; type: string; name: string }[] };
  /** -s: the source listing instead of instructions. */
  source?: SourceListing;
  errors: string[];
}

/** Lowest kernel virtual address on x86-64 (the canonical upper half): crash's IS_KVADDR. */
const KERNEL_VADDR_START = 0xffff_8000_0000_0000n;
/** Longest x86 instruction (Intel SDM vol. 2, 2.3.11). */
const MAX_INSN_LENGTH = 15;
/** Bytes read per step: instructions are decoded from what is read, and a read stops at a missing page. */
const READ_CHUNK = 512;
/** A function larger than this is not one (a hostile symbol size); a count larger than this is capped. */
const MAX_FUNCTION_BYTES = 1 << 20;
const MAX_COUNT = 1 << 16;

interface DisOptions {
  lines: boolean;
  reverse: boolean;
  forward: boolean;
  sources: boolean;
  radix: 10 | 16;
}

function disError(addr: bigint): CommandError {
  return new CommandError("dis", `gdb unable to disassemble kernel virtual address ${addr.toString(16)}`);
}

/**
 * crash's value_search: the vmlinux's symbols, then those of modules: debuginfo loaded with `mod -s` (a
 * hidden module too), else the kallsyms of the modules on the module list.
 */
function symbolAt(ctx: CommandContext, address: bigint): SymbolAt | undefined {
  return ctx.symbols.symbolAt(address) ?? (address >= KERNEL_VADDR_START ? moduleSymbolHit(ctx, address) : undefined);
}

/** crash's symbol_search: a vmlinux symbol by name, else a module's. */
function symbolNamed(ctx: CommandContext, name: string): KernelSymbol | undefined {
  return ctx.symbols.lookup(name) ?? moduleSymbolNamed(ctx, name)?.symbol;
}

/** crash's value_to_symstr in the chosen radix: `sym+off`, or undefined outside the kernel's symbols. */
function symbolizer(ctx: CommandContext, radix: 10 | 16): (address: bigint) => string | undefined {
  return (address) => {
    const at = symbolAt(ctx, address);
    if (!at) return undefined;
    return radix === 16 && at.offset ? `${at.symbol.name}+0x${at.offset.toString(16)}` : symbolWithOffset(at.symbol.name, at.offset);
  };
}

/**
 * Decodes from `start`: at most `count` instructions, and none starting at or past `end`. Memory is read in
 * chunks so that a missing page ends the listing where it starts, as gdb's `x/i` does.
 */
function decodeFrom(ctx: CommandContext, decoder: InstructionDecoderLike, start: bigint, count: number, end?: bigint): { insns: DecodedInstruction[]; failedAt?: bigint } {
  const insns: DecodedInstruction[] = [];
  let pc = start;
  let buffer = new Uint8Array(0);
  let bufferAt = start;
  while (insns.length < count && (end === undefined || pc < end)) {
    const have = Number(bufferAt + BigInt(buffer.length) - pc);
    if (have < MAX_INSN_LENGTH) {
      let more: Uint8Array;
      const readAt = bufferAt + BigInt(buffer.length);
      try {
        more = ctx.prog.read(readAt, READ_CHUNK - Number(readAt % BigInt(READ_CHUNK)));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        if (have === 0) return { insns, failedAt: pc };
        more = new Uint8Array(0);
      }
      const joined = new Uint8Array(have + more.length);
      joined.set(buffer.subarray(buffer.length - have));
      joined.set(more, have);
      buffer = joined;
      bufferAt = pc;
    }
    const offset = Number(pc - bufferAt);
    const want = Math.min(count - insns.length, 64);
    const decoded = decoder.decode(buffer.subarray(offset), pc, want);
    if (decoded.length === 0) return { insns, failedAt: pc };
    for (const loose of decoded) {
      const insn = fullInstruction(loose);
      if (end !== undefined && insn.address >= end) break;
      insns.push(insn);
      pc = insn.address + BigInt(insn.length);
      // Keep a full instruction's worth ahead so that one is never decoded from a cut-off buffer.
      if (Number(bufferAt + BigInt(buffer.length) - pc) < MAX_INSN_LENGTH) break;
    }
  }
  return { insns };
}

/** The end of the function that starts at `start`: its symbol size, else the next symbol (crash's fallback). */
function functionEnd(ctx: CommandContext, start: bigint): bigint {
  const at = symbolAt(ctx, start);
  if (!at) throw disError(start);
  if (!ctx.symbols.symbolAt(start)) {
    // A module with its debuginfo loaded: the function's size from its object file (gdb's range).
    const loaded = moduleSymbolHit(ctx, start)?.loaded;
    // A module without its debuginfo loaded: crash has no function range from gdb and goes to the next symbol.
    const end = loaded ? loadedSymbolEnd(loaded, at.symbol) : moduleSymbolEnd(ctx.prog, at.symbol);
    if (end === undefined) throw new CommandError("dis", `unable to determine symbol after ${at.symbol.name}`);
    return end - at.symbol.address > BigInt(MAX_FUNCTION_BYTES) ? at.symbol.address + BigInt(MAX_FUNCTION_BYTES) : end;
  }
  // gdb's function range (kernel.c get_text_function_range) is the symbol's size for vmlinux functions.
  const size = at.symbol.size;
  if (size && size <= MAX_FUNCTION_BYTES) return at.symbol.address + BigInt(size);
  const i = ctx.symbols.indexAbove(at.symbol.address);
  if (i >= ctx.symbols.count) throw new CommandError("dis", `unable to determine symbol after ${at.symbol.name}`);
  const next = ctx.symbols.at(i).address;
  if (next - at.symbol.address > BigInt(MAX_FUNCTION_BYTES)) return at.symbol.address + BigInt(MAX_FUNCTION_BYTES);
  // kallsyms has no sizes: the ORC table tells where the alignment padding before the next symbol starts.
  return (at.symbol.size === undefined ? orcFunctionEnd(ctx, at.symbol.address, next) : undefined) ?? next;
}

const INT3 = 0xcc;
const RET = 0xc3;
const JMP_REL32 = 0xe9;

/**
 * The function's end from ORC (OrcTable.paddingStart), with the one int3 that -mharden-sls puts after a `ret`
 * or an indirect jump (a jump to a retpoline thunk once objtool rewrote it): the compiler emitted it, so the
 * symbol's size counts it, but objtool never reaches it.
 */
function orcFunctionEnd(ctx: CommandContext, start: bigint, next: bigint): bigint | undefined {
  if (!ctx.prog.hasSymbol("__start_orc_unwind_ip")) return undefined;
  let orc;
  try {
    orc = stackContext(ctx.prog, ctx.symbols, ctx.vmlinux, ctx.decoder).orc;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
  const end = orc?.paddingStart(start, next);
  if (end === undefined || end - start < 6n) return end;
  try {
    const b = ctx.prog.read(end - 5n, 6);
    if (b[5] !== INT3) return end;
    const rel = new DataView(b.buffer, b.byteOffset, 6).getInt32(1, true);
    const target = b[0] === JMP_REL32 ? ctx.symbols.symbolAt(end + BigInt(rel))?.symbol.name : undefined;
    return b[4] === RET || (target !== undefined && /^__x86_(indirect_thunk|return_thunk)/.test(target)) ? end + 1n : end;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return end;
  }
}

function isTextType(type: string): boolean {
  return type === "T" || type === "t" || type === "W" || type === "w";
}

/** The program counter gdb marks `=> ` in a bare listing: the current task's, when it was running on a CPU. */
function currentPc(ctx: CommandContext): bigint | undefined {
  try {
    const task = currentTask(ctx);
    return task.active ? ctx.prog.dump.cpus[task.cpu]?.regs.rip : undefined;
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

const DIS_OPTIONS = { flags: "dxhulsrfU", values: "bB" } as const;

function parseOptions(args: ParsedArgs<typeof DIS_OPTIONS>): DisOptions & { rest: string[] } {
  const f = (c: "d" | "x" | "h" | "u" | "l" | "s" | "r" | "f") => args.has(c);
  if (f("d") && (f("x") || f("h"))) throw new CommandError("dis", "-d and -x are mutually exclusive");
  if (f("r") && f("f")) throw new CommandError("dis", "-r and -f are mutually exclusive");
  if (f("s") && f("r")) throw new CommandError("dis", "-r and -s are mutually exclusive");
  if (f("s") && f("f")) throw new CommandError("dis", "-f and -s are mutually exclusive");
  if (f("u")) throw new CommandError("dis", "-u: user-space disassembly is not supported (dump level 31 leaves out user pages)");
  const target = args.operands[0];
  if (target === undefined) throw new CommandError("dis", "address or symbol required");
  return { lines: f("l"), reverse: f("r"), forward: f("f"), sources: f("s"), radix: f("x") || f("h") ? 16 : 10, rest: [...args.operands] };
}

function parseCount(text: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new CommandError("dis", `invalid count argument: ${text}`);
  if (n === 0) throw new CommandError("dis", "invalid count argument: 0");
  return Math.min(n, MAX_COUNT);
}

export const disCommand = defineCommand({
  name: "dis",
  summary: "disassemble",
  help: `SYNOPSIS
  dis [-rfldxs] [address | symbol | (expression)] [count]

DESCRIPTION
  Disassembles kernel text in gdb's AT&T syntax, each line labelled with its address and symbol+offset:
    - with a count, that many instructions from the address;
    - without one, the whole function when the address is where a function starts, else one instruction.
  An address with no kernel symbol (module text the module list does not know) is disassembled bare, gdb's
  way, with "=> " marking the current task's program counter, unless that module's debuginfo was loaded
  with "mod -s": then its symbols label the lines and -l gives their source lines.

    -r  from the start of the function up to and including the address (with a count: only the last
        count instructions).
    -f  from the address to the end of the function.
    -l  the source file and line before each group of instructions from one line.
    -s  the source lines around the address, "* " marking its line, when kdw was given a source tree
        (--src DIR); the listing runs to the end of the function, or count lines past the address.
    -x  symbol offsets in hexadecimal; -d in decimal (the default).

EXAMPLES
  dis -l ffffffff9fb64067 4
  dis -rl oops_end+161
  dis crash_kexec`,
  options: DIS_OPTIONS,
  parse: parseOptions,
  execute: dis,
  format: formatDis,
  errors: (r) => r.errors,
});

function dis(ctx: CommandContext, parsed: DisOptions & { rest: string[] }): DisResult {
  const { rest, ...opts } = parsed;
  const target = rest[0]!;
  const symbolize = symbolizer(ctx, opts.radix);

  let addr: bigint;
  let functionOnly = false;
  let unfiltered = false;
  const errors: string[] = [];
  const plus = /^([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+|\d+)$/i.exec(target);
  const byName = plus ? undefined : symbolNamed(ctx, target);
  if (plus) {
    const base = symbolNamed(ctx, plus[1]!);
    if (!base) throw new CommandError("dis", `invalid expression: ${target}`);
    addr = base.address + BigInt(plus[2]!);
  } else if (isHexAddress(target) && !byName) {
    addr = parseHex(target);
    const at = symbolAt(ctx, addr);
    if (!at) {
      errors.push(`WARNING: ${addr.toString(16)}: no associated kernel symbol found`);
      unfiltered = true;
    } else if (at.offset === 0 && isTextType(at.symbol.type)) functionOnly = true;
  } else if (byName) {
    addr = byName.address;
    if (isTextType(byName.type)) functionOnly = true;
  } else {
    const alternatives = ctx.symbols.search(target).map((s) => ({ address: s.address, type: s.type, name: s.name }));
    return { lines: [], notFound: { name: target, alternatives }, errors: [] };
  }

  let count = 1;
  let countEntered = false;
  if (rest[1] !== undefined) {
    count = parseCount(rest[1]);
    countEntered = true;
    functionOnly = false;
    opts.forward = false;
  }

  if (opts.sources) {
    if (!ctx.sourceLines) throw new CommandError("dis", "line numbers are not available");
    const listing = sourceListing(ctx, "dis", addr, countEntered ? count : undefined);
    if (!listing.lines) errors.push(`dis: ${target}: source code is not available`, "");
    return { lines: [], source: listing, errors };
  }

  const decoder = ctx.decoder;
  if (!decoder) throw new CommandError("dis", "no x86-64 instruction decoder in this build of kdw");

  if (unfiltered) {
    const { insns, failedAt } = decodeFrom(ctx, decoder, addr, count);
    if (insns.length === 0) throw new CommandError("dis", `Cannot access memory at address 0x${addr.toString(16)}`);
    if (failedAt !== undefined && insns.length < count) errors.push(`dis: Cannot access memory at address 0x${failedAt.toString(16)}`);
    const pc = currentPc(ctx);
    const lines = insns.map((i) => ({ address: i.address, length: i.length, text: formatInstruction(i, symbolize) }));
    return { lines, ...(pc !== undefined ? { currentPc: pc } : {}), errors };
  }

  if (addr < KERNEL_VADDR_START) throw new CommandError("dis", `${addr.toString(16)} is not a kernel virtual address`);
  // The kernel's line tables are DWARF; a module's come with `mod -s` even without a vmlinux.
  if (opts.lines && ctx.prog.noDwarf && ctx.symbols.symbolAt(addr)) throw new CommandError("dis", `-l needs DWARF line tables: ${ctx.prog.noDwarf}`);

  let start = addr;
  let end: bigint | undefined;
  const targetAddr = addr;
  if (opts.reverse || opts.forward || functionOnly) {
    const fn = symbolAt(ctx, addr);
    if (!fn) throw new CommandError("dis", `cannot resolve address: ${addr.toString(16)}`);
    end = functionEnd(ctx, fn.symbol.address);
    if (opts.reverse || opts.forward) start = fn.symbol.address;
  }
  let limit: number;
  if (opts.reverse) limit = MAX_COUNT;
  else if (countEntered) limit = count;
  else if (opts.forward || functionOnly) limit = MAX_COUNT;
  else limit = 1;
  const { insns, failedAt } = decodeFrom(ctx, decoder, start, limit, end);
  if (insns.length === 0) throw disError(start);

  let chosen = insns;
  if (opts.forward) chosen = insns.filter((i) => i.address >= targetAddr);
  if (opts.reverse) {
    // Up to and including the first instruction at or past the address (kernel.c cmd_dis, reverse).
    const last = insns.findIndex((i) => i.address >= targetAddr);
    chosen = last < 0 ? insns : insns.slice(0, last + 1);
    if (countEntered) chosen = chosen.slice(Math.max(0, chosen.length - count));
  }

  const lines: DisLine[] = [];
  let lastSource = "";
  for (const insn of chosen) {
    const at = symbolAt(ctx, insn.address);
    let body = formatInstruction(insn, symbolize);
    if (isFtraceNop(body, at?.offset === 0)) body += " [FTRACE NOP]";
    const line: DisLine = { address: insn.address, length: insn.length, symbol: symbolize(insn.address) ?? "", text: body };
    if (opts.lines) {
      const loc = ctx.sourceLines?.locate(insn.address);
      const src = loc && at && isTextType(at.symbol.type) ? lineText(loc) : "";
      // crash prints the line whenever it changes, an empty one too (kernel.c cmd_dis, get_line_number).
      if (src !== lastSource) {
        line.source = src;
        lastSource = src;
      }
    }
    lines.push(line);
  }
  if (failedAt !== undefined && (opts.reverse ? chosen[chosen.length - 1]!.address < targetAddr : countEntered && insns.length < count)) {
    errors.push(`dis: Cannot access memory at address 0x${failedAt.toString(16)}`);
  }
  return { lines, errors };
}
