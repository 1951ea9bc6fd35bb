import { zlibSync } from "fflate";
import { compress as zstdCompress, init as zstdInit } from "@bokuweb/zstd-wasm";
import { describe, expect, it } from "vitest";
import { BytesSource } from "../../../src/core/io/byte-source";
import { DumpFormatError } from "../../../src/core/io/errors";
import {
  ElfFile, ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD, ET_REL, MAX_DECOMPRESSED_SECTION, SHF_COMPRESSED, SHT_NOBITS, SHT_NOTE,
  SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STT_FUNC, STT_OBJECT,
} from "../../../src/core/dump/elf";
import { MAX_NAMES, symbolMemo, symbolMemoOf } from "../../../src/core/io/learned-memo";
import { buildElf, buildNotes, buildSymtab, compressedSection, type SectionSpec } from "../../fixtures/elf-builder";

const FILE = "vmlinux-test";
const SHF_ALLOC = 2;
const SHT_RELA = 4;
const enc = new TextEncoder();
const text = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
const debugInfo = enc.encode("DWARF ".repeat(2000));
const debugStr = enc.encode("task_struct\0mm_struct\0".repeat(500));
const buildId = Uint8Array.from([0xbb, 0x60, 0x3a, 0x91, 0x47, 0xd3, 0xef, 0xe4, 0x74, 0x4b, 0xf8, 0x3c, 0x83, 0xee, 0xe3, 0x97, 0xc5, 0x91, 0xcc, 0x20]);
const { symtab, strtab } = buildSymtab([
  { name: "dup", value: 0x10n, bind: STB_LOCAL, type: STT_FUNC },
  { name: "init_task", value: 0xffffffff82a1aa40n, size: 9728n, type: STT_OBJECT, shndx: 1 },
  { name: "dup", value: 0x20n, bind: STB_GLOBAL, type: STT_FUNC, size: 5n },
  { name: "", value: 0n, type: 3, bind: STB_LOCAL, shndx: 2 },
  { name: "startup_64", value: 0xffffffff81000000n, type: STT_FUNC, shndx: 1 },
]);

await zstdInit();
const zstd = (b: Uint8Array): Uint8Array => zstdCompress(b, 3);

/** Sections 1..n; the symtab links to .strtab at index 6. */
function sections(overrides: Partial<Record<string, Partial<SectionSpec>>> = {}, le = true): SectionSpec[] {
  const list: SectionSpec[] = [
    { name: ".text", type: SHT_PROGBITS, data: text, flags: SHF_ALLOC | 4, addr: 0xffffffff81000000n },
    { name: ".notes", type: SHT_NOTE, data: buildNotes([{ name: "Xen", type: 1, desc: new Uint8Array(4) }, { name: "GNU", type: 3, desc: buildId }], le), addralign: 4 },
    { name: ".debug_info", type: SHT_PROGBITS, data: compressedSection(ELFCOMPRESS_ZLIB, debugInfo.length, zlibSync(debugInfo), le), flags: SHF_COMPRESSED },
    { name: ".debug_str", type: SHT_PROGBITS, data: compressedSection(ELFCOMPRESS_ZSTD, debugStr.length, zstd(debugStr), le), flags: SHF_COMPRESSED },
    { name: ".symtab", type: SHT_SYMTAB, data: symtabFor(le), link: 6, info: 1, entsize: 24, addralign: 8 },
    { name: ".strtab", type: SHT_STRTAB, data: strtab },
    { name: ".bss", type: SHT_NOBITS, data: new Uint8Array(0x1000) },
    { name: ".rela.debug_info", type: SHT_RELA, data: new Uint8Array(48).fill(0xee), link: 5, info: 3, entsize: 24 },
  ];
  return list.map((s) => ({ ...s, ...(overrides[s.name] ?? {}) }));
}

