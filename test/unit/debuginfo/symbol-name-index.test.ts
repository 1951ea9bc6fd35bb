// The symbol table's index by name (debuginfo/symbol-name-index.ts): every index of a name in table order,
// its cache image read back as it was written and refused when damaged or for another table, its hash seeded
// per build; and, on the fixture vmlinux, the table that built it and a table that adopts its image find
// every symbol of a name that a scan of the whole table finds.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { SymbolNameIndex } from "../../../src/core/debuginfo/symbol-name-index";
import { elfSymbolTable, elfSymbolTableFromImage, SymbolTable, type NameIndexStore } from "../../../src/core/debuginfo/symbols";
import { ElfFile } from "../../../src/core/dump/elf";
import { wordChecksum } from "../../../src/core/io/fnv1a";
import { fixture, haveFixtures } from "../../fixtures";

// Duplicates (static symbols of one name), a name that is a prefix of another, the empty name.
const NAMES = ["a", "schedule", "b", "schedule", "sched", "", "schedule", "c", "b"];
const nameOf = (i: number) => NAMES[i]!;

describe("SymbolNameIndex", () => {
  it("finds every index of a name in table order, and nothing for a name not there", () => {
    const index = SymbolNameIndex.build(NAMES.length, nameOf);
    expect(index.find("schedule", nameOf)).toEqual([1, 3, 6]);
    expect(index.find("b", nameOf)).toEqual([2, 8]);
    expect(index.find("sched", nameOf)).toEqual([4]);
    expect(index.find("", nameOf)).toEqual([5]);
    expect(index.find("schedul", nameOf)).toEqual([]);
    expect(index.find("scheduler", nameOf)).toEqual([]);
  });

  it("reads back its image, and refuses one damaged, for another table, or with a chain going backwards", () => {
    const built = SymbolNameIndex.build(NAMES.length, nameOf);
    const image = built.image();
    const back = SymbolNameIndex.fromImage(image, NAMES.length)!;
    for (const n of new Set(NAMES)) expect(back.find(n, nameOf)).toEqual(built.find(n, nameOf));
    // An image in a buffer at an odd offset (the copying path).
    const shifted = new Uint8Array(image.length + 1);
    shifted.set(image, 1);
    expect(SymbolNameIndex.fromImage(shifted.subarray(1), NAMES.length)!.find("schedule", nameOf)).toEqual([1, 3, 6]);
    expect(SymbolNameIndex.fromImage(image, NAMES.length + 1)).toBeUndefined();
    expect(SymbolNameIndex.fromImage(image.subarray(0, image.length - 4), NAMES.length)).toBeUndefined();
    for (const at of [8, 30, image.length - 1]) {
      const bad = image.slice();
      bad[at]! ^= 1;
      expect(SymbolNameIndex.fromImage(bad, NAMES.length), `byte ${at}`).toBeUndefined();
    }
    // A well-formed checksum over a chain that loops (index 3's next is index 1): refused, not followed.
    const loop = image.slice();
    const view = new DataView(loop.buffer);
    const slots = view.getUint32(12, true);
    view.setInt32(24 + slots * 8 + 3 * 4, 2, true);
    view.setUint32(20, wordChecksum(loop, 2, 5), true);
    expect(SymbolNameIndex.fromImage(loop, NAMES.length)).toBeUndefined();
  });

  it("seeds its hash per build: the same names in other slots (a crafted set of names cannot be made to collide)", () => {
    const many = Array.from({ length: 1000 }, (_, i) => `sym_${i}`);
    const a = SymbolNameIndex.build(many.length, (i) => many[i]!, 1).image();
    const b = SymbolNameIndex.build(many.length, (i) => many[i]!, 2).image();
    expect(Buffer.compare(a.subarray(24), b.subarray(24))).not.toBe(0);
    for (const seed of [1, 2]) expect(SymbolNameIndex.build(many.length, (i) => many[i]!, seed).find("sym_567", (i) => many[i]!)).toEqual([567]);
  });
});

describe("SymbolTable's lookups by name through a store", () => {
  it("builds the index once and writes it; a table given the image builds nothing", () => {
    const list = NAMES.map((name, i) => ({ name, address: 0xffffffff81000000n + BigInt(i) * 16n, type: "T" }));
    const images: Uint8Array[] = [];
    const store: NameIndexStore = { read: () => images[0], write: (image) => void images.push(image()) };
    const first = SymbolTable.fromList(list);
    first.keepNameIndexIn(store);
    expect(first.lookupAll("schedule").map((s) => s.address)).toEqual([0xffffffff81000010n, 0xffffffff81000030n, 0xffffffff81000060n]);
    expect(images).toHaveLength(1);
    const second = SymbolTable.fromList(list);
    second.keepNameIndexIn(store);
    expect(second.lookup("b")?.address).toBe(0xffffffff81000020n);
    expect(second.lookup("nothing")).toBeUndefined();
    expect(images).toHaveLength(1);
    // A damaged image is rebuilt (and written again).
    images[0] = images[0]!.slice(0, 40);
    const third = SymbolTable.fromList(list);
    third.keepNameIndexIn(store);
    expect(third.lookup("c")?.address).toBe(0xffffffff81000070n);
    expect(images).toHaveLength(2);
  });
});

describe.skipIf(!haveFixtures("vmlinux"))("the name index on the fixture vmlinux", () => {
  it("a table that adopts the image finds every symbol of a name (checked against a scan of the whole table), without rebuilding it", () => {
    const elf = ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!));
    const built = elfSymbolTable(elf, { kaslrOffset: 0x1ea00000n });
    const images: Uint8Array[] = [];
    built.table.keepNameIndexIn({ read: () => undefined, write: (image) => void images.push(image()) });
    expect(built.table.lookup("init_task")?.address).toBe(0xffffffffa141aa40n);
    expect(images).toHaveLength(1);
    const back = elfSymbolTableFromImage(elf, built.image())!;
    back.keepNameIndexIn({ read: () => images[0], write: () => expect.fail("the adopted image was rebuilt") });
    // The reference: every index of each name, from a scan of the whole table.
    const scan = new Map<string, number[]>();
    for (let i = 0; i < built.table.count; i++) {
      const n = built.table.at(i).name;
      const list = scan.get(n);
      if (list) list.push(i);
      else scan.set(n, [i]);
    }
    expect(Math.max(...[...scan.values()].map((l) => l.length))).toBeGreaterThan(1);
    const names = [...scan.keys()].filter((_, k) => k % 5 === 0).concat(["schedule", "__func__", "init_task", "no_such_symbol_here"]);
    for (const n of names) {
      const want = (scan.get(n) ?? []).map((i) => built.table.at(i));
      expect(back.lookupAll(n), n).toEqual(want);
      expect(built.table.lookupAll(n), n).toEqual(want);
    }
  });
});
