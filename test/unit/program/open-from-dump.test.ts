// The fixture opened with no vmlinux, checked against the vmlinux it was built from: every kallsyms symbol is
// the vmlinux's (after KASLR); every struct the walkers ask for while running crash's reference commands has
// the same layout in the kernel's in-memory BTF as in the vmlinux's DWARF; every global they ask for is in
// the globals' types table, which agrees with DWARF; the tables are found by their shape when VMCOREINFO does
// not name them; modules' types come from their split BTF.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { kallsymsFromVmcoreinfo } from "../../../src/core/debuginfo/kallsyms";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { openDwarf, type DwarfDebugInfo } from "../../../src/core/debuginfo/dwarf/open";
import { symbolTableFromElf } from "../../../src/core/debuginfo/symbols";
import { resolveType, type Type } from "../../../src/core/debuginfo/types";
import { ElfFile } from "../../../src/core/dump/elf";
import { openDump } from "../../../src/core/dump/open";
import { MissingDebugInfo } from "../../../src/core/io/errors";
import { GLOBAL_TYPES } from "../../../src/core/program/global-types";
import { readMemoryBtf } from "../../../src/core/program/memory-debuginfo";
import { moduleBtfs } from "../../../src/core/program/module-btf";
import { openKernelFromDump } from "../../../src/core/program/open-from-dump";
import { Session } from "../../../src/core/session/session";
import { IcedDecoder } from "../../../src/cli/iced-decoder";
import { fixture, haveFixtures, reference } from "../../fixtures";

const dumpSource = () => new NodeFileSource("dump.lzo", fixture("dump.lzo")!);
let dwarfCache: DwarfDebugInfo | undefined;
function vmlinuxDwarf(): DwarfDebugInfo {
  dwarfCache ??= openDwarf(dwarfSectionsFromElf(ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!)))!);
  return dwarfCache;
}

/** A type as C names it, qualifiers and array bounds left out (the globals' table names element types). */
function typeName(t: Type): string {
  switch (t.kind) {
    case "pointer":
      return `${typeName(t.target)} *`;
    case "const":
    case "volatile":
    case "restrict":
    case "atomic":
      return typeName(t.target);
    case "array":
      return typeName(t.element);
    case "struct":
    case "union":
    case "enum":
      return `${t.kind} ${t.name ?? "(anon)"}`;
    case "int":
    case "float":
    case "typedef":
      return t.name;
    default:
      return t.kind;
  }
}

/** A type with typedefs and qualifiers resolved and integers by size and sign: "u64", "struct pglist_data *". */
function canonical(t: Type): string {
  const r = resolveType(t);
  switch (r.kind) {
    case "pointer":
      return `${canonical(r.target)} *`;
    case "array":
      return canonical(r.element);
    case "int":
      return `${r.bool ? "bool" : r.char ? "char" : r.signed ? "s" : "u"}${r.size * 8}`;
    default:
      return typeName(r);
  }
}

