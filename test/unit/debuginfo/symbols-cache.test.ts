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
    new DataView(unsorted.buffer).setUint32(32 + 3 * 4 + 4, 0, true); // lo of the 2nd symbol below the 1st
    expect(() => SymbolTable.deserialize(unsorted)).toThrow(RangeError);
    const badEnds = img.slice();
    new DataView(badEnds.buffer).setUint32(32 + 3 * 12 + 4, 1, true); // the 2nd name ends before the 1st
    expect(() => SymbolTable.deserialize(badEnds)).toThrow(RangeError);
    const truncatedNames = img.slice(0, img.length - 1);
    expect(() => SymbolTable.deserialize(truncatedNames)).toThrow(RangeError);
  });
  it("keeps where the kernel text starts, and names byte for byte (Latin-1, 0x80..0xff included)", () => {
    const t = SymbolTable.fromList([
      { name: "__per_cpu_start", address: 0n, type: "D" },
      { name: "_stext", address: 0xffffffff81000000n, type: "T" },
      { name: "odd\x85\x9f\xff", address: 0xffffffff81000010n, type: "t" },
      { name: "_etext", address: 0xffffffff81000100n, type: "T" },
    ]);
    const back = SymbolTable.deserialize(t.serialize());
    expect(back.symbolAt(0x10n)).toBeUndefined(); // below _stext: no symbol, as in the table it came from
    expect(t.symbolAt(0x10n)).toBeUndefined();
    expect(back.symbolAt(0xffffffff81000012n)?.symbol.name).toBe("odd\x85\x9f\xff");
    expect(back.lookup("odd\x85\x9f\xff")?.address).toBe(0xffffffff81000010n);
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
