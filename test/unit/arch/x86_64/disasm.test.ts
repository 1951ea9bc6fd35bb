// The gdb/crash layout of one disassembled line, on instructions written by hand (no decoder).
import { describe, expect, it } from "vitest";
import { formatDisLine, formatInstruction, fullInstruction, isFtraceNop, symbolWithOffset, type DecodedInstruction } from "../../../../src/core/arch/x86_64/disasm";

const noSymbols = (): undefined => undefined;
const insn = (mnemonic: string, operands: string, extra: Partial<DecodedInstruction> = {}): DecodedInstruction => ({ address: 0xffffffff81000000n, length: 1, mnemonic, operands, ...extra });

describe("formatInstruction", () => {
  it("pads the mnemonic to six columns and one space, operands or not", () => {
    expect(formatInstruction(insn("mov", "%rsp,%rbp"), noSymbols)).toBe("mov    %rsp,%rbp");
    expect(formatInstruction(insn("ret", ""), noSymbols)).toBe("ret    ");
    expect(formatInstruction(insn("int3", ""), noSymbols)).toBe("int3   ");
    expect(formatInstruction(insn("movslq", "0x18(%rsp),%rdx"), noSymbols)).toBe("movslq 0x18(%rsp),%rdx");
    expect(formatInstruction(insn("lock cmpxchg", "%edx,(%rdi)"), noSymbols)).toBe("lock cmpxchg %edx,(%rdi)");
  });

  it("prints 0x90 as a bare nop (binutils renames it after padding)", () => {
    expect(formatInstruction(insn("nop", ""), noSymbols)).toBe("nop");
    expect(formatInstruction(insn("nopl", "(%rax)"), noSymbols)).toBe("nopl   (%rax)");
  });

  it("names branch targets that have a symbol, and leaves the others bare", () => {
    const call = insn("call", "0xffffffff9fb63ff0", { branchTarget: 0xffffffff9fb63ff0n });
    expect(formatInstruction(call, (a) => (a === 0xffffffff9fb63ff0n ? "__crash_kexec" : undefined))).toBe("call   0xffffffff9fb63ff0 <__crash_kexec>");
    expect(formatInstruction(call, noSymbols)).toBe("call   0xffffffff9fb63ff0");
  });

  it("comments RIP-relative operands with the address and, where known, its symbol", () => {
    const mov = insn("movl", "$0x0,0x21d8d87(%rip)", { ripTarget: 0xffffffffa1d3cdf8n });
    expect(formatInstruction(mov, () => "__kexec_lock")).toBe("movl   $0x0,0x21d8d87(%rip)        # 0xffffffffa1d3cdf8 <__kexec_lock>");
    expect(formatInstruction(insn("mov", "%gs:0x604b4084(%rip),%edx", { ripTarget: 0x19160n }), noSymbols)).toBe("mov    %gs:0x604b4084(%rip),%edx        # 0x19160");
  });

  it("prints undecodable bytes as (bad)", () => {
    expect(formatInstruction(insn("(bad)", "", { invalid: true }), noSymbols)).toBe("(bad)");
  });
});

describe("line layout", () => {
  it("labels symbolized lines crash's way and bare ones gdb's way with the => marker", () => {
    const line = { address: 0xffffffffc05dc05en, length: 4, text: "mov    0x74(%rax),%eax" };
    expect(formatDisLine({ ...line, symbol: "f+5" })).toBe("0xffffffffc05dc05e <f+5>:\tmov    0x74(%rax),%eax");
    expect(formatDisLine(line, 0xffffffffc05dc05en)).toBe("=> 0xffffffffc05dc05e:\tmov    0x74(%rax),%eax");
    expect(formatDisLine(line, 1n)).toBe("   0xffffffffc05dc05e:\tmov    0x74(%rax),%eax");
  });

  it("marks the fentry NOP only at a symbol's first byte", () => {
    expect(isFtraceNop("nopl   0x0(%rax,%rax,1)", true)).toBe(true);
    expect(isFtraceNop("nopl   0x0(%rax,%rax,1)", false)).toBe(false);
    expect(isFtraceNop("nopl   0x0(%rax)", true)).toBe(false);
    expect(isFtraceNop("data32 data32 data32 xchg %ax,%ax", true)).toBe(true);
  });

  it("writes symbol+offset without +0", () => {
    expect(symbolWithOffset("crash_kexec", 0)).toBe("crash_kexec");
    expect(symbolWithOffset("crash_kexec", 40)).toBe("crash_kexec+40");
  });
});

describe("fullInstruction", () => {
  it("keeps the optional fields only when they have the right type", () => {
    const base = { address: 1n, length: 2, mnemonic: "jmp", operands: "0x10" };
    const withTarget: typeof base = Object.assign({ branchTarget: 0x10n }, base);
    expect(fullInstruction(withTarget).branchTarget).toBe(0x10n);
    expect(fullInstruction({ ...base, branchTarget: 16 } as typeof base).branchTarget).toBeUndefined();
    expect(fullInstruction({ ...base, invalid: "yes" } as typeof base).invalid).toBeUndefined();
    expect(fullInstruction(base)).toEqual(base);
  });
});
