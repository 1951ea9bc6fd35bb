import { describe, expect, it } from "vitest";
import { wordChecksum } from "../../../src/core/io/fnv1a";
import { SymbolTable, elfSymbolLetter, elfSymbolTable, elfSymbolTableFromImage, sortOrder, stripSymbolEnd, symbolTableFromElf } from "../../../src/core/debuginfo/symbols";
import { ElfFile, type SectionHeader } from "../../../src/core/dump/elf";
import { BytesSource } from "../../../src/core/io/byte-source";
import { MissingDebugInfo } from "../../../src/core/io/errors";
import { buildElf, buildSymtab, type SymbolSpec } from "../../fixtures/elf-builder";

const T = 0xffffffff81000000n;

function table(): SymbolTable {
  return SymbolTable.fromList([
    { name: "zeta", address: T + 0x100n, type: "t" },
    { name: "_text", address: T, type: "T" },
    { name: "__per_cpu_start", address: 0n, type: "D" },
    { name: "runqueues", address: 0x31980n, type: "D" },
    { name: "alpha", address: T + 0x100n, type: "T", size: 0x40 },
    { name: "startup_64", address: T, type: "T" },
    { name: ".text.unlikely", address: T + 0x200n, type: "t" },
    { name: "cold_func", address: T + 0x200n, type: "t" },
    { name: "SyS_read", address: T + 0x300n, type: "T" },
    { name: "__x64_sys_read", address: T + 0x300n, type: "T" },
    { name: "__entry_text_start", address: T + 0x400n, type: "T" },
    { name: "entry_SYSCALL_64", address: T + 0x400n, type: "T" },
    { name: "dup", address: T + 0x500n, type: "t" },
    { name: "dup", address: T + 0x480n, type: "t" },
    { name: "last", address: T + 0x1000n, type: "B" },
  ]);
}

