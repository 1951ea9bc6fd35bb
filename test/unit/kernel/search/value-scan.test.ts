// search's inner loop: every aligned item of a stretch compared with each value under crash's mask, in
// crash's order (by address, then by value), for unsigned longs, ints and shorts.
import { describe, expect, it } from "vitest";
import { ValueScanner } from "../../../../src/core/kernel/search/value-scan";

function page(words: [number, bigint][]): Uint8Array {
  const p = new Uint8Array(4096);
  const dv = new DataView(p.buffer);
  for (const [off, v] of words) dv.setBigUint64(off, v, true);
  return p;
}

function scan(s: ValueScanner, p: Uint8Array, from = 0, to = 4096): [number, number][] {
  const out: number[] = [];
  s.scan(p, from, to, out);
  return out.map((c) => [c >>> 8, c & 0xff]);
}

describe("ValueScanner", () => {
  const p = page([
    [0, 0xffffffffc05de080n],
    [8, 0xffffffffc05de000n],
    [0x10, 0xc05de080ffffffffn],
    [0xff8, 0xffffffffc05de080n],
  ]);

  it("finds unsigned longs by their two halves, at 8-byte offsets only, in the stretch asked for", () => {
    const s = new ValueScanner({ width: 8, values: [0xffffffffc05de080n], mask: 0n });
    expect(scan(s, p)).toEqual([[0, 0], [0xff8, 0]]);
    expect(scan(s, p, 8, 0xff8)).toEqual([]);
    expect(s.valueAt(p, 0xff8)).toBe(0xffffffffc05de080n);
  });

  it("applies crash's mask to both sides and reports every value that matches, in the values' order", () => {
    const s = new ValueScanner({ width: 8, values: [0xffffffffc05de000n, 0xffffffffc05de080n], mask: 0xfffn });
    expect(scan(s, p)).toEqual([[0, 0], [0, 1], [8, 0], [8, 1], [0xff8, 0], [0xff8, 1]]);
  });

  it("compares each int of a long (-w) and each short (-h), the high bits included", () => {
    const w = new ValueScanner({ width: 4, values: [0xc05de080n], mask: 0n });
    expect(scan(w, p)).toEqual([[0, 0], [0x14, 0], [0xff8, 0]]);
    const h = new ValueScanner({ width: 2, values: [0xe080n], mask: 0n });
    expect(scan(h, p)).toEqual([[0, 0], [0x14, 0], [0xff8, 0]]);
    const hm = new ValueScanner({ width: 2, values: [0xffffn], mask: 0xff00n });
    // Low byte 0xff, high byte "don't care".
    expect(scan(hm, p).map(([o]) => o)).toEqual([4, 6, 0xc, 0xe, 0x10, 0x12, 0xffc, 0xffe]);
  });

  it("a zero value matches every zero item (the caller bounds the matches)", () => {
    const s = new ValueScanner({ width: 8, values: [0n], mask: 0n });
    expect(scan(s, new Uint8Array(4096))).toHaveLength(512);
  });
});
