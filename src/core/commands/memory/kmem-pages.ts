// kmem -p and kmem -m: struct pages as crash 8.0.6's dump_mem_map_SPARSEMEM shows them — the page of each
// address (ADDRESS_SPECIFIED), or every page of every present section — with -m the chosen members of
// struct page instead of the usual columns (collect_page_member_data, show_page_member_data).
import { findMember, resolveType, type Type } from "../../debuginfo/types";
import { KdwError } from "../../io/errors";
import { forEachPresentSection, mmLayout, pageToPfn, readStructPage, type StructPage } from "../../kernel/mm/mm";
import { CommandError, type CommandContext } from "../command";
import { memMapPage, paddrWidth, structPageOfPhys, type MemMapPage } from "../shared/mem-map";

/** Bytes of the memory map read at once (one 4 KiB page of struct pages). */
const PAGE_CHUNK = 4096;

/** Bound on the pages one `kmem -p` or `kmem -m` without an address lists (crash lists every page). */
export const MAX_LISTED_PAGES = 1 << 22;

/** A struct page member `-m` shows, resolved once (crash's struct_member_data). */
export interface PageMember {
  /** As the user named it ("lru", "lru.next", "_refcount"). */
  name: string;
  offset: number;
  length: number;
  kind: "pointer" | "int" | "struct" | "bool";
  unsigned: boolean;
  /** Bits within the `length` bytes at `offset`, for a bitfield. */
  bitPos?: number;
  bitSize?: number;
}

/** One page's chosen members, as raw values (a struct member as its longs or ints). */
export interface PageMemberRow {
  page: bigint;
  values: bigint[][];
}

export interface KmemPages {
  /** The usual columns (-p), or undefined with -m. */
  pages: MemMapPage[];
  /** The -m members and each page's values. */
  members?: PageMember[];
  memberRows?: PageMemberRow[];
  /** crash's PADDR_PRLEN, the width of the PHYSICAL column. */
  paddrWidth: number;
  /** Addresses whose struct page could not be read, and a list that was cut short. */
  errors: string[];
}

function base(t: Type): Type {
  return resolveType(t);
}

/** crash's collect_page_member_data: "lru,_refcount" into members of struct page. */
export function pageMembers(ctx: CommandContext, list: string): PageMember[] {
  if (list.endsWith(",") || list.endsWith(".")) throw new CommandError("kmem", `invalid format: ${list}`);
  const names = list.split(/[,\s]+/).filter(Boolean);
  if (!names.length) throw new CommandError("kmem", `invalid page struct member list format: ${list}`);
  const page = ctx.prog.type("struct page");
  return names.map((name) => {
    let t: Type = page;
    let bitOffset = 0;
    let bitSize: number | undefined;
    for (const part of name.split(".")) {
      const found = findMember(t, part);
      if (!found) throw new CommandError("kmem", `invalid page struct member: ${name}`);
      bitOffset += found.bitOffset;
      bitSize = found.member.bitSize;
      t = found.member.type;
    }
    const r = base(t);
    const kind = r.kind === "pointer" ? "pointer" : r.kind === "int" ? (r.bool ? "bool" : "int") : r.kind === "struct" ? "struct" : undefined;
    if (!kind) throw new CommandError("kmem", `unsupported page member reference: page.${name}`);
    const length = r.kind === "pointer" ? 8 : r.kind === "int" || r.kind === "struct" ? r.size : 1;
    if (bitSize === undefined) return { name, offset: bitOffset / 8, length, kind, unsigned: r.kind === "int" ? !r.signed : true };
    const unit = length * 8;
    const start = bitOffset - (bitOffset % unit);
    return { name, offset: start / 8, length, kind, unsigned: r.kind === "int" ? !r.signed : true, bitPos: bitOffset - start, bitSize };
  });
}

function memberValues(bytes: Uint8Array, m: PageMember): bigint[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (off: number, len: number): bigint => {
    if (off + len > bytes.length) return 0n;
    return len === 8 ? dv.getBigUint64(off, true) : len === 4 ? BigInt(dv.getUint32(off, true)) : len === 2 ? BigInt(dv.getUint16(off, true)) : BigInt(dv.getUint8(off));
  };
  if (m.kind === "struct") {
    const unit = m.length % 8 === 0 ? 8 : m.length % 4 === 0 ? 4 : m.length === 2 ? 2 : 0;
    if (!unit) throw new CommandError("kmem", `unsupported page member reference: page.${m.name}`);
    return Array.from({ length: m.length / unit }, (_, i) => word(m.offset + i * unit, unit));
  }
  const v = word(m.offset, m.length);
  if (m.bitSize === undefined) return [v];
  return [(v >> BigInt(m.bitPos ?? 0)) & ((1n << BigInt(m.bitSize)) - 1n)];
}

