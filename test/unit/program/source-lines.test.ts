// gdb's choice of line-table row for an address (symtab.c find_pc_sect_line), on rows built in the test.
import { describe, expect, it } from "vitest";
import { rowAt } from "../../../src/core/program/source-lines";

const STMT = 1;
const END = 2;

/** Rows sorted by address: [address, flags]. */
function rows(list: [number, number][]) {
  return { hi: new Uint32Array(list.length).fill(0xffffffff), lo: Uint32Array.from(list.map((r) => r[0])), flags: Uint8Array.from(list.map((r) => r[1])) };
}

describe("rowAt", () => {
  const table = rows([
    [0x100, STMT],
    [0x104, STMT],
    [0x104, 0], // a non-statement row at the same address: gdb prefers the statement before it
    [0x108, 0],
    [0x110, END],
    [0x110, STMT], // the next sequence starts where the last ended
    [0x120, END],
  ]);
  const at = (lo: number) => rowAt(table, 0xffffffff, lo);

  it("takes the last row at or before the address", () => {
    expect(at(0x100)).toBe(0);
    expect(at(0x103)).toBe(0);
    expect(at(0x10a)).toBe(3);
    expect(at(0x115)).toBe(5);
  });

  it("prefers a statement row among rows at the same address", () => {
    expect(at(0x104)).toBe(1);
    expect(at(0x107)).toBe(1);
  });

  it("has no row before the first or past the end of a sequence", () => {
    expect(at(0xff)).toBe(-1);
    expect(at(0x120)).toBe(-1);
    expect(at(0x200)).toBe(-1);
    expect(rowAt(rows([]), 0, 0)).toBe(-1);
    expect(rowAt(table, 0xfffffffe, 0x100)).toBe(-1);
  });
});
