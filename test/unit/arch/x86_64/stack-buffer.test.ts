// StackBuffer keeps a stack's pages as the reads return them: words, halves and slices are checked against
// the same stack laid out in one buffer, on page-aligned and unaligned stacks, across page boundaries, and
// with a page that cannot be read (its words throw StackPageMissing naming the address; the others read).
import { describe, expect, it } from "vitest";
import { StackBuffer, StackPageMissing } from "../../../../src/core/arch/x86_64/stacks";
import { InvalidAddressError } from "../../../../src/core/io/errors";

const PAGE = 4096;

function memory(base: bigint, size: number, hidden?: bigint): { bytes: Uint8Array; read: (addr: bigint, len: number) => Uint8Array } {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 131 + 7) & 0xff;
  const read = (addr: bigint, len: number) => {
    const page = addr & ~0xfffn;
    if (hidden !== undefined && page === hidden) throw new InvalidAddressError(addr, "hidden by the test");
    if (((addr + BigInt(len) - 1n) & ~0xfffn) !== page) throw new Error("a read crossed a page");
    const off = Number(addr - base);
    return bytes.subarray(off, off + len);
  };
  return { bytes, read };
}

describe("StackBuffer", () => {
  for (const base of [0xffffc90000010000n, 0xffffc90000010a08n]) {
    it(`reads words, halves and slices as one buffer would (base ${base.toString(16)})`, () => {
      const size = 4 * PAGE;
      const { bytes, read } = memory(base, size);
      const s = new StackBuffer({ base, top: base + BigInt(size) }, read);
      const dv = new DataView(bytes.buffer);
      expect(s.words).toBe(size / 8);
      for (let i = 0; i < s.words; i++) {
        expect(s.word(i)).toBe(dv.getBigUint64(i * 8, true));
        expect(s.hi(i)).toBe(dv.getUint32(i * 8 + 4, true));
      }
      expect(s.at(base + 0x1ff8n)).toBe(dv.getBigUint64(0x1ff8, true));
      for (const off of [0, 0xf80, 0xff0, 0x1fb0, size - 168]) expect(s.slice(base + BigInt(off), 168)).toEqual(bytes.subarray(off, off + 168));
      expect(() => s.word(s.words)).toThrow(RangeError);
      expect(() => s.slice(base + BigInt(size - 8), 16)).toThrow(StackPageMissing);
    });
  }

  it("a page that cannot be read fails its words with the address; the other pages still read", () => {
    const base = 0xffffc90000020000n;
    const size = 4 * PAGE;
    const hidden = base + 0x2000n;
    const { bytes, read } = memory(base, size, hidden);
    const s = new StackBuffer({ base, top: base + BigInt(size) }, read);
    const dv = new DataView(bytes.buffer);
    expect(s.word(0x1ff8 / 8)).toBe(dv.getBigUint64(0x1ff8, true));
    expect(s.word(0x3000 / 8)).toBe(dv.getBigUint64(0x3000, true));
    expect(() => s.word(0x2010 / 8)).toThrow(new StackPageMissing(base + 0x2010n, new InvalidAddressError(hidden, "hidden by the test").message));
    expect(() => s.hi(0x2ff8 / 8)).toThrow(StackPageMissing);
    expect(() => s.slice(base + 0x1f80n, 0x100)).toThrow(StackPageMissing);
  });
});
