// Module debuginfo pieces on their own: the section table the kernel keeps (module.sect_attrs) read from the
// fixture and from corrupted copies of it (absurd counts, NULL, unreadable table or names), the identity check
// and the symbol relocation on small ET_REL objects built here, build-id notes from hostile bytes, and the
// store's address ranges. Nothing throws an untyped error or loops on bad input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Backtrace } from "../../../../src/core/arch/x86_64/unwind-types";
import { BytesSource } from "../../../../src/core/io/byte-source";
import { DebugInfoMismatch } from "../../../../src/core/io/errors";
import {
  buildIdFromNotes,
  findKernelModule,
  loadModuleDebuginfo,
  matchModuleObject,
  MAX_MODULE_SECTIONS,
  ModuleDebuginfoStore,
  moduleSectionAddresses,
  modulesOffList,
  withModuleSymbols,
} from "../../../../src/core/kernel/modules/debuginfo";
import { ElfFile } from "../../../../src/core/dump/elf";
import type { KernelModule } from "../../../../src/core/kernel/modules/modules";
import { Program } from "../../../../src/core/program/program";
import { buildElf, buildNotes, buildSymtab, type SectionSpec } from "../../../fixtures/elf-builder";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


function patched(prog: Program, patches: Map<bigint, bigint | null>): Program {
  return patchedProgram(prog, patches);
}

const enc = new TextEncoder();
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOTE = 7;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;

/** A small kernel-module-like ET_REL: .text, .data, .modinfo, optional build-id note, symbols. */
function synthKo(opts: { modinfo?: string; buildId?: Uint8Array; type?: number; machine?: number } = {}): BytesSource {
  const { symtab, strtab } = buildSymtab([
    { name: "f1", value: 0n, size: 0x10n, type: STT_FUNC, bind: STB_LOCAL, shndx: 1 },
    { name: "f2", value: 0x20n, size: 0x10n, type: STT_FUNC, shndx: 1 },
    { name: ".hidden_dot", value: 0x30n, type: STT_FUNC, shndx: 1 },
    { name: "obj", value: 8n, size: 8n, type: STT_OBJECT, shndx: 2 },
    { name: "far", value: 0x10_0000n, size: 8n, type: STT_FUNC, shndx: 1 },
  ]);
  const sections: SectionSpec[] = [
    { name: ".text", type: SHT_PROGBITS, data: new Uint8Array(0x40), flags: 6 },
    { name: ".data", type: SHT_PROGBITS, data: new Uint8Array(0x10), flags: 3 },
    { name: ".modinfo", type: SHT_PROGBITS, data: enc.encode(opts.modinfo ?? "license=GPL\0name=synth\0srcversion=ABC\0"), flags: 2 },
    { name: ".symtab", type: SHT_SYMTAB, data: symtab, link: 5, entsize: 24 },
    { name: ".strtab", type: SHT_STRTAB, data: strtab },
  ];
  if (opts.buildId) sections.push({ name: ".note.gnu.build-id", type: SHT_NOTE, data: buildNotes([{ name: "GNU", type: 3, desc: opts.buildId }]), flags: 2 });
  return new BytesSource("synth.ko", buildElf({ type: opts.type ?? 1, machine: opts.machine, sections }).bytes);
}

const BASE = 0xffffffffc1000000n;

/** A struct module that is nowhere in the dump's memory: sect_attrs cannot be read, .text is the base. */
function fakeModule(over: Partial<KernelModule> = {}): KernelModule {
  return {
    address: 0xffffffffc1003000n,
    name: "synth",
    state: 0,
    stateName: "MODULE_STATE_LIVE",
    base: BASE,
    size: 0x4000,
    regions: [{ name: "core", base: BASE, size: 0x4000, core: true }],
    taints: 0n,
    sigOk: undefined,
    version: undefined,
    srcversion: "ABC",
    refcnt: 1,
    kallsyms: 0n,
    kp: 0n,
    numKp: 0,
    ...over,
  };
}

