// The kernel/mm walkers on kernels other than the fixture's, built in code (BTF for the types, sparse
// memory for the data): vmalloc's areas kept in vmap_nodes (6.9+) instead of vmap_area_list, and kernels
// whose slab allocator is SLAB (before 6.8) or SLOB (before 6.4), which kdw names instead of misreading.
import { describe, expect, it } from "vitest";
import { Btf } from "../../../../src/core/debuginfo/btf";
import { MissingDebugInfo } from "../../../../src/core/io/errors";
import { slabCacheList } from "../../../../src/core/kernel/mm/slab";
import { requireSlub, slabAllocator } from "../../../../src/core/kernel/mm/slab-layout";
import { MAX_VMAP_AREAS, vmapAreas, vmapVariant } from "../../../../src/core/kernel/mm/vmalloc";
import { Program } from "../../../../src/core/program/program";
import { BtfBuilder } from "../../../fixtures/btf-builder";
import { SparseSpace } from "../../../fixtures/maple-builder";
import { SyntheticMemory } from "../../../fixtures/memory-builder";

const BASE = 0xffff888000100000n;
const VMAP_NODES_PTR = BASE; // struct vmap_node *vmap_nodes
const NR_VMAP_NODES = BASE + 8n; // unsigned int nr_vmap_nodes
const NODES = BASE + 0x1000n; // struct vmap_node[2], 64 bytes each
const AREAS = BASE + 0x2000n; // struct vmap_area[], 64 bytes each
const VMS = BASE + 0x3000n; // struct vm_struct[], 64 bytes each
const NODE_SIZE = 64n;
const NODE_BUSY_HEAD = 16n; // vmap_node.busy (rb_list @0: rb_root @0, spinlock @8, list_head head @16)
const AREA_LIST = 40n; // vmap_area.list

/** Types of a 6.9+ kernel's vmalloc: struct vmap_area, vm_struct, rb_list and vmap_node. */
function vmapTypes(): Btf {
  const b = new BtfBuilder();
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const voidPtr = b.ptr(0);
  const listHead = b.reserve();
  const listPtr = b.ptr(listHead);
  b.struct("list_head", 16, [{ name: "next", type: listPtr, bitOffset: 0 }, { name: "prev", type: listPtr, bitOffset: 64 }], { at: listHead });
  const rbNode = b.struct("rb_node", 24, [{ name: "__rb_parent_color", type: ulong, bitOffset: 0 }]);
  const rbRoot = b.struct("rb_root", 8, [{ name: "rb_node", type: b.ptr(rbNode), bitOffset: 0 }]);
  const vm = b.reserve();
  b.struct("vm_struct", 64, [
    { name: "next", type: b.ptr(vm), bitOffset: 0 },
    { name: "addr", type: voidPtr, bitOffset: 64 },
    { name: "size", type: ulong, bitOffset: 128 },
    { name: "flags", type: ulong, bitOffset: 192 },
    { name: "nr_pages", type: uint, bitOffset: 352 },
    { name: "phys_addr", type: ulong, bitOffset: 384 },
    { name: "caller", type: voidPtr, bitOffset: 448 },
  ], { at: vm });
  const anon = b.struct(undefined, 8, [{ name: "subtree_max_size", type: ulong, bitOffset: 0 }, { name: "vm", type: b.ptr(vm), bitOffset: 0 }], { union: true });
  b.struct("vmap_area", 64, [
    { name: "va_start", type: ulong, bitOffset: 0 },
    { name: "va_end", type: ulong, bitOffset: 64 },
    { name: "rb_node", type: rbNode, bitOffset: 128 },
    { name: "list", type: listHead, bitOffset: Number(AREA_LIST) * 8 },
    { type: anon, bitOffset: 56 * 8 },
  ]);
  const rbList = b.struct("rb_list", 32, [{ name: "root", type: rbRoot, bitOffset: 0 }, { name: "lock", type: uint, bitOffset: 64 }, { name: "head", type: listHead, bitOffset: 128 }]);
  b.struct("vmap_node", Number(NODE_SIZE), [{ name: "busy", type: rbList, bitOffset: 0 }]);
  return new Btf(b.build(), { file: "vmap-nodes.btf" });
}

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

/** Two nodes: node 0 holds areas 2 and 0, node 1 holds area 1 and a lazily freed area (vm NULL). */
function vmapNodesKernel(): { prog: Program; mem: SparseSpace } {
  const mem = new SparseSpace();
  mem.write(VMAP_NODES_PTR, u64(NODES));
  mem.write(NR_VMAP_NODES, u64(2n));
  const area = (i: number): bigint => AREAS + BigInt(i) * 64n;
  const starts = [0xffffc90000000000n, 0xffffc90000010000n, 0xffffc90000020000n, 0xffffc90000030000n];
  starts.forEach((start, i) => {
    mem.write(area(i), u64(start));
    mem.write(area(i) + 8n, u64(start + 0x5000n));
    mem.write(area(i) + 56n, u64(i === 3 ? 0n : VMS + BigInt(i) * 64n));
    mem.write(VMS + BigInt(i) * 64n + 24n, u64(0x22n)); // VM_ALLOC | VM_UNINITIALIZED
    mem.write(VMS + BigInt(i) * 64n + 56n, u64(0xffffffff81234567n));
  });
  // A circular list through `list`, from a head at node + 16.
  const chain = (head: bigint, members: number[]): void => {
    const links = [head, ...members.map((i) => area(i) + AREA_LIST)];
    links.forEach((l, k) => mem.write(l, u64(links[(k + 1) % links.length]!)));
  };
  chain(NODES + NODE_BUSY_HEAD, [2, 0]);
  chain(NODES + NODE_SIZE + NODE_BUSY_HEAD, [1, 3]);
  const symbols = new Map([
    ["vmap_nodes", VMAP_NODES_PTR],
    ["nr_vmap_nodes", NR_VMAP_NODES],
  ]);
  const prog = new Program({ dump: new SyntheticMemory(16), types: vmapTypes(), symbols: { addressOf: (n) => symbols.get(n) }, kernel: mem, vmcoreinfo: null });
  return { prog, mem };
}

