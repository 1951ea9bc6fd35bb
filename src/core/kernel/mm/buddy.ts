// The buddy allocator's free lists (include/linux/mmzone.h struct free_area): for each zone, free_area[order]
// (MAX_ORDER orders; NR_PAGE_ORDERS since 6.8) holds one list per migrate type, free_list[MIGRATE_TYPES],
// of the head pages of free blocks of 2^order pages, linked through page->lru (page->buddy_list is the same
// list_head). As crash's dump_zone_free_area walks them for kmem -f/-F: each list is bounded and stops at a
// duplicate entry or an unreadable page with a WalkAborted.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, members, variants } from "../../program/layout";
import type { Program } from "../../program/program";
import type { Zone } from "./nodes";

/** Bound on the blocks of one free list (a list longer than the pages of a 2^46-byte machine is corrupt). */
export const MAX_FREE_BLOCKS = 1 << 26;

const BUDDY = layout({
  ...members("zone", { freeArea: "free_area" }),
  ...members("free_area", { freeList: "free_list", nrFree: "nr_free" }),
  pageLru: variants({ lru: "page.lru", buddyList: "page.buddy_list" }),
});

/** One free list of one order of a zone. */
export interface FreeList {
  order: number;
  migratetype: number;
  /** The list_head free_area[order].free_list[migratetype]. */
  head: bigint;
  /** Blocks on the list (each 2^order pages). */
  blocks: number;
  /** The struct page of each block's first page, when asked for. */
  pages?: bigint[];
  aborted?: WalkAborted;
}

/** The orders and migrate types a zone's free_area has (MAX_ORDER and MIGRATE_TYPES of this kernel). */
export function freeAreaShape(prog: Program): { orders: number; migratetypes: number; freeAreaSize: number } {
  const m = BUDDY.members(prog);
  const listHead = 16;
  return {
    orders: m.freeArea.count ?? 0,
    migratetypes: m.freeList.count ?? Math.max(1, Math.floor(m.freeList.size / listHead)),
    freeAreaSize: prog.sizeOf("struct free_area"),
  };
}

/** The free lists of a zone, order by order, migrate type by migrate type. */
export function zoneFreeLists(prog: Program, zone: Zone, options: { pages: boolean; stopAt?: (page: bigint, order: number) => boolean }): FreeList[] {
  const l = BUDDY.of(prog);
  const shape = freeAreaShape(prog);
  const lruOff = BigInt(l.pageLru);
  const out: FreeList[] = [];
  for (let order = 0; order < shape.orders; order++) {
    const area = zone.address + BigInt(l.freeArea + order * shape.freeAreaSize);
    for (let mt = 0; mt < shape.migratetypes; mt++) {
      const head = area + BigInt(l.freeList + mt * 16);
      const list: FreeList = { order, migratetype: mt, head, blocks: 0 };
      if (options.pages) list.pages = [];
      out.push(list);
      const seen = new Set<bigint>();
      let next: bigint;
      try {
        next = prog.readU64(head);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        list.aborted = new WalkAborted(`free list ${order}/${mt}`, `head ${head.toString(16)}: ${err.message}`, 0);
        continue;
      }
      while (next !== head) {
        if (list.blocks >= MAX_FREE_BLOCKS) {
          list.aborted = new WalkAborted(`free list ${order}/${mt}`, `step budget of ${MAX_FREE_BLOCKS} exhausted`, list.blocks);
          break;
        }
        if (next === 0n || seen.has(next)) {
          list.aborted = new WalkAborted(`free list ${order}/${mt}`, next === 0n ? "NULL next pointer" : `duplicate entry ${next.toString(16)}`, list.blocks);
          break;
        }
        seen.add(next);
        const page = next - lruOff;
        list.blocks++;
        list.pages?.push(page);
        if (options.stopAt?.(page, order)) return out;
        try {
          next = prog.readU64(next);
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          list.aborted = new WalkAborted(`free list ${order}/${mt}`, `page ${page.toString(16)}: ${err.message}`, list.blocks);
          break;
        }
      }
    }
  }
  return out;
}
