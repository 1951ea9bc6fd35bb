// crash's number parsing and small evaluator (tools.c htol, stol, dtoi, can_eval, eval_common), with its
// one-line errors.
import { describe, expect, it } from "vitest";
import { canEval, crashEval, dtoi, htol, stol } from "../../../../src/core/commands/shared/crash-numbers";

const symbols: Record<string, bigint> = { init_task: 0xffffffffa141aa40n, jiffies: 0xffffffffa1405000n };
const sym = (n: string) => symbols[n];

describe("crash numbers", () => {
  it("htol reads hex with or without 0x, skips x and h as crash does, and refuses more than 16 digits or other characters", () => {
    expect(htol("t", "ffffffffc05de080")).toBe(0xffffffffc05de080n);
    expect(htol("t", "0X10")).toBe(16n);
    expect(htol("t", "1h0")).toBe(16n);
    expect(() => htol("search", "123456789abcdef012")).toThrow('search: input string too large: "123456789abcdef012" (18 vs 16)');
    expect(() => htol("search", "xyz")).toThrow('search: invalid input: "xyz"');
  });

  it("stol reads decimal unless there are hex digits; dtoi reads decimal only", () => {
    expect(stol("t", "512")).toBe(512n);
    expect(stol("t", "2001a")).toBe(0x2001an);
    expect(stol("t", "0x10")).toBe(16n);
    expect(() => stol("search", "xyz")).toThrow("search: not a valid number: xyz");
    expect(dtoi("t", "42")).toBe(42);
    expect(() => dtoi("search", "2a")).toThrow('search: 2a: "a" is not a digit 0 - 9');
  });

  it("can_eval takes one pair of parentheses or an operator between two things", () => {
    expect(canEval("(init_task+0x10)")).toBe(true);
    expect(canEval("init_task+8")).toBe(true);
    expect(canEval("(a)(b)")).toBe(false);
    expect(canEval("-5")).toBe(false);
    expect(canEval("init_task")).toBe(false);
  });

  it("eval: one operation on symbols and numbers (decimal bias, k/m/g, ~), modulo 2^64", () => {
    expect(crashEval("t", "(init_task+0xa8)", sym)).toBe(0xffffffffa141aae8n);
    expect(crashEval("t", "init_task+16", sym)).toBe(0xffffffffa141aa50n);
    expect(crashEval("t", "(4k*2)", sym)).toBe(8192n);
    expect(crashEval("t", "(1<<12)", sym)).toBe(4096n);
    expect(crashEval("t", "(~0+1)", sym)).toBe(0n);
    expect(crashEval("t", "(2#64)", sym)).toBe(0n);
    expect(crashEval("t", "(-1)", sym)).toBe((1n << 64n) - 1n);
    expect(() => crashEval("search", "(nosuch+1)", sym)).toThrow("search: invalid expression: (nosuch+1)");
    expect(() => crashEval("search", "(1/0)", sym)).toThrow("search: invalid expression: (1/0)");
    expect(() => crashEval("search", "(1<2)", sym)).toThrow("invalid expression");
  });
});