/** A struct's layout: size, and each member's name, bit offset, bit size and type name, nested anonymous ones too. */
function layout(t: Type, depth = 0): string {
  const s = resolveType(t);
  if (s.kind !== "struct" && s.kind !== "union") return typeName(t);
  return `${s.kind} ${s.size} {` + s.members.map((m) => `${m.name ?? (depth < 4 ? layout(m.type, depth + 1) : "(anon)")}@${m.bitOffset}${m.bitSize !== undefined ? ":" + m.bitSize : ""} ${typeName(m.type)}`).join("; ") + "}";
}

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo", "reference/commands.resolved.txt"))("the fixture with no vmlinux, against its vmlinux", () => {
  it("every kallsyms symbol is the vmlinux's, at the same address after KASLR; per-CPU symbols are absolute ('A')", () => {
    const k = openKernelFromDump(openDump(dumpSource()));
    const elf = symbolTableFromElf(ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!)), { kaslrOffset: k.kaslrOffset });
    const percpuEnd = k.symbolTable.lookup("__per_cpu_end")!.address;
    const differ: string[] = [];
    let absolute = 0;
    for (let i = 0; i < k.symbolTable.count; i++) {
      const s = k.symbolTable.at(i);
      const twin = elf.lookupAll(s.name).find((e) => e.address === s.address);
      if (!twin) differ.push(`${s.name} ${s.address.toString(16)}: not in the vmlinux at that address`);
      // scripts/kallsyms --absolute-percpu turns per-CPU symbols (linked at 0) into absolute ones.
      else if (s.type === "A" && s.address <= percpuEnd && "dD".includes(twin.type)) absolute++;
      else if (twin.type !== s.type) differ.push(`${s.name}: (${s.type}) in kallsyms, (${twin.type}) in the vmlinux`);
    }
    expect(differ).toEqual([]);
    expect(k.symbolTable.count).toBe(87_182);
    expect(absolute).toBe(358);
    // Names resolve through the hash over kallsyms' bytes (no table built): the same answer as the table's.
    const wrong: string[] = [];
    for (let i = 0; i < k.symbolTable.count; i++) {
      const name = k.symbolTable.at(i).name;
      if (k.program.symbols.addressOf(name) !== k.symbolTable.lookup(name)!.address) wrong.push(name);
    }
    expect(wrong).toEqual([]);
    expect(k.program.symbols.addressOf("no_such_symbol_anywhere")).toBeUndefined();
    expect(k.program.symbolExtent("taint_flags")).toBe(Number(k.symbolTable.nextAddressAbove(k.symbolTable.lookup("taint_flags")!.address)! - k.symbolTable.lookup("taint_flags")!.address));
  });

  it("finds the kallsyms tables by their shape when VMCOREINFO's SYMBOL(kallsyms_*) are ignored", () => {
    const dump = openDump(dumpSource());
    const byVmcoreinfo = openKernelFromDump(dump);
    const bySearch = openKernelFromDump(dump, { searchKallsyms: true });
    const loc = kallsymsFromVmcoreinfo((n) => dump.vmcoreinfo!.symbol(n))!;
    expect(bySearch.sources.symbols).toBe(`kallsyms in memory (found at ${loc.names.toString(16)} by search)`);
    expect(bySearch.symbolTable.count).toBe(byVmcoreinfo.symbolTable.count);
    const a = bySearch.symbolTable;
    const b = byVmcoreinfo.symbolTable;
    let differ = 0;
    for (let i = 0; i < a.count; i++) {
      const x = a.at(i);
      const y = b.at(i);
      if (x.name !== y.name || x.address !== y.address || x.type !== y.type || x.size !== y.size) differ++;
    }
    expect(differ).toBe(0);
  });

  it("every struct the walkers use has the same layout in the in-memory BTF as in DWARF; every global they use is in the table", () => {
    const session = Session.open(dumpSource(), undefined, { decoder: new IcedDecoder() });
    const prog = session.kernel.program;
    const structs = new Set<string>();
    const globals = new Set<string>();
    const findType = prog.findType.bind(prog);
    prog.findType = (name: string) => {
      const t = findType(name);
      if (t && /^(struct|union) /.test(name)) structs.add(name);
      return t;
    };
    const variableType = prog.variableType.bind(prog);
    prog.variableType = (name: string) => {
      globals.add(name);
      return variableType(name);
    };
    const commands = reference("commands.resolved.txt").trim().split("\n").map((l) => l.split("|")[1]!);
    for (const c of commands) session.run(c);
    expect(structs.size).toBeGreaterThan(60);

    const dwarf = vmlinuxDwarf();
    const differ: string[] = [];
    for (const name of structs) {
      const [kind, tag] = name.split(" ") as ["struct" | "union", string];
      const fromDwarf = dwarf.types.findType(tag, kind);
      const fromBtf = session.kernel.btf!.findType(tag, kind);
      if (!fromDwarf || !fromBtf) differ.push(`${name}: ${fromBtf ? "" : "not in BTF "}${fromDwarf ? "" : "not in DWARF"}`);
      else if (layout(fromBtf) !== layout(fromDwarf)) differ.push(`${name}: BTF ${layout(fromBtf).slice(0, 200)} / DWARF ${layout(fromDwarf).slice(0, 200)}`);
    }
    expect(differ).toEqual([]);
    // A global whose type the walkers need must be in the table (BTF has only per-CPU variables).
    const untyped = [...globals].filter((g) => GLOBAL_TYPES[g] === undefined && session.kernel.btf!.findVariable(g) === undefined && prog.hasSymbol(g));
    expect(untyped).toEqual([]);
  });

  it("the globals' types table agrees with DWARF for every entry (the table's names read through the in-memory BTF)", () => {
    const prog = openKernelFromDump(openDump(dumpSource())).program;
    const dwarf = vmlinuxDwarf();
    const differ: string[] = [];
    let compared = 0;
    for (const [name, type] of Object.entries(GLOBAL_TYPES)) {
      const v = dwarf.types.findVariable(name);
      if (!v) continue; // a global this kernel does not have (the table serves several versions)
      compared++;
      const fromTable = prog.findType(type);
      if (!fromTable || canonical(fromTable) !== canonical(v.type)) differ.push(`${name}: table ${type} (${fromTable ? canonical(fromTable) : "not in BTF"}), DWARF ${canonical(v.type)}`);
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(30);
  });

  it("modules' types come from their split BTF, which the kernel keeps on btf_modules", () => {
    const k = openKernelFromDump(openDump(dumpSource()));
    const { modules, problems } = moduleBtfs(k.program, k.btf!);
    expect(problems).toEqual([]);
    expect(modules.map((m) => m.name).sort()).toEqual(["failover", "net_failover", "virtio", "virtio_blk", "virtio_net", "virtio_pci", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_ring"]);
    expect(k.btf!.findType("virtnet_info", "struct")).toBeUndefined();
    const t = resolveType(k.program.type("struct virtnet_info"));
    expect(t.kind === "struct" && t.members.slice(0, 3).map((m) => `${m.name} ${typeName(m.type)}`)).toEqual(["vdev struct virtio_device *", "cvq struct virtqueue *", "dev struct net_device *"]);
  });

  it("without __start_BTF, or with its pages missing, the one line names what is missing and what to give", () => {
    const dump = openDump(dumpSource());
    expect(() => readMemoryBtf(() => new Uint8Array(0), () => undefined)).toThrow(/no BTF \(no __start_BTF\/__stop_BTF: built without CONFIG_DEBUG_INFO_BTF\)/);
    const k = openKernelFromDump(dump);
    const symbol = (n: string) => k.symbolTable.lookup(n)?.address;
    let err: unknown;
    try {
      readMemoryBtf(() => {
        throw new MissingDebugInfo("page excluded");
      }, symbol);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(/^the kernel's BTF at [0-9a-f]+ cannot be read: page excluded$/);
  });

  it("says where symbols, types and ORC came from; sys names no file on its KERNEL line", () => {
    const s = Session.open(dumpSource(), undefined, {});
    expect(s.kernel.sources).toEqual({ symbols: "kallsyms in memory (VMCOREINFO)", types: "BTF in memory (the kernel's, then the modules')", orc: "memory", dwarf: false });
    expect(s.kernel.degraded).toEqual([]);
    expect(s.run("sys").text.split("\n")[0]).toBe("      KERNEL: (no vmlinux: kallsyms and BTF from the dump)  [TAINTED]");
  });
});
