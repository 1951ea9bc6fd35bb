// The XArray walk on arrays built in synthetic memory with the 6.1 x86_64 xa_node layout: empty and
// single-entry roots, two- and three-level trees with sibling, retry, zero and value entries; then hostile
// trees (loops, unreadable nodes, shifts that do not step down, node pointers in leaves, budgets, random
// node bytes): the walk keeps what it yielded and ends with WalkAborted, never another error, never a hang.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WalkAborted } from "../../../src/core/io/errors";
import { XA_LAYOUT_6_1 as L, xaIsNode, xaIsValue, xarrayEntries, xarrayNodeEntries, xaToValue, type XaEntry } from "../../../src/core/program/xarray";
import { SparseSpace } from "../../fixtures/maple-builder";

const XA = 0xffff888000001000n; // the struct xarray
const P = (n: number): bigint => 0xffff888100000000n + BigInt(n) * 0x40n; // a stored pointer
const NODE_BYTES = L.nodeSlotsOff + L.chunkSize * 8 + 24;

class XaBuilder {
  readonly mem = new SparseSpace();
  private next = 0xffff888000010000n;
  constructor() {
    this.mem.write(XA, new Uint8Array(16));
  }
  /** A node with `shift` and slots {index: entry}; returns its internal entry (address | 2). */
  node(shift: number, slots: Record<number, bigint>): bigint {
    const addr = this.next;
    this.next += 0x400n;
    const bytes = new Uint8Array(NODE_BYTES);
    bytes[L.nodeShiftOff] = shift;
    this.mem.write(addr, bytes);
    for (const [i, v] of Object.entries(slots)) this.mem.writeU64(addr + BigInt(L.nodeSlotsOff + Number(i) * 8), v);
    return addr | 2n;
  }
  root(head: bigint): this {
    this.mem.writeU64(XA + BigInt(L.headOff), head);
    return this;
  }
  walk(budget?: number): { entries: XaEntry[]; error?: unknown } {
    const entries: XaEntry[] = [];
    try {
      for (const e of xarrayEntries(this.mem, L, XA, { budget })) entries.push(e);
    } catch (error) {
      return { entries, error };
    }
    return { entries };
  }
}

const e = (index: number | bigint, entry: bigint): XaEntry => ({ index: BigInt(index), entry });
const SIBLING = (offset: number): bigint => (BigInt(offset) << 2n) | 2n; // xa_mk_sibling
const RETRY = 0x402n; // XA_RETRY_ENTRY = xa_mk_internal(256)
const ZERO = 0x406n; // XA_ZERO_ENTRY = xa_mk_internal(257)

describe("xarray: entries", () => {
  it("an empty array has none; a root that is not a node is the entry of index 0", () => {
    expect(new XaBuilder().walk()).toEqual({ entries: [] });
    expect(new XaBuilder().root(P(1)).walk()).toEqual({ entries: [e(0, P(1))] });
    expect(new XaBuilder().root(RETRY).walk()).toEqual({ entries: [] });
  });

  it("one node: present slots in order, sibling, retry and zero entries skipped, values yielded", () => {
    const b = new XaBuilder();
    const value = (7n << 1n) | 1n; // xa_mk_value(7)
    b.root(b.node(0, { 0: P(0), 3: P(3), 4: SIBLING(3), 5: RETRY, 6: ZERO, 9: value, 63: P(63) }));
    const { entries, error } = b.walk();
    expect(error).toBeUndefined();
    expect(entries).toEqual([e(0, P(0)), e(3, P(3)), e(9, value), e(63, P(63))]);
    expect(xaIsValue(entries[2]!.entry) && xaToValue(entries[2]!.entry)).toBe(7n);
    expect(xaIsNode(b.node(0, {}))).toBe(true);
    expect(xaIsNode(P(1))).toBe(false);
  });

  it("two and three levels: indices are base + slot << shift", () => {
    const b = new XaBuilder();
    const leafA = b.node(0, { 1: P(1), 63: P(63) });
    const leafB = b.node(0, { 1: P(129) });
    const mid = b.node(6, { 0: leafA, 2: leafB });
    const leafC = b.node(0, { 5: P(5) });
    const mid2 = b.node(6, { 1: leafC });
    b.root(b.node(12, { 0: mid, 3: mid2 }));
    expect(b.walk().entries).toEqual([e(1, P(1)), e(63, P(63)), e(129, P(129)), e(3 * 4096 + 64 + 5, P(5))]);
  });
});

