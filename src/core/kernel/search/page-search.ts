// The walks of crash's `search` (memory.c search_virtual, search_physical) over the dump's pages, with the
// matches of each page found by value-scan.ts or chars-scan.ts. Two walks:
//   - linear: a range where physical = virtual - delta (the direct map, the kernel text mapping, physical
//     memory itself): page frames are visited in order as numbers, and only those with a struct page that the
//     dump holds are read, so the walk costs one page-state test per frame;
//   - translated: any other range, page by page through a translation (the page tables); a page that does
//     not translate asks where to go next (crash's next_kpage / next_upage), one that cannot be read is
//     skipped.
// Each physical page is scanned whole at most once per search for values (its matches are kept per frame):
// the kernel's image is seen through the direct map and again through the kernel text mapping, vmalloc'ed
// pages through the direct map and their vmalloc address. Every walk is bounded (pages visited, matches
// kept) and calls the caller's interrupt check every few pages.
import type { Dump } from "../../dump/dump";
import { KdwError } from "../../io/errors";
import { CharsScanner, type CharsMatch, type StretchDigest } from "./chars-scan";
import { PfnSet } from "./ranges";
import { ValueScanner, type ValueTarget } from "./value-scan";

const PAGE_SIZE = 4096;
const PAGE_MASK = 0xfffn;
const U64_END = 1n << 64n;
/** Pages visited between two interrupt checks. */
const INTERRUPT_PAGES = 64;
/** Matches kept per frame for reuse, in all (beyond it pages are scanned again when seen again). */
const MAX_KEPT_MATCHES = 1 << 21;
/** Bytes of page digests kept for string searches, in all. */
const MAX_KEPT_DIGEST_BYTES = 64 << 20;
/** Page frames the reuse bitmap covers (2^31 frames: 8 TiB). */
const MAX_KEPT_PFNS = 2 ** 31;
/** Page frames the readable-frame bitmap covers (2^28 frames, 1 TiB: a 32 MiB bitmap); beyond, frame by frame. */
const MAX_BITMAP_PFNS = 2 ** 28;

export type SearchTarget = ({ kind: "values" } & ValueTarget) | { kind: "chars"; strings: readonly Uint8Array[] };

/** What a search finds, in crash's order. */
export type SearchEvent =
  /** A value (-w/-h/default): the item in memory at `address`, and the index of the value it matched. */
  | { kind: "value"; address: bigint; value: bigint; index: number }
  /** A string (-c): the characters shown from `address`. */
  | { kind: "chars"; address: bigint; text: string; index: number }
  /** The task whose stack the following matches are on (-t, -T). */
  | { kind: "task"; task: bigint }
  /** One of crash's INFO lines ("rounding down start address to: ..."). */
  | { kind: "note"; text: string };

export interface SearchLimits {
  /** Matches reported at most (the search stops there). */
  maxMatches: number;
  /** Pages visited at most, readable or not (the search stops there). */
  maxPages: number;
  /** The caller's cancel check. */
  interrupt?: () => void;
}

/** Thrown inside a walk when a limit is reached; caught by the search entry points. */
export class SearchStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "SearchStopped";
  }
}

/** Where to go after a page that does not translate: the next page to try, or undefined to stop. */
export type NextPage = (failed: bigint) => bigint | undefined;

export class PageSearch {
  readonly events: SearchEvent[] = [];
  matches = 0;
  pagesVisited = 0;
  pagesRead = 0;
  /** The task whose header goes before the next match (crash's do_task_header). */
  pendingTask: bigint | undefined;
  private readonly values?: ValueScanner;
  private readonly chars?: CharsScanner;
  private readonly valid: PfnSet;
  private readonly kept = new Map<number, number[]>();
  private readonly keptValues = new Map<number, bigint[]>();
  private readonly scanned: Uint8Array | undefined;
  private keptCount = 0;
  /** Digests of whole pages for string searches, by frame (their first bytes and matches), and their size. */
  private readonly keptDigests = new Map<number, StretchDigest>();
  private keptBytes = 0;
  /** Bit per frame: it has a struct page and the dump holds it (made on the first linear walk). */
  private readableBits: Uint32Array | undefined;
  private readonly codes: number[] = [];
  private readonly found: CharsMatch[] = [];