function symtabFor(le: boolean): Uint8Array {
  return le ? symtab : buildSymtab([
    { name: "dup", value: 0x10n, bind: STB_LOCAL, type: STT_FUNC },
    { name: "init_task", value: 0xffffffff82a1aa40n, size: 9728n, type: STT_OBJECT, shndx: 1 },
    { name: "dup", value: 0x20n, bind: STB_GLOBAL, type: STT_FUNC, size: 5n },
    { name: "", value: 0n, type: 3, bind: STB_LOCAL, shndx: 2 },
    { name: "startup_64", value: 0xffffffff81000000n, type: STT_FUNC, shndx: 1 },
  ], false).symtab;
}

function build(overrides: Partial<Record<string, Partial<SectionSpec>>> = {}, le = true) {
  return buildElf({ type: ET_REL, littleEndian: le, sections: sections(overrides, le) });
}

function open(bytes: Uint8Array): ElfFile {
  return ElfFile.open(new BytesSource(FILE, bytes));
}

/** Runs f, expecting a DumpFormatError naming FILE and an offset; returns it. */
function formatError(f: () => unknown, offset?: number): DumpFormatError {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DumpFormatError)) throw new Error(`expected DumpFormatError, got ${String(e)}`, { cause: e });
    expect(e.message).toMatch(new RegExp(`^${FILE}.*: offset 0x[0-9a-f]+: `));
    if (offset !== undefined) expect(e.offset).toBe(offset);
    return e;
  }
  throw new Error("expected a DumpFormatError, got none");
}

/** Everything a caller can ask of an ElfFile. */
function exercise(bytes: Uint8Array): void {
  const elf = open(bytes);
  for (const s of elf.sections) elf.sectionBytes(s);
  elf.notes();
  elf.buildId();
  const t = elf.symbols();
  if (t) for (let i = 0; i < t.count; i++) t.symbol(i);
  t?.indexOf("init_task");
}

describe("ElfFile: headers and sections", () => {
  it("reads the header, the section headers and their names", () => {
    const { bytes, shoff } = build();
    const elf = open(bytes);
    expect(elf.header).toMatchObject({ littleEndian: true, type: ET_REL, machine: 62, shoff, shnum: 10, shstrndx: 9, phnum: 0 });
    expect(elf.programHeaders).toEqual([]);
    expect(elf.sections.map((s) => s.name)).toEqual(["", ".text", ".notes", ".debug_info", ".debug_str", ".symtab", ".strtab", ".bss", ".rela.debug_info", ".shstrtab"]);
    expect(elf.sectionHeader(".text")).toMatchObject({ index: 1, type: SHT_PROGBITS, flags: 6, addr: 0xffffffff81000000n, size: 300 });
    expect(elf.sectionHeader(".nope")).toBeUndefined();
  });

  it("hands out sections lazily as windows of the file", () => {
    const { bytes, sectionOffsets } = build();
    let reads = 0;
    const src = new BytesSource(FILE, bytes);
    const counting = { name: FILE, size: src.size, read: (o: number, l: number) => (reads++, src.read(o, l)) };
    const elf = ElfFile.open(counting);
    const before = reads;
    const sec = elf.section(".text")!;
    expect(reads).toBe(before);
    expect(sec.size).toBe(300);
    expect(Array.from(sec.read(10, 3))).toEqual([70, 77, 84]);
    const all = elf.sectionBytes(".text")!;
    expect(all).toEqual(text);
    expect(all.buffer).toBe(bytes.buffer); // zero copy over an in-memory source
    expect(all.byteOffset).toBe(sectionOffsets[1]);
    expect(elf.section(".bss")!.size).toBe(0);
    expect(elf.section(".none")).toBeUndefined();
  });

  it("returns relocation sections raw and never applies them", () => {
    const elf = open(build().bytes);
    expect(elf.sectionBytes(".rela.debug_info")).toEqual(new Uint8Array(48).fill(0xee));
    expect(elf.sectionBytes(".debug_info")).toEqual(debugInfo);
  });

  it("reads notes from SHT_NOTE sections and the GNU build id as hex", () => {
    const elf = open(build().bytes);
    expect(elf.notes().map((n) => n.name)).toEqual(["Xen", "GNU"]);
    expect(elf.buildId()).toBe("bb603a9147d3efe4744bf83c83eee397c591cc20");
    expect(open(build({ ".notes": { data: new Uint8Array(0) } }).bytes).buildId()).toBeNull();
  });

  it("reads big-endian files", () => {
    const elf = open(build({}, false).bytes);
    expect(elf.header.littleEndian).toBe(false);
    expect(elf.sections[5]!.name).toBe(".symtab");
    expect(elf.buildId()).toBe("bb603a9147d3efe4744bf83c83eee397c591cc20");
    expect(elf.sectionBytes(".debug_str")).toEqual(debugStr);
    expect(elf.symbols()!.lookup("init_task")).toMatchObject({ value: 0xffffffff82a1aa40n, size: 9728n });
  });

  it("follows extended numbering (e_shnum 0, e_shstrndx SHN_XINDEX: counts in section 0)", () => {
    const { bytes, shoff } = build();
    const v = new DataView(bytes.buffer);
    v.setUint16(0x3c, 0, true);
    v.setUint16(0x3e, 0xffff, true);
    v.setBigUint64(shoff + 0x20, 10n, true); // section 0 sh_size = count
    v.setUint32(shoff + 0x28, 9, true); // section 0 sh_link = shstrndx
    const elf = open(bytes);
    expect(elf.sections).toHaveLength(10);
    expect(elf.sections[9]!.name).toBe(".shstrtab");
  });
});

