// The CLI's iced-x86 decoder against gdb 10's AT&T spelling, on hand-assembled bytes. The expected texts
// are what crash 8.0.6 (gdb 10.2) printed for the same bytes in the fixture kernel
// (test/golden/dis-reference/), where iced's defaults and objdump 2.40 differ from it.
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../../../src/cli/iced-decoder";
import { formatInstruction } from "../../../../src/core/arch/x86_64/disasm";

const IP = 0xffffffff81000000n;
const decoder = new IcedDecoder();

function text(bytes: number[], ip = IP): string {
  const [insn] = decoder.decode(new Uint8Array(bytes), ip, 1);
  if (!insn) throw new Error("nothing decoded");
  expect(insn.length).toBe(bytes.length);
  return formatInstruction(insn, () => undefined);
}

describe("IcedDecoder: gdb 10 spelling", () => {
  it.each([
    [[0x0f, 0x1f, 0x44, 0x00, 0x00], "nopl   0x0(%rax,%rax,1)"],
    [[0x0f, 0x1f, 0x00], "nopl   (%rax)"],
    [[0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00], "data16 nopw %cs:0x0(%rax,%rax,1)"],
    [[0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00], "nopw   %cs:0x0(%rax,%rax,1)"],
    [[0x90], "nop"],
    [[0xc3], "ret    "],
    [[0xcc], "int3   "],
    [[0x48, 0xd1, 0xea], "shr    %rdx"],
    [[0x48, 0xc1, 0xea, 0x01], "shr    $0x1,%rdx"],
    [[0x4d, 0x69, 0xe4, 0xc0, 0x08, 0x00, 0x00], "imul   $0x8c0,%r12,%r12"],
    [[0x48, 0x8d, 0x3d, 0x00, 0x00, 0x00, 0x00], "lea    0x0(%rip),%rdi        # 0xffffffff81000007"],
    [[0xf3, 0xa5], "rep movsl %ds:(%rsi),%es:(%rdi)"],
    [[0xf3, 0xc3], "repz ret "],
    [[0xf3, 0xa6], "repz cmpsb %es:(%rdi),%ds:(%rsi)"],
    [[0xf3, 0x74, 0x5d], "repz je 0xffffffff81000060"],
    [[0xee], "out    %al,(%dx)"],
    [[0xec], "in     (%dx),%al"],
    [[0xff, 0x32], "push   (%rdx)"],
    [[0x8f, 0x80, 0x90, 0x00, 0x00, 0x00], "pop    0x90(%rax)"],
    [[0x0f, 0x01, 0xc8], "monitor %rax,%ecx,%edx"],
    [[0x0f, 0x01, 0xc9], "mwait  %eax,%ecx"],
    [[0x48, 0x83, 0xe4, 0xf0], "and    $0xfffffffffffffff0,%rsp"],
    [[0x48, 0xc7, 0xc2, 0x08, 0x24, 0xd3, 0xa0], "mov    $0xffffffffa0d32408,%rdx"],
    [[0x65, 0x48, 0x8b, 0x3c, 0x25, 0x80, 0xfb, 0x01, 0x00], "mov    %gs:0x1fb80,%rdi"],
    [[0x48, 0x8d, 0x65, 0xe0], "lea    -0x20(%rbp),%rsp"],
    [[0xc6, 0x07, 0x00], "movb   $0x0,(%rdi)"],
    [[0x48, 0x63, 0x54, 0x24, 0x18], "movslq 0x18(%rsp),%rdx"],
  ])("%j -> %s", (bytes, want) => {
    expect(text(bytes)).toBe(want);
  });

  it("gives branch and RIP-relative targets as addresses", () => {
    const [call] = decoder.decode(new Uint8Array([0xe8, 0xfb, 0xff, 0xff, 0xff]), IP, 1);
    expect(call!.branchTarget).toBe(IP);
    expect(call!.operands).toBe("0xffffffff81000000");
    const [lock] = decoder.decode(new Uint8Array([0xf0, 0x0f, 0xb1, 0x15, 0xd7, 0x6b, 0x8e, 0x01]), 0xffffffff9fb650e1n, 1);
    expect(lock!.mnemonic).toBe("lock cmpxchg");
    expect(lock!.ripTarget).toBe(0xffffffffa144bcc0n);
    expect(lock!.branchTarget).toBeUndefined();
  });

  it("decodes several instructions in order and stops at `max`", () => {
    const out = decoder.decode(new Uint8Array([0x55, 0x48, 0x89, 0xe5, 0xc3, 0xcc]), IP, 3);
    expect(out.map((i) => [i.address - IP, i.length, i.mnemonic])).toEqual([
      [0n, 1, "push"],
      [1n, 3, "mov"],
      [4n, 1, "ret"],
    ]);
  });

  it("does not return an instruction cut off by the end of the bytes", () => {
    expect(decoder.decode(new Uint8Array([0x55, 0x48, 0x8b]), IP, 5).map((i) => i.mnemonic)).toEqual(["push"]);
    expect(decoder.decode(new Uint8Array([]), IP, 5)).toEqual([]);
  });

  it("marks bytes that are no instruction as invalid, one byte at a time", () => {
    const [bad] = decoder.decode(new Uint8Array([0x06, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90]), IP, 1);
    expect(bad!.invalid).toBe(true);
    expect(formatInstruction(bad!, () => undefined)).toBe("(bad)");
    expect(bad!.length).toBeGreaterThanOrEqual(1);
  });

  it("never throws on random bytes and always makes progress", () => {
    let seed = 12345;
    const bytes = new Uint8Array(4096).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    const out = decoder.decode(bytes, IP, 10_000);
    expect(out.length).toBeGreaterThan(500);
    for (let i = 1; i < out.length; i++) expect(out[i]!.address).toBe(out[i - 1]!.address + BigInt(out[i - 1]!.length));
  });
});
