// crash's string search (memory.c search_chars / search_chars_p, report_match): each target string is looked
// for at every byte of a stretch of a page; a match is shown from its address as up to 56 characters
// (CHARS_CTX) of memory, unprintable ones as '.'. A target that begins in the last len-1 bytes of one stretch
// and ends in the next is found when the next stretch starts where the last one ended (crash's cross_match:
// it is then shown as the target followed by what comes after it on the next page).

/** crash's CHARS_CTX: characters shown from a match. */
export const CHARS_CTX = 56;
/** Longest target string (crash keeps cross-page hits in a BUFSIZE array). */
export const MAX_TARGET_LENGTH = 1500;

interface Cross {
  /** Address of the first byte of the last len-1 bytes of the previous stretch. */
  addr: bigint;
  /** hit[i]: the target starts at addr + i and runs off the end of the previous stretch. */
  hit: Uint8Array;
  count: number;
}

/** What a match shows: its address, the characters, and which target it is. */
export interface CharsMatch {
  address: bigint;
  text: string;
  target: number;
}

function printable(bytes: ArrayLike<number>, from: number, count: number): string {
  let s = "";
  for (let i = 0; i < count; i++) {
    const c = bytes[from + i] ?? 0;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  }
  return s;
}

/** The state of one `search -c` over consecutive stretches (the cross-page matches carry over). */
export class CharsScanner {
  private readonly cross: Cross[];
  /** Where the next stretch must start for cross-page matches to count (-1n: none yet). */
  private nextAddr = -1n;
  private readonly first: Uint8Array;

  constructor(readonly targets: readonly Uint8Array[]) {
    this.cross = targets.map((t) => ({ addr: 0n, hit: new Uint8Array(Math.max(0, t.length - 1)), count: 0 }));
    this.first = Uint8Array.from(targets.map((t) => t[0] ?? 0));
  }

  /** The matches in `page[from, to)`, whose first byte is at `addr`, in crash's order. */
  scan(page: Uint8Array, from: number, to: number, addr: bigint, out: CharsMatch[]): void {
    const n = to - from;
    const targets = this.targets;
    if (this.nextAddr === addr) {
      for (let j = 0; j < targets.length; j++) {
        const c = this.cross[j]!;
        if (!c.count) continue;
        const t = targets[j]!;
        const len = t.length;
        for (let i = 0; i < len - 1; i++) {
          if (!c.hit[i] || !matchesAt(page, from, t, len - 1 - i, i + 1)) continue;
          out.push({ address: c.addr + BigInt(i), text: printable(t, 0, len) + printable(page, from + i + 1, Math.max(0, CHARS_CTX - len)), target: j });
        }
      }
    }
    this.nextAddr = addr + BigInt(n);
    for (let j = 0; j < targets.length; j++) {
      const c = this.cross[j]!;
      c.count = 0;
      c.addr = this.nextAddr - BigInt(targets[j]!.length - 1);
      c.hit.fill(0);
    }
    for (let i = 0; i < n; i++) {
      const b = page[from + i]!;
      for (let j = 0; j < targets.length; j++) {
        if (b !== this.first[j]) continue;
        const t = targets[j]!;
        const len = t.length;
        if (i + len > n) {
          if (matchesAt(page, from + i, t, 0, n - i)) {
            this.cross[j]!.hit[len + i - n - 1] = 1;
            this.cross[j]!.count++;
          }
        } else if (matchesAt(page, from + i, t, 0, len)) {
          out.push({ address: addr + BigInt(i), text: printable(page, from + i, Math.min(CHARS_CTX, n - i)), target: j });
        }
      }
    }
  }
}

/** page[at, at+count) equals target[tFrom, tFrom+count). */
function matchesAt(page: Uint8Array, at: number, target: Uint8Array, tFrom: number, count: number): boolean {
  for (let k = 0; k < count; k++) if (page[at + k] !== target[tFrom + k]) return false;
  return true;
}
