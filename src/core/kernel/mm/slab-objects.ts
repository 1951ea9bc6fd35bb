// The inside of one SLUB slab (mm/slub.c): its struct slab (struct page before 5.17) — cache, freelist,
// inuse and objects — the free pointers chained through its free objects (get_freepointer, hardened by
// CONFIG_SLAB_FREELIST_HARDENED: ptr ^ s->random ^ swab(&ptr) since 5.7, without the swab before), which of
// its objects are free, and the slab and cache an address belongs to (crash's vaddr_to_kmem_cache,
// vaddr_to_slab, is_slab_page). Freelists are walked with a bound and a duplicate check.
import { KdwError } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import type { Program } from "../../program/program";
import { mmLayout, pageflagMask, pageToPfn } from "./mm";
import { pfnToNodeIndex } from "./nodes";
import { slubLayout, slubMembers } from "./slab-layout";
import type { SlabCache } from "./slab";

const PAGE_SHIFT = 12n;
/** page->objects is 15 bits: no slab holds more objects than this. */
export const MAX_SLAB_OBJECTS = 1 << 15;
/** include/linux/page-flags.h PAGE_MAPPING_ANON: a freelist value with bit 0 set ends it (crash's check). */
const PAGE_MAPPING_ANON = 1n;

/** Where the memory map and the direct map are: the kernel address space's layout. */
export interface SlabMap {
  readonly layout: { readonly pageOffsetBase: bigint; readonly vmemmapStart: bigint };
  /** The physical address of a kernel virtual address, or -1. */
  tryTranslate(vaddr: bigint): number;
}

/** A slab's header. */
export interface Slab {
  /** The struct slab (struct page) address. */
  slab: bigint;
  pfn: number;
  /** The direct-map address of its first object (crash's MEMORY). */
  memory: bigint;
  /** Index of its node in memoryNodes(), -1 when no node spans it. */
  node: number;
  /** slab->slab_cache. */
  cache: bigint;
  freelist: bigint;
  inuse: number;
  objects: number;
  frozen: boolean;
}

