// kmem -s, -S, -r and `kmem -s|-S ADDRESS`: SLUB's caches as crash 8.0.6 shows them (memory.c
// dump_kmem_cache_slub, do_kmem_cache_slub, do_slab_slub, do_node_lists_slub, kmem_cache_list_common).
import { KdwError, WalkAborted } from "../../io/errors";
import { pfnToPage } from "../../kernel/mm/mm";
import { memoryNodes } from "../../kernel/mm/nodes";
import {
  cacheOfSlabPage,
  childCacheList,
  cpuPartialSlabs,
  cpuSlab,
  hasRootCaches,
  isSlabCache,
  nodeListSlabs,
  readCacheNode,
  readSlabCache,
  rootCacheList,
  SLAB_STORE_USER,
  slabCacheCounts,
  slabCacheList,
  slabCpus,
  slabOfAddress,
  type SlabCache,
  type SlabCacheCounts,
} from "../../kernel/mm/slab";
import { readSlab, slabObjects, walkFreelist, type Slab, type SlabMap } from "../../kernel/mm/slab-objects";
import { slabAllocator, slubLayout } from "../../kernel/mm/slab-layout";
import { CommandError, type CommandContext } from "../command";
import { cpuOnline } from "./kmem-tables";

/** A cache's summary line. */
export interface SlabCacheRow {
  address: bigint;
  name: string;
  objectSize: number;
  /** Undefined when crash would print "?" (it could not gather the cache's data). */
  counts?: SlabCacheCounts;
  /** Bytes per slab: PAGE_SIZE << order. */
  slabSize: number;
  /** Named by -I: only the address and name are shown. */
  ignored?: boolean;
}

/** One object of a listed slab. */
export interface SlabObjectRow {
  address: bigint;
  free: boolean;
  /** The CPU whose active slab this is, for a free object of it. */
  cpuCache?: number;
}

/** A slab's line, and its objects when they are listed. */
export interface SlabListing {
  slab: bigint;
  memory: bigint;
  node: number;
  total: number;
  allocated: number;
  free: number;
  objects?: SlabObjectRow[];
}

export interface CpuBlock {
  cpu: number;
  /** An offline CPU: crash shows "CPU n [OFFLINE]" and nothing else. */
  offline?: boolean;
  kmemCacheCpu: bigint;
  slab?: SlabListing;
  /** The per-CPU partial slabs; undefined when the kernel has none (no CONFIG_SLUB_CPU_PARTIAL). */
  partial?: SlabListing[];
}

export interface NodeBlock {
  node: number;
  address: bigint;
  slabs: number;
  partial: number;
  perCpu: number;
  partialSlabs: SlabListing[];
  /** The full list (SLAB_STORE_USER caches under CONFIG_SLUB_DEBUG), else "not tracked". */
  full: SlabListing[] | "not tracked";
}

/** One cache as printed: its line, after the column header when `header`, then what -S or an address adds. */
export interface SlabCacheEntry {
  /** A blank line first: the second and later addresses of `kmem -s ADDRESS ...`. */
  blankBefore?: boolean;
  header: boolean;
  cache: SlabCacheRow;
  cpus?: CpuBlock[];
  nodes?: NodeBlock[];
  /** The slab an address is in (kmem -s ADDRESS). */
  slab?: SlabListing;
}

export interface KmemSlabs {
  /** crash prints the header once at the top when it lists every cache. */
  header: boolean;
  entries: SlabCacheEntry[];
  /** `kmem -s list`: every cache's address and name. */
  list?: { address: bigint; name: string }[];
  errors: string[];
}

export interface SlabRequest {
  verbose: boolean;
  roots: boolean;
  name?: string;
  /** -s list (not with a leading backslash). */
  list: boolean;
  ignore: string[];
  addresses: bigint[];
  physical: boolean;
  /** -S=cpus */
  cpus?: number[];
}

const PAGE_SIZE = 4096;

function slabMap(ctx: CommandContext): SlabMap {
  return ctx.addressSpace;
}

