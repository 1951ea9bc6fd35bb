// Finding the kallsyms tables in a kernel image by their shape, for kernels whose VMCOREINFO does not name
// them (SYMBOL(kallsyms_*) came with 6.x backports). scripts/kallsyms.c writes, each after `.balign 8`:
//   up to 6.3:  kallsyms_offsets, kallsyms_relative_base, kallsyms_num_syms, kallsyms_names, kallsyms_markers,
//               [kallsyms_seqs_of_names, 6.2-6.3], kallsyms_token_table, kallsyms_token_index
//   6.4 on:     kallsyms_num_syms, kallsyms_names, kallsyms_markers, kallsyms_token_table,
//               kallsyms_token_index, kallsyms_offsets, kallsyms_relative_base, [kallsyms_seqs_of_names]
// The token table is the anchor: a character that symbols use stands for itself at its own index, so the
// digits "0".."9" are ten consecutive one-character tokens. The token index (u16[256]) that follows must
// describe exactly the table before it; the marker table (one entry per 256 names, unsigned long or, later,
// unsigned int) must describe exactly the names before it, whose count is kallsyms_num_syms. Each candidate
// is checked against all of that before it is used; the caller checks the decoded table too.
import { KdwError } from "../io/errors";
import { decodeKallsyms, MAX_KALLSYMS, type KallsymsLocation, type KallsymsOptions, type ReadVirtual } from "./kallsyms";
import type { KallsymsImage } from "./kallsyms-image";

const PAGE = 4096;
const DIGITS = Array.from("0123456789").flatMap((c) => [c.charCodeAt(0), 0]);
/** The token table is at most 64 KiB (u16 offsets); its "0" token lies that far before the index at most. */
const MAX_TOKEN_TABLE = 0x10000;
const TOKEN_INDEX_SIZE = 512;
/** kallsyms_names of a big kernel is a few MiB; num_syms is looked for this far before the token table. */
const MAX_NAMES_BYTES = 32 << 20;
const MIN_SYMS = 256;
/** Pages scanned for the token table at most (1 GiB of kernel image). */
const MAX_SCAN_PAGES = 1 << 18;
const CACHED_PAGES = 64;

export interface KallsymsSearchResult {
  location: KallsymsLocation;
  image: KallsymsImage;
}