describe("xarray: hostile trees", () => {
  it("a child pointing back at its parent is a loop: the entries before it are kept", () => {
    const b = new XaBuilder();
    const leaf = b.node(0, { 2: P(2) });
    const root = b.node(6, { 0: leaf });
    b.mem.writeU64((root - 2n) + BigInt(L.nodeSlotsOff + 8), root); // slot 1 -> the root itself
    b.root(root);
    const { entries, error } = b.walk();
    expect(entries).toEqual([e(2, P(2))]);
    expect(error).toBeInstanceOf(WalkAborted);
    expect((error as Error).message).toMatch(/shift 6 where 0 was expected|seen twice/);
  });

  it("a node seen twice (two parents) is a loop", () => {
    const b = new XaBuilder();
    const leaf = b.node(0, { 2: P(2) });
    b.root(b.node(6, { 0: leaf, 1: leaf }));
    const { entries, error } = b.walk();
    expect(entries).toEqual([e(2, P(2))]);
    expect((error as Error).message).toMatch(/seen twice \(loop\)/);
  });

  it("an unreadable child ends the walk after what was good", () => {
    const b = new XaBuilder();
    const leaf = b.node(0, { 0: P(0) });
    b.root(b.node(6, { 0: leaf, 1: 0xffff888077770002n, 2: b.node(0, { 0: P(128) }) }));
    const { entries, error } = b.walk();
    expect(entries).toEqual([e(0, P(0))]);
    expect(error).toBeInstanceOf(WalkAborted);
    expect((error as Error).message).toMatch(/node ffff888077770000/);
  });

  it("an unreadable xa_head, a bad shift, and a node pointer in a leaf are refused", () => {
    const unreadable = xarrayEntries(new SparseSpace(), L, XA);
    expect(() => [...unreadable]).toThrow(WalkAborted);
    const b1 = new XaBuilder();
    b1.root(b1.node(7, { 0: P(0) }));
    expect((b1.walk().error as Error).message).toMatch(/bad shift 7/);
    const b2 = new XaBuilder();
    b2.root(b2.node(0, { 0: P(0), 1: 0xffff888000020002n }));
    const r2 = b2.walk();
    expect(r2.entries).toEqual([e(0, P(0))]);
    expect((r2.error as Error).message).toMatch(/leaf node slot 1: a node pointer/);
  });

  it("the step budget bounds the walk", () => {
    const b = new XaBuilder();
    const slots: Record<number, bigint> = {};
    for (let i = 0; i < 64; i++) slots[i] = P(i);
    b.root(b.node(0, slots));
    const { entries, error } = b.walk(10);
    expect(entries.length).toBeLessThan(10);
    expect((error as Error).message).toMatch(/budget of 10/);
  });

  it("random node bytes never give anything but entries and WalkAborted", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: NODE_BYTES, maxLength: NODE_BYTES }), fc.uint8Array({ minLength: NODE_BYTES, maxLength: NODE_BYTES }), (a, c) => {
        const b = new XaBuilder();
        const n1 = b.node(0, {});
        const n2 = b.node(0, {});
        b.mem.write(n1 - 2n, a);
        b.mem.write(n2 - 2n, c);
        // point some slots of the first node at the second, and at the first
        b.mem.writeU64(n1 - 2n + BigInt(L.nodeSlotsOff), n2);
        b.mem.writeU64(n1 - 2n + BigInt(L.nodeSlotsOff + 8), n1);
        b.root(n1);
        const { entries, error } = b.walk(5000);
        expect(error === undefined || error instanceof WalkAborted).toBe(true);
        expect(entries.length).toBeLessThanOrEqual(128);
      }),
      { numRuns: 200 },
    );
  });
});

describe("xarray: from a node (crash's tree -t xarray -N)", () => {
  it("walks the entries under one xa_node, indexed from 0, tagged or not", () => {
    const b = new XaBuilder();
    const leafA = b.node(0, { 1: P(1) });
    const leafB = b.node(0, { 2: P(2) });
    const mid = b.node(6, { 0: leafA, 3: leafB });
    b.root(b.node(12, { 1: mid }));
    expect([...xarrayNodeEntries(b.mem, L, mid)]).toEqual([e(1, P(1)), e(3 * 64 + 2, P(2))]);
    expect([...xarrayNodeEntries(b.mem, L, mid - 2n)]).toEqual([e(1, P(1)), e(3 * 64 + 2, P(2))]);
    expect(b.walk().entries).toEqual([e(4096 + 1, P(1)), e(4096 + 3 * 64 + 2, P(2))]);
  });

  it("an unreadable node is a WalkAborted", () => {
    expect(() => [...xarrayNodeEntries(new SparseSpace(), L, 0xffff888077770000n)]).toThrow(WalkAborted);
  });
});
