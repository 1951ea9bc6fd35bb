// kmem -r's lists on a 4.13 .. 5.8 kernel built in code: SLUB with CONFIG_MEMCG_KMEM keeps its root caches
// on slab_root_caches (linked at memcg_params.__root_caches_node) and each root's memcg children on
// memcg_params.children (linked at children_node). struct page still holds the slab's members (no struct
// slab before 5.17) and kmem_cache_cpu names its slab `page`.
import { describe, expect, it } from "vitest";
import { Btf } from "../../../../src/core/debuginfo/btf";
import { childCacheList, hasRootCaches, rootCacheList, slabCacheList } from "../../../../src/core/kernel/mm/slab";
import { slubMembers } from "../../../../src/core/kernel/mm/slab-layout";
import { Program } from "../../../../src/core/program/program";
import { BtfBuilder } from "../../../fixtures/btf-builder";
import { SparseSpace } from "../../../fixtures/maple-builder";
import { SyntheticMemory } from "../../../fixtures/memory-builder";

const BASE = 0xffff888000200000n;
const SLAB_CACHES = BASE; // struct list_head
const SLAB_ROOT_CACHES = BASE + 0x10n; // struct list_head
const CACHE = (i: number): bigint => BASE + 0x1000n + BigInt(i) * 0x100n; // struct kmem_cache, 0x100 bytes
const LIST = 0x40n; // kmem_cache.list
const PARAMS = 0x60n; // kmem_cache.memcg_params: __root_caches_node @0, children @16, children_node @32

function types(): Btf {
  const b = new BtfBuilder();
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const char = b.int("char", 1, { char: true, signed: true });
  const voidPtr = b.ptr(0);
  const listHead = b.reserve();
  const listPtr = b.ptr(listHead);
  b.struct("list_head", 16, [{ name: "next", type: listPtr, bitOffset: 0 }, { name: "prev", type: listPtr, bitOffset: 64 }], { at: listHead });
  const page = b.reserve();
  const pagePtr = b.ptr(page);
  const cache = b.reserve();
  b.struct("page", 64, [
    { name: "flags", type: ulong, bitOffset: 0 },
    { name: "slab_list", type: listHead, bitOffset: 64 },
    { name: "next", type: pagePtr, bitOffset: 64 },
    { name: "compound_head", type: ulong, bitOffset: 64 },
    { name: "slab_cache", type: b.ptr(cache), bitOffset: 192 },
    { name: "freelist", type: voidPtr, bitOffset: 256 },
    { name: "inuse", type: uint, bitOffset: 320, bitSize: 16 },
    { name: "objects", type: uint, bitOffset: 336, bitSize: 15 },
    { name: "frozen", type: uint, bitOffset: 351, bitSize: 1 },
  ], { at: page });
  const cpu = b.struct("kmem_cache_cpu", 32, [{ name: "freelist", type: voidPtr, bitOffset: 0 }, { name: "tid", type: ulong, bitOffset: 64 }, { name: "page", type: pagePtr, bitOffset: 128 }, { name: "partial", type: pagePtr, bitOffset: 192 }]);
  const node = b.struct("kmem_cache_node", 64, [{ name: "nr_partial", type: ulong, bitOffset: 64 }, { name: "partial", type: listHead, bitOffset: 128 }, { name: "nr_slabs", type: ulong, bitOffset: 256 }, { name: "total_objects", type: ulong, bitOffset: 320 }, { name: "full", type: listHead, bitOffset: 384 }]);
  const oo = b.struct("kmem_cache_order_objects", 4, [{ name: "x", type: uint, bitOffset: 0 }]);
  const params = b.struct("memcg_cache_params", 48, [{ name: "__root_caches_node", type: listHead, bitOffset: 0 }, { name: "children", type: listHead, bitOffset: 128 }, { name: "children_node", type: listHead, bitOffset: 256 }]);
  b.struct("kmem_cache", 0x100, [
    { name: "cpu_slab", type: b.ptr(cpu), bitOffset: 0 },
    { name: "flags", type: uint, bitOffset: 64 },
    { name: "size", type: uint, bitOffset: 96 },
    { name: "object_size", type: uint, bitOffset: 128 },
    { name: "offset", type: uint, bitOffset: 160 },
    { name: "oo", type: oo, bitOffset: 192 },
    { name: "name", type: b.ptr(char), bitOffset: 0x38 * 8 },
    { name: "list", type: listHead, bitOffset: Number(LIST) * 8 },
    { name: "memcg_params", type: params, bitOffset: Number(PARAMS) * 8 },
    { name: "node", type: b.array(b.ptr(node), 4, uint), bitOffset: 0xa0 * 8 },
  ], { at: cache });
  return new Btf(b.build(), { file: "memcg-slub.btf" });
}

function u64(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
}

/** A circular list through `links` from `head`. */
function chain(mem: SparseSpace, head: bigint, links: bigint[]): void {
  const all = [head, ...links];
  all.forEach((l, i) => mem.write(l, u64(all[(i + 1) % all.length]!)));
}

/** Caches 0 and 1 are roots; 2 and 3 are children of cache 0; all four are on slab_caches. */
function kernel(): Program {
  const mem = new SparseSpace();
  chain(mem, SLAB_CACHES, [0, 1, 2, 3].map((i) => CACHE(i) + LIST));
  chain(mem, SLAB_ROOT_CACHES, [0, 1].map((i) => CACHE(i) + PARAMS));
  chain(mem, CACHE(0) + PARAMS + 16n, [2, 3].map((i) => CACHE(i) + PARAMS + 32n));
  chain(mem, CACHE(1) + PARAMS + 16n, []);
  const symbols = new Map([
    ["slab_caches", SLAB_CACHES],
    ["slab_root_caches", SLAB_ROOT_CACHES],
  ]);
  return new Program({ dump: new SyntheticMemory(16), types: types(), symbols: { addressOf: (n) => symbols.get(n) }, kernel: mem, vmcoreinfo: null });
}

describe("SLUB root caches and their memcg children (4.13 .. 5.8)", () => {
  it("resolves struct page's slab members and kmem_cache_cpu.page", () => {
    const m = slubMembers(kernel());
    expect(m.slabCache.variant).toBe("page");
    expect(m.cpuSlabPtr.path).toBe("kmem_cache_cpu.page");
    expect(m.slabList.path).toBe("page.slab_list");
    expect(m.slabObjects).toMatchObject({ bitSize: 15, offset: 42 });
  });
  it("lists the roots on slab_root_caches and each root's children", () => {
    const prog = kernel();
    expect(hasRootCaches(prog)).toBe(true);
    expect(slabCacheList(prog).caches).toEqual([0, 1, 2, 3].map(CACHE));
    expect(rootCacheList(prog)).toEqual({ caches: [CACHE(0), CACHE(1)], aborted: undefined });
    expect(childCacheList(prog, CACHE(0)).caches).toEqual([CACHE(2), CACHE(3)]);
    expect(childCacheList(prog, CACHE(1)).caches).toEqual([]);
  });
});
