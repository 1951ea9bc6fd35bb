// The module walkers on a synthetic 6.4+ kernel (struct module with mem[MOD_MEM_NUM_TYPES] of struct
// module_memory instead of core_layout), built in code: BTF for the types, a flat memory image for the data.
// Two modules on the list, a third only in mod_tree. `mod` must say TEXT_BASE and count the core regions.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { modCommand } from "../../../../src/core/commands/modules/mod";
import { formatModList } from "../../../../src/core/commands/modules/mod-format";
import { CommandRegistry } from "../../../../src/core/commands/registry";
import { Btf } from "../../../../src/core/debuginfo/btf";
import { InvalidAddressError } from "../../../../src/core/io/errors";
import { modTreeModules, moduleLayout, moduleList } from "../../../../src/core/kernel/modules/modules";
import type { AddressSpace } from "../../../../src/core/program/address-space";
import { Program } from "../../../../src/core/program/program";
import { BtfBuilder } from "../../../fixtures/btf-builder";
import { SyntheticMemory } from "../../../fixtures/memory-builder";

const BASE = 0xffffffffc0000000n;
const SIZE = 0x10000;
const MODULES = BASE; // struct list_head modules
const MOD_TREE = BASE + 0x40n; // struct mod_tree_root mod_tree
const MOD_A = BASE + 0x1000n;
const MOD_B = BASE + 0x2000n;
const MOD_C = BASE + 0x3000n; // in mod_tree only

// Offsets of the synthetic layout (what the BTF below declares).
const MODULE_LIST = 8;
const MODULE_NAME = 24;
const MODULE_MEM = 80; // struct module_memory mem[7], 72 bytes each
const MEM_STRIDE = 72;
const MEM_MTN = 16; // module_memory.mtn
const MTN_NODE = 8; // mod_tree_node.node (latch_tree_node: rb_node node[2])
const MODULE_TAINTS = MODULE_MEM + 7 * MEM_STRIDE;
const MODULE_SIZE = MODULE_TAINTS + 8;

function buildBtf(): Btf {
  const b = new BtfBuilder();
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const char = b.int("char", 1, { char: true, signed: true });
  const voidPtr = b.ptr(0);
  const listHead = b.reserve();
  const listPtr = b.ptr(listHead);
  b.struct("list_head", 16, [{ name: "next", type: listPtr, bitOffset: 0 }, { name: "prev", type: listPtr, bitOffset: 64 }], { at: listHead });
  const rbNode = b.reserve();
  const rbPtr = b.ptr(rbNode);
  b.struct("rb_node", 24, [{ name: "__rb_parent_color", type: ulong, bitOffset: 0 }, { name: "rb_right", type: rbPtr, bitOffset: 64 }, { name: "rb_left", type: rbPtr, bitOffset: 128 }], { at: rbNode });
  const latchNode = b.struct("latch_tree_node", 48, [{ name: "node", type: b.array(rbNode, 2, uint), bitOffset: 0 }]);
  const module = b.reserve();
  const mtn = b.struct("mod_tree_node", 56, [{ name: "mod", type: b.ptr(module), bitOffset: 0 }, { name: "node", type: latchNode, bitOffset: MTN_NODE * 8 }]);
  const memory = b.struct("module_memory", MEM_STRIDE, [{ name: "base", type: voidPtr, bitOffset: 0 }, { name: "size", type: uint, bitOffset: 64 }, { name: "mtn", type: mtn, bitOffset: MEM_MTN * 8 }]);
  const state = b.enum("module_state", 4, [["MODULE_STATE_LIVE", 0n], ["MODULE_STATE_COMING", 1n], ["MODULE_STATE_GOING", 2n], ["MODULE_STATE_UNFORMED", 3n]]);
  b.enum("mod_mem_type", 4, [["MOD_TEXT", 0n], ["MOD_DATA", 1n], ["MOD_RODATA", 2n], ["MOD_RO_AFTER_INIT", 3n], ["MOD_INIT_TEXT", 4n], ["MOD_INIT_DATA", 5n], ["MOD_INIT_RODATA", 6n], ["MOD_MEM_NUM_TYPES", 7n]]);
  b.struct(
    "module",
    MODULE_SIZE,
    [
      { name: "state", type: state, bitOffset: 0 },
      { name: "list", type: listHead, bitOffset: MODULE_LIST * 8 },
      { name: "name", type: b.array(char, 56, uint), bitOffset: MODULE_NAME * 8 },
      { name: "mem", type: b.array(memory, 7, uint), bitOffset: MODULE_MEM * 8 },
      { name: "taints", type: ulong, bitOffset: MODULE_TAINTS * 8 },
    ],
    { at: module },
  );
  const rbRoot = b.struct("rb_root", 8, [{ name: "rb_node", type: rbPtr, bitOffset: 0 }]);
  const latchRoot = b.struct("latch_tree_root", 24, [{ name: "seq", type: uint, bitOffset: 0 }, { name: "tree", type: b.array(rbRoot, 2, uint), bitOffset: 64 }]);
  b.struct("mod_tree_root", 40, [{ name: "root", type: latchRoot, bitOffset: 0 }, { name: "addr_min", type: ulong, bitOffset: 192 }, { name: "addr_max", type: ulong, bitOffset: 256 }]);
  return new Btf(b.build(), { file: "synthetic.btf" });
}

