// x86-64 disassembly as crash prints it (gdb 10's AT&T syntax, filtered by crash's x86_64_dis_filter). The
// decoding itself is injected (`InstructionDecoder`): the core imports nothing from Node, and the decoder the
// CLI uses (iced-x86, WebAssembly) has a Node-specific loader. Everything gdb- and crash-specific about the
// layout — mnemonic padding, `<symbol+offset>` after targets, the `# address` comment of RIP-relative
// operands, `[FTRACE NOP]` — is done here.

/** One decoded instruction, in AT&T pieces. */
export interface DecodedInstruction {
  address: bigint;
  /** Encoded length in bytes (1..15). */
  length: number;
  /** Prefixes and mnemonic, with gdb's size suffix where it is needed: `lock cmpxchg`, `movl`, `rep stos`. */
  mnemonic: string;
  /** Operands in AT&T order, comma-separated without spaces: `%edx,0x18e6bd7(%rip)`; empty when none. */
  operands: string;
  /** The target of a direct near jump/call (the operand text is then that address in hex). */
  branchTarget?: bigint;
  /** The effective address of a RIP-relative memory operand (gdb prints it as a `# 0x...` comment). */
  ripTarget?: bigint;
  /** Bytes that do not decode to an instruction: gdb prints `(bad)`. */
  invalid?: boolean;
}

export interface InstructionDecoder {
  /**
   * Decodes up to `max` instructions from `bytes`, the first at address `ip`. Stops early at the end of the
   * bytes (an instruction cut off by the end is not returned).
   */
  decode(bytes: Uint8Array, ip: bigint, max: number): DecodedInstruction[];
}

/**
 * The full instruction from a decoder typed more loosely (the CommandContext's decoder is shared with the
 * backtracer, which needs only mnemonic and operands): the optional fields are taken when they are there.
 */
export function fullInstruction(insn: { address: bigint; length: number; mnemonic: string; operands: string }): DecodedInstruction {
  const d: DecodedInstruction = { address: insn.address, length: insn.length, mnemonic: insn.mnemonic, operands: insn.operands };
  if ("branchTarget" in insn && typeof insn.branchTarget === "bigint") d.branchTarget = insn.branchTarget;
  if ("ripTarget" in insn && typeof insn.ripTarget === "bigint") d.ripTarget = insn.ripTarget;
  if ("invalid" in insn && insn.invalid === true) d.invalid = true;
  return d;
}

/** Names an address as `sym+off` (or `sym`), or undefined when it has no symbol: crash's value_to_symstr. */
export type Symbolizer = (address: bigint) => string | undefined;

/** gdb's i386 printer pads the mnemonic (with prefixes) to 6 columns, then one space (i386-dis.c). */
const MNEMONIC_WIDTH = 6;
/** gdb puts the RIP-relative target's comment 8 spaces after the operands (i386-dis.c, print_insn). */
const COMMENT_GAP = "        ";

export function hex(value: bigint): string {
  return "0x" + value.toString(16);
}

/** `symbol+offset` as crash's value_to_symstr writes it (no `+0`). */
export function symbolWithOffset(name: string, offset: number): string {
  return offset ? `${name}+${offset}` : name;
}

/**
 * The instruction text after the address label, as gdb prints it and crash filters it: `mov    %rsp,%rbp`,
 * `call   0xffffffff9fb63ff0 <__crash_kexec>`, `ret    ` (the padding stays even without operands).
 */
export function formatInstruction(insn: DecodedInstruction, symbolize: Symbolizer): string {
  if (insn.invalid) return "(bad)";
  // 0x90 is binutils' `xchg %eax,%eax` renamed after the padding was laid out (i386-dis.c NOP_Fixup1):
  // gdb prints a bare `nop` where every other operand-less instruction is padded (`ret    `).
  if (insn.mnemonic === "nop" && insn.operands === "") return "nop";
  let text = insn.mnemonic.padEnd(MNEMONIC_WIDTH) + " " + insn.operands;
  if (insn.branchTarget !== undefined) {
    const name = symbolize(insn.branchTarget);
    if (name) text += ` <${name}>`;
  } else if (insn.ripTarget !== undefined) {
    const name = symbolize(insn.ripTarget);
    text += `${COMMENT_GAP}# ${hex(insn.ripTarget)}${name ? ` <${name}>` : ""}`;
  }
  return text;
}

/**
 * crash marks the 5-byte NOP that the compiler's `-mfentry` call became (ftrace patched it out) when it is
 * the first instruction of a function (x86_64.c x86_64_dis_filter: value_symbol(vaddr) and the nopl text).
 */
export function isFtraceNop(text: string, atSymbolStart: boolean): boolean {
  return atSymbolStart && (text.includes("nopl   0x0(%rax,%rax,1)") || text.includes("data32 data32 data32 xchg %ax,%ax"));
}

/** One disassembled line as crash prints it: `0xADDR <sym+off>:\tTEXT`, or gdb's bare `   0xADDR:\tTEXT`. */
export interface DisLine {
  address: bigint;
  length: number;
  /** `sym+off` of the address, when it has a symbol. */
  symbol?: string;
  /** The instruction text (after the tab). */
  text: string;
  /** "file: line" printed before this line (dis -l), when it changed. */
  source?: string;
}

/** crash's line for a symbolized address; gdb's `x/i` line (with the `=> ` current-pc marker) otherwise. */
export function formatDisLine(line: DisLine, currentPc?: bigint): string {
  if (line.symbol !== undefined) return `${hex(line.address)} <${line.symbol}>:\t${line.text}`;
  const marker = currentPc === line.address ? "=> " : "   ";
  return `${marker}${hex(line.address)}:\t${line.text}`;
}
