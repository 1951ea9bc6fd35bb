import { describe, expect, it } from "vitest";
import { formatCharLiteral, formatMemberValues, formatPrint, formatString, formatStructValue, formatValue } from "../../../../src/core/program/gdb-format/gdb-format";
import type { Type } from "../../../../src/core/debuginfo/types";
import { arr, ascii, bool, bytesOf, char, constOf, enumOf, fn, int, ptr, struct, typedef, uchar, uint, ulong, union, voidT } from "./types";

const u8 = typedef("u8", uchar);

describe("characters and strings (generic_printstr, print_wchar)", () => {
  it("prints a char value with its literal", () => {
    expect(formatValue(char, new Uint8Array([0]))).toBe("0 '\\000'");
    expect(formatValue(char, new Uint8Array([0xff]))).toBe("-1 '\\377'");
    expect(formatValue(u8, new Uint8Array([0x41]))).toBe("65 'A'");
    expect(formatCharLiteral(0x27)).toBe("'\\''");
    expect(formatCharLiteral(0x0a)).toBe("'\\n'");
    expect(formatCharLiteral(0x22)).toBe("'\"'");
  });
  it("keeps the NULs of a char array but the last, escapes the rest in octal", () => {
    const comm = new Uint8Array(16);
    comm.set(ascii("swapper/0"));
    expect(formatValue(arr(char, 16), comm)).toBe('"swapper/0\\000\\000\\000\\000\\000\\000"');
    expect(formatString(new Uint8Array([0x7f, 0x22, 0x5c, 0x09, 0xe0]), 5)).toBe('"\\177\\"\\\\\\t\\340"');
    expect(formatString(new Uint8Array(0), 0)).toBe('""');
  });
  it("escapes a digit that follows a numeric escape", () => {
    expect(formatString(new Uint8Array([1, 0x31, 0x41]), 3)).toBe('"\\001\\061A"');
  });
  it("stops after print elements, letting the last run of equal characters finish", () => {
    expect(formatString(new Uint8Array(ascii("abcdef")), 6, { printMax: 3 })).toBe('"abc"...');
    expect(formatString(new Uint8Array(ascii("abbbbc")), 6, { printMax: 2 })).toBe('"abbbb"...');
  });
  it("prints runs over the repeat threshold as <repeats N times> (gdb's default of 10)", () => {
    const b = new Uint8Array([...ascii("ab"), ...new Array<number>(12).fill(0x78), 0x63, 0]);
    expect(formatString(b, b.length, { repeatThreshold: 10 })).toBe(`"ab", 'x' <repeats 12 times>, "c"`);
    expect(formatString(b, b.length)).toBe(`"ab${"x".repeat(12)}c"`);
  });
});

describe("scalars", () => {
  it("prints signed and unsigned in decimal, hex in two's complement", () => {
    expect(formatValue(int, bytesOf(4, [[0, 4, 0xffffffff]]))).toBe("-1");
    expect(formatValue(ulong, bytesOf(8, [[0, 8, 0xfffffffffffffff0n]]))).toBe("18446744073709551600");
    expect(formatValue(int, bytesOf(4, [[0, 4, 0xffffffff]]), { radix: 16 })).toBe("0xffffffff");
    expect(formatValue(uint, bytesOf(4, [[0, 4, 0x4200002]]), { format: "x" })).toBe("0x4200002");
  });
  it("prints bools as true/false, other values as numbers", () => {
    expect(formatValue(bool, new Uint8Array([1]))).toBe("true");
    expect(formatValue(bool, new Uint8Array([0]))).toBe("false");
    expect(formatValue(bool, new Uint8Array([2]))).toBe("2");
    expect(formatValue(bool, new Uint8Array([1]), { radix: 16 })).toBe("0x1");
  });
  it("prints chars in hex without the literal under a hex radix", () => {
    expect(formatValue(char, new Uint8Array([0x41]), { radix: 16 })).toBe("0x41");
  });
  it("prints enums by name, flag enums decomposed, others as numbers", () => {
    const state = enumOf("vtime_state", [["VTIME_INACTIVE", 0n], ["VTIME_IDLE", 1n], ["VTIME_SYS", 2n], ["VTIME_USER", 3n]]);
    expect(formatValue(state, bytesOf(4, [[0, 4, 0]]))).toBe("VTIME_INACTIVE");
    expect(formatValue(state, bytesOf(4, [[0, 4, 7]]))).toBe("7");
    const flags = enumOf("flags", [["F_NONE", 0n], ["F_A", 1n], ["F_B", 2n], ["F_C", 8n]]);
    expect(formatValue(flags, bytesOf(4, [[0, 4, 3]]))).toBe("(F_A | F_B)");
    expect(formatValue(flags, bytesOf(4, [[0, 4, 0x13]]))).toBe("(F_A | F_B | unknown: 0x10)");
    expect(formatValue(flags, bytesOf(4, [[0, 4, 0x10]]))).toBe("(unknown: 0x10)");
    expect(formatValue(enumOf("f2", [["F_A", 1n]]), bytesOf(4, [[0, 4, 0]]))).toBe("0");
    expect(formatValue(flags, bytesOf(4, [[0, 4, 3]]), { radix: 16 })).toBe("(F_A | F_B)");
    expect(formatValue(flags, bytesOf(4, [[0, 4, 3]]), { format: "x" })).toBe("0x3");
  });
  it("prints floats with %g's precision", () => {
    const f64: Type = { kind: "float", name: "double", size: 8 };
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, 1.5, true);
    expect(formatValue(f64, b)).toBe("1.5");
    new DataView(b.buffer).setFloat64(0, 1e-7, true);
    expect(formatValue(f64, b)).toBe("9.9999999999999995e-08");
  });
  it("says <unavailable> for bytes it was not given", () => {
    expect(formatValue(ulong, new Uint8Array(4))).toBe("<unavailable>");
  });
});

