// The SLUB walker on the fixture's Program and on the same Program with chosen words rewritten or hidden:
// a looping slab_caches list, an unreadable list head, a freelist that points to itself (hardened
// encoding), a per-CPU partial chain and a node partial list that loop. Every walk must stop with a
// reported reason and keep what it read; kmem -s keeps its other caches.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { kmemCommand } from "../../../../src/core/commands/memory/kmem";
import { cacheOfSlabPage, cpuPartialSlabs, cpuSlab, nodeListSlabs, readSlabCache, slabCacheCounts, slabCacheList, slabOfAddress } from "../../../../src/core/kernel/mm/slab";
import { nextFree, readSlab, slabObjects, walkFreelist } from "../../../../src/core/kernel/mm/slab-objects";
import { slabAllocator, slubLayout } from "../../../../src/core/kernel/mm/slab-layout";
import type { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { patchedProgram } from "../../../fixtures/patched-program";
import { fixtureSession } from "../../../session-fixture";
import { dataOf } from "../../../data-of";

const session = () => fixtureSession()!;
const good = (): Program => session().context.prog;
const map = () => session().context.addressSpace;
function ctxWith(prog: Program): CommandContext {
  return { ...session().context, prog };
}

// From test/golden/kmem-reference/kmem-S.txt.
const KMALLOC_RCL_64 = 0xff16e68301035f00n;
const RCL_CPU3_SLAB = 0xffc5fe1600052680n;
const TASK_STRUCT = 0xff16e683011adb00n;
const TASK_CPU0_PARTIAL = [0xffc5fe16007fa600n, 0xffc5fe1600081e00n];
const ACPI_OPERAND = 0xff16e683011ade00n;
const ACPI_NODE = 0xff16e683011bce80n;
const ACPI_PARTIAL = [0xffc5fe1600bfd3c0n, 0xffc5fe1600837e00n, 0xffc5fe1600bfd300n, 0xffc5fe16007fed00n];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("SLUB walker (fixture)", () => {
  it("sees SLUB on 6.1 and reads a cache's geometry", () => {
    expect(slabAllocator(good())).toBe("slub");
    const c = readSlabCache(good(), KMALLOC_RCL_64);
    expect(c).toMatchObject({ name: "kmalloc-rcl-64", objectSize: 64, size: 64, objects: 64, order: 0 });
    expect(c.random).not.toBe(0n); // CONFIG_SLAB_FREELIST_HARDENED
    expect(slabCacheList(good()).caches).toHaveLength(154);
  });

  it("decodes hardened free pointers: the CPU freelist's objects are in the slab, each once", () => {
    const c = readSlabCache(good(), KMALLOC_RCL_64);
    const cpu = cpuSlab(good(), c, 3);
    expect(cpu.slab).toBe(RCL_CPU3_SLAB);
    const list = walkFreelist(good(), map(), c, cpu.freelist);
    expect(list.problem).toBeUndefined();
    expect(list.count).toBe(43);
    const slab = readSlab(good(), map(), RCL_CPU3_SLAB);
    for (const o of list.objects) expect(o >= slab.memory && o < slab.memory + 4096n && (o - slab.memory) % 64n === 0n).toBe(true);
  });

  it("a free pointer that points to its own object ends the walk as a duplicate, with what came before", () => {
    const c = readSlabCache(good(), KMALLOC_RCL_64);
    const head = cpuSlab(good(), c, 3).freelist;
    const second = nextFree(good(), map(), c, head);
    // Store ptr ^ random ^ swab(ptr_addr) so that `second` decodes to itself.
    const at = second + BigInt(c.offset);
    let swab = 0n;
    for (let i = 0n; i < 8n; i++) swab = (swab << 8n) | ((at >> (i * 8n)) & 0xffn);
    const bad = patchedProgram(good(), new Map([[at, second ^ c.random ^ swab]]));
    const list = walkFreelist(bad, map(), c, head);
    expect(list.objects).toEqual([head, second]);
    expect(list.problem).toBe(`duplicate freelist object: ${second.toString(16)}`);
    // The slab's objects are still listed, every one of them.
    const listed = slabObjects(bad, map(), c, readSlab(bad, map(), RCL_CPU3_SLAB), head);
    expect(listed.objects).toHaveLength(64);
    expect(listed.problem).toContain("duplicate freelist object");
  });

  it("a looping per-CPU partial chain stops at the loop", () => {
    const c = readSlabCache(good(), TASK_STRUCT);
    expect(cpuPartialSlabs(good(), map(), c, TASK_CPU0_PARTIAL[0]!).slabs).toEqual(TASK_CPU0_PARTIAL);
    const next = slubLayout(good()).slabNext!;
    const bad = patchedProgram(good(), new Map([[TASK_CPU0_PARTIAL[1]! + BigInt(next), TASK_CPU0_PARTIAL[0]!]]));
    const chain = cpuPartialSlabs(bad, map(), c, TASK_CPU0_PARTIAL[0]!);
    expect(chain.slabs).toEqual(TASK_CPU0_PARTIAL);
    expect(chain.aborted?.message).toMatch(/loop at ffc5fe16007fa600/);
  });

  it("a node partial list that loops is a duplicate slab entry; kmem -s shows the cache with ? and goes on", () => {
    const c = readSlabCache(good(), ACPI_OPERAND);
    const head = ACPI_NODE + BigInt(slubLayout(good()).nodePartial);
    expect(nodeListSlabs(good(), map(), c, head, "partial").slabs).toEqual(ACPI_PARTIAL);
    const link = BigInt(slubLayout(good()).slabList);
    const bad = patchedProgram(good(), new Map([[ACPI_PARTIAL[1]! + link, ACPI_PARTIAL[0]! + link]]));
    const list = nodeListSlabs(bad, map(), c, head, "partial");
    expect(list.slabs).toEqual(ACPI_PARTIAL.slice(0, 2));
    expect(list.aborted?.message).toMatch(/duplicate slab entry: ffc5fe1600bfd3c0/);
    expect(() => slabCacheCounts(bad, map(), c)).toThrow(/duplicate slab entry/);
    const r = kmemCommand.run(ctxWith(bad), ["-s"]);
    const slabs = dataOf(r.data, "slabs");
    expect(slabs.entries).toHaveLength(154);
    expect(slabs.entries.find((e) => e.cache.name === "Acpi-Operand")!.cache.counts).toBeUndefined();
    expect(r.text).toMatch(/^ff16e683011ade00 +72 +\? +\? +\? +4k {2}Acpi-Operand$/m);
    expect(r.errors?.[0]).toMatch(/^kmem: Acpi-Operand: cannot gather relevant slab data/);
  });

  it("a looping or unreadable slab_caches list ends the cache list with its reason", () => {
    const prog = good();
    const caches = slabCacheList(prog).caches;
    const listOff = BigInt(slubLayout(prog).list);
    // The fifth cache's list.next back to the second's: a loop after five caches.
    const loop = patchedProgram(prog, new Map([[caches[4]! + listOff, caches[1]! + listOff]]));
    const l = slabCacheList(loop);
    expect(l.caches).toEqual(caches.slice(0, 5));
    expect(l.aborted?.message).toMatch(/loop at/);
    const r = kmemCommand.run(ctxWith(loop), ["-s"]);
    expect(dataOf(r.data, "slabs").entries).toHaveLength(5);
    expect(r.errors).toContainEqual(expect.stringMatching(/^kmem: walk of slab_caches stopped|^kmem: .*slab_caches.*loop at/));
    const hidden = patchedProgram(prog, new Map([[prog.symbolAddress("slab_caches"), null]]));
    expect(slabCacheList(hidden)).toMatchObject({ caches: [], aborted: expect.objectContaining({ message: expect.stringMatching(/head/) }) });
  });

  it("an offline CPU is shown as crash's hide_offline_cpu shows it, in -S and -o", () => {
    const prog = good();
    const mask = prog.symbolAddress("__cpu_online_mask");
    const word = prog.readU64(mask);
    expect(word & 0xfn).toBe(0xfn);
    const bad = patchedProgram(prog, new Map([[mask, word & ~4n]]));
    const r = kmemCommand.run(ctxWith(bad), ["-S", "kmalloc-rcl-64"]);
    expect(r.text).toContain("CPU 1 PARTIAL:\n  (empty)\nCPU 2 [OFFLINE]\nCPU 3 KMEM_CACHE_CPU:\n");
    expect(kmemCommand.run(ctxWith(bad), ["-o"]).text).toContain("  CPU 2: ff16e68321f00000 [OFFLINE]\n");
  });

  it("addresses that are not in a slab, or not addresses at all, are no slab and no exception", () => {
    const prog = good();
    for (const a of [0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0xffffffffa141aa40n, 0xffc5fe1600800680n]) {
      expect(slabOfAddress(prog, map(), a)).toBeUndefined();
      expect(cacheOfSlabPage(prog, map(), a)).toBeUndefined();
    }
    expect(slabOfAddress(prog, map(), 0xff16e683011f0100n)).toEqual({ cache: TASK_STRUCT, slab: 0xffc5fe1600047c00n });
    // crash 8.0.6 translates ffffffffffffffff by arithmetic (its vtop shows PMD 0 and a physical address
    // all the same); the page tables map nothing there, and kdw says so.
    const r = kmemCommand.run(session().context, ["-s", "0", "ffffffffffffffff", "8000000000000000"]);
    expect(r.text).toBe("");
    expect(r.errors).toEqual([
      "kmem: address is not allocated in slab subsystem: ff16e68300000000",
      "WARNING: cannot make virtual-to-physical translation: ffffffffffffffff",
      "kmem: address is not allocated in slab subsystem: ffffffffffffffff",
      // Below the direct map, so physical; above high memory: cmd_kmem warns, then vaddr_to_kmem_cache again.
      "WARNING: cannot make virtual-to-physical translation: 8000000000000000",
      "WARNING: cannot make virtual-to-physical translation: 8000000000000000",
      "kmem: address is not allocated in slab subsystem: 8000000000000000",
    ]);
  });
});
