// The x86-64 decoder `dis` uses in Node: iced-x86 (MIT; Rust compiled to WebAssembly, no native code). Its
// loader reads the .wasm with require("fs"), so it lives here in the adapter and the core sees only the
// InstructionDecoder interface. The GAS formatter's options are set to gdb 10's AT&T output (binutils'
// i386-dis.c): lowercase hex, unsigned immediates, signed displacements, `0x0(%rax,%rax,1)`.
import { createRequire } from "node:module";
import type * as Iced from "iced-x86";
import type { DecodedInstruction, DirectBranch, InstructionDecoder } from "../core/session/host-types";

type IcedModule = typeof Iced;

let icedModule: IcedModule | undefined;

/** Loads (and compiles) the WebAssembly module on first use: a console that never runs `dis` pays nothing. */
function iced(): IcedModule {
  return (icedModule ??= createRequire(import.meta.url)("iced-x86") as IcedModule);
}

/** Longest x86 instruction (Intel SDM vol. 2, 2.3.11). */
const MAX_INSN_LENGTH = 15;

interface Formatters {
  plain: Iced.Formatter;
  /** For string instructions, which binutils writes with both segments. */
  strings: Iced.Formatter;
}

function gdbFormatter(m: IcedModule, showSegments: boolean): Iced.Formatter {
  const f = new m.Formatter(m.FormatterSyntax.Gas);
  f.uppercaseHex = false;
  f.hexPrefix = "0x";
  f.leadingZeros = false;
  f.branchLeadingZeros = false;
  f.displacementLeadingZeros = false;
  f.smallHexNumbersInDecimal = false;
  f.signedImmediateOperands = false;
  f.signedMemoryDisplacements = true;
  f.ripRelativeAddresses = true;
  f.alwaysShowScale = false; // iced then writes `(%rip,)`; the `,1` is added below
  f.showZeroDisplacements = false;
  f.spaceAfterOperandSeparator = false;
  f.gasSpaceAfterMemoryOperandComma = false;
  f.gasShowMnemonicSizeSuffix = false;
  f.showBranchSize = false;
  f.showUselessPrefixes = true;
  f.usePseudoOps = true;
  f.alwaysShowSegmentRegister = showSegments;
  return f;
}

export class IcedDecoder implements InstructionDecoder {
  private formatters: Formatters | undefined;

  /** Direct near branches only, decoded into one reused instruction and never formatted (fast scans). */
  branches(bytes: Uint8Array, ip: bigint, max: number): DirectBranch[] {
    const m = iced();
    const decoder = new m.Decoder(64, bytes, m.DecoderOptions.None);
    const insn = new m.Instruction();
    const out: DirectBranch[] = [];
    try {
      decoder.ip = ip;
      for (let n = 0; n < max && decoder.canDecode; n++) {
        decoder.decodeOut(insn);
        const fc = insn.flowControl;
        const kind = fc === m.FlowControl.Call ? "call" : fc === m.FlowControl.UnconditionalBranch ? "jmp" : fc === m.FlowControl.ConditionalBranch ? "jcc" : undefined;
        if (kind === undefined || insn.op0Kind !== m.OpKind.NearBranch64) continue;
        out.push({ address: insn.ip, length: insn.length, kind, target: insn.nearBranchTarget });
      }
    } finally {
      insn.free();
      decoder.free();
    }
    return out;
  }

  decode(bytes: Uint8Array, ip: bigint, max: number): DecodedInstruction[] {
    const m = iced();
    const formatters = (this.formatters ??= { plain: gdbFormatter(m, false), strings: gdbFormatter(m, true) });
    const decoder = new m.Decoder(64, bytes, m.DecoderOptions.None);
    const out: DecodedInstruction[] = [];
    try {
      decoder.ip = ip;
      let offset = 0;
      while (out.length < max && offset < bytes.length) {
        const insn = decoder.decode();
        try {
          // An instruction cut off by the end of the buffer is not an answer: the caller reads further.
          if (insn.isInvalid && bytes.length - offset < MAX_INSN_LENGTH && insn.length + offset >= bytes.length) break;
          out.push(describe(m, formatters, insn, bytes.subarray(offset, offset + insn.length), ip + BigInt(offset)));
          offset += insn.length;
        } finally {
          insn.free();
        }
      }
    } finally {
      decoder.free();
    }
    return out;
  }
}

function describe(m: IcedModule, f: Formatters, insn: Iced.Instruction, bytes: Uint8Array, address: bigint): DecodedInstruction {
  if (insn.isInvalid) return { address, length: Math.max(1, insn.length), mnemonic: "(bad)", operands: "", invalid: true };
  const stringOp = isStringOperation(m, insn);
  const formatter = stringOp ? f.strings : f.plain;
  let mnemonic = repeatPrefix(formatter.formatMnemonic(insn), stringOp);
  let operands = gdbOperands(m, insn, formatter.formatAllOperands(insn));
  [mnemonic, operands] = gdbSpelling(m, insn, mnemonic, operands);
  const unused = unusedPrefixes(m, insn, bytes);
  if (unused.length) mnemonic = `${unused.join(" ")} ${mnemonic.replace(/^(data16 )+/, "")}`;
  const d: DecodedInstruction = { address, length: insn.length, mnemonic, operands };
  if (insn.op0Kind === m.OpKind.NearBranch64 && insn.opCount === 1) d.branchTarget = insn.nearBranchTarget;
  else if (insn.isIpRelMemoryOperand) d.ripTarget = insn.ipRelMemoryAddress;
  return d;
}

