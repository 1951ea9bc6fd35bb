// mod -s on the fixture's seed case: the oops RIP ffffffffc05dc05e is in the module that took itself off the
// module list, so crash cannot name it ("no symbolic reference", reference/bt.txt; a bare listing with a
// WARNING, reference/dis-exception-rip.txt). kdw names it from the module's in-memory kallsyms; once its
// object file (mzoneinfo.ko) is loaded against the dump, sym, dis -l and bt -M also give its source line. Each answer is checked against what does not
// come from kdw's loading path: the kernel's own oops line in reference/console.txt, the .ko's symbol table,
// its DWARF line table relocated to other addresses, and binutils (addr2line, recorded below).
// crash's own texts (mod, bt, dis without the module) must not change.
import { describe, expect, it } from "vitest";
import { moduleFileFinder } from "../../src/cli/module-files";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { DwarfLines } from "../../src/core/debuginfo/dwarf/line";
import { Dwarf } from "../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../src/core/debuginfo/dwarf/elf-sections";
import { ElfFile } from "../../src/core/dump/elf";
import { BytesSource } from "../../src/core/io/byte-source";
import { modTreeModules, moduleList } from "../../src/core/kernel/modules/modules";
import { fixture, fixturesDir, haveFixtures, reference } from "../fixtures";
import { fixtureSession } from "../session-fixture";
import { dataOf } from "../data-of";

const RIP = "ffffffffc05dc05e";
const KO = "mzoneinfo.ko";

/** The kernel's own words for the faulting RIP: "RIP: 0010:mz_getdents_pre+0x5e/0x1000 [mzoneinfo]". */
function oopsRip(): { name: string; offset: number; module: string } {
  const m = /RIP: 0010:([\w.]+)\+0x([0-9a-f]+)\/0x[0-9a-f]+ \[(\w+)\]/.exec(reference("console.txt"))!;
  return { name: m[1]!, offset: parseInt(m[2]!, 16), module: m[3]! };
}

/**
 * The source line of `fn`+`offset` from the .ko's own DWARF, relocated with made-up section addresses (each
 * allocated section at its own 1 MiB slot): nothing of the dump or of kdw's section table is used.
 */
function koLine(fn: string, offset: number): { file: string; line: number } {
  const elf = ElfFile.open(new NodeFileSource(KO, fixture(KO)!));
  // Debug sections refer to each other by offset: they stay at 0 (SHF_ALLOC = 2 marks the loaded ones).
  const slot = (shndx: number): bigint => (elf.sections[shndx]!.flags & 2 ? 0x1000_0000n + BigInt(shndx) * 0x10_0000n : 0n);
  const lines = new DwarfLines(new Dwarf(dwarfSectionsFromElf(elf, { sectionBase: slot })!));
  const syms = elf.symbols()!;
  const i = syms.indexOf(fn);
  const row = lines.lineFor(slot(syms.shndx[i]!) + syms.value(i) + BigInt(offset))!;
  return { file: row.file, line: row.line };
}

function session() {
  const s = fixtureSession()!;
  // The CLI's finder (NAME.ko next to the vmlinux, or the file named); fixtureSession has none of its own.
  s.context.findModuleFile ??= moduleFileFinder(fixture("vmlinux")!);
  return s;
}