describe("ElfFile: SHF_COMPRESSED sections", () => {
  it("decompresses zlib and zstd sections on demand, once", () => {
    const elf = open(build().bytes);
    const a = elf.sectionBytes(".debug_info")!;
    expect(a).toEqual(debugInfo);
    expect(elf.sectionBytes(".debug_info")).toBe(a);
    expect(elf.sectionBytes(".debug_str")).toEqual(debugStr);
    const src = elf.section(".debug_str")!;
    expect(src.size).toBe(debugStr.length);
    expect(new TextDecoder().decode(src.read(12, 9))).toBe("mm_struct");
  });

  it("rejects a ch_size that disagrees with the data, both ways, for both codecs", () => {
    for (const [type, payload, len] of [
      [ELFCOMPRESS_ZLIB, zlibSync(debugInfo), debugInfo.length],
      [ELFCOMPRESS_ZSTD, zstd(debugInfo), debugInfo.length],
    ] as const) {
      for (const chSize of [len - 1, len + 1, 0]) {
        const { bytes, sectionOffsets } = build({ ".debug_info": { data: compressedSection(type, chSize, payload) } });
        const err = formatError(() => open(bytes).sectionBytes(".debug_info"));
        expect([sectionOffsets[3]! + 8, sectionOffsets[3]! + 24]).toContain(err.offset);
      }
    }
  });

  it("rejects corrupt payloads, unknown ch_type, absurd ch_size and a section too short for its header", () => {
    const bad = zlibSync(debugInfo);
    bad[bad.length >> 1] ^= 0xff;
    bad.fill(0xff, 4, 40);
    const cases: [Partial<SectionSpec>, RegExp][] = [
      [{ data: compressedSection(ELFCOMPRESS_ZLIB, debugInfo.length, bad) }, /does not decompress|decompressed to/],
      [{ data: compressedSection(ELFCOMPRESS_ZSTD, debugInfo.length, zstd(debugInfo).fill(0x55, 0, 6)) }, /does not decompress/],
      [{ data: compressedSection(ELFCOMPRESS_ZSTD, debugInfo.length, zstd(debugInfo).subarray(0, zstd(debugInfo).length - 5)) }, /does not decompress|decompressed to/],
      [{ data: compressedSection(7, debugInfo.length, bad) }, /unknown ch_type 7/],
      [{ data: compressedSection(ELFCOMPRESS_ZLIB, MAX_DECOMPRESSED_SECTION + 1, bad) }, /ch_size/],
      [{ data: new Uint8Array(10) }, /too short for Elf64_Chdr/],
    ];
    for (const [override, reason] of cases) {
      const elf = open(build({ ".debug_info": override }).bytes);
      expect(formatError(() => elf.sectionBytes(".debug_info")).reason, String(reason)).toMatch(reason);
    }
  });
});