/**
 * binutils spells F3/F2 `repz`/`repnz` except before movs/stos/lods/ins/outs, where F3 is `rep`: so `repz cmpsb`,
 * `repz ret`, `repz je` (iced: `repe`, `rep`).
 */
function repeatPrefix(mnemonic: string, stringOp: boolean): string {
  const m = /^(rep|repe|repne) (\S+)/.exec(mnemonic);
  if (!m) return mnemonic;
  const plainRep = stringOp && /^(movs|stos|lods|ins|outs)/.test(m[2]!);
  const spelled = m[1] === "repne" ? "repnz" : plainRep ? "rep" : "repz";
  return spelled + mnemonic.slice(m[1]!.length);
}

/** String instructions: binutils names both segments (`%ds:(%rsi),%es:(%rdi)`). */
function isStringOperation(m: IcedModule, insn: Iced.Instruction): boolean {
  for (let i = 0; i < insn.opCount; i++) {
    const k = insn.opKind(i);
    if (k >= m.OpKind.MemorySegSI && k <= m.OpKind.MemoryESRDI) return true;
  }
  return false;
}

const OPERAND_SIZE_PREFIX = 0x66;
/** Legacy prefixes other than 0x66 (lock, rep, segments, address size): Intel SDM vol. 2, 2.1.1. */
const OTHER_LEGACY_PREFIXES = new Set([0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x67]);

/**
 * binutils names every operand-size prefix the instruction does not use `data16` before the mnemonic
 * (`data16 nopw %cs:0x0(%rax,%rax,1)` for 66 66 2e 0f 1f 84; gdb 10 keeps the segment in the operand).
 */
function unusedPrefixes(m: IcedModule, insn: Iced.Instruction, bytes: Uint8Array): string[] {
  let sizePrefixes = 0;
  let i = 0;
  for (; i < insn.length && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === OPERAND_SIZE_PREFIX) sizePrefixes++;
    else if (!OTHER_LEGACY_PREFIXES.has(b)) break;
  }
  if (sizePrefixes === 0) return [];
  const unused = usesOperandSizePrefix(m, insn, bytes, i) ? sizePrefixes - 1 : sizePrefixes;
  return new Array<string>(unused).fill("data16");
}

/** Whether dropping the 0x66 prefixes changes what the bytes decode to. */
function usesOperandSizePrefix(m: IcedModule, insn: Iced.Instruction, bytes: Uint8Array, prefixEnd: number): boolean {
  const stripped = new Uint8Array(insn.length);
  let n = 0;
  for (let j = 0; j < insn.length; j++) if (j >= prefixEnd || bytes[j] !== OPERAND_SIZE_PREFIX) stripped[n++] = bytes[j]!;
  const d = new m.Decoder(64, stripped.subarray(0, n), m.DecoderOptions.None);
  try {
    const other = d.decode();
    const same = other.code === insn.code;
    other.free();
    return !same;
  } finally {
    d.free();
  }
}

/** Where iced's GAS spelling differs from binutils' (as gdb 10 prints it). */
function gdbSpelling(m: IcedModule, insn: Iced.Instruction, mnemonic: string, operands: string): [string, string] {
  const code = m.Code[insn.code] ?? "";
  // Shifts and rotates by an implicit 1 (D0/D1): binutils omits the count.
  if (code.endsWith("_1") && /^(rol|ror|rcl|rcr|shl|sal|shr|sar)/.test(code.toLowerCase())) return [mnemonic, operands.replace(/^\$0x1,/, "")];
  // Three-operand imul with the destination as source: binutils writes all three.
  if (code.startsWith("Imul_r") && code.includes("_imm")) {
    const parts = operands.split(",");
    if (parts.length === 2 && parts[1]!.startsWith("%")) return [mnemonic, `${operands},${parts[1]}`];
  }
  // The port of in/out/ins/outs is written as a memory operand.
  if (/^(in|out|ins|outs)[bwl]?$/.test(mnemonic.split(" ").pop() ?? "")) return [mnemonic, operands.replace(/(^|,)%dx($|,)/, "$1(%dx)$2")];
  if (mnemonic === "monitor") return [mnemonic, "%rax,%ecx,%edx"];
  if (mnemonic === "mwait") return [mnemonic, "%eax,%ecx"];
  // Near indirect call/jmp and push/pop of memory are 64-bit only: no suffix (binutils 2.35+).
  if (/^(callq|jmpq|pushq|popq|ljmpl|lcalll)$/.test(mnemonic) && !/^\$/.test(operands)) return [mnemonic.slice(0, -1), operands];
  return [mnemonic, operands];
}

/**
 * binutils prints an encoded zero displacement (`0x0(%rax,%rax,1)`, `0x0(%rip)`) and omits an absent one,
 * and always writes the scale of an index register.
 */
function gdbOperands(m: IcedModule, insn: Iced.Instruction, text: string): string {
  let out = text;
  if (insn.memoryIndex !== m.Register.None && insn.memoryIndexScale === 1) out = out.replace(/\((%?\w*),(%\w+)\)/, "($1,$2,1)");
  const zero = insn.isIpRelMemoryOperand ? insn.ipRelMemoryAddress === insn.nextIP : insn.memoryDisplSize !== 0 && insn.memoryDisplacement === 0n;
  if (zero) out = out.replace(/(^|,|:)\(/, "$10x0(");
  return out;
}
