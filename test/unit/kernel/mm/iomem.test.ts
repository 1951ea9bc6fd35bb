import { describe, expect, it } from "vitest";
import { iomemTopLevel, systemRamBytes, type ReadKernel } from "../../../../src/core/kernel/mm/iomem";
import { InvalidAddressError } from "../../../../src/core/io/errors";

/** A sparse kernel memory of 8-byte words and strings, for resource trees built in the test. */
class Mem implements ReadKernel {
  readonly bytes = new Map<bigint, number>();
  u64(addr: bigint, v: bigint) {
    for (let i = 0; i < 8; i++) this.bytes.set(addr + BigInt(i), Number((v >> BigInt(8 * i)) & 0xffn));
  }
  str(addr: bigint, s: string) {
    [...s, "\0"].forEach((c, i) => this.bytes.set(addr + BigInt(i), c.charCodeAt(0)));
  }
  resource(addr: bigint, start: bigint, end: bigint, name: bigint, sibling: bigint, child = 0n) {
    this.u64(addr, start);
    this.u64(addr + 8n, end);
    this.u64(addr + 16n, name);
    for (const off of [24n, 32n, 40n]) this.u64(addr + off, 0n);
    this.u64(addr + 48n, sibling);
    this.u64(addr + 56n, child);
  }
  read(addr: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const b = this.bytes.get(addr + BigInt(i));
      if (b === undefined) {
        if (i === 0) throw new InvalidAddressError(addr, "not mapped");
        return out.subarray(0, i);
      }
      out[i] = b;
    }
    return out;
  }
}

describe("iomem resource tree", () => {
  const ROOT = 0x1000n;
  function tree(loop = false): Mem {
    const m = new Mem();
    m.str(0x9000n, "PCI mem");
    m.str(0x9100n, "System RAM");
    m.str(0x9200n, "Reserved");
    m.resource(ROOT, 0n, 0xffffffffffffn, 0x9000n, 0n, 0x2000n);
    m.resource(0x2000n, 0x1000n, 0x9fbffn, 0x9100n, 0x3000n);
    m.resource(0x3000n, 0x9fc00n, 0x9ffffn, 0x9200n, 0x4000n);
    m.resource(0x4000n, 0x100000n, 0x2ffdcfffn, 0x9100n, loop ? 0x2000n : 0n);
    return m;
  }
  it("sums the top-level System RAM entries", () => {
    const { ranges, stopped } = iomemTopLevel(tree(), ROOT);
    expect(stopped).toBeUndefined();
    expect(ranges.map((r) => r.name)).toEqual(["System RAM", "Reserved", "System RAM"]);
    expect(systemRamBytes(ranges)).toBe(804764672n);
  });
  it("a sibling loop or an unreadable node ends the walk with what was read", () => {
    const looped = iomemTopLevel(tree(true), ROOT);
    expect(looped.ranges).toHaveLength(3);
    expect(looped.stopped?.message).toMatch(/loop at 2000/);
    const m = tree();
    m.u64(0x3000n + 48n, 0xdead000n);
    const cut = iomemTopLevel(m, ROOT);
    expect(cut.ranges).toHaveLength(2);
    expect(cut.stopped?.message).toMatch(/dead000/);
  });
});
