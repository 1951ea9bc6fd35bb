// `tree` against crash 8.0.6 on the fixture (cmds-reference/tree-*.txt), value by value: the vmap_area
// rbtree (pre-order, -l, -p, -N, -s, -S -x), the PID IDR and irq_desc_tree XArrays, the miner's maple tree of
// VMAs (-p, -s, -S, whole structs, -N); where crash 8.0.6 fails on 6.1 (`-t radix`), the answer is checked
// against its own XArray walk of the same tree. Then trees damaged in an overlay of the real kernel: a loop,
// a wild child pointer.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { overlayProgram } from "../fixtures/overlay-program";
import { fixtureSession } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import { treeCommand } from "../../src/core/commands/code/tree";

const SAME = [
  "tree-vmap",
  "tree-vmap-default",
  "tree-vmap-l",
  "tree-vmap-p",
  "tree-vmap-lp",
  "tree-vmap-s",
  "tree-vmap-S-x",
  "tree-vmap-N",
  "tree-rb-N-p",
  "tree-pid",
  "tree-pid-p",
  "tree-pid-d",
  "tree-pid-numbers",
  "tree-irq-N",
  "tree-irq-xarray",
  "tree-irq-xarray-p",
  "tree-irq-xarray-s",
  "tree-irq-xarray-S",
  "tree-irq-xarray-d",
  "tree-maple",
  "tree-maple-p",
  "tree-maple-s",
  "tree-maple-S",
  "tree-maple-struct",
  "tree-maple-N",
  "tree-maple-N-p",
];

const ERRORS = ["tree-pid-s", "tree-maple-l", "tree-xarray-o", "tree-r-N", "tree-badstart", "tree-badtype", "tree-nostart", "tree-two-types"];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("tree (golden)", () => {
  for (const name of SAME) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} equals crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(cmdsRef(name));
    });
  }

  for (const name of ERRORS) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} fails as crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.text).toBe("");
      expect(r.errors.join("\n") + "\n").toBe(cmdsRef(name));
    });
  }

  it("walks -t radix as the XArray it is since 4.20, where crash 8.0.6 says radix trees do not exist", () => {
    // crash looks for struct radix_tree_root, which 4.20 made a #define of struct xarray, so DWARF has none
    // (cmds-reference/tree-irq.txt). irq_desc_tree is declared with RADIX_TREE(): the answer is its XArray's
    // entries, which crash's own `tree -t xarray` lists (tree-irq-xarray*.txt).
    const s = fixtureSession()!;
    expect(cmdsRef("tree-irq")).toBe("tree: radix trees do not exist or have changed their format\n");
    expect(s.run("tree -t radix irq_desc_tree").text).toBe(cmdsRef("tree-irq-xarray"));
    expect(s.run("tree -t radix -p irq_desc_tree").text).toBe(cmdsRef("tree-irq-xarray-p"));
    expect(s.run("tree -t ra -s irq_desc.irq_data.irq,depth irq_desc_tree").text).toBe(cmdsRef("tree-irq-xarray-s"));
  });

  it("names an unreadable root, checks -s structs before walking, and answers a bad option with the usage", () => {
    const s = fixtureSession()!;
    // crash reads these through its direct-map arithmetic and says "seek error"; kdw walks the page tables.
    for (const [name, what] of [
      ["tree-unmapped", "xarray ffff888000000000: invalid address ffff888000000008"],
      ["tree-rb-unmapped", "rb_root ffffc90100000000: invalid address ffffc90100000000"],
    ] as const) {
      const r = s.run(cmdsRefCommand(name));
      expect(cmdsRef(name)).toMatch(/^tree: seek error: kernel virtual address: /);
      expect(r.text).toBe("");
      expect(r.errors).toEqual([expect.stringContaining(`tree: ${what}: `)]);
    }
    // crash prints the first entry, then fails on the structure; kdw checks it before walking.
    const bad = s.run(cmdsRefCommand("tree-rb-struct-bad"));
    expect(bad.errors).toEqual([cmdsRef("tree-rb-struct-bad").split("\n")[1]]);
    expect(s.run("tree -q vmap_area_root").errors.join("\n") + "\n").toBe("tree: invalid option -- 'q'\n" + cmdsRef("tree-badopt"));
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("tree on trees damaged in an overlay of the fixture's kernel", () => {
  const run = (patch: (prog: ReturnType<typeof overlayProgram>) => void, args: string[]) => {
    const base = fixtureSession()!.context;
    const o = overlayProgram(base.prog);
    patch(o);
    return treeCommand.run({ ...base, prog: o.prog, state: { valueHistory: 0 } }, args);
  };
  const vmap = cmdsRef("tree-vmap").trimEnd().split("\n");

  it("stops an rbtree whose child points back at the root, keeping the entries before", () => {
    // The root is vmap_area_root's rb_node; make its leftmost leaf's rb_left point back at it.
    const s = fixtureSession()!;
    const lp = s.run("tree -t rb -l -p -o vmap_area.rb_node vmap_area_root").data!;
    const leftmost = lp.entries[0]!.address + BigInt(s.context.prog.memberOffset("struct vmap_area", "rb_node")!);
    const root = s.context.prog.readU64(s.context.prog.symbolAddress("vmap_area_root"));
    const r = run(({ space }) => space.patch(leftmost + 16n, root), ["-o", "vmap_area.rb_node", "vmap_area_root"]);
    const depth = lp.entries[0]!.position!.split("/").length; // the leftmost leaf is the depth-th entry of the pre-order walk
    expect(r.data.entries.map((e) => e.address.toString(16))).toEqual(vmap.slice(0, depth));
    expect(r.errors).toEqual([`tree: rbtree: walk stopped after ${depth} steps: duplicate tree entry: ${root.toString(16)}`]);
  });

  it("skips a subtree behind a wild child pointer, as crash does, and names it", () => {
    const s = fixtureSession()!;
    const root = s.context.prog.readU64(s.context.prog.symbolAddress("vmap_area_root"));
    const right = s.context.prog.readU64(root + 8n);
    const r = run(({ space }) => space.patch(root + 8n, 0xdead000000000100n), ["-o", "vmap_area.rb_node", "vmap_area_root"]);
    const full = s.run("tree -p -o vmap_area.rb_node vmap_area_root").data!.entries;
    expect(r.data.entries.map((e) => e.address)).toEqual(full.filter((e) => !e.position!.startsWith("root/r")).map((e) => e.address));
    expect(r.errors).toEqual([`tree: rb_node: ${root.toString(16)}: corrupted rb_right pointer: dead000000000100`]);
    expect(right).not.toBe(0n);
  });

  it("stops an XArray whose (leaf) node points at itself, keeping the entries before", () => {
    const s = fixtureSession()!;
    const head = s.context.prog.readU64(s.context.prog.symbolAddress("irq_desc_tree") + 8n);
    const slots = BigInt(s.context.prog.memberOffset("struct xa_node", "slots")!);
    const r = run(({ space }) => space.patch((head & ~3n) + slots + 63n * 8n, head), ["-t", "xarray", "irq_desc_tree"]);
    expect(r.text).toBe(cmdsRef("tree-irq-xarray"));
    // irq_desc_tree's root is a leaf (fewer than 64 IRQs): a node pointer in it is refused before any loop.
    expect(r.errors).toEqual([`tree: xarray: walk stopped after ${r.data.entries.length + 1} steps: leaf node slot 63: a node pointer ${head.toString(16)}`]);
  });
});