describe("build-id notes from hostile bytes", () => {
  it("finds the GNU note after others, and refuses cut or lying sizes", () => {
    const id = Uint8Array.from([1, 2, 3, 0xab]);
    const notes = buildNotes([
      { name: "Linux", type: 1, desc: new Uint8Array(4) },
      { name: "GNU", type: 3, desc: id },
    ]);
    expect(buildIdFromNotes(notes)).toBe("010203ab");
    expect(buildIdFromNotes(notes.subarray(0, notes.length - 1))).toBeUndefined();
    const lying = notes.slice();
    new DataView(lying.buffer).setUint32(4, 0xffffffff, true);
    expect(buildIdFromNotes(lying)).toBeUndefined();
    expect(buildIdFromNotes(new Uint8Array(0))).toBeUndefined();
  });

  it("random bytes never throw and never hang", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => {
        const r = buildIdFromNotes(b);
        expect(r === undefined || /^[0-9a-f]*$/.test(r)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("module store and backtrace naming (no dump needed)", () => {
  it("an empty store names nothing and leaves a backtrace as it was", () => {
    const store = new ModuleDebuginfoStore();
    expect(store.symbolAt(BASE)).toBeUndefined();
    const bt: Backtrace = {
      task: {} as Backtrace["task"],
      start: {} as Backtrace["start"],
      incomplete: false,
      lines: [{ kind: "exception", at: 0n, kernelMode: true, regs: { ip: BASE + 0x24n } as never, ripMessage: "no symbolic reference" }],
    };
    expect(withModuleSymbols(bt, store)).toBe(bt);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("module sections and loading on the fixture", () => {
  const prog = () => fixtureSession()!.kernel.program;
  const hidden = () => modulesOffList(prog())[0]!;
  const sectAttrs = (p: Program, m: KernelModule) => p.readU64(m.address + BigInt(p.memberOffset("struct module", "sect_attrs")!));

  it("sect_attrs of the hidden module: every allocated section, .text at the base, its struct module in .gnu.linkonce.this_module", () => {
    const h = hidden();
    const s = moduleSectionAddresses(prog(), h);
    expect(s.problems).toEqual([]);
    expect(s.source).toBe("sect_attrs");
    const byName = new Map(s.sections.map((x) => [x.name, x.address]));
    expect(byName.get(".text")).toBe(h.base);
    expect(byName.get(".gnu.linkonce.this_module")).toBe(h.address);
    for (const x of [".data", ".bss", ".rodata", ".note.gnu.build-id"]) {
      const a = byName.get(x)!;
      expect(a >= h.base && a < h.base + BigInt(h.size), x).toBe(true);
    }
    expect(findKernelModule(prog(), h.name)).toMatchObject({ onList: false });
    expect(findKernelModule(prog(), h.address.toString(16))?.module.name).toBe(h.name);
  });

  it("an absurd nsections is capped and said; a NULL or unreadable table falls back to .text at the base", () => {
    const p = prog();
    const h = hidden();
    const table = sectAttrs(p, h);
    const nOff = BigInt(p.memberOffset("struct module_sect_attrs", "nsections")!);
    // The word holding nsections (its upper half is padding before attrs[]): a count past the cap.
    const huge = moduleSectionAddresses(patched(p, new Map([[table + nOff, 0xffffffffn]])), h);
    expect(huge.problems.map((x) => x.message).join()).toContain(`nsections 4294967295 is more than ${MAX_MODULE_SECTIONS}`);
    expect(huge.source).toBe("sect_attrs");
    const nul = moduleSectionAddresses(patched(p, new Map([[h.address + BigInt(p.memberOffset("struct module", "sect_attrs")!), 0n]])), h);
    expect(nul).toMatchObject({ source: "text-base", sections: [{ name: ".text", address: h.base }] });
    expect(nul.problems[0]!.message).toContain("NULL");
    const gone = moduleSectionAddresses(patched(p, new Map([[table + nOff, null]])), h);
    expect(gone.source).toBe("text-base");
    expect(gone.problems).toHaveLength(1);
  });

  it("an unreadable section name drops that section only", () => {
    const p = prog();
    const h = hidden();
    const table = sectAttrs(p, h);
    const attrs = BigInt(p.memberOffset("struct module_sect_attrs", "attrs")!);
    const nameOff = BigInt(p.memberOffset("struct module_sect_attr", "battr.attr.name")!);
    const good = moduleSectionAddresses(p, h).sections;
    const bad = moduleSectionAddresses(patched(p, new Map([[table + attrs + nameOff, 0xdead000000000100n]])), h);
    expect(bad.sections).toEqual(good.slice(1));
    expect(bad.problems).toHaveLength(1);
  });

  it("synthetic module off the dump: .text from the base only, names with '.' and symbols outside its memory dropped", () => {
    const loaded = loadModuleDebuginfo(prog(), fakeModule(), synthKo());
    expect(loaded.sections.source).toBe("text-base");
    const names = Array.from({ length: loaded.symbols.count }, (_, i) => loaded.symbols.at(i));
    expect(names.map((s) => [s.name, s.address, s.type])).toEqual([
      ["f1", BASE, "t"],
      ["f2", BASE + 0x20n, "T"],
    ]);
    expect(loaded.match.unchecked.join()).toContain("has none");
    expect(loaded.dwarfSections()).toBeUndefined();
    expect(loaded.debugInfo()).toBeUndefined();
    const store = new ModuleDebuginfoStore();
    store.add(loaded);
    expect(store.symbolAt(BASE + 0x24n)).toMatchObject({ module: "synth", offset: 4, symbol: { name: "f2" } });
    expect(store.symbolAt(BASE - 1n)).toBeUndefined();
    expect(store.symbolAt(BASE + 0x4000n)).toBeUndefined();
    expect(store.lookup("f1")?.symbol.address).toBe(BASE);
    const bt: Backtrace = {
      task: {} as Backtrace["task"],
      start: {} as Backtrace["start"],
      incomplete: false,
      lines: [
        { kind: "exception", at: 0n, kernelMode: true, regs: { ip: BASE + 0x24n } as never, ripMessage: "no symbolic reference" },
        { kind: "exception", at: 0n, kernelMode: true, regs: { ip: BASE + 0x5000n } as never, ripMessage: "no symbolic reference" },
      ],
    };
    const named = withModuleSymbols(bt, store).lines;
    expect(named[0]).toMatchObject({ rip: { name: "f2", offset: 4 } });
    expect(named[1]).toBe(bt.lines[1]);
    expect(store.remove(loaded.module.address)).toBe(true);
    expect(store.symbolAt(BASE + 0x24n)).toBeUndefined();
  });

  it("identity: another name, another srcversion, no name at all, not ET_REL, not x86-64", () => {
    const p = prog();
    const check = (src: BytesSource, mod = fakeModule()) => matchModuleObject(p, mod, ElfFile.open(src), []);
    expect(check(synthKo()).mismatches).toEqual([]);
    expect(check(synthKo(), fakeModule({ name: "other" })).mismatches).toEqual([`it is module "synth", not "other"`]);
    expect(check(synthKo(), fakeModule({ srcversion: "XYZ" })).mismatches).toEqual(["srcversion ABC in the file, XYZ in the dump"]);
    expect(check(synthKo(), fakeModule({ srcversion: undefined })).mismatches).toEqual([]);
    expect(check(synthKo({ modinfo: "license=GPL\0" })).mismatches[0]).toContain("names no module");
    expect(check(synthKo({ type: 2 })).notModule).toContain("ELF type 2");
    expect(check(synthKo({ machine: 183 })).notModule).toContain("machine 183");
    // A build id the dump cannot show (no section address for the note): said, not hidden.
    expect(check(synthKo({ buildId: Uint8Array.from([9, 9]) })).unchecked.join()).toContain("section address is not known");
    // Refused unless forced; forced, the difference is kept.
    expect(() => loadModuleDebuginfo(p, fakeModule({ name: "other" }), synthKo())).toThrow(DebugInfoMismatch);
    expect(() => loadModuleDebuginfo(p, fakeModule(), synthKo({ type: 2 }), { force: true })).toThrow(/not a kernel module/);
    expect(loadModuleDebuginfo(p, fakeModule({ name: "other" }), synthKo(), { force: true }).forced).toContain("not \"other\"");
  });

  it("the hidden module's build id is read from its note in the dump; a patched note there is a mismatch", () => {
    const p = prog();
    const h = hidden();
    const s = moduleSectionAddresses(p, h).sections;
    const note = s.find((x) => x.name === ".note.gnu.build-id")!.address;
    const ko = synthKo({ modinfo: `name=${h.name}\0`, buildId: p.read(note + 16n, 20) });
    expect(matchModuleObject(p, h, ElfFile.open(ko), s).mismatches).toEqual([]);
    const flipped = patched(p, new Map([[note + 16n, ~p.readU64(note + 16n) & 0xffff_ffff_ffff_ffffn]]));
    expect(matchModuleObject(flipped, h, ElfFile.open(ko), s).mismatches[0]).toMatch(/^build id [0-9a-f]{40} in the file, [0-9a-f]{40} in the dump$/);
    const unreadable = patched(p, new Map([[note + 8n, null]]));
    expect(matchModuleObject(unreadable, h, ElfFile.open(ko), s).unchecked[0]).toContain("build id");
  });
});