/** A flat image of kernel memory at BASE. */
class FlatSpace implements AddressSpace {
  readonly bytes = new Uint8Array(SIZE);
  private readonly dv = new DataView(this.bytes.buffer);
  read(vaddr: bigint, length: number): Uint8Array {
    const off = vaddr - BASE;
    if (off < 0n || off + BigInt(length) > BigInt(SIZE)) throw new InvalidAddressError(vaddr, "outside the synthetic image");
    return this.bytes.subarray(Number(off), Number(off) + length);
  }
  u64(addr: bigint, v: bigint): void {
    this.dv.setBigUint64(Number(addr - BASE), v, true);
  }
  u32(addr: bigint, v: number): void {
    this.dv.setUint32(Number(addr - BASE), v, true);
  }
  text(addr: bigint, s: string): void {
    for (let i = 0; i < s.length; i++) this.bytes[Number(addr - BASE) + i] = s.charCodeAt(i);
  }
}

/** The rb_node of `mod`'s MOD_TEXT region in latch tree copy `t`. */
const rb = (mod: bigint, t: number): bigint => mod + BigInt(MODULE_MEM + MEM_MTN + MTN_NODE + 24 * t);

function buildKernel(): { prog: Program; mem: FlatSpace } {
  const mem = new FlatSpace();
  const mods: [bigint, string, bigint, number[]][] = [
    [MOD_A, "alpha", 0xffffffffc1000000n, [0x2000, 0x1000, 0x800, 0, 0x100, 0x80, 0]],
    [MOD_B, "beta_longer_name", 0xffffffffc0f00000n, [0x1000, 0, 0, 0, 0, 0, 0]],
    [MOD_C, "gamma", 0xffffffffc1100000n, [0x3000, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [addr, name, text, sizes] of mods) {
    mem.text(addr + BigInt(MODULE_NAME), name);
    sizes.forEach((size, t) => {
      const region = addr + BigInt(MODULE_MEM + t * MEM_STRIDE);
      mem.u64(region, size ? text + BigInt(t) * 0x10000n : 0n);
      mem.u32(region + 8n, size);
      mem.u64(region + BigInt(MEM_MTN), addr); // mtn.mod
    });
  }
  mem.u64(MOD_A + BigInt(MODULE_TAINTS), 1n << 12n);
  // modules -> alpha -> beta -> modules
  mem.u64(MODULES, MOD_A + BigInt(MODULE_LIST));
  mem.u64(MOD_A + BigInt(MODULE_LIST), MOD_B + BigInt(MODULE_LIST));
  mem.u64(MOD_B + BigInt(MODULE_LIST), MODULES);
  // Both latch copies: alpha at the top, beta on its left, gamma on its right.
  for (const t of [0, 1]) {
    mem.u64(MOD_TREE + 8n + BigInt(8 * t), rb(MOD_A, t));
    mem.u64(rb(MOD_A, t) + 16n, rb(MOD_B, t));
    mem.u64(rb(MOD_A, t) + 8n, rb(MOD_C, t));
  }
  mem.u64(MOD_TREE + 24n, 0xffffffffc0f00000n);
  mem.u64(MOD_TREE + 32n, 0xffffffffc1200000n);
  const symbols = new Map([
    ["modules", MODULES],
    ["mod_tree", MOD_TREE],
  ]);
  const prog = new Program({ dump: new SyntheticMemory(16), types: buildBtf(), symbols: { addressOf: (n) => symbols.get(n) }, kernel: mem, vmcoreinfo: null });
  return { prog, mem };
}

describe("module walkers on a synthetic 6.4+ struct module (mem[])", () => {
  it("resolves the mem[] regions, MOD_TEXT first, init regions not core", () => {
    const l = moduleLayout(buildKernel().prog);
    expect(l.regions.map((r) => [r.name, r.base, r.core])).toEqual([
      ["MOD_TEXT", 80, true],
      ["MOD_DATA", 152, true],
      ["MOD_RODATA", 224, true],
      ["MOD_RO_AFTER_INIT", 296, true],
      ["MOD_INIT_TEXT", 368, false],
      ["MOD_INIT_DATA", 440, false],
      ["MOD_INIT_RODATA", 512, false],
    ]);
    expect(l.kallsyms).toBeUndefined();
  });

  it("lists the modules with the text base and the core regions' total size", () => {
    const { modules, problems } = moduleList(buildKernel().prog);
    expect(problems).toEqual([]);
    expect(modules.map((m) => [m.name, m.base, m.size, m.stateName, m.taints])).toEqual([
      ["alpha", 0xffffffffc1000000n, 0x3800, "MODULE_STATE_LIVE", 1n << 12n],
      ["beta_longer_name", 0xffffffffc0f00000n, 0x1000, "MODULE_STATE_LIVE", 0n],
    ]);
  });

  it("mod: TEXT_BASE header, sorted by base, no [CONFIG_KALLSYMS] without a kallsyms table", () => {
    const { prog } = buildKernel();
    const ctx = { prog, state: { valueHistory: 0 }, commands: new CommandRegistry([modCommand]) } as unknown as CommandContext;
    const out = modCommand.run(ctx, []);
    expect(out.text).toBe(
      [
        "     MODULE       NAME                 TEXT_BASE       SIZE  OBJECT FILE",
        "ffffffffc0002000  beta_longer_name  ffffffffc0f00000   4096  (not loaded)",
        "ffffffffc0001000  alpha             ffffffffc1000000  14336  (not loaded)",
        "",
      ].join("\n"),
    );
    expect(out.data.rows.map((r) => r.kallsyms)).toEqual([false, false]);
    // Without taint_flags[] the tainted module is listed with no letters.
    expect(modCommand.run(ctx, ["-t"]).text).toBe("NAME   TAINTS\nalpha  \n");
    expect(formatModList([], false)).toBe("     MODULE       NAME        BASE        SIZE  OBJECT FILE\n");
  });

  it("mod_tree: the three text regions in address order, in both copies; the unlisted module found", () => {
    const r = modTreeModules(buildKernel().prog);
    expect(r.problems).toEqual([]);
    expect(r.entries.map((e) => [e.module, e.region, e.trees])).toEqual([
      [MOD_B, "MOD_TEXT", 2],
      [MOD_A, "MOD_TEXT", 2],
      [MOD_C, "MOD_TEXT", 2],
    ]);
    expect(r.modules.map((m) => m.name)).toEqual(["beta_longer_name", "alpha", "gamma"]);
    expect([r.addrMin, r.addrMax]).toEqual([0xffffffffc0f00000n, 0xffffffffc1200000n]);
  });

  it("mod_tree: a self-referencing right child is a loop, reported after the good nodes", () => {
    const { prog, mem } = buildKernel();
    mem.u64(rb(MOD_C, 0) + 8n, rb(MOD_C, 0));
    mem.u64(rb(MOD_C, 1) + 8n, rb(MOD_A, 1));
    const r = modTreeModules(prog);
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^module address tree \(mod_tree\) tree\[0\]: walk stopped after 3 steps: loop at ffffffffc0003068$/),
      expect.stringMatching(/^module address tree \(mod_tree\) tree\[1\]: walk stopped after 3 steps: loop at ffffffffc0001080$/),
    ]);
    expect(r.modules.map((m) => m.name)).toEqual(["beta_longer_name", "alpha", "gamma"]);
  });

  it("an empty module list: mod says so", () => {
    const { prog, mem } = buildKernel();
    mem.u64(MODULES, MODULES);
    const ctx = { prog, state: { valueHistory: 0 }, commands: new CommandRegistry([modCommand]) } as unknown as CommandContext;
    expect(modCommand.run(ctx, []).text).toBe("no modules installed\n");
  });
});