function row(ctx: CommandContext, map: SlabMap, cache: SlabCache, errors: string[], roots: boolean): SlabCacheRow {
  const r: SlabCacheRow = { address: cache.address, name: cache.name, objectSize: cache.objectSize, slabSize: PAGE_SIZE * 2 ** cache.order };
  try {
    const counts = slabCacheCounts(ctx.prog, map, cache);
    if (roots) {
      const children = childCacheList(ctx.prog, cache.address);
      for (const child of children.caches) {
        const c = slabCacheCounts(ctx.prog, map, readSlabCache(ctx.prog, child));
        counts.allocated += c.allocated;
        counts.free += c.free;
        counts.total += c.total;
        counts.slabs += c.slabs;
      }
    }
    r.counts = counts;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    errors.push(`kmem: ${cache.name}: cannot gather relevant slab data (${err.message})`);
  }
  return r;
}

/** A slab's line; with `listObjects`, its objects, the CPU holding it, and the adjusted counts crash shows. */
function slabListing(ctx: CommandContext, map: SlabMap, cache: SlabCache, s: Slab, listObjects: boolean, errors: string[]): SlabListing {
  const out: SlabListing = { slab: s.slab, memory: s.memory, node: s.node, total: s.objects, allocated: s.inuse, free: s.objects - s.inuse };
  if (!listObjects) return out;
  let holder: { cpu: number; freelist: bigint } | undefined;
  for (let cpu = 0; cpu < slabCpus(ctx.prog) && !holder; cpu++) {
    const c = cpuSlab(ctx.prog, cache, cpu);
    if (c.slab === s.slab) holder = { cpu, freelist: c.freelist };
  }
  if (holder) {
    // The active slab's free objects are on the CPU's lockless freelist; objects freed from another CPU
    // are on slab->freelist (do_slab_slub).
    let free = walkFreelist(ctx.prog, map, cache, holder.freelist).count;
    if (s.freelist !== 0n) free += s.objects - s.inuse;
    out.allocated = s.objects - free;
    out.free = s.objects - out.allocated;
  }
  const listed = slabObjects(ctx.prog, map, cache, s, holder?.freelist ?? 0n);
  if (listed.problem) errors.push(`kmem: ${cache.name}: slab: ${s.slab.toString(16)} ${listed.problem}`);
  out.objects = listed.objects.map((o) => (o.free && holder ? { ...o, cpuCache: holder.cpu } : { ...o }));
  return out;
}

function listings(ctx: CommandContext, map: SlabMap, cache: SlabCache, slabs: readonly bigint[], listObjects: boolean, errors: string[]): SlabListing[] {
  const out: SlabListing[] = [];
  for (const addr of slabs) {
    try {
      out.push(slabListing(ctx, map, cache, readSlab(ctx.prog, map, addr), listObjects, errors));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      errors.push(`kmem: ${cache.name}: invalid slab address: ${addr.toString(16)}`);
      break;
    }
  }
  return out;
}

function noteAbort(errors: string[], aborted: WalkAborted | undefined): void {
  if (aborted) errors.push(`kmem: ${aborted.message}`);
}

