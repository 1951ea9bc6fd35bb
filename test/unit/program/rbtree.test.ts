// rbWalk (crash's rbtree_iteration) on trees built in synthetic memory: pre-order and in-order with
// positions; then hostile trees: a child whose rb_left cannot be read is reported and skipped (crash skips it
// too), a node seen twice, a degenerate chain deeper than any red-black tree, a budget, random bytes: bounded,
// never another error, never a hang.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WalkAborted } from "../../../src/core/io/errors";
import { rbWalk, RB_MAX_DEPTH, type RbWalkEvent } from "../../../src/core/program/rbtree";
import { SparseSpace } from "../../fixtures/maple-builder";

const OFFS = { left: 16, right: 8 }; // struct rb_node { __rb_parent_color; rb_right; rb_left; }
const N = (i: number): bigint => 0xffff888000100000n + BigInt(i) * 0x40n;

/** Nodes i -> [left, right] (-1: none); node addresses N(i). */
function tree(shape: Record<number, [number, number]>): SparseSpace {
  const mem = new SparseSpace();
  for (const [i, [l, r]] of Object.entries(shape)) {
    const at = N(Number(i));
    mem.write(at, new Uint8Array(24));
    if (l >= 0) mem.writeU64(at + 16n, N(l));
    if (r >= 0) mem.writeU64(at + 8n, N(r));
  }
  return mem;
}

function walk(mem: SparseSpace, top: bigint, linear = false, budget?: number): { events: RbWalkEvent[]; error?: unknown } {
  const events: RbWalkEvent[] = [];
  try {
    for (const e of rbWalk(mem, top, OFFS, { linear, budget, what: "t" })) events.push(e);
  } catch (error) {
    return { events, error };
  }
  return { events };
}

const node = (i: number, position: string): RbWalkEvent => ({ kind: "node", node: N(i), position });

//        1
//      /   \
//     2     3
//    / \     \
//   4   5     6
const SHAPE: Record<number, [number, number]> = { 1: [2, 3], 2: [4, 5], 3: [-1, 6], 4: [-1, -1], 5: [-1, -1], 6: [-1, -1] };

describe("rbWalk", () => {
  it("walks root, left subtree, right subtree (crash's default), each with its position", () => {
    expect(walk(tree(SHAPE), N(1))).toEqual({ events: [node(1, "root"), node(2, "root/l"), node(4, "root/l/l"), node(5, "root/l/r"), node(3, "root/r"), node(6, "root/r/r")] });
  });

  it("walks in order with -l, positions unchanged", () => {
    expect(walk(tree(SHAPE), N(1), true)).toEqual({ events: [node(4, "root/l/l"), node(2, "root/l"), node(5, "root/l/r"), node(1, "root"), node(3, "root/r"), node(6, "root/r/r")] });
  });

  it("an empty tree has no nodes", () => {
    expect(walk(new SparseSpace(), 0n)).toEqual({ events: [] });
  });

  it("reports a child it cannot read and skips its subtree, in the order crash prints the message", () => {
    const mem = tree(SHAPE);
    mem.writeU64(N(2) + 8n, 0xdead000000000100n); // node 2's right child: a poisoned pointer
    const pre = walk(mem, N(1));
    expect(pre.error).toBeUndefined();
    expect(pre.events.map((e) => (e.kind === "node" ? e.position : `corrupt ${e.side} of ${e.parent.toString(16)}`))).toEqual(["root", "root/l", "root/l/l", `corrupt r of ${N(2).toString(16)}`, "root/r", "root/r/r"]);
    const inorder = walk(mem, N(1), true);
    expect(inorder.events.map((e) => (e.kind === "node" ? e.position : "corrupt"))).toEqual(["root/l/l", "root/l", "corrupt", "root", "root/r", "root/r/r"]);
  });

  it("gives the top node and says it is unreadable when it cannot be read", () => {
    const { events, error } = walk(new SparseSpace(), N(9));
    expect(error).toBeUndefined();
    expect(events[0]).toEqual(node(9, "root"));
    expect(events[1]).toMatchObject({ kind: "corrupt", parent: N(9), child: N(9) });
  });

  it("stops at a node seen twice, keeping the nodes before it", () => {
    const mem = tree({ 1: [2, -1], 2: [-1, 1] }); // 2's right points back to the root
    const { events, error } = walk(mem, N(1));
    expect(events).toEqual([node(1, "root"), node(2, "root/l")]);
    expect(error).toBeInstanceOf(WalkAborted);
    expect((error as Error).message).toBe(`t: walk stopped after 2 steps: duplicate tree entry: ${N(1).toString(16)}`);
  });

  it("stops a degenerate chain deeper than any red-black tree, and a walk over budget", () => {
    const chain: Record<number, [number, number]> = {};
    for (let i = 0; i <= RB_MAX_DEPTH + 1; i++) chain[i] = [i + 1, -1];
    chain[RB_MAX_DEPTH + 1] = [-1, -1];
    const deep = walk(tree(chain), N(0));
    expect(deep.events).toHaveLength(RB_MAX_DEPTH);
    expect((deep.error as Error).message).toMatch(/deeper than 4096 levels/);
    const small = walk(tree(SHAPE), N(1), false, 3);
    expect(small.events).toHaveLength(3);
    expect((small.error as Error).message).toMatch(/step budget of 3 exhausted/);
  });

  it("on random node bytes ends with nodes, corrupt events and at most a WalkAborted", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -1, max: 20 }), fc.integer({ min: -1, max: 20 })), { minLength: 1, maxLength: 20 }), (pairs) => {
        const shape: Record<number, [number, number]> = {};
        pairs.forEach((p, i) => (shape[i] = p));
        const { events, error } = walk(tree(shape), N(0), pairs.length % 2 === 0, 100);
        expect(events.length).toBeLessThanOrEqual(200);
        if (error !== undefined) expect(error).toBeInstanceOf(WalkAborted);
      }),
      { numRuns: 300 },
    );
  });
});
