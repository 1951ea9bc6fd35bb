// Code: instructions at an address or of a function (decoded by the adapter's decoder, named with the same
// symbols the console uses), and source lines around an address or a file:line from the user's tree.
import type { CommandContext } from "../../commands/command";
import { readSourceFile } from "../../program/source-lines";
import { formatInstruction, fullInstruction, type InstructionDecoder } from "../../arch/x86_64/disasm";
import { MissingDebugInfo, KdwError } from "../../io/errors";
import type { DisassembleParams, Instruction, Problem, SourceParams, SourceReply } from "../contract";
import { hex, NotFoundError, parseHex, toProblem } from "../problems";
import { resolveTarget, symbolAt } from "./symbols";

/** Bytes a function listing reads at most. */
const MAX_FUNCTION_BYTES = 64 * 1024;
const DEFAULT_COUNT = 16;

export function disassemble(ctx: CommandContext, decoder: InstructionDecoder | undefined, params: DisassembleParams, disText: (target: string, count: number) => string): { instructions: Instruction[]; text: string; problems: Problem[] } {
  if (!decoder) throw new MissingDebugInfo("no instruction decoder in this host");
  const start = resolveTarget(ctx, params.target);
  const at = symbolAt(ctx, start);
  const problems: Problem[] = [];
  // A function from its start runs to its size (or the next symbol); an address shows `count` instructions.
  let end = start + BigInt(MAX_FUNCTION_BYTES);
  let count = params.count ?? DEFAULT_COUNT;
  const wholeFunction = params.count === undefined && at.symbol !== undefined && at.offset === 0;
  if (wholeFunction && at.symbol?.size) end = start + BigInt(Math.min(at.symbol.size, MAX_FUNCTION_BYTES));
  else if (wholeFunction) {
    const i = ctx.symbols.indexAbove(start);
    if (i < ctx.symbols.count) {
      const next = ctx.symbols.at(i).address;
      if (next > start && next - start <= BigInt(MAX_FUNCTION_BYTES)) end = next;
    }
  }
  if (wholeFunction) count = 4096;
  let bytes: Uint8Array;
  try {
    bytes = readUpTo(ctx, start, Number(end - start));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { instructions: [], text: "", problems: [toProblem(err)] };
  }
  const symbolize = (a: bigint) => {
    const s = symbolAt(ctx, a);
    return s.symbol ? (s.offset ? `${s.symbol.name}+${s.offset}` : s.symbol.name) : undefined;
  };
  const instructions: Instruction[] = [];
  for (const raw of decoder.decode(bytes, start, count)) {
    const insn = fullInstruction(raw);
    const loc = symbolAt(ctx, insn.address);
    const off = insn.address - start;
    const row: Instruction = {
      address: hex(insn.address),
      location: loc.symbol ? `<${loc.symbol.name}+${loc.offset ?? 0}>` : "",
      bytes: [...bytes.subarray(Number(off), Number(off) + insn.length)].map((b) => b.toString(16).padStart(2, "0")).join(" "),
      mnemonic: insn.mnemonic,
      operands: formatInstruction(insn, symbolize).slice(insn.mnemonic.length).trim(),
    };
    if (insn.branchTarget !== undefined) {
      const t = symbolAt(ctx, insn.branchTarget);
      if (t.symbol) row.target = t.symbol;
    }
    if (params.lines) {
      const line = ctx.lineAt?.(insn.address);
      if (line) row.line = line;
    }
    instructions.push(row);
  }
  let text = "";
  try {
    text = disText(hex(start), instructions.length);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(toProblem(err));
  }
  return { instructions, text, problems };
}

/** Reads as much of [addr, addr+length) as is readable from the start. */
function readUpTo(ctx: CommandContext, addr: bigint, length: number): Uint8Array {
  const first = Math.min(length, 4096 - Number(addr & 0xfffn));
  const parts: Uint8Array[] = [ctx.prog.read(addr, first)];
  let done = first;
  while (done < length) {
    const n = Math.min(4096, length - done);
    try {
      parts.push(ctx.prog.read(addr + BigInt(done), n));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      break;
    }
    done += n;
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function source(ctx: CommandContext, params: SourceParams): SourceReply {
  const problems: Problem[] = [];
  let file: string;
  let line: number;
  if (params.address !== undefined) {
    const loc = ctx.sourceLines?.locate(parseHex(params.address));
    if (!loc) throw new NotFoundError(`no source line for ${params.address} in the debug information`);
    file = loc.displayFile;
    line = loc.line;
  } else if (params.file !== undefined && params.line !== undefined) {
    file = params.file;
    line = params.line;
  } else throw new NotFoundError("source: give an address, or a file and a line");
  const context = params.context ?? 10;
  const reply: SourceReply = { file, line, lines: [], problems };
  if (!ctx.readSource) {
    problems.push({ code: "not-found", message: "no kernel source tree given (--src DIR)" });
    return reply;
  }
  const found = readSourceFile(ctx.readSource, file);
  if (!found) {
    problems.push({ code: "not-found", message: `${file}: not found in the source tree` });
    return reply;
  }
  const all = found.text.split("\n");
  const from = Math.max(1, line - context);
  const to = Math.min(all.length, line + context);
  for (let n = from; n <= to; n++) reply.lines.push({ line: n, text: all[n - 1]! });
  return reply;
}