describe("ElfFile: symbol tables", () => {
  it("parses Elf64_Sym entries into columns and decodes names on demand", () => {
    const t = open(build().bytes).symbols()!;
    expect(t.count).toBe(6);
    expect(t.symbol(2)).toEqual({ name: "init_task", value: 0xffffffff82a1aa40n, size: 9728n, type: STT_OBJECT, bind: STB_GLOBAL, other: 0, shndx: 1 });
    expect(t.name(0)).toBe("");
    expect(t.name(4)).toBe("");
    expect(t.type(4)).toBe(3);
    expect(t.valueHi[5]).toBe(0xffffffff);
    expect(t.valueLo[5]).toBe(0x81000000);
  });

  it("looks names up, preferring a global over a local of the same name", () => {
    const t = open(build().bytes).symbols()!;
    expect(t.indexOf("dup")).toBe(3);
    expect(t.lookup("dup")).toMatchObject({ value: 0x20n, bind: STB_GLOBAL, size: 5n });
    expect(t.lookup("startup_64")?.value).toBe(0xffffffff81000000n);
    expect(t.indexOf("missing")).toBe(-1);
    expect(t.lookup("missing")).toBeUndefined();
  });

  it("rejects a st_name past the string table, naming the symbol's offset, when the table is first read", () => {
    const bad = symtab.slice();
    new DataView(bad.buffer).setUint32(2 * 24, strtab.length + 5, true);
    const { bytes, sectionOffsets } = build({ ".symtab": { data: bad } });
    formatError(() => open(bytes).symbols()!.indexOf("init_task"), sectionOffsets[5]! + 2 * 24);
    formatError(() => open(bytes).symbols()!.name(2), sectionOffsets[5]! + 2 * 24);
    formatError(() => open(bytes).symbols()!.nameOffset, sectionOffsets[5]! + 2 * 24);
  });

  it("answers lookups from a name index image of the same table, checking each name it finds", () => {
    const built = open(build().bytes).symbols()!;
    const image = built.nameIndexImage();
    const t = open(build().bytes).symbols()!;
    expect(t.adoptNameIndex(image)).toBe(true);
    for (const n of ["init_task", "dup", "startup_64", "missing", ""]) expect(t.indexOf(n), n).toBe(built.indexOf(n));
    expect(t.lookup("dup")).toMatchObject({ value: 0x20n, bind: STB_GLOBAL, size: 5n });
    // Another table's image (here: one whose names moved) is refused, and a damaged one finds nothing wrong.
    const other = open(build({ ".strtab": { data: Uint8Array.from([0, ...strtab]) } }).bytes).symbols()!;
    expect(other.adoptNameIndex(image)).toBe(false);
    expect(open(build().bytes).symbols()!.adoptNameIndex(image.subarray(0, 40))).toBe(false);
    const scrambled = image.slice();
    new Int32Array(scrambled.buffer, 64, (image.length - 64) / 8).fill(3); // every slot names symbol 3 ("dup")
    const s = open(build().bytes).symbols()!;
    expect(s.adoptNameIndex(scrambled)).toBe(true);
    expect(s.indexOf("init_task")).toBe(-1);
    expect(s.indexOf("dup")).toBe(3);
  });

  it("answers lookups from a symbol memo of an earlier session on the same table, reading nothing for them", () => {
    const names = ["init_task", "dup", "startup_64", "missing"];
    const built = open(build().bytes).symbols()!;
    const first = open(build().bytes).symbols()!;
    const memo = symbolMemo(first.count);
    expect(first.adoptMemo(memo)).toBe(true);
    for (const n of names) expect(first.indexOf(n), n).toBe(built.indexOf(n));
    expect(memo.unsaved).toBe(names.length);
    // The empty name (no C name) is answered, not kept.
    expect(first.indexOf("")).toBe(built.indexOf(""));
    expect(memo.unsaved).toBe(names.length);
    const image = memo.image();
    expect(memo.unsaved).toBe(0);
    // The next session: its file counts reads once open; the memo's names cost none.
    let reads = 0;
    const bytes = build().bytes;
    const counting = new (class extends BytesSource {
      override read(offset: number, length: number): Uint8Array {
        reads++;
        return super.read(offset, length);
      }
    })(FILE, bytes);
    const t = ElfFile.open(counting).symbols()!;
    const kept = symbolMemoOf(t.count, image)!;
    expect(t.adoptMemo(kept)).toBe(true);
    reads = 0;
    for (const n of names) {
      const i = t.indexOf(n);
      expect(i, n).toBe(built.indexOf(n));
      if (i < 0) continue;
      expect([t.value(i), t.size(i), t.sectionIndex(i)], n).toEqual([built.value(i), built.size(i), built.sectionIndex(i)]);
    }
    expect(reads).toBe(0);
    expect(kept.unsaved).toBe(0);
    // A name it does not know is looked up, and learned.
    expect(t.indexOf("nope")).toBe(-1);
    expect(reads).toBeGreaterThan(0);
    expect(kept.unsaved).toBe(1);
    // A memo of a table of another size is not taken.
    expect(open(build().bytes).symbols()!.adoptMemo(symbolMemo(t.count + 1))).toBe(false);
  });

  it("takes only a symbol memo image of its format and table size, and leaves out the rows that are not sane", () => {
    const built = open(build().bytes).symbols()!;
    const count = built.count;
    const i = built.indexOf("init_task");
    const good = [i, built.sectionIndex(i), built.value(i).toString(16), built.size(i).toString(16)];
    const doc = { format: "kdw-symbol-names-2", bound: count, names: { init_task: good, missing: 0 } as Record<string, unknown> };
    const image = (d: unknown) => new TextEncoder().encode(JSON.stringify(d));
    expect(symbolMemoOf(count, image(doc))!.get("init_task")).toEqual({ index: i, shndx: good[1], value: built.value(i), size: built.size(i) });
    expect(symbolMemoOf(count, image(doc))!.get("missing")).toBeNull();
    expect(symbolMemoOf(count + 1, image(doc))).toBeUndefined();
    expect(symbolMemoOf(count, image({ ...doc, format: "kdw-symbol-names-1" }))).toBeUndefined();
    expect(symbolMemoOf(count, image([doc]))).toBeUndefined();
    expect(symbolMemoOf(count, new TextEncoder().encode("{not json"))).toBeUndefined();
    expect(symbolMemoOf(count, new Uint8Array([0xff, 0xfe]))).toBeUndefined();
    const insane: unknown[] = [
      [0, ...good.slice(1)], // index 0 is the null symbol
      [count, ...good.slice(1)],
      [1.5, ...good.slice(1)],
      [i, 0x10000, ...good.slice(2)],
      [i, good[1], "-1", good[3]],
      [i, good[1], "1".repeat(17), good[3]],
      [i, good[1], good[2], 7],
      [...good, 0],
      1,
      "init_task",
    ];
    for (const row of insane) {
      const memo = symbolMemoOf(count, image({ ...doc, names: { init_task: row, missing: 0 } }))!;
      expect(memo.get("init_task"), JSON.stringify(row)).toBeUndefined();
      expect(memo.get("missing")).toBeNull();
      // Left out, the name is looked up again, rightly.
      const t = open(build().bytes).symbols()!;
      t.adoptMemo(memo);
      expect(t.indexOf("init_task")).toBe(i);
      expect(t.value(i)).toBe(built.value(i));
    }
    // An image's name that no session would have kept (a phrase, an overlong name) is not taken back.
    const odd = symbolMemoOf(count, image({ ...doc, names: { init_task: good, "p@ss word": 0, ["y".repeat(600)]: 0 } }))!;
    expect(odd.get("init_task")).toBeDefined();
    expect(odd.get("p@ss word")).toBeUndefined();
    expect(odd.get("y".repeat(600))).toBeUndefined();
    // Bounded: past MAX_NAMES a name is answered, not kept; so is a name longer than any symbol's, or one
    // that is no C or toolchain name (what a user typed).
    const full = symbolMemo(count);
    for (let k = 0; k < MAX_NAMES; k++) full.learn(`n${k}`, null);
    full.learn("one_more", null);
    expect(full.get("one_more")).toBeUndefined();
    expect(full.unsaved).toBe(MAX_NAMES);
    const t = open(build().bytes).symbols()!;
    const memo = symbolMemo(count);
    t.adoptMemo(memo);
    expect(t.indexOf("x".repeat(600))).toBe(-1);
    expect(t.indexOf("not a name")).toBe(-1);
    expect(t.indexOf("p@ss-word")).toBe(-1);
    expect(memo.unsaved).toBe(0);
    expect(t.indexOf("foo.isra.0")).toBe(-1);
    expect(memo.unsaved).toBe(1);
  });

  it("answers lookups from an image read in pieces, reading only the slots probed, and builds the index when a piece cannot be read", () => {
    // 20,000 symbols: 65,536 slots, 64 pages of each of the image's columns.
    const specs = Array.from({ length: 20000 }, (_, i) => ({ name: `sym_${i}`, value: BigInt(0x1000 + i), type: STT_FUNC, shndx: 1 }));
    const { symtab: big, strtab: bigStr } = buildSymtab(specs);
    const bytes = build({ ".symtab": { data: big }, ".strtab": { data: bigStr } }).bytes;
    const built = open(bytes).symbols()!;
    const image = built.nameIndexImage();
    let reads: number[] = [];
    const ranges = (failAfter = Infinity) => {
      reads = [];
      return {
        size: image.length,
        read: (offset: number, length: number) => (reads.push(length), reads.length > failAfter || offset + length > image.length ? undefined : image.slice(offset, offset + length)),
      };
    };
    const names = ["sym_0", "sym_777", "sym_19999", "sym_20000", "missing", ""];
    const t = open(bytes).symbols()!;
    expect(t.adoptNameIndexFrom(ranges())).toBe(true);
    for (const n of names) expect(t.indexOf(n), n).toBe(built.indexOf(n));
    // The header, then a page of each column per page probed: never the whole image.
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(image.length / 4);
    expect(Math.max(...reads)).toBe(4096);
    // A piece that cannot be read (the file removed since): the index is built, the answers the same.
    const cut = open(bytes).symbols()!;
    expect(cut.adoptNameIndexFrom(ranges(2))).toBe(true);
    for (const n of names) expect(cut.indexOf(n), n).toBe(built.indexOf(n));
    // Another table's image, or one of another size, is refused from its header.
    expect(open(build().bytes).symbols()!.adoptNameIndexFrom(ranges())).toBe(false);
    expect(open(bytes).symbols()!.adoptNameIndexFrom({ size: image.length - 8, read: ranges().read })).toBe(false);
  });

  it("reads entries and names through a source's reused buffer: each used before the next read", () => {
    const specs = Array.from({ length: 3000 }, (_, i) => ({ name: `s${i}_${"x".repeat(i % 40)}`, value: 0xffffffff81000000n + BigInt(i * 16), size: BigInt(i), type: i % 2 ? STT_FUNC : STT_OBJECT, shndx: 1 + (i % 3) }));
    const { symtab: big, strtab: bigStr } = buildSymtab(specs);
    const bytes = build({ ".symtab": { data: big }, ".strtab": { data: bigStr } }).bytes;
    const whole = open(bytes).symbols()!;
    const image = whole.nameIndexImage();
    // readTransient hands out one buffer, overwritten (with 0xee past the bytes asked for) at every read.
    const shared = new Uint8Array(1 << 16);
    let transient = 0;
    const source = Object.assign(new BytesSource(FILE, bytes), {
      readTransient(offset: number, length: number): Uint8Array {
        transient++;
        shared.fill(0xee);
        shared.set(bytes.subarray(offset, offset + length));
        return shared.subarray(0, length);
      },
    });
    const t = ElfFile.open(source).symbols()!;
    expect(t.adoptNameIndexFrom({ size: image.length, read: (o: number, n: number) => image.slice(o, o + n) })).toBe(true);
    for (const i of [1, 2, 777, 1500, 2999, 3000]) {
      const name = specs[i - 1]!.name;
      expect(t.indexOf(name), name).toBe(i);
      expect(t.symbol(i)).toEqual(whole.symbol(i));
      expect([t.value(i), t.size(i), t.sectionIndex(i), t.infoOf(i)]).toEqual([whole.value(i), whole.size(i), whole.sectionIndex(i), whole.infoOf(i)]);
    }
    expect(t.indexOf("s3000_")).toBe(-1);
    expect(transient).toBeGreaterThan(0);
  });

  it("rejects a name that is not NUL-terminated, a size not a multiple of 24, and a bad sh_link", () => {
    const unterminated = strtab.slice(0, strtab.length - 1);
    const t = open(build({ ".strtab": { data: unterminated } }).bytes).symbols()!;
    expect(t.name(2)).toBe("init_task");
    expect(formatError(() => t.name(5)).reason).toMatch(/not NUL-terminated/);
    expect(formatError(() => open(build({ ".symtab": { data: symtab.subarray(0, 50) } }).bytes).symbols()).reason).toMatch(/multiple of 24/);
    for (const link of [0, 1, 99]) {
      const { bytes, shoff } = build({ ".symtab": { link } });
      formatError(() => open(bytes).symbols(), shoff + 5 * 64 + 0x28);
    }
  });

  it("names every symbol alike whether read one by one or from the loaded string table, as Latin-1", () => {
    // More symbols than are read one by one before the tables load; some names with bytes 0x80-0xff.
    const specs = Array.from({ length: 1500 }, (_, i) => ({ name: i % 97 === 0 ? `odd_\x85\x9f\xff_${i}` : `sym_${i}_${"x".repeat(i % 150)}`, value: BigInt(0x1000 + i), type: STT_FUNC, shndx: 1 }));
    const { symtab: big, strtab: bigStr } = buildSymtab(specs.map((sp) => ({ ...sp, name: sp.name })));
    const bytes = build({ ".symtab": { data: big }, ".strtab": { data: bigStr } }).bytes;
    const oneByOne = open(bytes).symbols()!;
    const loaded = open(bytes).symbols()!;
    loaded.raw(); // the tables in memory first
    for (let i = 1; i <= specs.length; i++) {
      const want = specs[i - 1]!.name;
      expect(oneByOne.name(i), `symbol ${i}`).toBe(want);
      expect(loaded.name(i), `symbol ${i}`).toBe(want);
      expect(oneByOne.infoOf(i) & 0xf).toBe(STT_FUNC);
    }
  });

  it("gives null when there is no symbol table", () => {
    const elf = ElfFile.open(new BytesSource(FILE, buildElf({ type: ET_REL, sections: [{ name: ".text", type: SHT_PROGBITS, data: text }] }).bytes));
    expect(elf.symbols()).toBeNull();
  });
});