describe("vmalloc areas kept in vmap_nodes (6.9+)", () => {
  it("gathers every node's busy list, skips areas without a vm_struct and sorts by address", () => {
    const { prog } = vmapNodesKernel();
    expect(vmapVariant(prog)).toBe("nodes");
    const r = vmapAreas(prog);
    expect(r.aborted).toBeUndefined();
    expect(r.areas.map((a) => a.start)).toEqual([0xffffc90000000000n, 0xffffc90000010000n, 0xffffc90000020000n]);
    expect(r.areas[1]).toMatchObject({ address: AREAS + 64n, vm: VMS + 64n, size: 0x5000n, vmFlags: 0x22n, caller: 0xffffffff81234567n });
  });
  it("a node list that loops ends that node's walk with what it found; the other nodes are still read", () => {
    const { prog, mem } = vmapNodesKernel();
    // Area 0's list.next back to area 2's: node 0 loops.
    mem.write(AREAS + AREA_LIST, u64(AREAS + 2n * 64n + AREA_LIST));
    const r = vmapAreas(prog);
    expect(r.aborted?.message).toMatch(/vmap_nodes\[0\]\.busy.*loop at/);
    expect(r.areas.map((a) => a.address)).toEqual([AREAS, AREAS + 64n, AREAS + 2n * 64n]);
  });
  it("a hostile nr_vmap_nodes is bounded: the walk stops at the first node that holds no list", () => {
    const { prog, mem } = vmapNodesKernel();
    mem.write(NR_VMAP_NODES, u64(0xffffffffn));
    const r = vmapAreas(prog);
    expect(r.aborted?.message).toMatch(/^vmap_nodes\[2\]\.busy: walk stopped .*NULL next pointer/);
    expect(r.areas).toHaveLength(3);
    expect(MAX_VMAP_AREAS).toBeGreaterThan(0);
  });
  it("a kernel with neither list says so", () => {
    const prog = new Program({ dump: new SyntheticMemory(16), types: vmapTypes(), symbols: { addressOf: () => undefined }, kernel: new SparseSpace(), vmcoreinfo: null });
    expect(() => vmapVariant(prog)).toThrow(MissingDebugInfo);
    expect(() => vmapVariant(prog)).toThrow(/no vmap_area_list or vmap_nodes/);
  });
});

/** A struct kmem_cache of SLAB (cpu_cache), SLOB (neither) or SLUB (cpu_slab). */
function kmemCacheKernel(kind: "slab" | "slob" | "slub" | "none"): Program {
  const b = new BtfBuilder();
  const uint = b.int("unsigned int", 4);
  const voidPtr = b.ptr(0);
  const first = kind === "slab" ? "cpu_cache" : kind === "slub" ? "cpu_slab" : "size";
  if (kind !== "none") b.struct("kmem_cache", 16, [{ name: first, type: kind === "slob" ? uint : voidPtr, bitOffset: 0 }, { name: "object_size", type: uint, bitOffset: 64 }]);
  b.int("int", 4, { signed: true });
  const symbols = new Map([["slab_caches", BASE]]);
  return new Program({ dump: new SyntheticMemory(16), types: new Btf(b.build(), { file: `${kind}.btf` }), symbols: { addressOf: (n) => symbols.get(n) }, kernel: new SparseSpace(), vmcoreinfo: null });
}

describe("slab allocators other than SLUB", () => {
  it("names SLAB and SLOB from struct kmem_cache's shape, and refuses to read them as SLUB", () => {
    expect(slabAllocator(kmemCacheKernel("slub"))).toBe("slub");
    expect(slabAllocator(kmemCacheKernel("slab"))).toBe("slab");
    expect(slabAllocator(kmemCacheKernel("slob"))).toBe("slob");
    expect(slabAllocator(kmemCacheKernel("none"))).toBe("none");
    expect(() => slabCacheList(kmemCacheKernel("slab"))).toThrow(/SLAB allocator \(CONFIG_SLAB, before 6\.8\): kdw reads SLUB caches only/);
    expect(() => requireSlub(kmemCacheKernel("slob"))).toThrow(/SLOB allocator/);
    expect(() => requireSlub(kmemCacheKernel("none"))).toThrow(MissingDebugInfo);
  });
});