  constructor(
    private readonly dump: Dump,
    target: SearchTarget,
    validPfns: PfnSet,
    private readonly limits: SearchLimits,
  ) {
    if (target.kind === "values") this.values = new ValueScanner(target);
    else this.chars = new CharsScanner(target.strings);
    this.valid = validPfns;
    this.scanned = dump.maxPfn <= MAX_KEPT_PFNS && target.kind === "values" ? new Uint8Array(Math.ceil(dump.maxPfn / 8)) : undefined;
  }

  note(text: string): void {
    this.events.push({ kind: "note", text });
  }

  /** One visited page: counts it against the budget and checks for a cancel. */
  private visit(): void {
    if (++this.pagesVisited > this.limits.maxPages) throw new SearchStopped(`the search visited ${this.limits.maxPages} pages (its limit)`);
    if (this.pagesVisited % INTERRUPT_PAGES === 0) this.limits.interrupt?.();
  }

  /**
   * The page frame's bytes when it has a struct page and the dump holds it, valid until the next read (a
   * search uses each page at once; what it keeps, it copies): its pages are neither allocated nor cached, and
   * do not push out of the dump's page cache the pages the walkers reuse.
   */
  private page(pfn: number): Uint8Array | undefined {
    if (!this.valid.has(pfn) || this.dump.pageState(pfn) !== "present") return undefined;
    try {
      return this.dump.readPageTransient(pfn);
    } catch (err) {
      if (err instanceof KdwError) return undefined;
      throw err;
    }
  }

  /** A page frame is readable: it has a struct page and the dump holds it. */
  readable(pfn: number): boolean {
    return this.valid.has(pfn) && this.dump.pageState(pfn) === "present";
  }

  /**
   * The readable frames as a bitmap, made once per search (one page-state test per frame): linear walks then
   * pass over 32 unreadable frames at a time. Undefined for dumps too large for it.
   */
  private readableMap(): Uint32Array | undefined {
    const max = this.dump.maxPfn;
    if (this.readableBits || max > MAX_BITMAP_PFNS) return this.readableBits;
    const bits = new Uint32Array(Math.ceil(max / 32));
    let tested = 0;
    for (let pfn = this.valid.next(0); pfn !== undefined && pfn < max; ) {
      if (this.dump.pageState(pfn) === "present") bits[pfn >>> 5]! |= 1 << (pfn & 31);
      if (++tested % (INTERRUPT_PAGES * 64) === 0) this.limits.interrupt?.();
      pfn = this.valid.next(pfn + 1);
    }
    this.readableBits = bits;
    return bits;
  }

  private report(e: SearchEvent): void {
    if (this.pendingTask !== undefined) {
      this.events.push({ kind: "task", task: this.pendingTask });
      this.pendingTask = undefined;
    }
    this.events.push(e);
    if (++this.matches >= this.limits.maxMatches) throw new SearchStopped(`the search stopped after ${this.limits.maxMatches} matches (its limit)`);
  }

  /**
   * Scans bytes [from, to) of page frame `pfn`, whose first byte is at `base` (a virtual or physical address).
   * Returns false when the page cannot be read.
   */
  scanFrame(pfn: number, from: number, to: number, base: bigint): boolean {
    if (this.chars) {
      const whole = from === 0 && to === PAGE_SIZE;
      let digest = whole ? this.keptDigests.get(pfn) : undefined;
      if (!digest) {
        const page = this.page(pfn);
        if (!page) return false;
        this.pagesRead++;
        digest = this.chars.digest(page, from, to);
        if (whole && this.keptBytes < MAX_KEPT_DIGEST_BYTES) {
          this.keptDigests.set(pfn, digest);
          this.keptBytes += digest.head.length + 64 * (digest.matches.length + 1);
        }
      }
      this.found.length = 0;
      this.chars.scanDigest(digest, base + BigInt(from), this.found);
      for (const m of this.found) this.report({ kind: "chars", address: m.address, text: m.text, index: m.target });
      return true;
    }
    const scanner = this.values!;
    let codes: number[];
    let values: bigint[] | undefined;
    const bit = this.scanned && pfn < this.scanned.length * 8 ? pfn : -1;
    if (bit >= 0 && this.scanned![bit >>> 3]! & (1 << (bit & 7))) {
      codes = this.kept.get(pfn) ?? [];
      values = this.keptValues.get(pfn);
    } else {
      const page = this.page(pfn);
      if (!page) return false;
      this.pagesRead++;
      const whole = bit >= 0 && this.keptCount < MAX_KEPT_MATCHES;
      codes = this.codes;
      codes.length = 0;
      scanner.scan(page, whole ? 0 : from, whole ? PAGE_SIZE : to, codes);
      if (codes.length) values = codes.map((c) => scanner.valueAt(page, c >>> 8));
      if (whole) {
        this.scanned![bit >>> 3] |= 1 << (bit & 7);
        if (codes.length) {
          codes = codes.slice();
          this.kept.set(pfn, codes);
          if (scanner.target.mask !== 0n) this.keptValues.set(pfn, values!);
          else values = undefined;
          this.keptCount += codes.length;
        }
      }
    }
    for (let i = 0; i < codes.length; i++) {
      const off = codes[i]! >>> 8;
      if (off < from || off >= to) continue;
      const index = codes[i]! & 0xff;
      this.report({ kind: "value", address: base + BigInt(off), value: values ? values[i]! : BigInt.asUintN(scanner.target.width * 8, scanner.target.values[index]!), index });
    }
    return true;
  }

