// The SLUB allocator's structures as this kernel has them (include/linux/slub_def.h struct kmem_cache and
// struct kmem_cache_cpu, mm/slab.h struct kmem_cache_node and struct slab), the members crash's
// kmem_cache_init_slub and vm_init resolve. Which allocator the kernel was built with is told by the shape
// of struct kmem_cache: SLUB's has cpu_slab, SLAB's (CONFIG_SLAB, removed in 6.8) has cpu_cache and
// SLOB's (removed in 6.4) has neither.
import { MissingDebugInfo } from "../../io/errors";
import { layout, members, optional, variants } from "../../program/layout";
import type { Program } from "../../program/program";

const SLUB = layout({
  ...members("kmem_cache", {
    cpuSlab: "cpu_slab", // struct kmem_cache_cpu __percpu * (2.6.34+)
    flags: "flags",
    size: "size",
    objectSize: "object_size",
    offset: "offset",
    oo: "oo", // struct kmem_cache_order_objects (2.6.27+): order << 16 | objects
    redLeftPad: optional("red_left_pad"), // 4.6+
    name: "name",
    list: "list",
    random: optional("random"), // CONFIG_SLAB_FREELIST_HARDENED (4.14+)
    node: "node", // struct kmem_cache_node *node[MAX_NUMNODES]
    // CONFIG_MEMCG_KMEM root caches and their children, 4.13 .. 5.8 (slab_root_caches)
    memcgParams: optional("memcg_params"),
  }),
  ...members("kmem_cache_cpu", {
    cpuFreelist: "freelist",
    cpuSlabPtr: variants({ slab: "slab", page: "page" }), // struct slab *slab since 5.17, struct page *page before
    cpuPartial: optional("partial"), // CONFIG_SLUB_CPU_PARTIAL
  }),
  ...members("kmem_cache_node", {
    nodeNrPartial: "nr_partial",
    nodePartial: "partial",
    nodeNrSlabs: optional("nr_slabs"), // CONFIG_SLUB_DEBUG
    nodeTotalObjects: optional("total_objects"), // CONFIG_SLUB_DEBUG
    nodeFull: optional("full"), // CONFIG_SLUB_DEBUG
  }),
  // struct slab overlays struct page since 5.17; before it the same members were struct page's.
  slabCache: variants({ slab: "slab.slab_cache", page: "page.slab_cache" }),
  slabFreelist: variants({ slab: "slab.freelist", page: "page.freelist" }),
  slabInuse: variants({ slab: "slab.inuse", page: "page.inuse" }),
  slabObjects: variants({ slab: "slab.objects", page: "page.objects" }),
  slabList: variants({ slab: "slab.slab_list", page: "page.slab_list", lru: "page.lru" }), // page.slab_list 5.1+
  slabNext: optional(variants({ slab: "slab.next", page: "page.next" })), // the per-CPU partial chain
  compoundHead: "page.compound_head", // 4.6+: the head page | 1
  pageFlags: "page.flags",
});

const MEMCG_PARAMS = layout(
  members("memcg_cache_params", {
    rootCachesNode: "__root_caches_node",
    children: "children",
    childrenNode: "children_node",
  }),
);

export const slubLayout = SLUB.of;
export const slubMembers = SLUB.members;
export const memcgParamsLayout = MEMCG_PARAMS.of;

/** The slab allocator a kernel was built with. */
export type SlabAllocator = "slub" | "slab" | "slob" | "none";

/** Which allocator, from struct kmem_cache's shape (BTF answers; no DWARF is opened for it). */
export function slabAllocator(prog: Program): SlabAllocator {
  const t = prog.findType("struct kmem_cache");
  if (!t) return "none";
  if (prog.memberOffset(t, "cpu_slab") !== undefined) return "slub";
  if (prog.memberOffset(t, "cpu_cache") !== undefined || prog.memberOffset(t, "array") !== undefined) return "slab";
  return "slob";
}

/** Thrown when the kernel's slab allocator is not SLUB: what kdw reads, and why it cannot go on. */
export function requireSlub(prog: Program): void {
  const a = slabAllocator(prog);
  if (a === "slub") return;
  if (a === "slab") throw new MissingDebugInfo("this kernel uses the SLAB allocator (CONFIG_SLAB, before 6.8): kdw reads SLUB caches only");
  if (a === "slob") throw new MissingDebugInfo("this kernel uses the SLOB allocator (CONFIG_SLOB, before 6.4): it keeps no per-cache slabs to show");
  throw new MissingDebugInfo('no type "struct kmem_cache" in the debug information');
}