describe("pointers", () => {
  const symbolize = (a: bigint): string | undefined => (a === 0xffffffff81000000n ? "dl_task_timer" : a === 0xffffffff81000010n ? "init_task+16" : undefined);
  it("prints 0x..., with <symbol> where one covers the address", () => {
    const p = ptr(struct("task_struct", 8, []));
    expect(formatValue(p, bytesOf(8, [[0, 8, 0]]), { symbolize })).toBe("0x0");
    expect(formatValue(p, bytesOf(8, [[0, 8, 0xffffffff81000010n]]), { symbolize })).toBe("0xffffffff81000010 <init_task+16>");
    expect(formatValue(ptr(fn(voidT, [])), bytesOf(8, [[0, 8, 0xffffffff81000000n]]), { symbolize })).toBe("0xffffffff81000000 <dl_task_timer>");
    expect(formatValue(p, bytesOf(8, [[0, 8, 0xffffffff81000010n]]), { symbolize, format: "x" })).toBe("0xffffffff81000010");
  });
  it("follows char pointers to their string, and reports memory it cannot read", () => {
    const memory = new Map<bigint, number>();
    ascii("hello").forEach((c, i) => memory.set(0x1000n + BigInt(i), c));
    memory.set(0x1005n, 0);
    ascii("ab").forEach((c, i) => memory.set(0x2000n + BigInt(i), c));
    const readMemory = (a: bigint, n: number): Uint8Array | undefined => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const b = memory.get(a + BigInt(i));
        if (b === undefined) return undefined;
        out.push(b);
      }
      return Uint8Array.from(out);
    };
    expect(formatValue(ptr(constOf(char)), bytesOf(8, [[0, 8, 0x1000]]), { readMemory })).toBe('0x1000 "hello"');
    expect(formatValue(ptr(char), bytesOf(8, [[0, 8, 0x2000]]), { readMemory })).toBe('0x2000 "ab"<error: Cannot access memory at address 0x2002>');
    expect(formatValue(ptr(char), bytesOf(8, [[0, 8, 0x3000]]), { readMemory })).toBe("0x3000 <error: Cannot access memory at address 0x3000>");
    expect(formatValue(ptr(char), bytesOf(8, [[0, 8, 0x1000]]), { readMemory, printMax: 3 })).toBe('0x1000 "hel"...');
  });
});

const listHead = struct("list_head", 16, [
  ["next", ptr(voidT), 0],
  ["prev", ptr(voidT), 8],
]);

