// `dis` over a synthetic kernel: memory built in the test (pages that can be missing), a small symbol table,
// the iced-x86 decoder. Checks ranges, counts, -r/-f, missing pages mid-listing, hostile symbol sizes.
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../../../src/cli/iced-decoder";
import type { CommandContext } from "../../../../src/core/commands/command";
import { disCommand } from "../../../../src/core/commands/code/dis";
import { SymbolTable } from "../../../../src/core/debuginfo/symbols";
import { ExcludedPageError } from "../../../../src/core/io/errors";
import type { SourceLines } from "../../../../src/core/program/source-lines";

const TEXT = 0xffffffff81000000n;
const PAGE = 4096;

/** push %rbp; mov %rsp,%rbp; call f2; pop %rbp; ret; int3 x3 — 16 bytes. */
const F1 = [0x55, 0x48, 0x89, 0xe5, 0xe8, 0x07, 0x00, 0x00, 0x00, 0x5d, 0xc3, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc];
/** nopl 0x0(%rax,%rax,1) (the fentry NOP); xor %eax,%eax; ret. */
const F2 = [0x0f, 0x1f, 0x44, 0x00, 0x00, 0x31, 0xc0, 0xc3];

interface Kernel {
  pages: Map<bigint, Uint8Array>;
}

function kernel(): Kernel {
  const page = new Uint8Array(PAGE).fill(0x90);
  page.set(F1, 0);
  page.set(F2, 0x10);
  // A function that runs over the end of the page into a page the dump left out.
  page.fill(0x90, 0x20, PAGE);
  return { pages: new Map([[TEXT, page]]) };
}

function read(k: Kernel, addr: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let done = 0; done < len; ) {
    const a = addr + BigInt(done);
    const base = a - (a % BigInt(PAGE));
    const page = k.pages.get(base);
    if (!page) throw new ExcludedPageError("synthetic", Number(base & 0xffff_ffffn));
    const off = Number(a - base);
    const n = Math.min(len - done, PAGE - off);
    out.set(page.subarray(off, off + n), done);
    done += n;
  }
  return out;
}

function context(k: Kernel, symbols: SymbolTable, extra: Partial<CommandContext> = {}): CommandContext {
  // No `modules` symbol: the module list is empty (kernel/modules.ts).
  const derived = new Map<unknown, unknown>();
  const prog = {
    read: (addr: bigint, len: number) => read(k, addr, len),
    dump: { cpus: [] },
    hasSymbol: () => false,
    // A kernel with no module types: every module view (list, mod_tree, kset, carve) comes back empty.
    findType: () => undefined,
    memberOffset: () => undefined,
    symbols: { addressOf: () => undefined },
    // Program.cached: derived tables (module symbols) computed once per program.
    cached<T>(key: { compute(p: unknown): T }): T {
      if (!derived.has(key)) derived.set(key, key.compute(prog));
      return derived.get(key) as T;
    },
  };
  return { prog, symbols, state: { valueHistory: 0 }, decoder: new IcedDecoder(), ...extra } as unknown as CommandContext;
}

const SYMBOLS = SymbolTable.fromList([
  { name: "_stext", address: TEXT - 0x1000n, type: "T", size: 0 },
  { name: "f1", address: TEXT, type: "T", size: 16 },
  { name: "f2", address: TEXT + 0x10n, type: "T", size: 8 },
  { name: "big", address: TEXT + 0x20n, type: "T", size: 0xffff_ffff },
  { name: "_etext", address: TEXT + 0x2000n, type: "T" },
]);

const run = (ctx: CommandContext, line: string) => disCommand.run(ctx, line.split(" ").filter(Boolean));

