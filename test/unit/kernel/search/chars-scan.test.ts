// search -c: matches shown as 56 characters of memory from their address; a string that runs off one
// stretch is found when the next stretch follows it, shown as the string and what follows it there.
import { describe, expect, it } from "vitest";
import { CharsScanner, type CharsMatch } from "../../../../src/core/kernel/search/chars-scan";

const enc = (s: string) => new TextEncoder().encode(s);

function pageWith(at: number, text: string): Uint8Array {
  const p = new Uint8Array(4096);
  p.set(enc(text), at);
  return p;
}

describe("CharsScanner", () => {
  it("shows 56 characters from a match, '.' for what is not printable, fewer at the end of the stretch", () => {
    const s = new CharsScanner([enc("Linux")]);
    const out: CharsMatch[] = [];
    const p = pageWith(16, "Linux version\u0001 6.1");
    p.set(enc("Linux"), 4090);
    s.scan(p, 0, 4096, 0x1000n, out);
    expect(out[0]).toEqual({ address: 0x1010n, text: "Linux version. 6.1" + ".".repeat(56 - 18), target: 0 });
    expect(out[1]).toEqual({ address: 0x1ffan, text: "Linux.", target: 0 });
  });

  it("finds a string across two consecutive stretches, and not when the next does not follow", () => {
    const a = pageWith(4090, "signed");
    const b = pageWith(0, " long)((( gfp_t)");
    const s = new CharsScanner([enc("signed long")]);
    const out: CharsMatch[] = [];
    s.scan(a, 0, 4096, 0x10000n, out);
    expect(out).toEqual([]);
    s.scan(b, 0, 4096, 0x11000n, out);
    expect(out).toEqual([{ address: 0x10ffan, text: "signed long)((( gfp_t)" + ".".repeat(56 - 22), target: 0 }]);
    const t = new CharsScanner([enc("signed long")]);
    const none: CharsMatch[] = [];
    t.scan(a, 0, 4096, 0x10000n, none);
    t.scan(b, 0, 4096, 0x12000n, none);
    expect(none).toEqual([]);
  });

  it("a partial first stretch starts at its offset; matches of several strings come in address order", () => {
    const p = pageWith(0x100, "abc xyz abc");
    const s = new CharsScanner([enc("xyz"), enc("abc")]);
    const out: CharsMatch[] = [];
    s.scan(p, 0x104, 0x200, 0x5104n, out);
    expect(out.map((m) => [m.address, m.target])).toEqual([[0x5104n, 0], [0x5108n, 1]]);
  });
});
