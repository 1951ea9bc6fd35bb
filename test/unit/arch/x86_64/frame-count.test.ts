// frame-count.ts (crash's frame-size count without a disassembler) against the count over iced-x86's text,
// which is what the unwinder did before: on hand-assembled prologues, on the prefixes and opcodes it must
// give up on, and over the functions of the fixture kernel (every instruction boundary as a return address).
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../../../src/cli/iced-decoder";
import { countPushesInText, countPushesQuick, stepForTest } from "../../../../src/core/arch/x86_64/frame-count";
import { ElfFile } from "../../../../src/core/dump/elf";
import { NodeFileSource } from "../../../../src/cli/node-file-source";
import { fixture, haveFixtures } from "../../../fixtures";

const decoder = new IcedDecoder();
const FN = 0xffffffff81000000n;

/** The unwinder's count over the disassembler's text (crash's x86_64_get_framesize fallback). */
function counted(bytes: Uint8Array, fnStart: bigint, textaddr: bigint, exception: boolean): number {
  return countPushesInText(decoder.decode(bytes, fnStart, Number(textaddr - fnStart) + 1), textaddr, exception);
}

/** Both counts at every instruction boundary of `code` (and its end), for call and exception frames. */
function agree(code: number[]): number {
  const bytes = Uint8Array.from([...code, ...new Array<number>(16).fill(0xcc)]);
  let checked = 0;
  const ends = [...decoder.decode(bytes, FN, code.length + 1).map((i) => i.address).filter((a) => a <= FN + BigInt(code.length))];
  for (const t of ends) {
    for (const exception of [false, true]) {
      const quick = countPushesQuick(bytes.subarray(0, Number(t - FN) + 16), FN, t, exception);
      expect(quick, `at +${t - FN}${exception ? " (exception)" : ""}`).toBe(counted(bytes.subarray(0, Number(t - FN) + 16), FN, t, exception));
      checked++;
    }
  }
  return checked;
}

describe("countPushesQuick", () => {
  it("counts a prologue as crash does: pushes, sub/add of %rsp (imm8 and imm32, negative too), pops, popcnt, ret", () => {
    // endbr64; nopl 0x0(%rax,%rax,1); push %rbp; mov %rsp,%rbp; push %r15; push %r14; push %rbx;
    // sub $0x28,%rsp; sub $0x1000,%rsp; add $0xfffffffffffffff8,%rsp; mov %gs:0x28,%rax; test %eax,%eax;
    // je +2; pop %rbx; popcnt %rdi,%rax; leave; ret; push $0x10; pushf; popf; add $0x10,%rsp; ret $0x8
    const code = [
      0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0x1f, 0x44, 0x00, 0x00, 0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x53, 0x48, 0x83, 0xec, 0x28, 0x48, 0x81, 0xec, 0x00, 0x10, 0x00, 0x00, 0x48, 0x83, 0xc4, 0xf8,
      0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00, 0x85, 0xc0, 0x74, 0x02, 0x5b, 0xf3, 0x48, 0x0f, 0xb8, 0xc7, 0xc9, 0xc3, 0x6a, 0x10, 0x9c, 0x9d, 0x48, 0x83, 0xc4, 0x10, 0xc2, 0x08, 0x00,
    ];
    expect(agree(code)).toBeGreaterThan(40);
    expect(countPushesQuick(Uint8Array.from([0x55, 0x41, 0x54, 0x48, 0x83, 0xec, 0x10, 0xe8, 0, 0, 0, 0, ...new Array<number>(16).fill(0)]), FN, FN + 12n, false)).toBe(32);
  });

  it("knows lengths: ModRM, SIB, RIP-relative, displacements, immediates by operand size, locked memory forms", () => {
    const code = [
      0x48, 0x8b, 0x05, 0x10, 0x20, 0x30, 0x40, // mov 0x40302010(%rip),%rax
      0x8b, 0x44, 0x24, 0x08, // mov 0x8(%rsp),%eax
      0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00, // mov 0x1000,%eax (SIB, no base)
      0x66, 0xc7, 0x40, 0x02, 0x34, 0x12, // movw $0x1234,0x2(%rax)
      0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, // movabs $imm64,%rax
      0xf0, 0x48, 0x0f, 0xb1, 0x0a, // lock cmpxchg %rcx,(%rdx)
      0xf0, 0x83, 0x04, 0x24, 0x00, // lock addl $0x0,(%rsp)
      0x0f, 0xba, 0xe0, 0x05, // bt $0x5,%eax
      0xf6, 0x40, 0x10, 0x01, // testb $0x1,0x10(%rax)
      0x0f, 0x01, 0xcb, // stac
      0x0f, 0x20, 0xd8, // mov %cr3,%rax
      0x2e, 0xe8, 0, 0, 0, 0, // cs call
      0x6a, 0x10, 0x50, 0x48, 0xcb, // push $0x10; push %rax; lretq (a far return is no `ret` to crash)
      0xca, 0x08, 0x00, // lret $0x8
    ];
    expect(agree(code)).toBeGreaterThan(20);
  });

  it("gives up where it is not certain: VEX, x87, a lock on a register, prefixed or REX.W pushes, invalid opcodes", () => {
    for (const bytes of [[0xc5, 0xf8, 0x77], [0xd9, 0xee], [0xf0, 0x01, 0xc0], [0x66, 0x50], [0x48, 0x50], [0x40, 0x55], [0x06], [0x0f, 0x58, 0xc1], [0x0f, 0xb8, 0xc0], [0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00]]) {
      expect(stepForTest(Uint8Array.from([...bytes, 0, 0, 0, 0]), 0, bytes.length + 4), bytes.map((b) => b.toString(16)).join(" ")).toBeUndefined();
      expect(countPushesQuick(Uint8Array.from([0x55, ...bytes, ...new Array<number>(16).fill(0xcc)]), FN, FN + BigInt(1 + bytes.length), false)).toBeUndefined();
    }
  });

  it.skipIf(!haveFixtures("vmlinux"))("agrees with the disassembler's count over the fixture kernel's functions", () => {
    const elf = ElfFile.open(new NodeFileSource(fixture("vmlinux")!));
    const syms = elf.symbols()!;
    const text = elf.sectionHeader(".text")!;
    const bytes = elf.sectionBytes(text)!;
    let sites = 0;
    let quick = 0;
    const stride = Math.floor(syms.count / 600);
    for (let i = 1; i < syms.count; i += stride) {
      const v = syms.value(i);
      const size = Number(syms.size(i));
      if (syms.type(i) !== 2 || size === 0 || size > 2048 || v < text.addr || v + BigInt(size) > text.addr + BigInt(text.size)) continue;
      const fn = bytes.subarray(Number(v - text.addr), Number(v - text.addr) + size + 16);
      for (const insn of decoder.decode(fn, v, size + 1)) {
        if (insn.address >= v + BigInt(size)) break;
        const buf = fn.subarray(0, Number(insn.address - v) + 16);
        const q = countPushesQuick(buf, v, insn.address, false);
        sites++;
        if (q === undefined) continue;
        quick++;
        expect(q, `${syms.name(i)}+${insn.address - v}`).toBe(counted(buf, v, insn.address, false));
      }
    }
    expect(sites).toBeGreaterThan(1000);
    expect(quick / sites).toBeGreaterThan(0.9);
  });
});
