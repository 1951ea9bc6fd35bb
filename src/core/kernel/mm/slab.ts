// SLUB's caches (mm/slub.c, include/linux/slub_def.h): the slab_caches list, each kmem_cache's geometry,
// its per-CPU slabs (kmem_cache_cpu: the active slab, its lockless freelist, the per-CPU partial chain) and
// its per-node lists (kmem_cache_node: partial, and full under CONFIG_SLUB_DEBUG), and the object counts
// as crash 8.0.6 computes them (memory.c get_kmem_cache_slub_data, which emulates the sysfs
// slab_objects()). Every walk is bounded; a broken list ends with a WalkAborted the caller reports.
import { KdwError, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { perProgram, type Program } from "../../program/program";
import { latin1 } from "../modules/read";
import { cpuCount } from "../tasks/sched";
import { memoryNodes } from "./nodes";
import { compoundHead, pageIsSlab, readSlab, slabPfn, walkFreelist, type SlabMap } from "./slab-objects";
import { pfnToPage } from "./mm";
import { memcgParamsLayout, requireSlub, slubLayout, slubMembers } from "./slab-layout";

/** Bound on the caches on slab_caches (a kernel has a few hundred). */
export const MAX_CACHES = 1 << 16;
/** Bound on the slabs of one list (a partial list, a full list, a per-CPU partial chain). */
export const MAX_LIST_SLABS = 1 << 20;
/** Longest cache name read (crash reads up to BUFSIZE-1). */
const MAX_CACHE_NAME = 256;

/** One kmem_cache, as crash's dump_kmem_cache_slub reads it. */
export interface SlabCache {
  address: bigint;
  /** kmem_cache.name, "(unknown)" when it cannot be read (as crash says). */
  name: string;
  /** object_size: what the caller asked for (crash's OBJSIZE). */
  objectSize: number;
  /** size: the stride of objects in a slab, metadata included. */
  size: number;
  /** offset: where in a free object the next free pointer is. */
  offset: number;
  /** oo: objects per slab and the slab's page order. */
  objects: number;
  order: number;
  flags: bigint;
  /** red_left_pad (left red zone, SLAB_RED_ZONE). */
  redLeftPad: number;
  /** random (CONFIG_SLAB_FREELIST_HARDENED), 0 without it. */
  random: bigint;
  /** kmem_cache.cpu_slab: the per-CPU offset of its struct kmem_cache_cpu. */
  cpuSlab: bigint;
  /** kmem_cache.node[] of each online node, in memoryNodes() order (0 where NULL). */
  nodes: bigint[];
}

/** include/linux/slab.h: flags that change how a slab's objects are laid out or tracked. */
export const SLAB_RED_ZONE = 0x400n;
export const SLAB_STORE_USER = 0x10000n;

function readName(prog: Program, ptr: bigint): string {
  if (ptr === 0n) return "(unknown)";
  try {
    return latin1(prog.readCString(ptr, MAX_CACHE_NAME));
  } catch (err) {
    if (err instanceof KdwError) return "(unknown)";
    throw err;
  }
}

/** Reads one kmem_cache. Throws the address space's typed errors when it cannot be read. */
export function readSlabCache(prog: Program, address: bigint): SlabCache {
  const l = slubLayout(prog);
  const nodes = memoryNodes(prog);
  const maxId = nodes.reduce((m, n) => Math.max(m, n.id), 0);
  const nodeCount = slubMembers(prog).node.count ?? 1;
  const end = Math.max(l.name, l.list, l.offset, l.oo, l.flags, l.cpuSlab, l.random ?? 0, l.redLeftPad ?? 0) + 8;
  const head = dataView(prog.read(address, end));
  const u32 = (off: number): number => head.getUint32(off, true);
  const u64 = (off: number): bigint => head.getBigUint64(off, true);
  const oo = u32(l.oo);
  const nodeArray = maxId < nodeCount ? dataView(prog.read(address + BigInt(l.node), (maxId + 1) * 8)) : undefined;
  return {
    address,
    name: readName(prog, u64(l.name)),
    objectSize: u32(l.objectSize),
    size: u32(l.size),
    offset: u32(l.offset),
    objects: oo & 0xffff,
    order: oo >>> 16,
    flags: u64(l.flags),
    redLeftPad: l.redLeftPad === undefined ? 0 : u32(l.redLeftPad),
    random: l.random === undefined ? 0n : u64(l.random),
    cpuSlab: u64(l.cpuSlab),
    nodes: nodes.map((n) => (nodeArray && n.id >= 0 && n.id <= maxId ? nodeArray.getBigUint64(n.id * 8, true) : 0n)),
  };
}

/** The caches on a list_head whose entries are linked at byte `linkOff` of struct kmem_cache. */
function cacheList(prog: Program, head: bigint, linkOff: number, what: string): { caches: bigint[]; aborted?: WalkAborted } {
  const caches: bigint[] = [];
  const seen = new Set<bigint>();
  let node: bigint;
  try {
    node = prog.readU64(head);
  } catch (err) {
    if (err instanceof KdwError) return { caches, aborted: new WalkAborted(what, `head ${head.toString(16)}: ${err.message}`, 0) };
    throw err;
  }
  while (node !== head) {
    if (caches.length >= MAX_CACHES) return { caches, aborted: new WalkAborted(what, `step budget of ${MAX_CACHES} exhausted`, caches.length) };
    if (node === 0n || seen.has(node)) return { caches, aborted: new WalkAborted(what, node === 0n ? "NULL next pointer" : `loop at ${node.toString(16)}`, caches.length) };
    seen.add(node);
    caches.push(node - BigInt(linkOff));
    try {
      node = prog.readU64(node);
    } catch (err) {
      if (err instanceof KdwError) return { caches, aborted: new WalkAborted(what, `node ${node.toString(16)}: ${err.message}`, caches.length) };
      throw err;
    }
  }
  return { caches, aborted: undefined };
}

/** The addresses of every kmem_cache on slab_caches, in list order (crash's get_kmem_cache_list). */
export function slabCacheList(prog: Program): { caches: bigint[]; aborted?: WalkAborted } {
  requireSlub(prog);
  return cacheList(prog, prog.symbolAddress("slab_caches"), slubLayout(prog).list, "slab_caches");
}

const CACHE_SET = perProgram((prog) => new Set(slabCacheList(prog).caches));

/** Whether an address is a kmem_cache on slab_caches (crash's is_kmem_cache_addr), from a set kept per program. */
export function isSlabCache(prog: Program, address: bigint): boolean {
  return CACHE_SET.of(prog).has(address);
}

/** Whether the kernel keeps root caches apart from their memcg children (slab_root_caches, 4.13 .. 5.8). */
export function hasRootCaches(prog: Program): boolean {
  return prog.hasSymbol("slab_root_caches") && slubLayout(prog).memcgParams !== undefined;
}

/** The root caches (slab_root_caches, linked at memcg_params.__root_caches_node), as crash's -r lists them. */
export function rootCacheList(prog: Program): { caches: bigint[]; aborted?: WalkAborted } {
  const off = slubLayout(prog).memcgParams! + memcgParamsLayout(prog).rootCachesNode;
  return cacheList(prog, prog.symbolAddress("slab_root_caches"), off, "slab_root_caches");
}

/** The memcg children of a root cache (memcg_params.children, linked at children_node). */
export function childCacheList(prog: Program, root: bigint): { caches: bigint[]; aborted?: WalkAborted } {
  const params = slubLayout(prog).memcgParams!;
  const m = memcgParamsLayout(prog);
  return cacheList(prog, root + BigInt(params + m.children), params + m.childrenNode, "memcg_params.children");
}

/** What one CPU holds of a cache (struct kmem_cache_cpu). */
export interface CpuSlab {
  cpu: number;
  /** The address of this CPU's struct kmem_cache_cpu. */
  kmemCacheCpu: bigint;
  /** kmem_cache_cpu.slab (.page before 5.17): the active slab, 0 when none. */
  slab: bigint;
  /** kmem_cache_cpu.freelist: the lockless freelist of the active slab. */
  freelist: bigint;
  /** kmem_cache_cpu.partial: the first slab of the per-CPU partial chain, 0 when empty or absent. */
  partial: bigint;
}

/** CPU `cpu`'s kmem_cache_cpu of a cache. Throws when it cannot be read. */
export function cpuSlab(prog: Program, cache: SlabCache, cpu: number): CpuSlab {
  const l = slubLayout(prog);
  const kmemCacheCpu = BigInt.asUintN(64, cache.cpuSlab + prog.perCpuOffset(cpu));
  return {
    cpu,
    kmemCacheCpu,
    slab: prog.readU64(kmemCacheCpu + BigInt(l.cpuSlabPtr)),
    freelist: prog.readU64(kmemCacheCpu + BigInt(l.cpuFreelist)),
    partial: l.cpuPartial === undefined ? 0n : prog.readU64(kmemCacheCpu + BigInt(l.cpuPartial)),
  };
}

/** The CPUs crash walks (kt->cpus). */
export function slabCpus(prog: Program): number {
  return cpuCount(prog);
}

/** The slabs of a per-CPU partial chain (slab->next), bounded; a bad pointer ends it with WalkAborted. */
export function cpuPartialSlabs(prog: Program, map: SlabMap, cache: SlabCache, first: bigint): { slabs: bigint[]; aborted?: WalkAborted } {
  const next = slubLayout(prog).slabNext;
  const slabs: bigint[] = [];
  const seen = new Set<bigint>();
  const what = `${cache.name}: per-CPU partial list`;
  for (let s = first; s !== 0n; ) {
    if (slabs.length >= MAX_LIST_SLABS) return { slabs, aborted: new WalkAborted(what, `step budget of ${MAX_LIST_SLABS} exhausted`, slabs.length) };
    if (seen.has(s)) return { slabs, aborted: new WalkAborted(what, `loop at ${s.toString(16)}`, slabs.length) };
    if (slabPfn(prog, map, s) === undefined) return { slabs, aborted: new WalkAborted(what, `invalid partial list slab pointer: ${s.toString(16)}`, slabs.length) };
    seen.add(s);
    slabs.push(s);
    if (next === undefined) break;
    try {
      s = prog.readU64(s + BigInt(next));
    } catch (err) {
      if (err instanceof KdwError) return { slabs, aborted: new WalkAborted(what, `slab ${s.toString(16)}: ${err.message}`, slabs.length) };
      throw err;
    }
  }
  return { slabs };
}

/** The slabs of a kmem_cache_node list (partial or full, linked through slab_list), bounded. */
export function nodeListSlabs(prog: Program, map: SlabMap, cache: SlabCache, head: bigint, which: "partial" | "full"): { slabs: bigint[]; aborted?: WalkAborted } {
  const linkOff = BigInt(slubLayout(prog).slabList);
  const slabs: bigint[] = [];
  const seen = new Set<bigint>();
  const what = `${cache.name}: ${which} list`;
  let next: bigint;
  try {
    next = prog.readU64(head);
  } catch (err) {
    if (err instanceof KdwError) return { slabs, aborted: new WalkAborted(what, `head ${head.toString(16)}: ${err.message}`, 0) };
    throw err;
  }
  while (next !== head) {
    const slab = next - linkOff;
    if (slabs.length >= MAX_LIST_SLABS) return { slabs, aborted: new WalkAborted(what, `step budget of ${MAX_LIST_SLABS} exhausted`, slabs.length) };
    if (seen.has(slab)) return { slabs, aborted: new WalkAborted(what, `duplicate slab entry: ${slab.toString(16)}`, slabs.length) };
    if (slabPfn(prog, map, slab) === undefined) return { slabs, aborted: new WalkAborted(what, `invalid ${which} list slab pointer: ${slab.toString(16)}`, slabs.length) };
    seen.add(slab);
    slabs.push(slab);
    try {
      next = prog.readU64(next);
    } catch (err) {
      if (err instanceof KdwError) return { slabs, aborted: new WalkAborted(what, `slab ${slab.toString(16)}: ${err.message}`, slabs.length) };
      throw err;
    }
  }
  return { slabs };
}

/** Free objects on a per-CPU partial chain (crash's count_cpu_partial: 0 when any of it is bad). */
function cpuPartialFree(prog: Program, map: SlabMap, cache: SlabCache, first: bigint): number {
  const chain = cpuPartialSlabs(prog, map, cache, first);
  if (chain.aborted) return 0;
  let free = 0;
  for (const p of chain.slabs) {
    const s = readSlab(prog, map, p);
    if (s.objects === 0) return 0;
    free += s.objects - s.inuse;
  }
  return free;
}

/** A kmem_cache_node's counters. */
export interface CacheNode {
  /** Index in memoryNodes(). */
  index: number;
  address: bigint;
  nrPartial: number;
  /** nr_slabs and total_objects (CONFIG_SLUB_DEBUG); undefined without it. */
  nrSlabs?: number;
  totalObjects?: number;
}

export function readCacheNode(prog: Program, address: bigint, index: number): CacheNode {
  const l = slubLayout(prog);
  const node: CacheNode = { index, address, nrPartial: Number(prog.readU64(address + BigInt(l.nodeNrPartial))) };
  if (l.nodeNrSlabs !== undefined) node.nrSlabs = Number(BigInt.asIntN(64, prog.readU64(address + BigInt(l.nodeNrSlabs))));
  if (l.nodeTotalObjects !== undefined) node.totalObjects = Number(BigInt.asIntN(64, prog.readU64(address + BigInt(l.nodeTotalObjects))));
  return node;
}

/** A cache's counts as crash's `kmem -s` prints them. */
export interface SlabCacheCounts {
  /** Objects in use (crash's ALLOCATED). */
  allocated: number;
  /** Objects free in its slabs. */
  free: number;
  /** ALLOCATED + free (crash's TOTAL). */
  total: number;
  slabs: number;
}

/**
 * crash's get_kmem_cache_slub_data(GET_SLUB_SLABS and GET_SLUB_OBJECTS): free objects are those of the
 * per-CPU slabs (objects - inuse, plus their lockless freelists), of the per-CPU partial chains and of the
 * node partial lists; the total is kmem_cache_node.total_objects; the slabs are the per-CPU slabs, the
 * partial ones and nr_slabs less both (crash's "full"). Throws a KdwError (or WalkAborted) where crash
 * gives up on the cache ("cannot gather relevant slab data").
 */
export function slabCacheCounts(prog: Program, map: SlabMap, cache: SlabCache): SlabCacheCounts {
  const nodes = memoryNodes(prog);
  const perCpuByNode = nodes.map(() => 0);
  let free = 0;
  let slabs = 0;
  let inuseSum = 0;
  const totalAvail = slubLayout(prog).nodeTotalObjects !== undefined;
  const cpus = slabCpus(prog);
  for (let cpu = 0; cpu < cpus; cpu++) {
    const c = cpuSlab(prog, cache, cpu);
    if (c.slab === 0n) continue;
    const s = readSlab(prog, map, c.slab);
    if (s.node < 0) throw new WalkAborted(`${cache.name}: cpu ${cpu} slab`, `cannot determine node for slab ${c.slab.toString(16)}`, 0);
    if (s.objects === 0) throw new WalkAborted(`${cache.name}: cpu ${cpu} slab`, `slab ${c.slab.toString(16)} has no objects`, 0);
    free += s.objects - s.inuse;
    free += walkFreelist(prog, map, cache, c.freelist).count;
    free += cpuPartialFree(prog, map, cache, c.partial);
    if (!totalAvail) inuseSum += s.inuse;
    slabs++;
    perCpuByNode[s.node]!++;
  }
  let total = 0;
  nodes.forEach((_, n) => {
    const addr = cache.nodes[n] ?? 0n;
    if (addr === 0n) return;
    const node = readCacheNode(prog, addr, n);
    const partial = nodeListSlabs(prog, map, cache, addr + BigInt(slubLayout(prog).nodePartial), "partial");
    if (partial.aborted) throw partial.aborted;
    for (const p of partial.slabs) {
      const ps = readSlab(prog, map, p);
      inuseSum += totalAvail ? 0 : ps.inuse;
      free += ps.objects - ps.inuse;
    }
    slabs += node.nrPartial;
    const full = (node.nrSlabs ?? 0) - perCpuByNode[n]! - node.nrPartial;
    total += totalAvail ? (node.totalObjects ?? 0) : full * cache.objects;
    slabs += full;
  });
  const allocated = totalAvail ? total - free : inuseSum + total;
  const freeOut = totalAvail ? free : slabs * cache.objects - allocated;
  return { allocated, free: freeOut, total: allocated + freeOut, slabs };
}

/** Where an address is in the slab allocator: its cache and the slab (the head page) that holds it. */
export interface SlabLocation {
  cache: bigint;
  slab: bigint;
}

/**
 * The cache and slab of a kernel virtual address (crash's vaddr_to_kmem_cache and vaddr_to_slab): the
 * address's page, or its compound head, is a slab page whose slab_cache is on slab_caches. Undefined
 * otherwise (unmapped, no struct page, not a slab page, or a slab_cache that is no cache).
 */
export function slabOfAddress(prog: Program, map: SlabMap, vaddr: bigint): SlabLocation | undefined {
  const phys = map.tryTranslate(vaddr);
  if (phys < 0) return undefined;
  try {
    const page = pfnToPage(prog, Math.floor(phys / 4096));
    if (page === undefined) return undefined;
    const head = compoundHead(prog, page);
    if (!pageIsSlab(prog, page) && !pageIsSlab(prog, head)) return undefined;
    const cache = prog.readU64(head + BigInt(slubLayout(prog).slabCache));
    return isSlabCache(prog, cache) ? { cache, slab: head } : undefined;
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

/** The cache of a struct page pointer that is a slab page (crash's is_slab_page), undefined otherwise. */
export function cacheOfSlabPage(prog: Program, map: SlabMap, page: bigint): bigint | undefined {
  if (slabPfn(prog, map, page) === undefined) return undefined;
  try {
    if (!pageIsSlab(prog, page)) return undefined;
    const cache = prog.readU64(page + BigInt(slubLayout(prog).slabCache));
    return isSlabCache(prog, cache) ? cache : undefined;
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}
