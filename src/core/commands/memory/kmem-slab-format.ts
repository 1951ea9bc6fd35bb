// crash's kmem -s/-S text (memory.c: kmem_cache_hdr, slab_hdr and free_inuse_hdr of kmem_cache_init,
// dump_kmem_cache_info, DUMP_KMEM_CACHE_TAG, DUMP_SLAB_INFO_SLUB, do_kmem_cache_slub, do_node_lists_slub).
import { escapeControl } from "../shared/escape";
import type { KmemSlabs, SlabCacheEntry, SlabCacheRow, SlabListing } from "./kmem-slab";

export const KMEM_CACHE_HDR = "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME";
const SLAB_HDR = "SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE";
const FREE_INUSE_HDR = "FREE / [ALLOCATED]";

const hex = (v: bigint): string => v.toString(16);

export function formatCacheRow(r: SlabCacheRow): string {
  const name = escapeControl(r.name);
  if (r.ignored) return `${hex(r.address)} ${"[IGNORED]".padEnd(43)}  ${name}`;
  const head = `${hex(r.address).padEnd(16)} ${String(r.objectSize).padStart(8)}  `;
  const counts = r.counts ? `${String(r.counts.allocated).padStart(9)}  ${String(r.counts.total).padStart(8)}  ${String(r.counts.slabs).padStart(5)}  ` : `${"?".padStart(9)}  ${"?".padStart(8)}  ${"?".padStart(5)}  `;
  return `${head}${counts}${String(r.slabSize / 1024).padStart(4)}k  ${name}`;
}

function slabLine(s: SlabListing): string {
  return `  ${hex(s.slab).padEnd(16)}  ${hex(s.memory).padEnd(16)}  ${String(s.node).padStart(4)}  ${String(s.total).padStart(5)}  ${String(s.allocated).padStart(9)}  ${String(s.free).padStart(4)}`;
}

/** A slab with its objects (do_slab_slub, VERBOSE). */
function slabWithObjects(out: string[], s: SlabListing): void {
  out.push(`  ${SLAB_HDR}`, slabLine(s), `  ${FREE_INUSE_HDR}`);
  for (const o of s.objects ?? []) {
    const cpu = o.free && o.cpuCache !== undefined ? `(cpu ${o.cpuCache} cache)` : "";
    out.push(o.free ? `   ${hex(o.address)}  ${cpu}` : `  [${hex(o.address)}]`);
  }
}

function slabList(out: string[], title: string, slabs: readonly SlabListing[]): void {
  out.push(title);
  if (!slabs.length) out.push("  (empty)");
  else out.push(`  ${SLAB_HDR}`, ...slabs.map(slabLine));
}

/** One cache as printed (its header, line, and what -S or an address adds). */
export function formatSlabEntry(out: string[], e: SlabCacheEntry): void {
  if (e.blankBefore) out.push("");
  if (e.header) out.push(KMEM_CACHE_HDR);
  out.push(formatCacheRow(e.cache));
  if (e.slab) slabWithObjects(out, e.slab);
  if (!e.cpus || !e.nodes) return;
  for (const c of e.cpus) {
    if (c.offline) {
      out.push(`CPU ${c.cpu} [OFFLINE]`);
      continue;
    }
    out.push(`CPU ${c.cpu} KMEM_CACHE_CPU:`, `  ${hex(c.kmemCacheCpu)}`, `CPU ${c.cpu} SLAB:`);
    if (c.slab) slabWithObjects(out, c.slab);
    else out.push("  (empty)");
    if (c.partial) {
      out.push(`CPU ${c.cpu} PARTIAL:`);
      if (!c.partial.length) out.push("  (empty)");
      for (const p of c.partial) slabWithObjects(out, p);
    }
  }
  for (const n of e.nodes) {
    out.push("KMEM_CACHE_NODE   NODE  SLABS  PARTIAL  PER-CPU");
    out.push(`${hex(n.address)}  ${String(n.node).padStart(4)}  ${String(n.slabs).padStart(5)}  ${String(n.partial).padStart(7)}  ${String(n.perCpu).padStart(7)}`);
    if (n.address === 0n) continue;
    slabList(out, `NODE ${n.node} PARTIAL:`, n.partialSlabs);
    if (n.full === "not tracked") out.push(`NODE ${n.node} FULL:`, "  (not tracked)");
    else slabList(out, `NODE ${n.node} FULL:`, n.full);
  }
  out.push("");
}

export function formatKmemSlabs(r: KmemSlabs): string {
  const out: string[] = [];
  if (r.list) for (const c of r.list) out.push(`${hex(c.address)} ${escapeControl(c.name)}`);
  if (r.header) out.push(KMEM_CACHE_HDR);
  for (const e of r.entries) formatSlabEntry(out, e);
  return out.length ? out.join("\n") + "\n" : "";
}