/** What -S adds for a cache (do_kmem_cache_slub): each CPU's slab and partial chain, each node's lists. */
function cacheDetail(ctx: CommandContext, map: SlabMap, cache: SlabCache, cpus: readonly number[] | undefined, errors: string[]): { cpus: CpuBlock[]; nodes: NodeBlock[] } {
  const prog = ctx.prog;
  const nodes = memoryNodes(prog);
  const perCpu = nodes.map(() => 0);
  const cpuBlocks: CpuBlock[] = [];
  const hasPartial = slubLayout(prog).cpuPartial !== undefined;
  for (let cpu = 0; cpu < slabCpus(prog); cpu++) {
    if (cpus && !cpus.includes(cpu)) continue;
    if (!cpuOnline(ctx, cpu)) {
      cpuBlocks.push({ cpu, offline: true, kmemCacheCpu: 0n });
      continue;
    }
    const c = cpuSlab(prog, cache, cpu);
    const block: CpuBlock = { cpu, kmemCacheCpu: c.kmemCacheCpu };
    cpuBlocks.push(block);
    if (c.slab !== 0n) {
      let s: Slab;
      try {
        s = readSlab(prog, map, c.slab);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        errors.push(`kmem: ${cache.name}: invalid slab address: ${c.slab.toString(16)}`);
        continue;
      }
      if (s.node >= 0) perCpu[s.node]!++;
      block.slab = slabListing(ctx, map, cache, s, true, errors);
    }
    if (hasPartial) {
      const chain = cpuPartialSlabs(prog, map, cache, c.partial);
      block.partial = listings(ctx, map, cache, chain.slabs, true, errors);
      noteAbort(errors, chain.aborted);
    }
  }
  const l = slubLayout(prog);
  const nodeBlocks: NodeBlock[] = [];
  nodes.forEach((_, n) => {
    const addr = cache.nodes[n] ?? 0n;
    const node = addr === 0n ? undefined : readCacheNode(prog, addr, n);
    const block: NodeBlock = { node: n, address: addr, slabs: node?.nrSlabs ?? 0, partial: node?.nrPartial ?? 0, perCpu: perCpu[n]!, partialSlabs: [], full: "not tracked" };
    nodeBlocks.push(block);
    if (addr === 0n) return;
    const partial = nodeListSlabs(prog, map, cache, addr + BigInt(l.nodePartial), "partial");
    block.partialSlabs = listings(ctx, map, cache, partial.slabs, false, errors);
    noteAbort(errors, partial.aborted);
    if (l.nodeFull !== undefined && cache.flags & SLAB_STORE_USER) {
      const full = nodeListSlabs(prog, map, cache, addr + BigInt(l.nodeFull), "full");
      block.full = listings(ctx, map, cache, full.slabs, false, errors);
      noteAbort(errors, full.aborted);
    }
  });
  return { cpus: cpuBlocks, nodes: nodeBlocks };
}

function readCaches(ctx: CommandContext, roots: boolean, errors: string[]): SlabCache[] {
  const list = roots ? rootCacheList(ctx.prog) : slabCacheList(ctx.prog);
  noteAbort(errors, list.aborted);
  const out: SlabCache[] = [];
  for (const addr of list.caches) {
    try {
      out.push(readSlabCache(ctx.prog, addr));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      errors.push(`kmem: kmem_cache ${addr.toString(16)}: ${err.message}`);
    }
  }
  return out;
}

/** An address as crash's -s/-S take it: a physical one below high memory goes through the direct map. */
function slabAddress(ctx: CommandContext, value: bigint, physical: boolean, totalPages: number, errors: string[]): bigint {
  if (!physical && value >= ctx.addressSpace.layout.pageOffsetBase) return value;
  if (value < BigInt(totalPages) * BigInt(PAGE_SIZE)) return ctx.addressSpace.layout.pageOffsetBase + value;
  errors.push(`WARNING: cannot make virtual-to-physical translation: ${value.toString(16)}`);
  return value;
}

/** One address: a cache, a slab page, or an object (or not in the slab allocator). */
function addressEntry(ctx: CommandContext, map: SlabMap, req: SlabRequest, vaddr: bigint, caches: readonly SlabCache[], errors: string[]): SlabCacheEntry | undefined {
  if (isSlabCache(ctx.prog, vaddr)) {
    const cache = caches.find((c) => c.address === vaddr);
    if (!cache) return undefined;
    const entry: SlabCacheEntry = { header: true, cache: row(ctx, map, cache, errors, false) };
    if (req.verbose) Object.assign(entry, cacheDetail(ctx, map, cache, req.cpus, errors));
    return entry;
  }
  const pageCache = cacheOfSlabPage(ctx.prog, map, vaddr);
  const loc = pageCache !== undefined ? { cache: pageCache, slab: vaddr } : slabOfAddress(ctx.prog, map, vaddr);
  const cache = loc && caches.find((c) => c.address === loc.cache);
  if (!loc || !cache) {
    // vaddr_to_kmem_cache(VERBOSE) says why it could not look.
    const phys = map.tryTranslate(vaddr);
    if (phys < 0) errors.push(`WARNING: cannot make virtual-to-physical translation: ${vaddr.toString(16)}`);
    else if (pfnToPage(ctx.prog, Math.floor(phys / PAGE_SIZE)) === undefined) errors.push(`WARNING: cannot find mem_map page for address: ${vaddr.toString(16)}`);
    errors.push(`kmem: address is not allocated in slab subsystem: ${vaddr.toString(16)}`);
    return undefined;
  }
  const entry: SlabCacheEntry = { header: true, cache: row(ctx, map, cache, errors, false) };
  try {
    const listing = slabListing(ctx, map, cache, readSlab(ctx.prog, map, loc.slab), true, errors);
    // -s shows only the object holding the address; -S, or a slab page's address, shows them all.
    if (!req.verbose && pageCache === undefined) {
      const size = BigInt(cache.size);
      listing.objects = listing.objects?.filter((o) => vaddr >= o.address - BigInt(cache.flags & 0x400n ? cache.redLeftPad : 0) && vaddr < o.address + size);
    }
    entry.slab = listing;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    errors.push(`kmem: ${cache.name}: invalid slab address: ${loc.slab.toString(16)}`);
  }
  return entry;
}