describe("structs, unions and arrays (pretty print)", () => {
  it("indents nested structs two spaces a level, anonymous members without a name", () => {
    const t = struct("wake", 32, [
      ["llist", struct("llist_node", 8, [["next", ptr(voidT), 0]]), 0],
      [undefined, union(undefined, 4, [["u_flags", uint, 0], ["a_flags", struct(undefined, 4, [["counter", int, 0]]), 0]]), 8],
      ["src", arr(u8, 2), 12],
      ["empty", struct("kmap_ctrl", 0, []), 16],
    ]);
    const b = bytesOf(32, [[8, 4, 48], [12, 2, 0x4241]]);
    expect(formatValue(t, b)).toBe(
      [
        "{",
        "  llist = {",
        "    next = 0x0",
        "  },",
        "  {",
        "    u_flags = 48,",
        "    a_flags = {",
        "      counter = 48",
        "    }",
        "  },",
        '  src = "AB",',
        "  empty = {<No data fields>}",
        "}",
      ].join("\n"),
    );
  });
  it("prints arrays of structs as gdb does: {{ ... }, { ... }}", () => {
    const b = bytesOf(32, [[0, 8, 0x10], [24, 8, 0x20]]);
    expect(formatValue(arr(listHead, 2), b)).toBe(["{{", "    next = 0x10,", "    prev = 0x0", "  }, {", "    next = 0x0,", "    prev = 0x20", "  }}"].join("\n"));
  });
  it("limits arrays to print elements and marks repeats only over the threshold", () => {
    const b = new Uint8Array(4 * 300);
    expect(formatValue(arr(int, 3), b)).toBe("{0, 0, 0}");
    expect(formatValue(arr(int, 300), b)).toBe("{" + new Array(256).fill("0").join(", ") + "...}");
    expect(formatValue(arr(int, 3), b, { repeatThreshold: 2 })).toBe("{0 <repeats 3 times>}");
    expect(formatValue(arr(int, 3), bytesOf(12, [[0, 4, 1]]), { format: "x" })).toBe("{0x1, 0x0, 0x0}");
    expect(formatValue(arr(char, 3), new Uint8Array(ascii("ab\0")), { format: "x" })).toBe("{0x61, 0x62, 0x0}");
    expect(formatValue(arr(char, 3), new Uint8Array(ascii("ab\0")), { radix: 16 })).toBe('"ab"');
  });
  it("prints an array of unknown length as a pointer to its first element", () => {
    const t = struct("xregs", 8, [["n", ulong, 0], ["area", arr(u8), 8]]);
    const readMemory = (): Uint8Array => new Uint8Array(8);
    expect(formatValue(t, new Uint8Array(8), { address: 0x5000n, readMemory })).toBe('{\n  n = 0,\n  area = 0x5008 ""\n}');
  });
  it("extracts bitfields, sign-extending signed ones", () => {
    const t = struct("bits", 4, [
      ["a", uint, [0, 0, 1]],
      ["b", int, [0, 1, 3]],
      ["c", bool, [0, 4, 1]],
      ["d", u8, [1, 0, 8]],
    ]);
    const b = bytesOf(4, [[0, 2, 0b1_1110 | (0x41 << 8)]]);
    expect(formatValue(t, b)).toBe("{\n  a = 0,\n  b = -1,\n  c = true,\n  d = 65 'A'\n}");
    expect(formatValue(t, b, { radix: 16 })).toBe("{\n  a = 0x0,\n  b = 0xffffffff,\n  c = 0x1,\n  d = 0x41\n}");
  });
  it("stops at print max-depth with {...}", () => {
    let t: Type = struct("leaf", 4, [["x", int, 0]]);
    for (let i = 0; i < 3; i++) t = struct(`s${i}`, 4, [["in", t, 0]]);
    expect(formatValue(t, new Uint8Array(4), { maxDepth: 2 })).toBe("{\n  in = {\n    in = {...}\n  }\n}");
  });
});

describe("hostile types end", () => {
  it("a struct containing itself through an anonymous member stops at {...}", () => {
    const members: { name?: string; type: Type; bitOffset: number }[] = [];
    const self: Type = { kind: "struct", size: 4, members };
    members.push({ type: self, bitOffset: 0 });
    const text = formatValue(self, new Uint8Array(4));
    expect(text).toContain("{...}");
    expect(text.split("\n").length).toBeLessThan(200);
  });
});

describe("crash's p and struct output", () => {
  it("prints $N = with the pointer type, NAME = before a bare symbol", () => {
    expect(formatPrint(ulong, bytesOf(8, [[0, 8, 4294896151n]]), { history: 1, leader: "jiffies" })).toBe("jiffies = $1 = 4294896151\n");
    expect(formatPrint(uint, bytesOf(4, [[0, 4, 0x4200002]]), { history: 3, radix: 16 })).toBe("$3 = 0x4200002\n");
    expect(formatPrint(ptr(struct("task_struct", 8, [])), bytesOf(8, [[0, 8, 0x1000]]), { history: 2 })).toBe("$2 = (struct task_struct *) 0x1000\n");
    expect(formatPrint(ptr(char), bytesOf(8, [[0, 8, 0]]), { history: 2 })).toBe("$2 = 0x0\n");
  });
  it("moves an inline { of the first line to its own line when there is a leader", () => {
    expect(formatPrint(arr(int, 2), bytesOf(8, [[0, 4, 1], [4, 4, 2]]), { history: 4, leader: "pair" })).toBe("pair = $4 = \n {1, 2}\n");
    expect(formatPrint(listHead, new Uint8Array(16), { history: 5, leader: "head" })).toBe("head = $5 = {\n  next = 0x0,\n  prev = 0x0\n}\n");
  });
  it("struct NAME ADDR and struct NAME.member,member ADDR", () => {
    const t = struct("task_struct", 40, [
      ["se", listHead, 0],
      ["pid", int, 16],
      ["comm", arr(char, 16), 20],
      ["last", uint, 36],
    ]);
    const b = new Uint8Array(40);
    b.set(ascii("swapper/0"), 20);
    expect(formatStructValue(t, b, { name: "task_struct" }).split("\n")[0]).toBe("struct task_struct {");
    expect(formatMemberValues(t, b, ["pid", "comm"], { name: "task_struct" })).toBe('  pid = 0,\n  comm = "swapper/0\\000\\000\\000\\000\\000\\000",\n');
    expect(formatMemberValues(t, b, ["se"], { name: "task_struct" })).toBe("  se = {\n    next = 0x0,\n    prev = 0x0\n  },\n");
    expect(formatMemberValues(t, b, ["last"], { name: "task_struct" })).toBe("  last = 0\n");
    // `next` lives only inside `se`: crash skips named nested blocks.
    expect(formatMemberValues(t, b, ["next"], { name: "task_struct" })).toBe("");
  });
});
