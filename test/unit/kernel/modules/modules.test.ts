// The module walkers on corrupted memory: the fixture's Program read through an address space that rewrites
// or hides chosen 8-byte words (real types, real layout), so the module list and the mod_tree latch tree
// meet loops, unreadable nodes, forged nodes and absurd counts. Each walk keeps what it read and says where
// it stopped; none throws or hangs.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { modCommand } from "../../../../src/core/commands/modules/mod";
import { CommandRegistry } from "../../../../src/core/commands/registry";
import { MAX_MODULE_SYMBOLS } from "../../../../src/core/kernel/modules/info";
import { rbInorder } from "../../../../src/core/program/rbtree";
import { modTreeModules, moduleKallsyms, moduleLayout, moduleLinksLayout, moduleList, moduleTaintString, walkModuleList, type KernelModule } from "../../../../src/core/kernel/modules/modules";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


function patched(prog: Program, patches: Map<bigint, bigint | null>): Program {
  return patchedProgram(prog, patches);
}

function context(prog: Program): CommandContext {
  return { ...fixtureSession()!.context, prog, state: { valueHistory: 0 }, commands: new CommandRegistry([modCommand]) };
}

const UNMAPPED = 0xdead000000000100n; // a non-canonical pointer: LIST_POISON1-like

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("module walkers on corrupted memory", () => {
  const good = () => fixtureSession()!.kernel.program;
  const listed = (): readonly KernelModule[] => moduleList(good()).modules;
  const listOff = () => BigInt(moduleLayout(good()).list);

  it("the good dump: nine listed modules, ten in mod_tree, no problems", () => {
    expect(listed()).toHaveLength(9);
    expect(moduleList(good()).problems).toEqual([]);
    expect(modTreeModules(good()).modules).toHaveLength(10);
  });

  it("version strings are read where they point when first asked for; an unreadable one is absent, the module kept", () => {
    const m = listed().find((x) => x.srcversion !== undefined)!;
    expect(m.srcversion).toMatch(/^[0-9A-F]{20,}$/);
    const l = moduleLayout(good());
    const srcAt = good().readU64(m.address + BigInt((l as unknown as { srcversion: number }).srcversion));
    // The pointer is read with the struct, the string only when asked for: hidden after the walk, it is absent
    // (read at the walk, it would be there), and the answer is kept.
    const patches = new Map<bigint, bigint | null>();
    const again = walkModuleList(patched(good(), patches)).modules.find((x) => x.address === m.address)!;
    patches.set(srcAt & ~7n, null);
    expect(again.name).toBe(m.name);
    expect(again.srcversion).toBeUndefined();
    patches.clear();
    expect(again.srcversion).toBeUndefined();
    expect(walkModuleList(patched(good(), patches)).modules.find((x) => x.address === m.address)!.srcversion).toBe(m.srcversion);
  });

  it("a loop in the module list stops there and keeps every module before it", () => {
    const mods = listed();
    const bad = patched(good(), new Map([[mods[5]!.address + listOff(), mods[1]!.address + listOff()]]));
    const r = walkModuleList(bad);
    expect(r.modules.map((m) => m.name)).toEqual(mods.slice(0, 6).map((m) => m.name));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/^module list \(modules\): walk stopped after 6 steps: loop at /);
  });

  it("a wild next pointer ends the walk with the modules before it", () => {
    const mods = listed();
    const bad = patched(good(), new Map([[mods[2]!.address + listOff(), UNMAPPED]]));
    const r = walkModuleList(bad);
    expect(r.modules).toHaveLength(3);
    expect(r.problems[0]!.message).toMatch(/^module list \(modules\): walk stopped after 3 steps: node dead000000000100: /);
  });

  it("a step budget bounds the walk", () => {
    const r = walkModuleList(good(), { budget: 4 });
    expect(r.modules).toHaveLength(4);
    expect(r.problems[0]!.message).toContain("step budget of 4 exhausted");
  });

  it("an unreadable struct module is reported and the walk goes on", () => {
    const mods = listed();
    const l = moduleLayout(good());
    const bad = patched(good(), new Map([[mods[4]!.address + BigInt(l.name), null]]));
    const r = walkModuleList(bad);
    expect(r.modules.map((m) => m.address)).toEqual(mods.filter((_, i) => i !== 4).map((m) => m.address));
    expect(r.problems.map((p) => p.what)).toEqual([`module ${mods[4]!.address.toString(16)}`]);
  });

  it("mod prints the rows it has and the walk's problem as an error line", () => {
    const mods = listed();
    const bad = patched(good(), new Map([[mods[2]!.address + listOff(), UNMAPPED]]));
    const out = modCommand.run(context(bad), []);
    const data = out.data;
    expect(data.rows.map((r) => r.name).sort()).toEqual(mods.slice(0, 3).map((m) => m.name).sort());
    expect(out.text.split("\n")).toHaveLength(1 + 3 + 1);
    expect(out.errors).toHaveLength(1);
    expect(out.errors![0]).toMatch(/^mod: module list \(modules\): walk stopped after 3 steps/);
  });

  it("mod_tree: a loop in tree[0] is reported, and tree[1] still finds every module", () => {
    const prog = good();
    const l = { ...moduleLayout(prog), ...moduleLinksLayout(prog) };
    const hidden = modTreeModules(prog).modules.find((m) => !listed().some((x) => x.address === m.address))!;
    // The hidden module's core node in tree[0]: point its rb_left back at itself.
    const rb0 = hidden.address + BigInt(l.regions[0]!.mtn! + l.mtnNode);
    const bad = patched(prog, new Map([[rb0 + BigInt(l.rbLeft), rb0]]));
    const r = modTreeModules(bad);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/^module address tree \(mod_tree\) tree\[0\]: walk stopped after \d+ steps: loop at /);
    expect(r.modules.map((m) => m.address).sort()).toEqual(modTreeModules(prog).modules.map((m) => m.address).sort());
    expect(r.entries.some((e) => e.trees === 1)).toBe(true);
  });

  it("mod_tree: unreadable roots give two problems and no entries, without throwing", () => {
    const prog = good();
    const root = prog.symbolAddress("mod_tree");
    const treeOff = BigInt(prog.memberOffset("struct mod_tree_root", "root.tree")!);
    const bad = patched(prog, new Map([[root + treeOff, null], [root + treeOff + 8n, null]]));
    const r = modTreeModules(bad);
    expect(r.entries).toEqual([]);
    expect(r.problems.map((p) => p.what)).toEqual(["module address tree (mod_tree) tree[0]", "module address tree (mod_tree) tree[1]"]);
  });

  it("mod_tree: a node whose mod pointer does not own it is kept as an entry with no region, not read as a module", () => {
    const prog = good();
    const l = { ...moduleLayout(prog), ...moduleLinksLayout(prog) };
    const victim = listed()[0]!;
    const mtn = victim.address + BigInt(l.regions[0]!.mtn!);
    const bad = patched(prog, new Map([[mtn + BigInt(l.mtnMod), listed()[1]!.address]]));
    const r = modTreeModules(bad);
    const forged = r.entries.find((e) => e.node === mtn)!;
    expect(forged.region).toBeUndefined();
    expect(forged.module).toBe(listed()[1]!.address);
    expect(r.modules.some((m) => m.address === victim.address)).toBe(false);
  });

  it("rbInorder: in order, bounded, and an unreadable child is a WalkAborted", () => {
    const prog = good();
    const l = { ...moduleLayout(prog), ...moduleLinksLayout(prog) };
    const top = prog.readU64(prog.symbolAddress("mod_tree") + BigInt(prog.memberOffset("struct mod_tree_root", "root.tree")!));
    const nodes = [...rbInorder(prog, top, { leftOff: l.rbLeft, rightOff: l.rbRight, budget: 100, what: "t" })];
    const bases = nodes.map((rb) => prog.readU64(rb - BigInt(l.mtnNode) - BigInt(l.regions[0]!.mtn!) + BigInt(l.regions[0]!.base)));
    expect(bases).toEqual([...bases].sort((a, b) => (a < b ? -1 : 1)));
    expect(() => [...rbInorder(prog, top, { leftOff: l.rbLeft, rightOff: l.rbRight, budget: 3, what: "t" })]).toThrow(/step budget of 3 exhausted/);
    const bad = patched(prog, new Map([[top + BigInt(l.rbLeft), UNMAPPED]]));
    expect(() => [...rbInorder(bad, top, { leftOff: l.rbLeft, rightOff: l.rbRight, budget: 100, what: "t" })]).toThrow(/^t: walk stopped after \d+ steps: node dead000000000100/);
  });

  it("kallsyms: an absurd num_symtab is capped and reported; an unreadable symtab is a problem, not a throw", () => {
    const prog = good();
    const l = { ...moduleLayout(prog), ...moduleLinksLayout(prog) };
    const m = listed()[0]!;
    const huge = patched(prog, new Map([[m.kallsyms + BigInt(l.kallsymsNumSymtab!), 0xfffffffen]]));
    const r = moduleKallsyms(huge, m);
    expect(r.problems[0]!.message).toContain(`is more than ${MAX_MODULE_SYMBOLS}`);
    const symtab = prog.readU64(m.kallsyms + BigInt(l.kallsymsSymtab!));
    const gone = patched(prog, new Map([[symtab + 24n, null]]));
    const g = moduleKallsyms(gone, m);
    expect(g.symbols).toEqual([]);
    expect(g.problems).toHaveLength(1);
    expect(moduleKallsyms(prog, m).symbols.length).toBeGreaterThan(100);
  });

  it("taint letters follow taint_flags[]: module flags only, in bit order", () => {
    const prog = good();
    expect(moduleTaintString(prog, 0n)).toBe("");
    expect(moduleTaintString(prog, (1n << 12n) | (1n << 13n))).toBe("OE"); // TAINT_OOT_MODULE, TAINT_UNSIGNED_MODULE
    expect(moduleTaintString(prog, 1n)).toBe("P"); // TAINT_PROPRIETARY_MODULE
    expect(moduleTaintString(prog, 1n << 7n)).toBe(""); // TAINT_DIE does not apply to modules
    expect(moduleTaintString(prog, 1n << 63n)).toBe("");
  });
});