/** The struct page an address names: a struct page pointer, a kernel virtual address, or a physical one. */
function structPageOf(ctx: CommandContext, value: bigint, physical: boolean): StructPage | undefined {
  const as = ctx.addressSpace;
  if (!physical && value >= as.layout.pageOffsetBase) {
    const pfn = pageToPfn(ctx.prog, value, as.layout.vmemmapStart);
    if (pfn !== undefined) return readStructPage(ctx.prog, value, pfn);
    const phys = as.tryTranslate(value);
    return phys < 0 ? undefined : structPageOfPhys(ctx, phys);
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return structPageOfPhys(ctx, Number(value));
}

/** A struct page from its bytes (readStructPage's fields). */
function structPageFrom(ctx: CommandContext, b: Uint8Array, page: bigint, pfn: number): StructPage {
  const l = mmLayout(ctx.prog);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u64 = (off: number | undefined): bigint => (off === undefined || off + 8 > b.length ? 0n : dv.getBigUint64(off, true));
  return { page, pfn, flags: u64(l.pageFlagsOff), count: l.pageRefcountOff + 4 <= b.length ? dv.getUint32(l.pageRefcountOff, true) : 0, mapping: u64(l.pageMappingOff), index: u64(l.pageIndexOff) };
}

function memberRow(ctx: CommandContext, page: bigint, members: readonly PageMember[]): PageMemberRow {
  const bytes = ctx.prog.read(page, mmLayout(ctx.prog).pageStructSize);
  return { page, values: members.map((m) => memberValues(bytes, m)) };
}

/** kmem -p/-m ADDRESS...: the struct page of each address. */
export function kmemPages(ctx: CommandContext, values: readonly bigint[], physical: boolean, memberList?: string): KmemPages {
  const members = memberList === undefined ? undefined : pageMembers(ctx, memberList);
  const result: KmemPages = { pages: [], paddrWidth: paddrWidth(ctx), errors: [] };
  if (members) Object.assign(result, { members, memberRows: [] });
  for (const v of values) {
    try {
      const p = structPageOf(ctx, v, physical);
      if (!p) continue;
      if (members) result.memberRows!.push(memberRow(ctx, p.page, members));
      else result.pages.push(memMapPage(ctx, p));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      result.errors.push(`kmem: ${err.message}`);
    }
  }
  return result;
}

/** kmem -p/-m without an address: every page of every present section (a struct page that cannot be read shows as zeroes, as crash's does). */
export function kmemMemMap(ctx: CommandContext, memberList?: string): KmemPages {
  const members = memberList === undefined ? undefined : pageMembers(ctx, memberList);
  const result: KmemPages = { pages: [], paddrWidth: paddrWidth(ctx), errors: [] };
  if (members) Object.assign(result, { members, memberRows: [] });
  const size = mmLayout(ctx.prog).pageStructSize;
  const perChunk = Math.max(1, Math.floor(PAGE_CHUNK / size));
  let listed = 0;
  for (const s of forEachPresentSection(ctx.prog, Number.MAX_SAFE_INTEGER)) {
    for (let i = 0; i < s.pages; i += perChunk) {
      const n = Math.min(perChunk, s.pages - i);
      if (listed + n > MAX_LISTED_PAGES) {
        result.errors.push(`kmem: the listing stops after ${MAX_LISTED_PAGES} pages`);
        return result;
      }
      listed += n;
      const first = s.memMap + BigInt(i * size);
      let bytes: Uint8Array;
      try {
        bytes = ctx.prog.read(first, n * size);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        bytes = new Uint8Array(n * size);
      }
      for (let k = 0; k < n; k++) {
        const page = first + BigInt(k * size);
        const one = bytes.subarray(k * size, (k + 1) * size);
        if (members) result.memberRows!.push({ page, values: members.map((m) => memberValues(one, m)) });
        else result.pages.push(memMapPage(ctx, structPageFrom(ctx, one, page, s.firstPfn + i + k)));
      }
    }
  }
  return result;
}
