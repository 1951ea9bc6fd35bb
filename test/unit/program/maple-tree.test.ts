// The maple-tree iterator on trees built in synthetic memory with the 6.1 x86_64 node layout: single-entry
// roots, leaves with gaps, two-level trees of both internal node types, dense nodes; then hostile trees
// (loops, unreadable children, unknown node types, pivots that go backwards or past the range, trees deeper
// than MAPLE_HEIGHT_MAX, budgets, random node bytes): the walk keeps what it yielded and ends with
// WalkAborted, never another error, never a hang.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KdwError, MissingDebugInfo, WalkAborted } from "../../../src/core/io/errors";
import {
  checkLayout,
  MAPLE_ARANGE_64,
  MAPLE_DENSE,
  MAPLE_LAYOUT_6_1 as L,
  MAPLE_LEAF_64,
  MAPLE_RANGE_64,
  mapleTreeEntries,
  mapleTreePositions,
  mteNodeType,
  mteToNode,
  xaIsNode,
  type MapleEntry,
  type MaplePositionedEntry,
} from "../../../src/core/program/maple-tree";
import { MapleBuilder, SparseSpace, TREE, ULONG_MAX } from "../../fixtures/maple-builder";

/** The entries yielded before the walk stopped, and how it stopped. */
function collect(gen: Generator<MapleEntry>): { entries: MapleEntry[]; error?: unknown } {
  const entries: MapleEntry[] = [];
  try {
    for (const e of gen) entries.push(e);
  } catch (error) {
    return { entries, error };
  }
  return { entries };
}

const e = (first: bigint, last: bigint, entry: bigint): MapleEntry => ({ first, last, entry });
const P = (n: number): bigint => 0xffff888100000000n + BigInt(n) * 0x100n; // a "VMA" pointer

describe("maple tree: encoding", () => {
  it("decodes node pointers and types", () => {
    const b = new MapleBuilder();
    const en = b.enode(0xffff888000012300n, MAPLE_ARANGE_64);
    expect(mteToNode(en)).toBe(0xffff888000012300n);
    expect(mteNodeType(en)).toBe(MAPLE_ARANGE_64);
    expect(xaIsNode(en | 2n)).toBe(true);
    expect(xaIsNode(P(1))).toBe(false);
    expect(xaIsNode(0x402n)).toBe(false); // an internal entry in the reserved range
  });

  it("refuses a layout whose slots fall outside the node", () => {
    expect(() => checkLayout(L)).not.toThrow();
    expect(() => checkLayout({ ...L, range64SlotOff: 200 })).toThrow(MissingDebugInfo);
    expect(() => checkLayout({ ...L, slots: [31, 16, 16, 40] })).toThrow(MissingDebugInfo);
    expect(() => checkLayout({ ...L, nodeSize: 0 })).toThrow(MissingDebugInfo);
  });
});

describe("maple tree: walks", () => {
  it("an empty tree has no entries; a non-node root is the single entry of index 0", () => {
    const b = new MapleBuilder();
    expect(collect(b.walk())).toEqual({ entries: [] });
    b.setRoot(P(7), false);
    expect(collect(b.walk())).toEqual({ entries: [e(0n, 0n, P(7))] });
  });

  it("a leaf root: entries with the ranges their pivots give, NULL slots are gaps", () => {
    const b = new MapleBuilder();
    // [0,0x3fffff] gap, [0x400000,0x400fff] A, [0x401000,0x48bfff] B, gap to 0x7ffd0000, C, then the rest.
    const leaf = b.node(MAPLE_LEAF_64, [0n, P(1), P(2), 0n, P(3), 0n], [0x3fffffn, 0x400fffn, 0x48bfffn, 0x7ffcffffn, 0x7ffd1fffn]);
    b.setRoot(leaf);
    expect(collect(b.walk())).toEqual({ entries: [e(0x400000n, 0x400fffn, P(1)), e(0x401000n, 0x48bfffn, P(2)), e(0x7ffd0000n, 0x7ffd1fffn, P(3))] });
  });

  it("a full leaf: the last slot runs to the node's max", () => {
    const b = new MapleBuilder();
    const slots = Array.from({ length: 16 }, (_, i) => P(i + 1));
    const pivots = Array.from({ length: 15 }, (_, i) => BigInt(i * 10 + 9));
    b.setRoot(b.node(MAPLE_LEAF_64, slots, pivots));
    const { entries, error } = collect(b.walk());
    expect(error).toBeUndefined();
    expect(entries).toHaveLength(16);
    expect(entries[0]).toEqual(e(0n, 9n, P(1)));
    expect(entries[15]).toEqual(e(150n, ULONG_MAX, P(16)));
  });

  it("two levels under an arange_64 root, as an mm's VMAs are", () => {
    const b = new MapleBuilder();
    const left = b.node(MAPLE_LEAF_64, [0n, P(1), P(2)], [0x3fffffn, 0x400fffn, 0x401fffn]);
    const right = b.node(MAPLE_LEAF_64, [0n, P(3), 0n], [0x7ffcffffn, 0x7ffd0fffn, ULONG_MAX]);
    // The child covering [0, 0x401fff], then [0x402000, ULONG_MAX]; the last used slot's pivot is the max.
    b.setRoot(b.node(MAPLE_ARANGE_64, [left, right], [0x401fffn, ULONG_MAX]));
    expect(collect(b.walk())).toEqual({ entries: [e(0x400000n, 0x400fffn, P(1)), e(0x401000n, 0x401fffn, P(2)), e(0x7ffd0000n, 0x7ffd0fffn, P(3))] });
  });

  it("a range_64 internal node skips NULL children", () => {
    const b = new MapleBuilder();
    const a = b.node(MAPLE_LEAF_64, [P(1)], [0xffn]);
    const c = b.node(MAPLE_LEAF_64, [P(2)], [0x2ffn]);
    b.setRoot(b.node(MAPLE_RANGE_64, [a, 0n, c], [0xffn, 0x1ffn, 0x2ffn]));
    expect(collect(b.walk())).toEqual({ entries: [e(0n, 0xffn, P(1)), e(0x200n, 0x2ffn, P(2))] });
  });

  it("a dense leaf: one index per slot from the node's min", () => {
    const b = new MapleBuilder();
    const dense = b.node(MAPLE_DENSE, [0n, P(1), 0n, P(2)], []);
    b.setRoot(b.node(MAPLE_RANGE_64, [b.node(MAPLE_LEAF_64, [P(9)], [0x9n]), dense], [0x9n, 0x28n]));
    expect(collect(b.walk())).toEqual({ entries: [e(0n, 9n, P(9)), e(11n, 11n, P(1)), e(13n, 13n, P(2))] });
  });
});