describe("SymbolTable", () => {
  const t = table();

  it("orders by address, then by name in byte order", () => {
    const rows = t.inRange(0n, 1n << 64n).map((s) => `${s.address.toString(16)} ${s.name}`);
    expect(rows).toEqual([
      "0 __per_cpu_start",
      "31980 runqueues",
      "ffffffff81000000 _text",
      "ffffffff81000000 startup_64",
      "ffffffff81000100 alpha",
      "ffffffff81000100 zeta",
      "ffffffff81000200 .text.unlikely",
      "ffffffff81000200 cold_func",
      "ffffffff81000300 SyS_read",
      "ffffffff81000300 __x64_sys_read",
      "ffffffff81000400 __entry_text_start",
      "ffffffff81000400 entry_SYSCALL_64",
      "ffffffff81000480 dup",
      "ffffffff81000500 dup",
      "ffffffff81001000 last",
    ]);
    expect(t.count).toBe(15);
  });

  it("looks symbols up by name, the lowest-addressed first", () => {
    expect(t.lookup("alpha")).toEqual({ name: "alpha", address: T + 0x100n, type: "T", size: 0x40 });
    expect(t.lookup("zeta")).toEqual({ name: "zeta", address: T + 0x100n, type: "t", size: 0 });
    expect(t.lookup("dup")?.address).toBe(T + 0x480n);
    expect(t.lookupAll("dup").map((s) => s.address)).toEqual([T + 0x480n, T + 0x500n]);
    expect(t.lookupAll("nothing")).toEqual([]);
    expect(t.lookup("nothing")).toBeUndefined();
    expect(t.lookup("alpha")).toBe(t.lookup("alpha"));
  });

  it("finds the symbol of an address with crash's value_search rules", () => {
    const at = (a: bigint): string | undefined => {
      const r = t.symbolAt(a);
      return r && `${r.symbol.name}+${r.offset}`;
    };
    expect(at(T)).toBe("_text+0");
    expect(at(T + 0x100n)).toBe("alpha+0"); // exact: the first at that address
    expect(at(T + 0x150n)).toBe("zeta+80"); // inside: the last symbol below
    expect(at(T + 0x200n)).toBe("cold_func+0"); // a .text.* name gives way
    expect(at(T + 0x300n)).toBe("__x64_sys_read+0"); // SyS_ aliases give way
    expect(at(T + 0x400n)).toBe("entry_SYSCALL_64+0"); // *_text_start* markers give way
    expect(at(T + 0x401n)).toBe("entry_SYSCALL_64+1");
    expect(at(T + 0x1000n)).toBe("last+0");
    expect(at(T + 0x1001n)).toBeUndefined(); // past the last symbol: modules are looked up elsewhere
    expect(at(T - 1n)).toBeUndefined(); // below the kernel text: per-CPU offsets are not addresses
    expect(at(0x31980n)).toBeUndefined();
    expect(at(-1n)).toBeUndefined();
    expect(at(1n << 64n)).toBeUndefined();
  });

  it("searches names by substring (sym -q) or regexp, in table order", () => {
    expect(t.search("text").map((s) => s.name)).toEqual(["_text", ".text.unlikely", "__entry_text_start"]);
    expect(t.search("_read").map((s) => s.name)).toEqual(["SyS_read", "__x64_sys_read"]);
    expect(t.search("nothing")).toEqual([]);
    const re = /^[a-z]+$/g;
    expect(t.search(re).map((s) => s.name)).toEqual(["runqueues", "alpha", "zeta", "dup", "dup", "last"]);
    expect(t.search(re).length).toBe(6); // a global RegExp's lastIndex does not leak between calls
  });

  it("lists a range [lo, hi) and gives indices for walking", () => {
    expect(t.inRange(T + 0x100n, T + 0x300n).map((s) => s.name)).toEqual(["alpha", "zeta", ".text.unlikely", "cold_func"]);
    expect(t.inRange(T + 0x300n, T + 0x300n)).toEqual([]);
    expect(t.inRange(-5n, 1n)).toHaveLength(1);
    expect(t.indexAtOrAbove(T + 0x101n)).toBe(6);
    expect(t.indexAbove(T + 0x100n)).toBe(6);
    expect(t.at(0).name).toBe("__per_cpu_start");
    expect(() => t.at(15)).toThrow(RangeError);
  });

  it("without _text answers from the first symbol on (kallsyms of a kernel without _text)", () => {
    const k = SymbolTable.fromList([
      { name: "b", address: 0x2000n, type: "t" },
      { name: "a", address: 0x1000n, type: "T" },
    ]);
    expect(k.symbolAt(0x1800n)).toMatchObject({ symbol: { name: "a" }, offset: 0x800 });
    expect(k.symbolAt(0xfffn)).toBeUndefined();
    expect(k.at(0).size).toBeUndefined();
    expect(SymbolTable.fromList([]).symbolAt(T)).toBeUndefined();
  });

  it("rejects columns of different lengths and unsorted 'ordered' columns", () => {
    const one = new Uint32Array(1);
    expect(() => new SymbolTable({ names: ["a", "b"], addrHi: one, addrLo: one, types: new Uint8Array(1) })).toThrow(RangeError);
    expect(() => new SymbolTable({ names: ["a", "b"], addrHi: new Uint32Array(2), addrLo: Uint32Array.of(2, 1), types: new Uint8Array(2) }, { ordered: true })).toThrow(/not sorted/);
  });

  it("sorts large tables by address with stable name ties", () => {
    const n = 5000;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      hi[i] = i % 3 === 0 ? 0xffffffff : 0;
      lo[i] = (i * 2654435761) % 977;
      names.push(`s${(i * 7) % 13}`);
    }
    const order = sortOrder(names, hi, lo);
    for (let k = 1; k < n; k++) {
      const a = order[k - 1]!;
      const b = order[k]!;
      const cmp = hi[a]! - hi[b]! || lo[a]! - lo[b]! || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : a - b);
      expect(cmp).toBeLessThan(0);
    }
  });
});