describe("ElfFile: malformed input", () => {
  const good = build();

  function patch(f: (v: DataView, b: Uint8Array) => void): Uint8Array {
    const b = good.bytes.slice();
    f(new DataView(b.buffer), b);
    return b;
  }

  it("rejects bad magic, class, data encoding and entry sizes at their header offsets", () => {
    expect(formatError(() => open(patch((_, b) => (b[1] = 0x46))), 0).reason).toMatch(/magic/);
    expect(formatError(() => open(patch((_, b) => (b[4] = 1))), 4).reason).toMatch(/ELF64/);
    formatError(() => open(patch((_, b) => (b[5] = 3))), 5);
    formatError(() => open(patch((v) => v.setUint16(0x3a, 40, true))), 0x3a);
    formatError(() => open(patch((v) => v.setUint16(0x38, 1, true))), 0x20); // e_phnum 1 with e_phoff 0
    formatError(() => open(new Uint8Array(10)), 0);
  });

  it("rejects header tables past the end of the file and absurd counts", () => {
    expect(formatError(() => open(patch((v) => v.setBigUint64(0x28, 0x7fffffffn, true)))).reason).toMatch(/truncated/);
    expect(formatError(() => open(patch((v) => v.setBigUint64(0x28, 0xffffffffffffffffn, true))), 0x28).reason).toMatch(/too large/);
    formatError(() => open(patch((v) => v.setUint16(0x3c, 0xfff0, true))));
    formatError(() => open(patch((v) => (v.setUint16(0x36, 56, true), v.setUint16(0x38, 0xfff0, true), v.setBigUint64(0x20, 64n, true)))));
    // Extended numbering with an absurd count in section 0.
    const ext = patch((v) => (v.setUint16(0x3c, 0, true), v.setBigUint64(good.shoff + 0x20, 0xfffffffffn, true)));
    expect(formatError(() => open(ext), 0x3c).reason).toMatch(/absurd/);
  });

  it("rejects a section past EOF, a bad e_shstrndx and a bad section name offset", () => {
    const sh = (i: number) => good.shoff + i * 64;
    expect(formatError(() => open(patch((v) => v.setBigUint64(sh(1) + 0x20, 0x1000000n, true))), sh(1) + 0x18).reason).toMatch(/past the end/);
    expect(formatError(() => open(patch((v) => v.setBigUint64(sh(2) + 0x18, BigInt(good.bytes.length + 1), true))), sh(2) + 0x18).reason).toMatch(/past the end/);
    expect(formatError(() => open(patch((v) => v.setUint16(0x3e, 40, true))), 0x3e).reason).toMatch(/e_shstrndx/);
    expect(formatError(() => open(patch((v) => v.setUint32(sh(3), 0x5000, true)))).reason).toMatch(/string offset/);
  });

  it("gives a DumpFormatError for a file cut at any offset", () => {
    for (let cut = 0; cut < good.bytes.length; cut += cut < 256 ? 1 : 37) {
      formatError(() => exercise(good.bytes.subarray(0, cut)));
    }
  });

  it("never throws anything but DumpFormatError, and never hangs, on bit-flipped or zeroed headers", () => {
    const regions = [
      [0, 64],
      [good.shoff, good.bytes.length],
    ] as const;
    let failures = 0;
    let runs = 0;
    for (const [from, to] of regions) {
      for (let i = from; i < to; i++) {
        for (const mutate of [(b: Uint8Array) => (b[i]! ^= 0x80), (b: Uint8Array) => (b[i]! ^= 0x01), (b: Uint8Array) => (b[i] = 0)]) {
          const b = good.bytes.slice();
          mutate(b);
          runs++;
          try {
            exercise(b);
          } catch (e) {
            if (!(e instanceof DumpFormatError)) throw new Error(`byte ${i}: ${String(e)}`, { cause: e });
            expect(e.message).toMatch(/^vmlinux-test.*: offset 0x[0-9a-f]+: /);
            failures++;
          }
        }
      }
    }
    expect(failures).toBeGreaterThan(runs / 20);
  });
});