describe("maple tree: hostile trees", () => {
  const expectAborted = (r: { entries: MapleEntry[]; error?: unknown }, reason: RegExp): void => {
    expect(r.error).toBeInstanceOf(WalkAborted);
    expect((r.error as WalkAborted).message).toMatch(/^test tree: walk stopped after \d+ steps: /);
    expect((r.error as WalkAborted).reason).toMatch(reason);
  };

  it("a child pointing back at its parent is a loop: the entries before it are kept", () => {
    const b = new MapleBuilder();
    const rootAddr = b.alloc();
    const leaf = b.node(MAPLE_LEAF_64, [P(1)], [0xffn]);
    const root = b.node(MAPLE_ARANGE_64, [leaf, b.enode(rootAddr, MAPLE_ARANGE_64)], [0xffn, ULONG_MAX], rootAddr);
    b.setRoot(root);
    const r = collect(b.walk());
    expect(r.entries).toEqual([e(0n, 0xffn, P(1))]);
    expectAborted(r, /seen twice \(loop\)/);
  });

  it("an unreadable child ends the walk after what was read", () => {
    const b = new MapleBuilder();
    const leaf = b.node(MAPLE_LEAF_64, [P(1)], [0xffn]);
    b.setRoot(b.node(MAPLE_ARANGE_64, [leaf, b.enode(0xffff888077770000n, MAPLE_LEAF_64)], [0xffn, ULONG_MAX]));
    const r = collect(b.walk());
    expect(r.entries).toEqual([e(0n, 0xffn, P(1))]);
    expectAborted(r, /node ffff888077770000: invalid address/);
  });

  it("an unreadable tree is a WalkAborted too", () => {
    const r = collect(mapleTreeEntries(new SparseSpace(), L, TREE, { what: "test tree" }));
    expectAborted(r, /ma_root unreadable/);
  });

  it("an unknown node type", () => {
    const b = new MapleBuilder();
    b.setRoot(b.node(MAPLE_LEAF_64, [P(1)], [0xffn]) | (7n << 3n));
    expectAborted(collect(b.walk()), /unknown node type 7/);
  });

  it("pivots that go backwards or past the node's range", () => {
    const b = new MapleBuilder();
    b.setRoot(b.node(MAPLE_LEAF_64, [P(1), P(2), P(3)], [0x100n, 0x80n, 0x200n]));
    const r = collect(b.walk());
    expect(r.entries).toEqual([e(0n, 0x100n, P(1))]);
    expectAborted(r, /pivot 1 \(80\) below its range start 101/);

    const c = new MapleBuilder();
    const child = c.node(MAPLE_LEAF_64, [P(1), P(2)], [0x10n, 0x500n]);
    c.setRoot(c.node(MAPLE_RANGE_64, [child], [0x100n]));
    const r2 = collect(c.walk());
    expect(r2.entries).toEqual([e(0n, 0x10n, P(1))]);
    expectAborted(r2, /pivot 1 \(500\) past the node's max 100/);
  });

  it("a dense slot past the node's range", () => {
    const b = new MapleBuilder();
    const dense = b.node(MAPLE_DENSE, [P(1), 0n, 0n, 0n, 0n, P(2)], []);
    b.setRoot(b.node(MAPLE_RANGE_64, [dense], [0x3n]));
    const r = collect(b.walk());
    expect(r.entries).toEqual([e(0n, 0n, P(1))]);
    expectAborted(r, /dense slot 5 past the node's max 3/);
  });

  it("a chain deeper than MAPLE_HEIGHT_MAX", () => {
    const b = new MapleBuilder();
    let child = b.node(MAPLE_LEAF_64, [P(1)], [0xffn]);
    for (let i = 0; i < 40; i++) child = b.node(MAPLE_RANGE_64, [child], [ULONG_MAX]);
    b.setRoot(child);
    const r = collect(b.walk());
    expect(r.entries).toEqual([]);
    expectAborted(r, /deeper than MAPLE_HEIGHT_MAX \(31\)/);
  });

  it("a step budget", () => {
    const b = new MapleBuilder();
    const slots = Array.from({ length: 16 }, (_, i) => P(i + 1));
    const pivots = Array.from({ length: 15 }, (_, i) => BigInt(i * 10 + 9));
    b.setRoot(b.node(MAPLE_LEAF_64, slots, pivots));
    const r = collect(b.walk(5));
    expect(r.entries).toHaveLength(4); // the node itself is one step
    expectAborted(r, /step budget of 5 exhausted/);
  });

  it("random node contents: only WalkAborted, always terminates", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 256, maxLength: 256 }), { minLength: 1, maxLength: 6 }), fc.nat(3), (nodes, rootType) => {
        const b = new MapleBuilder();
        const addrs = nodes.map(() => b.alloc());
        nodes.forEach((bytes, i) => {
          // Point some slots at the other nodes so the walk goes deeper (and loops).
          const dv = new DataView(bytes.buffer, bytes.byteOffset, 256);
          for (let k = 0; k < 4; k++) {
            const target = addrs[(i + k) % addrs.length]!;
            dv.setBigUint64(L.range64SlotOff + k * 8, b.enode(target, bytes[k]! % 5), true);
          }
          b.mem.write(addrs[i]!, bytes);
        });
        b.setRoot(b.enode(addrs[0]!, rootType));
        const r = collect(b.walk(10_000));
        if (r.error !== undefined) expect(r.error).toBeInstanceOf(KdwError);
        expect(r.error === undefined || r.error instanceof WalkAborted).toBe(true);
        expect(r.entries.length).toBeLessThanOrEqual(10_000);
      }),
      { seed: 1234, numRuns: 300 },
    );
  });
});

