// The sorted symbol table's cache image on the fixture vmlinux (the small cases are in symbols.test.ts):
// the table read back from it lists every symbol as the table sorted from .symtab does.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { elfSymbolTable, elfSymbolTableFromImage } from "../../../src/core/debuginfo/symbols";
import { ElfFile } from "../../../src/core/dump/elf";
import { fixture, haveFixtures } from "../../fixtures";

describe.skipIf(!haveFixtures("vmlinux"))("the symbol table's cache image on the fixture vmlinux", () => {
  it("lists every symbol as the table built from .symtab does", () => {
    const elf = ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!));
    const built = elfSymbolTable(elf, { kaslrOffset: 0x1ea00000n });
    const back = elfSymbolTableFromImage(elf, built.image())!;
    expect(back.count).toBe(built.table.count);
    for (let i = 0; i < built.table.count; i++) expect(back.at(i)).toEqual(built.table.at(i));
    expect(back.lookup("init_task")?.address).toBe(0xffffffffa141aa40n);
    expect(back.symbolAt(0xffffffffa141aa48n)).toEqual(built.table.symbolAt(0xffffffffa141aa48n));
  });
});