describe("crash's name stripping and nm letters", () => {
  it("strips .isra./.part./.llvm. as crash's strip_symbol_end, first marker in that order", () => {
    expect(stripSymbolEnd("nmi_handle.part.0")).toBe("nmi_handle");
    expect(stripSymbolEnd("ftrace_regex_write.part.0.isra.0")).toBe("ftrace_regex_write.part.0");
    expect(stripSymbolEnd("f.llvm.123")).toBe("f");
    expect(stripSymbolEnd("blk_mq_init_tags.cold")).toBe("blk_mq_init_tags.cold");
    expect(stripSymbolEnd("__func__.1")).toBe("__func__.1");
  });

  const sec = (name: string, type: number, flags: number): SectionHeader => ({ index: 1, name, type, flags, addr: 0n, offset: 0, size: 0, link: 0, info: 0, addralign: 1, entsize: 0, headerOffset: 0 });
  it("gives nm's letter from binding, type and section flags", () => {
    const text = sec(".text", 1, 0x6);
    const rodataWA = sec(".rodata", 1, 0x3);
    const ro = sec("__ksymtab", 1, 0x2);
    const bss = sec(".bss", 8, 0x3);
    const debug = sec(".debug_info", 1, 0);
    const comment = sec(".comment", 1, 0);
    expect(elfSymbolLetter(1, 2, 1, text)).toBe("T");
    expect(elfSymbolLetter(0, 2, 1, text)).toBe("t");
    expect(elfSymbolLetter(1, 1, 3, rodataWA)).toBe("D"); // the kernel's .rodata is writable: linux_banner is D
    expect(elfSymbolLetter(0, 1, 7, ro)).toBe("r");
    expect(elfSymbolLetter(1, 1, 9, bss)).toBe("B");
    expect(elfSymbolLetter(0, 1, 9, bss)).toBe("b");
    expect(elfSymbolLetter(1, 0, 0xfff1, undefined)).toBe("A");
    expect(elfSymbolLetter(0, 0, 0xfff1, undefined)).toBe("a");
    expect(elfSymbolLetter(2, 2, 1, text)).toBe("W");
    expect(elfSymbolLetter(2, 1, 3, rodataWA)).toBe("V");
    expect(elfSymbolLetter(1, 0, 0, undefined)).toBe("U");
    expect(elfSymbolLetter(2, 0, 0, undefined)).toBe("w");
    expect(elfSymbolLetter(2, 1, 0, undefined)).toBe("v");
    expect(elfSymbolLetter(1, 1, 0xfff2, undefined)).toBe("C");
    expect(elfSymbolLetter(1, 10, 1, text)).toBe("i");
    expect(elfSymbolLetter(10, 1, 3, rodataWA)).toBe("u");
    expect(elfSymbolLetter(0, 1, 5, debug)).toBe("N");
    expect(elfSymbolLetter(0, 1, 5, comment)).toBe("n");
    expect(elfSymbolLetter(0, 1, 50, undefined)).toBe("?");
  });
});

