// The sorted symbol table's cache image: a round trip gives the same table, and a damaged image is refused
// (the session then rebuilds it from the vmlinux).
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { SymbolTable, symbolTableFromElf } from "../../../src/core/debuginfo/symbols";
import { ElfFile } from "../../../src/core/dump/elf";
import { fixture, haveFixtures } from "../../fixtures";

describe("SymbolTable serialisation", () => {
  const small = SymbolTable.fromList([
    { name: "_stext", address: 0xffffffff81000000n, type: "T", size: 0 },
    { name: "start_kernel", address: 0xffffffff81000100n, type: "T", size: 64 },
    { name: "jiffies", address: 0xffffffff82000000n, type: "D", size: 8 },
  ]);
  it("round-trips names, addresses, types and sizes", () => {
    const back = SymbolTable.deserialize(small.serialize());
    expect(back.count).toBe(3);
    for (let i = 0; i < 3; i++) expect(back.at(i)).toEqual(small.at(i));
    expect(back.symbolAt(0xffffffff81000108n)).toEqual({ symbol: small.at(1), offset: 8 });
  });
  it("refuses a damaged image", () => {
    const img = small.serialize();
    expect(() => SymbolTable.deserialize(img.subarray(0, 10))).toThrow(RangeError);
    const badMagic = img.slice();
    badMagic[0] = 0;
    expect(() => SymbolTable.deserialize(badMagic)).toThrow(RangeError);
    const badCount = img.slice();
    new DataView(badCount.buffer).setUint32(8, 1_000_000, true);
    expect(() => SymbolTable.deserialize(badCount)).toThrow(RangeError);
    const unsorted = img.slice();
    new DataView(unsorted.buffer).setUint32(16 + 3 * 4 + 4, 0, true); // lo of the 2nd symbol below the 1st
    expect(() => SymbolTable.deserialize(unsorted)).toThrow(RangeError);
  });
});

describe.skipIf(!haveFixtures("vmlinux"))("SymbolTable serialisation on the fixture vmlinux", () => {
  it("the cached image lists every symbol as the table built from .symtab does", () => {
    const table = symbolTableFromElf(ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!)), { kaslrOffset: 0x1ea00000n });
    const back = SymbolTable.deserialize(table.serialize());
    expect(back.count).toBe(table.count);
    for (let i = 0; i < table.count; i += 97) expect(back.at(i)).toEqual(table.at(i));
    expect(back.lookup("init_task")?.address).toBe(0xffffffffa141aa40n);
  });
});
