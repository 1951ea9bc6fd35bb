// The other kernel/mm walkers of kmem on the fixture and on the fixture with chosen words rewritten or
// hidden: vmap_area_list, the buddy free lists, the memory blocks, the vm counters; and `kmem ADDRESS` on
// addresses that are nothing. Each walk stops with its reason and keeps what it read.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { kmemCommand } from "../../../../src/core/commands/memory/kmem";
import { swapCommand } from "../../../../src/core/commands/memory/swap";
import { freeAreaShape, zoneFreeLists } from "../../../../src/core/kernel/mm/buddy";
import { memoryNodes } from "../../../../src/core/kernel/mm/nodes";
import { memoryBlocks, memSections } from "../../../../src/core/kernel/mm/sections";
import { swapDevices } from "../../../../src/core/kernel/mm/swap";
import { vmapAreas } from "../../../../src/core/kernel/mm/vmalloc";
import { vmEventStates, vmStatTables } from "../../../../src/core/kernel/mm/vmstat";
import type { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { patchedProgram } from "../../../fixtures/patched-program";
import { fixtureSession } from "../../../session-fixture";
import { dataOf } from "../../../data-of";

const session = () => fixtureSession()!;
const good = (): Program => session().context.prog;
function ctxWith(prog: Program): CommandContext {
  return { ...session().context, prog };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("kernel/mm walkers (fixture)", () => {
  it("vmap_area_list: 155 areas in order; a loop or an unreadable area ends the list with its reason", () => {
    const prog = good();
    const all = vmapAreas(prog);
    expect(all.variant).toBe("list");
    expect(all.areas).toHaveLength(155);
    for (let i = 1; i < all.areas.length; i++) expect(all.areas[i]!.start > all.areas[i - 1]!.start).toBe(true);
    const listOff = BigInt(prog.memberOffset("struct vmap_area", "list")!);
    // The tenth area's list.next back to the third's: a loop (areas without a vm_struct are walked too).
    const loop = patchedProgram(prog, new Map([[all.areas[9]!.address + listOff, all.areas[2]!.address + listOff]]));
    const r = vmapAreas(loop);
    expect(r.aborted?.message).toMatch(/^vmap_area_list: walk stopped .*loop at/);
    expect(r.areas.slice(0, 10)).toEqual(all.areas.slice(0, 10));
    const out = kmemCommand.run(ctxWith(loop), ["-v"]);
    expect(out.errors).toEqual([expect.stringMatching(/^WARNING: invalid\/corrupt vmap_area_list: /)]);
    const hidden = patchedProgram(prog, new Map([[all.areas[5]!.address, null]]));
    const h = vmapAreas(hidden);
    expect(h.areas).toEqual(all.areas.slice(0, 5));
    expect(h.aborted?.message).toMatch(/vmap_area/);
  });

  it("the buddy lists: counts agree with NR_FREE_PAGES; a list that loops is a duplicate entry and -f says found", () => {
    const prog = good();
    const dma32 = memoryNodes(prog)[0]!.zones[1]!;
    const shape = freeAreaShape(prog);
    expect(shape).toMatchObject({ orders: 11, migratetypes: 5 });
    const lists = zoneFreeLists(prog, dma32, { pages: true });
    expect(lists.reduce((n, l) => n + l.blocks * 2 ** l.order, 0)).toBe(115978);
    // Order 2 of migrate type 0 holds 9 blocks: make the fifth point back to the second.
    const l = lists.find((x) => x.order === 2 && x.migratetype === 0)!;
    expect(l.blocks).toBe(9);
    const lru = BigInt(prog.memberOffset("struct page", "lru")!);
    const bad = patchedProgram(prog, new Map([[l.pages![4]! + lru, l.pages![1]! + lru]]));
    const broken = zoneFreeLists(bad, dma32, { pages: true }).find((x) => x.order === 2 && x.migratetype === 0)!;
    expect(broken.pages).toEqual(l.pages!.slice(0, 5));
    expect(broken.aborted?.message).toMatch(/duplicate entry/);
    const out = kmemCommand.run(ctxWith(bad), ["-f"]);
    expect(out.errors).toEqual([expect.stringMatching(/^kmem: corrupted free list 0 from free_area struct: ff16e6832edb17b0/)]);
    expect(out.text).toMatch(/nr_free_pages: 119786 {2}\(found 119770\)\n$/);
  });

  it("sections, memory blocks and vm counters; a looping klist of memory blocks stops", () => {
    const prog = good();
    expect(memSections(prog).map((s) => s.nr)).toEqual([0, 1, 2, 3, 4, 5]);
    const blocks = memoryBlocks(prog);
    expect(blocks.blocks.map((b) => b.name)).toEqual(["memory0", "memory1", "memory2", "memory3", "memory4", "memory5"]);
    const knode = BigInt(prog.memberOffset("struct device_private", "knode_bus")! + prog.memberOffset("struct klist_node", "n_node")!);
    const dp = (i: number): bigint => prog.readU64(blocks.blocks[i]!.address + BigInt(prog.memberOffset("struct memory_block", "dev")!) + BigInt(prog.memberOffset("struct device", "p")!));
    const bad = patchedProgram(prog, new Map([[dp(3) + knode, dp(1) + knode]]));
    const b = memoryBlocks(bad);
    expect(b.blocks.map((x) => x.name)).toEqual(["memory0", "memory1", "memory2", "memory3"]);
    expect(b.aborted?.message).toMatch(/loop at/);
    const tables = vmStatTables(prog);
    expect(tables.map((t) => t.title)).toEqual(["VM_ZONE_STAT", "VM_NODE_STAT"]);
    expect(tables[0]!.counters[0]).toEqual({ name: "NR_FREE_PAGES", value: 119786n });
    expect(vmEventStates(prog)!.find((c) => c.name === "PGFAULT")!.value).toBe(16323n);
  });

  it("swap: the fixture has none; crash's header alone", () => {
    expect(swapDevices(good())).toEqual([]);
    const r = swapCommand.run(session().context, []);
    expect(r.text).toBe("SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n");
  });

  it("kmem ADDRESS on addresses that are nothing: one 'not found' line each, no exception", () => {
    const s = session();
    for (const a of ["ffffffffffffffff", "8000000000000000", "ff00000000000000", "fffffffffffff000"]) {
      const r = s.run(`kmem ${a}`);
      expect(r.text).toMatch(/address not found in mem map\n$/);
      expect(r.errors.every((e) => /^(WARNING: |kmem: )/.test(e))).toBe(true);
    }
    const two = dataOf(s.run("kmem 0 1").data, "search").searches;
    expect(two.map((x) => x.page?.pfn)).toEqual([0, 0]);
  });

  it("option values from a hostile line are refused, not run", () => {
    const s = session();
    expect(s.run("kmem -S=0-99999999 kmem_cache").errors).toEqual(["kmem: invalid cpu specification: 0-99999999"]);
    expect(s.run(`kmem -m ${"lru.".repeat(40)}next 1000`).errors[0]).toMatch(/^kmem: invalid/);
    expect(s.run("kmem -m flags,,mapping 1000").errors).toEqual([]);
    expect(s.run(`kmem -s ${"x".repeat(5000)}`).text).toBe("");
    expect(s.run("kmem -g ffffffffffffffff").text).toMatch(/^FLAGS: ffffffffffffffff\n/);
  });
});