describe("maple tree: positions (crash's tree -t maple -p) and node starts (-N)", () => {
  it("names each entry's node path and slot; -N starts at a node, its path \"direct\"", () => {
    const b = new MapleBuilder();
    const left = b.node(MAPLE_LEAF_64, [0n, P(1), P(2)], [0x3fffffn, 0x400fffn, 0x401fffn]);
    const right = b.node(MAPLE_LEAF_64, [0n, P(3), 0n], [0x7ffcffffn, 0x7ffd0fffn, ULONG_MAX]);
    const root = b.node(MAPLE_ARANGE_64, [left, right], [0x401fffn, ULONG_MAX]);
    b.setRoot(root);
    const at = (list: MaplePositionedEntry[]) => list.map((x) => `${x.entry === P(1) ? 1 : x.entry === P(2) ? 2 : 3} ${x.path}/${x.slot}`);
    expect(at([...mapleTreePositions(b.mem, L, TREE)])).toEqual(["1 root/0/1", "2 root/0/2", "3 root/1/1"]);
    expect(at([...mapleTreePositions(b.mem, L, right, { isNode: true })])).toEqual(["3 direct/1"]);
    // Plain walks keep their shape: no position fields.
    expect(collect(b.walk()).entries[0]).toEqual(e(0x400000n, 0x400fffn, P(1)));
  });

  it("a tree of one entry gives it at slot 0 with an empty path; a loop under -N is still a WalkAborted", () => {
    const b = new MapleBuilder();
    b.setRoot(P(7), false);
    expect([...mapleTreePositions(b.mem, L, TREE)]).toEqual([{ first: 0n, last: 0n, entry: P(7), path: "", slot: 0 }]);
    const loop = new MapleBuilder();
    const node = loop.alloc();
    const enode = loop.node(MAPLE_RANGE_64, [0n], [0xffn], node);
    loop.mem.writeU64(node + BigInt(L.range64SlotOff), enode);
    expect(() => [...mapleTreePositions(loop.mem, L, enode, { isNode: true })]).toThrow(WalkAborted);
  });
});