describe("symbolTableFromElf", () => {
  // Sections (index = position + 1): 1 .text, 2 .rodata (WA, as the kernel's), 3 .data..percpu (at 0),
  // 4 .bss, 5 .symtab, 6 .strtab
  function vmlinux(symbols: SymbolSpec[]): ElfFile {
    const { symtab, strtab } = buildSymtab(symbols);
    const built = buildElf({
      type: 2,
      sections: [
        { name: ".text", type: 1, flags: 0x6, addr: T, data: new Uint8Array(0x1000) },
        { name: ".rodata", type: 1, flags: 0x3, addr: T + 0x1000n, data: new Uint8Array(0x100) },
        { name: ".data..percpu", type: 1, flags: 0x3, addr: 0n, data: new Uint8Array(0x100) },
        { name: ".bss", type: 8, flags: 0x3, addr: T + 0x2000n, data: new Uint8Array(0x800) },
        { name: ".symtab", type: 2, data: symtab, link: 6, entsize: 24 },
        { name: ".strtab", type: 3, data: strtab },
      ],
    });
    return ElfFile.open(new BytesSource("vmlinux", built.bytes));
  }
  const KASLR = 0x1ea00000n;
  const elf = vmlinux([
    { name: "head_64.o", value: 0n, type: 4, bind: 0, shndx: 0xfff1 }, // STT_FILE
    { name: "L4_PAGE_OFFSET", value: 0x111n, type: 0, bind: 0, shndx: 0xfff1 },
    { name: "__per_cpu_start", value: 0n, type: 0, bind: 1, shndx: 3 },
    { name: "fixed_percpu_data", value: 0n, type: 1, bind: 1, shndx: 3 },
    { name: "runqueues", value: 0x80n, type: 1, bind: 1, shndx: 3, size: 0x40n },
    { name: "__per_cpu_end", value: 0x100n, type: 0, bind: 1, shndx: 3 },
    { name: "", value: T, type: 3, bind: 0, shndx: 1 }, // section symbol of .text: dropped (before _text)
    { name: "", value: T + 0x1000n, type: 3, bind: 0, shndx: 2 }, // section symbol of .rodata: kept
    { name: "_text", value: T, type: 0, bind: 1, shndx: 1 },
    { name: "__crash_kexec", value: T + 0x10n, type: 2, bind: 1, shndx: 1, size: 0x12cn },
    { name: "nmi_handle.part.0", value: T + 0x200n, type: 2, bind: 0, shndx: 1 },
    { name: "linux_banner", value: T + 0x1000n, type: 1, bind: 1, shndx: 2, size: 204n },
    { name: "init_per_cpu__gdt_page", value: T + 0x1080n, type: 0, bind: 1, shndx: 0xfff1 },
    { name: "undefined_ref", value: 0n, type: 0, bind: 1, shndx: 0 },
    { name: "jiffies", value: T + 0x2000n, type: 1, bind: 1, shndx: 4 },
    { name: "far_abs", value: 0xffffffffff600000n, type: 0, bind: 1, shndx: 0xfff1 },
  ]);

  it("keeps crash's symbols in crash's order, relocated as crash relocates them", () => {
    const t = symbolTableFromElf(elf, { kaslrOffset: KASLR });
    expect(t.inRange(0n, 1n << 64n).map((s) => `${s.address.toString(16)} (${s.type}) ${s.name}`)).toEqual([
      "0 (D) __per_cpu_start",
      "0 (D) fixed_percpu_data",
      "80 (D) runqueues",
      "100 (D) __per_cpu_end",
      "ffffffff9fa00000 (T) _text",
      "ffffffff9fa00010 (T) __crash_kexec",
      "ffffffff9fa00200 (t) nmi_handle",
      "ffffffff9fa01000 (d) .rodata",
      "ffffffff9fa01000 (D) linux_banner",
      "ffffffff9fa01080 (A) init_per_cpu__gdt_page", // absolute, but inside the image: crash relocates it
      "ffffffff9fa02000 (B) jiffies",
      "ffffffffff600000 (A) far_abs", // outside the image's sections: not relocated
    ]);
    expect(t.lookup("runqueues")).toEqual({ name: "runqueues", address: 0x80n, type: "D", size: 0x40 });
    expect(t.symbolAt(T + KASLR + 0x20n)).toMatchObject({ symbol: { name: "__crash_kexec" }, offset: 0x10 });
    expect(t.symbolAt(T + KASLR + 0x1005n)).toMatchObject({ symbol: { name: "linux_banner" }, offset: 5 });
  });

  it("without a KASLR offset gives link-time addresses", () => {
    expect(symbolTableFromElf(elf).lookup("linux_banner")?.address).toBe(T + 0x1000n);
  });

  it("its cache image reads back every symbol, name and lookup of the table sorted from .symtab", () => {
    const built = elfSymbolTable(elf, { kaslrOffset: KASLR });
    const back = elfSymbolTableFromImage(elf, built.image())!;
    expect(back.count).toBe(built.table.count);
    for (let i = 0; i < back.count; i++) expect(back.at(i)).toEqual(built.table.at(i));
    expect(back.symbolAt(T + KASLR + 0x20n)).toEqual(built.table.symbolAt(T + KASLR + 0x20n));
    expect(back.symbolAt(T + KASLR - 1n)).toBeUndefined(); // below _text, as in the table it came from
    expect(back.lookup("nmi_handle")?.address).toBe(T + KASLR + 0x200n);
  });

  it("refuses a cache image that is short, of another format, damaged, unsorted or naming entries past the symtab", () => {
    const img = elfSymbolTable(elf, { kaslrOffset: KASLR }).image();
    const n = new DataView(img.buffer).getUint32(8, true);
    /** The image with its checksum (word 5) made right again: what is left to refuse it is its structure. */
    const resealed = (b: Uint8Array) => (new DataView(b.buffer).setUint32(20, wordChecksum(b, 2, 5), true), b);
    expect(elfSymbolTableFromImage(elf, img)).toBeDefined();
    expect(elfSymbolTableFromImage(elf, img.subarray(0, 10))).toBeUndefined();
    expect(elfSymbolTableFromImage(elf, img.subarray(0, img.length - 1))).toBeUndefined();
    const badMagic = img.slice();
    badMagic[0] = 0;
    expect(elfSymbolTableFromImage(elf, badMagic)).toBeUndefined();
    // A letter changed: the addresses stay in order, the checksum does not.
    const letter = img.slice();
    letter[24 + n * 16] ^= 0x20;
    expect(elfSymbolTableFromImage(elf, letter)).toBeUndefined();
    expect(elfSymbolTableFromImage(elf, resealed(letter.slice()))).toBeDefined();
    const unsorted = img.slice();
    new DataView(unsorted.buffer).setUint32(24, 0xffffffff, true); // the 1st symbol's high half above the 2nd's
    expect(elfSymbolTableFromImage(elf, unsorted)).toBeUndefined();
    expect(elfSymbolTableFromImage(elf, resealed(unsorted))).toBeUndefined();
    const pastSymtab = img.slice();
    new DataView(pastSymtab.buffer).setUint32(24 + n * 12, 1_000_000, true); // the 1st symbol's symtab index
    expect(elfSymbolTableFromImage(elf, resealed(pastSymtab))).toBeUndefined();
  });

  it("says so when the file has no symbol table", () => {
    const bare = ElfFile.open(new BytesSource("stripped", buildElf({ type: 2, sections: [{ name: ".text", type: 1, flags: 6, data: new Uint8Array(16) }] }).bytes));
    expect(() => symbolTableFromElf(bare)).toThrow(MissingDebugInfo);
  });
});