  /**
   * crash's search loop over [start, end) where physical = address - delta, page by page: the frames that
   * fall below physical 0 or have no readable page are passed over.
   */
  walkLinear(start: bigint, end: bigint, delta: bigint): void {
    if (end <= start) return;
    const physStart = start - delta;
    const physEnd = end - delta;
    const maxPhys = BigInt(this.dump.maxPfn) * 4096n;
    if (physEnd <= 0n || physStart >= maxPhys) return;
    const startNum = physStart < 0n ? -1 : Number(physStart);
    // Past the dump's last frame nothing can be read: the walk ends there, and only a range that ends
    // before it has a last, partial page.
    const endNum = Number(physEnd < maxPhys ? physEnd : maxPhys);
    const lastPfn = physEnd < maxPhys ? Math.floor(endNum / PAGE_SIZE) : Infinity;
    let pfn = startNum < 0 ? 0 : Math.floor(startNum / PAGE_SIZE);
    let next = startNum < 0 ? 0 : startNum;
    const bits = this.readableMap();
    for (; pfn * PAGE_SIZE < endNum; pfn++, next = pfn * PAGE_SIZE) {
      if (bits) {
        // Whole words of unreadable frames are passed over at once (each counted as one visit).
        const word = bits[pfn >>> 5] ?? 0;
        if (word >>> (pfn & 31) === 0) {
          this.visit();
          pfn = ((pfn >>> 5) + 1) * 32 - 1;
          continue;
        }
        if (!(word & (1 << (pfn & 31)))) continue;
      }
      this.visit();
      const from = next - pfn * PAGE_SIZE;
      const to = pfn === lastPfn ? from + Math.floor((endNum - next) / 8) * 8 : PAGE_SIZE;
      if (!bits && !this.readable(pfn)) {
        // Jump over frames without a struct page in one step (the answer is the same: none is read).
        if (!this.valid.has(pfn)) {
          const n = this.valid.next(pfn);
          if (n === undefined) return;
          pfn = n - 1;
        }
        continue;
      }
      this.scanFrame(pfn, from, to, delta + BigInt(pfn * PAGE_SIZE));
    }
  }

  /**
   * crash's search_virtual over [start, end) through `translate` (a physical address, or -1 when the page is
   * not mapped): a page that does not translate, or has no struct page, goes to `nextPage`; one the dump
   * does not hold is skipped.
   */
  walkTranslated(start: bigint, end: bigint, translate: (vaddr: bigint) => number, nextPage: NextPage): void {
    let next = start;
    let pp = start & ~PAGE_MASK;
    while (next < end) {
      this.visit();
      const lastPage = (next & ~PAGE_MASK) === (end & ~PAGE_MASK);
      const phys = translate(pp);
      const pfn = phys < 0 ? -1 : Math.floor(phys / PAGE_SIZE);
      if (pfn < 0 || !this.valid.has(pfn)) {
        const n = nextPage(pp);
        if (n === undefined || n <= pp) return;
        pp = n;
        next = pp;
        continue;
      }
      const from = Number(next - pp);
      const to = lastPage ? (end === U64_END - 1n ? PAGE_SIZE : from + Number((end - next) / 8n) * 8) : PAGE_SIZE;
      this.scanFrame(pfn, from, to, pp);
      pp += BigInt(PAGE_SIZE);
      next = pp;
    }
  }
}
