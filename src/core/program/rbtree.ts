// Red-black tree walks (include/linux/rbtree.h): in-order over `struct rb_node` addresses, with an explicit
// stack, a step budget and a cycle guard. A bad pointer ends the walk with WalkAborted after what was good.
import { KdwError, WalkAborted } from "../io/errors";
import { layout, optional } from "./layout";
import type { Program } from "./program";
import { DEFAULT_WALK_BUDGET, type WalkOptions } from "./list";

/** rb_node.rb_left / rb_right offsets (16 and 8 on every 64-bit kernel; read from the types when present). */
const RB_NODE = layout({ left: optional("rb_node.rb_left"), right: optional("rb_node.rb_right") }, (o) => ({ left: o.left ?? 16, right: o.right ?? 8 }));

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
