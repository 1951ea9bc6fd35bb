// Red-black tree walks (include/linux/rbtree.h): in-order over `struct rb_node` addresses, with an explicit
// stack, a step budget and a cycle guard. A bad pointer ends the walk with WalkAborted after what was good.
import { KdwError, WalkAborted } from "../io/errors";
import { u64le } from "../io/little-endian";
import type { AddressSpace } from "./address-space";
import { layout, optional } from "./layout";
import type { Program } from "./program";
import { DEFAULT_WALK_BUDGET, type WalkOptions } from "./list";

/** rb_node.rb_left / rb_right offsets (16 and 8 on every 64-bit kernel; read from the types when present). */
export const RB_NODE = layout({ left: optional("rb_node.rb_left"), right: optional("rb_node.rb_right") }, (o) => ({ left: o.left ?? 16, right: o.right ?? 8 }));

/** In-order walk from a top node (what `struct rb_root.rb_node` holds): rb_first to rb_last. */
export function* rbInorder(prog: Program, top: bigint, options: WalkOptions & { leftOff?: number; rightOff?: number } = {}): Generator<bigint> {
  const { left, right } = RB_NODE.of(prog);
  const leftOff = BigInt(options.leftOff ?? left);
  const rightOff = BigInt(options.rightOff ?? right);
  const budget = options.budget ?? DEFAULT_WALK_BUDGET;
  const what = options.what ?? "rbtree";
  const seen = new Set<bigint>();
  const stack: bigint[] = [];
  let node = top;
  let steps = 0;
  const child = (n: bigint, off: bigint): bigint => {
    try {
      return prog.readU64(n + off);
    } catch (err) {
      if (err instanceof KdwError) throw new WalkAborted(what, `node ${n.toString(16)}: ${err.message}`, steps);
      throw err;
    }
  };
  while (node !== 0n || stack.length > 0) {
    while (node !== 0n) {
      if (seen.has(node)) throw new WalkAborted(what, `loop at ${node.toString(16)}`, steps);
      if (++steps > budget) throw new WalkAborted(what, `step budget of ${budget} exhausted`, steps - 1);
      seen.add(node);
      stack.push(node);
      node = child(node, leftOff);
    }
    const n = stack.pop()!;
    yield n;
    node = child(n, rightOff);
  }
}

/** rbWalk's events: a node and where it sits ("root/l/r"), or a child pointer that cannot be followed. */
export type RbWalkEvent = { kind: "node"; node: bigint; position: string } | { kind: "corrupt"; parent: bigint; child: bigint; side: "l" | "r"; reason: string };

/** A red-black tree deeper than this is not one (its depth is at most 2 log2(n + 1)): a degenerate list. */
export const RB_MAX_DEPTH = 4096;

/**
 * crash's rbtree_iteration (tools.c), walked with an explicit stack over any address space: from a top node
 * (an rb_root's rb_node, or any node: crash's -N), in pre-order (node, left, right: crash's default) or in
 * order (`linear`, crash's -l), each node with its position. A child whose own rb_left cannot be read is a
 * "corrupt" event and its subtree is skipped, as crash skips it; a node seen twice, a tree deeper than
 * RB_MAX_DEPTH or a walk over budget ends the walk with WalkAborted after the events already given.
 */
export function* rbWalk(space: AddressSpace, top: bigint, offs: { left: number; right: number }, options: WalkOptions & { linear?: boolean } = {}): Generator<RbWalkEvent> {
  const budget = options.budget ?? DEFAULT_WALK_BUDGET;
  const what = options.what ?? "rbtree";
  const seen = new Set<bigint>();
  interface Frame {
    node: bigint;
    position: string;
    parent?: bigint;
    side?: "l" | "r";
    stage: 0 | 1 | 2;
    left: bigint;
    right: bigint;
  }
  if (top === 0n) return;
  const stack: Frame[] = [{ node: top, position: "root", stage: 0, left: 0n, right: 0n }];
  const child = (f: Frame, node: bigint, side: "l" | "r"): Frame => ({ node, position: `${f.position}/${side}`, parent: f.node, side, stage: 0, left: 0n, right: 0n });
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.stage === 0) {
      try {
        f.left = u64le(space.read(f.node + BigInt(offs.left), 8), 0);
        f.right = u64le(space.read(f.node + BigInt(offs.right), 8), 0);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        stack.pop();
        if (f.parent !== undefined) {
          yield { kind: "corrupt", parent: f.parent, child: f.node, side: f.side!, reason: err.message };
          continue;
        }
        // The top node itself: crash prints it and finds no children.
        yield { kind: "node", node: f.node, position: f.position };
        yield { kind: "corrupt", parent: f.node, child: f.node, side: "l", reason: err.message };
        continue;
      }
      if (seen.has(f.node)) throw new WalkAborted(what, `duplicate tree entry: ${f.node.toString(16)}`, seen.size);
      if (seen.size >= budget) throw new WalkAborted(what, `step budget of ${budget} exhausted`, seen.size);
      if (stack.length > RB_MAX_DEPTH) throw new WalkAborted(what, `deeper than ${RB_MAX_DEPTH} levels at ${f.node.toString(16)}`, seen.size);
      seen.add(f.node);
      f.stage = 1;
      if (!options.linear) yield { kind: "node", node: f.node, position: f.position };
      if (f.left !== 0n) stack.push(child(f, f.left, "l"));
      continue;
    }
    if (f.stage === 1) {
      f.stage = 2;
      if (options.linear) yield { kind: "node", node: f.node, position: f.position };
      if (f.right !== 0n) stack.push(child(f, f.right, "r"));
      continue;
    }
    stack.pop();
  }
}