/**
 * The slab entry of an address for kmem_search: a slab page pointer (all its objects), or an address inside
 * a slab (the object holding it); undefined when neither (no error is reported).
 */
export function slabEntryOf(ctx: CommandContext, vaddr: bigint, verbose: boolean): { kind: "object" | "page"; entry: SlabCacheEntry } | undefined {
  const prog = ctx.prog;
  try {
    if (slabAllocator(prog) !== "slub") return undefined;
    const map = slabMap(ctx);
    const pageCache = cacheOfSlabPage(prog, map, vaddr);
    if (pageCache === undefined && slabOfAddress(prog, map, vaddr) === undefined) return undefined;
    const errors: string[] = [];
    const entry = addressEntry(ctx, map, { verbose, roots: false, list: false, ignore: [], addresses: [vaddr], physical: false }, vaddr, readCaches(ctx, false, errors), errors);
    return entry && { kind: pageCache !== undefined ? "page" : "object", entry };
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

/** kmem -s / -S / -r, with a cache name, `list`, -I names or addresses. */
export function kmemSlabs(ctx: CommandContext, req: SlabRequest, totalPages: number): KmemSlabs {
  const prog = ctx.prog;
  const map = slabMap(ctx);
  const errors: string[] = [];
  if (req.roots && !hasRootCaches(prog)) throw new CommandError("kmem", "-r option not supported or applicable on this architecture or kernel");
  const result: KmemSlabs = { header: false, entries: [], errors };
  if (req.list && req.addresses.length === 0) {
    result.list = readCaches(ctx, req.roots, errors).map((c) => ({ address: c.address, name: c.name }));
    return result;
  }
  const caches = readCaches(ctx, false, errors);
  if (req.addresses.length) {
    req.addresses.forEach((value, i) => {
      const entry = addressEntry(ctx, map, req, slabAddress(ctx, value, req.physical, totalPages, errors), caches, errors);
      if (entry) result.entries.push(i > 0 ? { blankBefore: true, ...entry } : entry);
    });
    return result;
  }
  const listed = req.roots ? readCaches(ctx, true, errors) : caches;
  result.header = req.name === undefined;
  for (const cache of listed) {
    if (req.name !== undefined && cache.name !== req.name) continue;
    const prev = result.entries.at(-1);
    const header = req.name !== undefined || (req.verbose && prev !== undefined && !prev.cache.ignored && prev.cache.counts !== undefined);
    if (req.ignore.includes(cache.name)) {
      result.entries.push({ header, cache: { address: cache.address, name: cache.name, objectSize: cache.objectSize, slabSize: PAGE_SIZE * 2 ** cache.order, ignored: true } });
    } else {
      const entry: SlabCacheEntry = { header, cache: row(ctx, map, cache, errors, req.roots) };
      if (req.verbose && entry.cache.counts) Object.assign(entry, cacheDetail(ctx, map, cache, req.cpus, errors));
      result.entries.push(entry);
    }
    if (req.name !== undefined) break;
  }
  return result;
}