/** Reads bytes of kernel memory through a small page cache; `undefined` for a page that cannot be read. */
class PageReader {
  private readonly pages = new Map<bigint, Uint8Array | null>();
  constructor(private readonly read: ReadVirtual) {}
  page(addr: bigint): Uint8Array | null {
    const base = addr - (addr % BigInt(PAGE));
    let p = this.pages.get(base);
    if (p === undefined) {
      try {
        p = this.read(base, PAGE);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        p = null;
      }
      if (this.pages.size >= CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
      this.pages.set(base, p);
    }
    return p;
  }
  u8(addr: bigint): number | undefined {
    return this.page(addr)?.[Number(addr % BigInt(PAGE))];
  }
  /** Little-endian unsigned value of `size` bytes (2, 4 or 8 as a number below 2^53), undefined when unreadable. */
  uint(addr: bigint, size: number): number | undefined {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const b = this.u8(addr + BigInt(i));
      if (b === undefined) return undefined;
      v = v * 256 + b;
    }
    return v;
  }
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The token table and index around a "0\0...9\0" run at `zero`, when they check out. */
function tokenTables(r: PageReader, zero: bigint): { tokenTable: bigint; tokenIndex: bigint } | undefined {
  // The index follows the table (8-aligned), within 64 KiB of the digits.
  for (let q = zero + 8n - (zero % 8n); q < zero + BigInt(MAX_TOKEN_TABLE + 8); q += 8n) {
    if (r.uint(q, 2) !== 0) continue;
    const idx: number[] = [];
    for (let i = 0; i < 256; i++) {
      const v = r.uint(q + BigInt(2 * i), 2);
      if (v === undefined || (i > 0 && v <= idx[i - 1]!)) break;
      idx.push(v);
    }
    if (idx.length !== 256) continue;
    const t = zero - BigInt(idx[0x30]!);
    if (t < 0n) continue;
    // Every token is non-empty and NUL-terminated exactly where the next begins; the last ends before q.
    let ok = true;
    for (let i = 0; i < 256 && ok; i++) {
      const end = i < 255 ? t + BigInt(idx[i + 1]! - 1) : undefined;
      if (end !== undefined) {
        if (r.u8(end) !== 0) ok = false;
        else for (let a = t + BigInt(idx[i]!); a < end && ok; a++) if (r.u8(a) === 0) ok = false;
      }
    }
    if (!ok) continue;
    let last = t + BigInt(idx[255]!);
    for (let n = 0; n < 256 && r.u8(last) !== 0; n++) last++;
    const tableEnd = Number(last - t) + 1;
    if (t + BigInt(align8(tableEnd)) !== q) continue;
    return { tokenTable: t, tokenIndex: q };
  }
  return undefined;
}

/** Decodes name entries from `names` and checks them against the markers; true when all agree. */
function namesAgree(r: PageReader, names: bigint, count: number, markers: bigint, width: number, namesEnd: number): boolean {
  let off = 0;
  for (let i = 0; i < count; i++) {
    if (i % 256 === 0 && r.uint(markers + BigInt((i / 256) * width), width) !== off) return false;
    let len = r.u8(names + BigInt(off));
    if (len === undefined || len === 0) return false;
    off++;
    if (len & 0x80) {
      const hi = r.u8(names + BigInt(off++));
      if (hi === undefined) return false;
      len = (len & 0x7f) | (hi << 7);
    }
    off += len;
    if (off > namesEnd) return false;
  }
  return namesEnd - off < 8;
}

/**
 * kallsyms_num_syms and kallsyms_names before the token table: the nearest 8-aligned u32 below it whose count
 * of names, with markers (either width, with or without seqs_of_names) between them and the token table,
 * decodes exactly. The tables are contiguous: the scan stops at the first page it cannot read.
 */
function namesBefore(r: PageReader, tokenTable: bigint): { numSyms: bigint; names: bigint }[] {
  const out: { numSyms: bigint; names: bigint }[] = [];
  const floor = tokenTable - BigInt(MAX_NAMES_BYTES);
  const first = tokenTable - 16n - (tokenTable % 8n);
  for (let pageBase = first - (first % BigInt(PAGE)); pageBase > floor && pageBase >= 0n; pageBase -= BigInt(PAGE)) {
    const page = r.page(pageBase);
    if (!page) break;
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const top = pageBase === first - (first % BigInt(PAGE)) ? Number(first - pageBase) : PAGE - 8;
    for (let off = top; off >= 0; off -= 8) {
      const n = view.getUint32(off, true);
      if (n < MIN_SYMS || n > MAX_KALLSYMS) continue;
      const c = pageBase + BigInt(off);
      const m = Math.ceil(n / 256);
      for (const seqs of [0, align8(3 * n)]) {
        for (const width of [8, 4]) {
          const markers = tokenTable - BigInt(seqs + align8(m * width));
          const names = c + 8n;
          if (markers <= names) continue;
          if (r.uint(markers, width) !== 0) continue;
          if (m > 1 && (r.uint(markers + BigInt(width), width) ?? 0) <= 256) continue;
          if (namesAgree(r, names, n, markers, width, Number(markers - names))) out.push({ numSyms: c, names });
        }
      }
      if (out.length) return out;
    }
  }
  return out;
}

/**
 * Scans [start, start + maxBytes) of kernel memory for the kallsyms tables and decodes them. `accept` checks a
 * decoded table (e.g. that _stext is where VMCOREINFO says): the first candidate it accepts is returned.
 */
export function searchKallsyms(read: ReadVirtual, start: bigint, maxBytes: number, accept: (t: KallsymsImage) => boolean, options: KallsymsOptions = {}): KallsymsSearchResult | undefined {
  const r = new PageReader(read);
  const pages = Math.min(MAX_SCAN_PAGES, Math.ceil(maxBytes / PAGE));
  const first = start - (start % BigInt(PAGE));
  let carry = new Uint8Array(0);
  for (let p = 0; p < pages; p++) {
    const base = first + BigInt(p * PAGE);
    const page = r.page(base);
    if (!page) {
      carry = new Uint8Array(0);
      continue;
    }
    const buf = new Uint8Array(carry.length + PAGE);
    buf.set(carry);
    buf.set(page, carry.length);
    const bufBase = base - BigInt(carry.length);
    for (let i = buf.indexOf(0x30); i >= 0 && i + DIGITS.length <= buf.length; i = buf.indexOf(0x30, i + 1)) {
      let k = 1;
      while (k < DIGITS.length && buf[i + k] === DIGITS[k]) k++;
      if (k < DIGITS.length) continue;
      const found = tryAt(r, read, bufBase + BigInt(i), accept, options);
      if (found) return found;
    }
    carry = buf.slice(buf.length - (DIGITS.length - 1));
  }
  return undefined;
}

function tryAt(r: PageReader, read: ReadVirtual, zero: bigint, accept: (t: KallsymsImage) => boolean, options: KallsymsOptions): KallsymsSearchResult | undefined {
  const tokens = tokenTables(r, zero);
  if (!tokens) return undefined;
  for (const { numSyms, names } of namesBefore(r, tokens.tokenTable)) {
    const n = r.uint(numSyms, 4)!;
    const afterIndex = tokens.tokenIndex + BigInt(TOKEN_INDEX_SIZE);
    const layouts: { offsets: bigint; relativeBase: bigint }[] = [
      { relativeBase: numSyms - 8n, offsets: numSyms - 8n - BigInt(align8(4 * n)) },
      { offsets: afterIndex, relativeBase: afterIndex + BigInt(align8(4 * n)) },
    ];
    for (const l of layouts) {
      const location: KallsymsLocation = { numSyms, names, tokenTable: tokens.tokenTable, tokenIndex: tokens.tokenIndex, offsets: l.offsets, relativeBase: l.relativeBase };
      try {
        const image = decodeKallsyms(read, location, options);
        if (accept(image)) return { location, image };
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
    }
  }
  return undefined;
}