describe("dis on a synthetic kernel", () => {
  it("lists a whole function up to its size, naming call targets", () => {
    const out = run(context(kernel(), SYMBOLS), "f1");
    expect(out.text).toBe(
      [
        "0xffffffff81000000 <f1>:\tpush   %rbp",
        "0xffffffff81000001 <f1+1>:\tmov    %rsp,%rbp",
        "0xffffffff81000004 <f1+4>:\tcall   0xffffffff81000010 <f2>",
        "0xffffffff81000009 <f1+9>:\tpop    %rbp",
        "0xffffffff8100000a <f1+10>:\tret    ",
        "0xffffffff8100000b <f1+11>:\tint3   ",
        "0xffffffff8100000c <f1+12>:\tint3   ",
        "0xffffffff8100000d <f1+13>:\tint3   ",
        "0xffffffff8100000e <f1+14>:\tint3   ",
        "0xffffffff8100000f <f1+15>:\tint3   ",
        "",
      ].join("\n"),
    );
  });

  it("marks the fentry NOP, and shows one instruction for an address inside a function", () => {
    const ctx = context(kernel(), SYMBOLS);
    expect(run(ctx, "f2").text.split("\n")[0]).toBe("0xffffffff81000010 <f2>:\tnopl   0x0(%rax,%rax,1) [FTRACE NOP]");
    expect(run(ctx, "ffffffff81000015").text).toBe("0xffffffff81000015 <f2+5>:\txor    %eax,%eax\n");
    expect(run(ctx, "-x f1+4 2").text).toBe("0xffffffff81000004 <f1+0x4>:\tcall   0xffffffff81000010 <f2>\n0xffffffff81000009 <f1+0x9>:\tpop    %rbp\n");
  });

  it("-r runs from the function start to the address, -f from the address to the end", () => {
    const ctx = context(kernel(), SYMBOLS);
    expect(run(ctx, "-r ffffffff81000009").data).toMatchObject({ lines: [{ address: TEXT }, { address: TEXT + 1n }, { address: TEXT + 4n }, { address: TEXT + 9n }] });
    // An address inside an instruction: up to the first instruction at or past it, as crash does.
    expect(run(ctx, "-r ffffffff81000005").data.lines).toHaveLength(4);
    expect(run(ctx, "-r ffffffff81000009 2").data.lines.map((l) => l.address)).toEqual([TEXT + 4n, TEXT + 9n]);
    expect(run(ctx, "-f ffffffff8100000a").data.lines.map((l) => l.address - TEXT)).toEqual([10n, 11n, 12n, 13n, 14n, 15n]);
  });

  it("prints source lines when they change, and an empty one where they stop", () => {
    const lines: SourceLines = { locate: (a) => (a < TEXT + 4n ? { file: "kernel/f.c", displayFile: "kernel/f.c", line: 10 } : a < TEXT + 10n ? { file: "kernel/f.c", displayFile: "kernel/f.c", line: 11 } : undefined) };
    const out = run(context(kernel(), SYMBOLS, { sourceLines: lines }), "-l f1 6");
    expect(out.text.split("\n").filter((l) => !l.startsWith("0x"))).toEqual(["kernel/f.c: 10", "kernel/f.c: 11", "", ""]);
  });

  it("stops at a page the dump left out, with the lines it had and one error line", () => {
    const ctx = context(kernel(), SYMBOLS);
    const out = run(ctx, "big");
    // `big` claims 4 GiB: the next symbol ends it, and the listing stops where memory does.
    expect(out.text.split("\n").filter(Boolean).length).toBe(PAGE - 0x20);
    expect(out.errors).toEqual([]);
    const counted = run(ctx, "ffffffff81000ffe 5");
    expect(counted.text.split("\n").filter(Boolean)).toHaveLength(2);
    expect(counted.errors).toEqual(["dis: Cannot access memory at address 0xffffffff81001000"]);
    expect(() => run(ctx, "ffffffff81001000 2")).toThrow("dis: gdb unable to disassemble kernel virtual address ffffffff81001000");
  });

  it("refuses what crash refuses, in one line", () => {
    const ctx = context(kernel(), SYMBOLS);
    expect(() => run(context(kernel(), SYMBOLS, { decoder: undefined }), "f1")).toThrow("dis: no x86-64 instruction decoder in this build of kdw");
    expect(() => run(ctx, "f1 0")).toThrow("dis: invalid count argument: 0");
    expect(() => run(ctx, "f1 zz")).toThrow("dis: invalid count argument: zz");
    expect(() => run(ctx, "-d -x f1")).toThrow("-d and -x are mutually exclusive");
    expect(() => run(ctx, "-r -s f1")).toThrow("-r and -s are mutually exclusive");
    expect(() => run(ctx, "-u f1")).toThrow("user-space");
    expect(() => run(ctx, "nosuch+4")).toThrow("dis: invalid expression: nosuch+4");
    const low = SymbolTable.fromList([{ name: "lowtext", address: 0x1000n, type: "T", size: 16 }]);
    expect(() => run(context(kernel(), low), "lowtext")).toThrow("dis: 1000 is not a kernel virtual address");
  });
});
