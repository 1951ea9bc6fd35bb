// crash's string search (memory.c search_chars / search_chars_p, report_match): each target string is looked
// for at every byte of a stretch of a page; a match is shown from its address as up to 56 characters
// (CHARS_CTX) of memory, unprintable ones as '.'. A target that begins in the last len-1 bytes of one stretch
// and ends in the next is found when the next stretch starts where the last one ended (crash's cross_match:
// it is then shown as the target followed by what comes after it on the next page).
//
// A stretch is first reduced to a digest — its own matches, where a target may run off its end, and its first
// bytes — from which the cross-page matches are worked out; the digest of a whole page can be kept and reused
// when the same page is seen again through another address (search.ts reads each frame once). Candidates
// are found with indexOf on each target's first byte (native), not byte by byte.

/** crash's CHARS_CTX: characters shown from a match. */
export const CHARS_CTX = 56;
/** Longest target string (crash keeps cross-page hits in a BUFSIZE array). */
export const MAX_TARGET_LENGTH = 1500;

/** What a match shows: its address, the characters, and which target it is. */
export interface CharsMatch {
  address: bigint;
  text: string;
  target: number;
}

/** A stretch's matches and what a cross-page match needs of it. */
export interface StretchDigest {
  /** Bytes in the stretch. */
  length: number;
  /** Matches wholly inside the stretch: offset from its start, target, the characters shown. */
  matches: { offset: number; target: number; text: string }[];
  /** Per target, the offsets from the end (1..len-1 bytes left) where the target starts and runs off the end. */
  tails: number[][];
  /** The stretch's first bytes: enough for the end of any target and the characters shown after it. */
  head: Uint8Array;
}

function printable(bytes: ArrayLike<number>, from: number, count: number): string {
  let s = "";
  for (let i = 0; i < count; i++) {
    const c = bytes[from + i] ?? 0;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  }
  return s;
}

/** bytes[at, at+count) equals target[tFrom, tFrom+count). */
function matchesAt(bytes: Uint8Array, at: number, target: Uint8Array, tFrom: number, count: number): boolean {
  for (let k = 0; k < count; k++) if (bytes[at + k] !== target[tFrom + k]) return false;
  return true;
}

/** The state of one `search -c` over consecutive stretches (the cross-page matches carry over). */
export class CharsScanner {
  /** Where the next stretch must start for cross-page matches to count (-1n: none yet). */
  private nextAddr = -1n;
  /** Address where the previous stretch's last len-1 bytes begin, per target, and its tails. */
  private lastTails: number[][] = [];
  private readonly headLength: number;

  constructor(readonly targets: readonly Uint8Array[]) {
    this.headLength = Math.max(0, ...targets.map((t) => t.length)) + CHARS_CTX;
  }

  /** The digest of `page[from, to)`. */
  digest(page: Uint8Array, from: number, to: number): StretchDigest {
    const view = page.subarray(from, to);
    const n = view.length;
    const found: { offset: number; target: number; text: string }[] = [];
    const tails: number[][] = this.targets.map(() => []);
    this.targets.forEach((t, j) => {
      const len = t.length;
      const first = t[0]!;
      for (let i = view.indexOf(first); i >= 0; i = view.indexOf(first, i + 1)) {
        if (i + len > n) {
          if (matchesAt(view, i, t, 0, n - i)) tails[j]!.push(n - i);
        } else if (matchesAt(view, i, t, 0, len)) found.push({ offset: i, target: j, text: printable(view, i, Math.min(CHARS_CTX, n - i)) });
      }
    });
    // crash reports by position, then by target.
    if (this.targets.length > 1) found.sort((a, b) => a.offset - b.offset || a.target - b.target);
    // crash reads the characters after a cross-page match from its whole page buffer, past the stretch's end.
    return { length: n, matches: found, tails, head: page.slice(from, Math.min(page.length, from + this.headLength)) };
  }

  /** The matches of a stretch whose first byte is at `addr`, given its digest, in crash's order. */
  scanDigest(d: StretchDigest, addr: bigint, out: CharsMatch[]): void {
    if (this.nextAddr === addr) {
      this.targets.forEach((t, j) => {
        const len = t.length;
        // crash walks its hit[] array by position: the earliest start (most bytes left behind) first.
        const left = [...(this.lastTails[j] ?? [])].sort((a, b) => b - a);
        for (const k of left) {
          if (!matchesAt(d.head, 0, t, k, len - k)) continue;
          out.push({ address: addr - BigInt(k), text: printable(t, 0, len) + printable(d.head, len - k, Math.max(0, CHARS_CTX - len)), target: j });
        }
      });
    }
    this.nextAddr = addr + BigInt(d.length);
    this.lastTails = d.tails;
    for (const m of d.matches) out.push({ address: addr + BigInt(m.offset), text: m.text, target: m.target });
  }

  /** The matches in `page[from, to)`, whose first byte is at `addr`, in crash's order. */
  scan(page: Uint8Array, from: number, to: number, addr: bigint, out: CharsMatch[]): void {
    this.scanDigest(this.digest(page, from, to), addr, out);
  }
}