/** The page frame of a struct slab/page pointer, or undefined when it is none (crash's is_page_ptr). */
export function slabPfn(prog: Program, map: SlabMap, slab: bigint): number | undefined {
  try {
    return pageToPfn(prog, slab, map.layout.vmemmapStart);
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

/** Reads a struct slab. Throws a KdwError when it is no page pointer or cannot be read. */
export function readSlab(prog: Program, map: SlabMap, slab: bigint): Slab {
  const pfn = slabPfn(prog, map, slab);
  if (pfn === undefined) throw new SlabError(`invalid slab address: ${slab.toString(16)}`);
  const m = slubMembers(prog);
  const l = slubLayout(prog);
  const size = mmLayout(prog).pageStructSize;
  const bytes = prog.read(slab, size);
  const dv = dataView(bytes);
  const bits = (mi: { offset: number; bitOffset: number; bitSize?: number; size: number }): number => {
    const word = dv.getUint32(mi.offset, true);
    if (mi.bitSize === undefined) return mi.size === 2 ? word & 0xffff : word;
    return (word >>> (mi.bitOffset % 8)) & (2 ** mi.bitSize - 1);
  };
  const frozenMember = m.slabObjects.bitSize === 15 ? { ...m.slabObjects, bitOffset: m.slabObjects.bitOffset + 15, bitSize: 1 } : undefined;
  return {
    slab,
    pfn,
    memory: map.layout.pageOffsetBase + (BigInt(pfn) << PAGE_SHIFT),
    node: pfnToNodeIndex(prog, pfn),
    cache: dv.getBigUint64(l.slabCache, true),
    freelist: dv.getBigUint64(l.slabFreelist, true),
    inuse: bits(m.slabInuse),
    objects: bits(m.slabObjects),
    frozen: frozenMember ? bits(frozenMember) === 1 : false,
  };
}

/** A slab that is not one: a typed error with the address. */
export class SlabError extends KdwError {}

function swab64(v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 8n; i++) out = (out << 8n) | ((v >> (i * 8n)) & 0xffn);
  return out;
}

/**
 * The next free object after `object` (get_freepointer): the pointer stored at object + s->offset, decoded
 * as the kernel encoded it. Hardened kernels store ptr ^ random ^ swab(ptr_addr) (5.7+) or ptr ^ random ^
 * ptr_addr (4.14 .. 5.6): as crash does, the swab form is taken when it gives NULL or a mapped address.
 */
export function nextFree(prog: Program, map: SlabMap, cache: SlabCache, object: bigint): bigint {
  const at = object + BigInt(cache.offset);
  const stored = prog.readU64(at);
  if (cache.random === 0n && slubLayout(prog).random === undefined) return stored;
  const swabbed = stored ^ cache.random ^ swab64(at);
  if (swabbed === 0n || map.tryTranslate(swabbed) >= 0) return swabbed;
  return stored ^ cache.random ^ at;
}

/** A freelist walked: its objects in order, and why it stopped early, if it did. */
export interface Freelist {
  objects: bigint[];
  count: number;
  /** "duplicate freelist object: …" or "invalid freepointer: …", as crash reports them. */
  problem?: string;
}

/**
 * The objects on a freelist from `head` (crash's count_free_objects): ends at NULL or at a value with bit 0
 * set, at a duplicate, at an unreadable free pointer or after MAX_SLAB_OBJECTS.
 */
export function walkFreelist(prog: Program, map: SlabMap, cache: SlabCache, head: bigint): Freelist {
  const objects: bigint[] = [];
  const seen = new Set<bigint>();
  for (let q = head; q !== 0n; ) {
    if (q & PAGE_MAPPING_ANON) break;
    if (seen.has(q)) return { objects, count: objects.length, problem: `duplicate freelist object: ${q.toString(16)}` };
    if (objects.length >= MAX_SLAB_OBJECTS) return { objects, count: objects.length, problem: `freelist longer than ${MAX_SLAB_OBJECTS} objects` };
    seen.add(q);
    objects.push(q);
    try {
      q = nextFree(prog, map, cache, q);
    } catch (err) {
      if (err instanceof KdwError) return { objects, count: objects.length, problem: `invalid freepointer: ${(q + BigInt(cache.offset)).toString(16)}` };
      throw err;
    }
  }
  return { objects, count: objects.length };
}

/** One object of a slab: its address (after any left red zone) and whether it is free. */
export interface SlabObject {
  address: bigint;
  free: boolean;
}

/**
 * Every object of a slab and whether it is free (on the slab's freelist or on `cpuFreelist`, the lockless
 * freelist of the CPU that holds the slab), as crash's do_slab_slub lists them.
 */
export function slabObjects(prog: Program, map: SlabMap, cache: SlabCache, slab: Slab, cpuFreelist = 0n): { objects: SlabObject[]; problem?: string } {
  const free = new Set<bigint>();
  let problem: string | undefined;
  for (const head of [slab.freelist, cpuFreelist]) {
    const list = walkFreelist(prog, map, cache, head);
    list.objects.forEach((o) => free.add(o));
    problem ??= list.problem;
  }
  const redLeftPad = cache.flags & 0x400n ? BigInt(cache.redLeftPad) : 0n;
  const objects: SlabObject[] = [];
  const count = Math.min(slab.objects, MAX_SLAB_OBJECTS);
  const size = BigInt(cache.size);
  for (let i = 0; i < count; i++) {
    const address = slab.memory + BigInt(i) * size + redLeftPad;
    objects.push({ address, free: free.has(address) });
  }
  return { objects, problem };
}

/** The head page of a compound page (compound_head: page->compound_head - 1 when bit 0 is set). */
export function compoundHead(prog: Program, page: bigint): bigint {
  const ch = prog.readU64(page + BigInt(slubLayout(prog).compoundHead));
  return ch & 1n ? ch - 1n : page;
}

/** Whether a struct page is a slab page (PG_slab; the kernels that dropped the flag answer true here). */
export function pageIsSlab(prog: Program, page: bigint): boolean {
  const mask = pageflagMask(prog, "slab");
  if (mask === undefined) return true;
  return (prog.readU64(page + BigInt(slubLayout(prog).pageFlags)) & mask) !== 0n;
}