/** A copy of the .ko with `patch` applied to its bytes. */
function patchedKo(name: string, patch: (bytes: Uint8Array, elf: ElfFile) => void): BytesSource {
  const src = new NodeFileSource(KO, fixture(KO)!);
  const bytes = src.read(0, src.size).slice();
  patch(bytes, ElfFile.open(new BytesSource(name, bytes)));
  return new BytesSource(name, bytes);
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux", KO))("mod -s on the hidden module (golden)", () => {
  const hidden = () => {
    const listed = new Set(moduleList(session().kernel.program).modules.map((m) => m.address));
    return modTreeModules(session().kernel.program).modules.find((m) => !listed.has(m.address))!;
  };

  it("before loading: named from the module's in-memory kallsyms (crash: no symbol, a bare listing), no source line", () => {
    const s = session();
    const oops = oopsRip();
    expect(reference("dis-exception-rip.txt")).toMatch(/^WARNING: ffffffffc05dc05e: no associated kernel symbol found\n/);
    const sym = s.run(`sym ${RIP}`);
    expect(sym.errors).toEqual([]);
    expect(sym.text).toBe(`${RIP} (t) ${oops.name}+${oops.offset} [${oops.module}]\n`);
    const dis = s.run(`dis ${RIP} 6`);
    expect(dis.errors).toEqual([]);
    expect(dis.text.split("\n")[0]).toBe(`0x${RIP} <${oops.name}+${oops.offset}>:\tmov    0x74(%rax),%eax`);
    expect(s.run("bt -M").text).toBe(reference("bt.txt").replace("[exception RIP: no symbolic reference]", `[exception RIP: ${oops.name}+${oops.offset}]`));
  });

  it("mod -s NAME FILE loads the module that is only in mod_tree, in crash's mod -s layout, with a note", () => {
    const s = session();
    const h = hidden();
    const oops = oopsRip();
    expect(h.name).toBe(oops.module);
    const r = s.run(`mod -s ${h.name} ${fixture(KO)}`);
    expect(r.errors).toEqual([]);
    // The header is crash's (reference mod.txt: NAME sized over every installed module), then the row with the
    // object file and the space crash's "%s %s" leaves after it, then kdw's note.
    const header = reference("mod.txt").split("\n")[0]!;
    const listed = moduleList(s.kernel.program).modules;
    const nameW = Math.max(h.name.length, ...listed.map((m) => m.name.length));
    const sizeW = Math.max(String(h.size).length, ...listed.map((m) => String(m.size).length));
    const row = `${h.address.toString(16)}  ${h.name.padEnd(nameW)}  ${h.base.toString(16)}  ${String(h.size).padStart(sizeW)}  ${fixture(KO)} `;
    expect(r.text).toBe(`${header}\n${row}\nNOTE: ${h.name} is not on the kernel's module list: found in the module address tree (mod_tree)\n`);
    const data = dataOf(r.data);
    expect(data.loaded).toMatchObject([{ name: h.name, module: h.address, onList: false, loaded: true, file: fixture(KO), unchecked: [] }]);
    expect(data.loaded![0]!.forced).toBeUndefined();
    // Its functions and objects: every STT_FUNC/STT_OBJECT of the .ko in an allocated, loaded section.
    expect(data.loaded![0]!.symbols).toBeGreaterThanOrEqual(10);
  });

  it("sym RIP: the function, offset and module of the kernel's oops line, and the .ko's source line", () => {
    const s = session();
    const oops = oopsRip();
    const src = koLine(oops.name, oops.offset);
    // binutils agrees: `addr2line -e mzoneinfo.ko -j .text 0x5e` prints
    // /usr/src/linux-headers-6.1.0-50-cloud-amd64/mzoneinfo/mzoneinfo.c:53 (mz_getdents_pre is at .text+0).
    expect(src).toEqual({ file: "/usr/src/linux-headers-6.1.0-50-cloud-amd64/mzoneinfo/mzoneinfo.c", line: 53 });
    const r = s.run(`sym ${RIP}`);
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(`${RIP} (t) ${oops.name}+${oops.offset} [${oops.module}] ${src.file}: ${src.line}\n`);
    // By name: the function's start, its first line.
    const start = BigInt("0x" + RIP) - BigInt(oops.offset);
    expect(s.run(`sym ${oops.name}`).text).toBe(`${start.toString(16)} (t) ${oops.name} [${oops.module}] ${src.file}: ${koLine(oops.name, 0).line}\n`);
  });

  it("dis -l RIP 6: the symbol and source lines instead of the WARNING and the bare listing", () => {
    const s = session();
    const oops = oopsRip();
    const r = s.run(`dis -l ${RIP} 6`);
    expect(r.errors).toEqual([]);
    const lines = r.text.split("\n").filter((l) => l !== "");
    const src = koLine(oops.name, oops.offset);
    expect(lines[0]).toBe(`${src.file}: ${src.line}`);
    expect(lines[1]).toBe(`0x${RIP} <${oops.name}+${oops.offset}>:\tmov    0x74(%rax),%eax`);
    // The same six instructions as crash's bare listing, now labelled; the RIP-relative store names its target.
    const bare = reference("dis-exception-rip.txt").split("\n").filter((l) => /^(=> | {3})0x/.test(l));
    const insns = lines.filter((l) => l.startsWith("0x"));
    expect(insns).toHaveLength(6);
    const strip = (l: string) => l.replace(/^(=> | {3})/, "").replace(/ <[^>]*>/g, "");
    expect(insns.map(strip)).toEqual(bare.map(strip));
    expect(insns[1]).toMatch(/# 0xffffffffc05de400 <mz_hidden_pid>$/);
    // Every source line printed is the .ko's own for that instruction.
    for (const l of lines.filter((x) => x.startsWith("/"))) expect(l).toMatch(/^\/usr\/src\/.*\/mzoneinfo\.c: \d+$/);
  });

  it("dis NAME: the whole function, to its size in the .ko", () => {
    const s = session();
    const oops = oopsRip();
    const r = s.run(`dis ${oops.name}`);
    expect(r.errors).toEqual([]);
    const last = r.text.trimEnd().split("\n").pop()!;
    const elf = ElfFile.open(new NodeFileSource(KO, fixture(KO)!));
    const size = Number(elf.symbols()!.lookup(oops.name)!.size);
    const lastOff = Number(/<[\w.]+\+(\d+)>/.exec(last)![1]);
    expect(lastOff).toBeLessThan(size);
    expect(lastOff).toBeGreaterThan(size - 16);
  });

  it("bt keeps crash's text; bt -M names the exception RIP, and -l adds its line", () => {
    const s = session();
    const oops = oopsRip();
    expect(s.run("bt").text).toBe(reference("bt.txt"));
    const m = s.run("bt -M");
    expect(m.errors).toEqual([]);
    const expected = reference("bt.txt").replace("[exception RIP: no symbolic reference]", `[exception RIP: ${oops.name}+${oops.offset}]`);
    expect(m.text).toBe(expected);
    const ml = s.run("bt -M -l").text.split("\n");
    const after = ml.findIndex((l) => l.includes("ORIG_RAX: ffffffffffffffff"));
    const src = koLine(oops.name, oops.offset);
    expect(ml[after + 1]).toBe(`    ${src.file}: ${src.line}`);
  });

  it("mod still prints crash's list (the hidden module is not on it)", () => {
    expect(session().run("mod").text).toBe(reference("mod.txt"));
  });

  it("a file that is not this module is refused in one line; --force loads it with a warning", () => {
    const s = session();
    const h = hidden();
    // Another ELF altogether (the vmlinux): not a module, not even forced.
    const v = s.run(`mod -s ${h.name} ${fixture("vmlinux")} --force`);
    expect(v.errors).toHaveLength(1);
    expect(v.errors[0]).toMatch(/^mod: .*vmlinux is not a kernel module: ELF type 2/);
    // Not ELF.
    expect(s.run(`mod -s ${h.name} ${fixture("manifest.json")}`).errors).toEqual([`mod: ${fixture("manifest.json")}: not an ELF format object file`]);
    // The right file for another module.
    const other = moduleList(s.kernel.program).modules[0]!;
    const o = s.run(`mod -s ${other.name} ${fixture(KO)}`);
    expect(o.errors).toHaveLength(1);
    expect(o.errors[0]).toContain(`does not match module ${other.name}: it is module "${h.name}", not "${other.name}"`);
    expect(o.errors[0]).toContain("build id");
    expect(o.errors[0]).not.toContain("\n");
    // This module's file with another build id: refused, then forced.
    const finder = s.context.findModuleFile!;
    try {
      const wrongId = patchedKo("wrong-id.ko", (bytes, elf) => {
        const note = elf.sectionHeader(".note.gnu.build-id")!;
        bytes[note.offset + note.size - 1]! ^= 0xff;
      });
      s.context.findModuleFile = () => wrongId;
      const w = s.run(`mod -s ${h.name} wrong-id.ko`);
      expect(w.errors).toHaveLength(1);
      expect(w.errors[0]).toMatch(/^mod: wrong-id\.ko does not match module mzoneinfo: build id [0-9a-f]{40} in the file, [0-9a-f]{40} in the dump \(--force loads it anyway\)$/);
      const f = s.run(`mod -s ${h.name} wrong-id.ko --force`);
      expect(f.text).toContain("wrong-id.ko");
      expect(f.errors).toEqual([expect.stringMatching(/^WARNING: wrong-id\.ko: loaded in spite of a mismatch: build id /)]);
    } finally {
      s.context.findModuleFile = finder;
    }
    // Reload the real file for the tests after this one.
    expect(s.run(`mod -s ${h.name} ${fixture(KO)}`).errors).toEqual([]);
  });

  it("mod -S DIR loads every module it finds a file for, and says which it cannot", () => {
    const s = session();
    const h = hidden();
    const r = s.run(`mod -S ${fixturesDir}`);
    const listed = moduleList(s.kernel.program).modules;
    expect(r.errors.sort()).toEqual(listed.map((m) => `mod: cannot find or load object file for ${m.name} module`).sort());
    expect(r.text).toContain(`${h.address.toString(16)}  ${h.name}`);
    expect(r.text).toContain(`NOTE: ${h.name} is not on the kernel's module list`);
  });

  it("mod -d NAME drops it: sym names it from kallsyms again, without a line; options and missing modules fail in one line", () => {
    const s = session();
    const h = hidden();
    const oops = oopsRip();
    expect(s.run(`mod -d ${h.name}`)).toMatchObject({ text: "", errors: [] });
    expect(s.run(`sym ${RIP}`)).toMatchObject({ text: `${RIP} (t) ${oops.name}+${oops.offset} [${oops.module}]\n`, errors: [] });
    expect(s.run("mod -s nosuchmodule").errors).toEqual(["mod: nosuchmodule: not a module on the module list or in the module address tree"]);
    expect(s.run("mod -s").errors).toEqual(["mod: option -s needs a value"]);
    expect(s.run(`mod -s ${h.name} -t`).errors).toEqual(["mod: -t, -s: only one of -t, -s, -S, -d, -D, -o, -R"]);
    expect(s.run(`mod -s ${h.name} a b`).errors).toEqual(["mod: unexpected argument: b"]);
    // By struct module address.
    const byAddr = s.run(`mod -s ${h.address.toString(16)} ${fixture(KO)}`);
    expect(byAddr.errors).toEqual([]);
    expect(s.run("mod -D")).toMatchObject({ text: "", errors: [] });
    expect(s.run(`sym ${RIP}`)).toMatchObject({ text: `${RIP} (t) ${oops.name}+${oops.offset} [${oops.module}]\n`, errors: [] });
  });
});
