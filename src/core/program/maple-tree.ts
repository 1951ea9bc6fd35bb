// The maple tree (lib/maple_tree.c, include/linux/maple_tree.h, Linux 6.1+): a B-tree of ranges that holds,
// among others, a process's VMAs (mm_struct.mm_mt). This is a read-only, bounded in-order walk of every
// non-NULL entry, in the order and with the range rules of crash 8.0.6's maple_tree.c (do_mt_node,
// do_mt_range64, do_mt_arange64), so that `vm` lists what crash lists.
//
// Node pointers are "encoded" (maple_enode): the node is 256-byte aligned, bits 3..6 carry its type
// (enum maple_type) and the low bits flags; the tree's root entry is a node when xa_is_node() holds,
// otherwise it is the single entry of index 0. Internal nodes (range_64, arange_64) hold child enodes in
// their slots; leaves (leaf_64, dense) hold the entries. A slot's range ends at its pivot; the last slot's
// at the node's max.
//
// Everything read is hostile: a node that cannot be read, has an unknown type, pivots that go backwards or
// past the parent's range, a node seen twice, a tree deeper than the kernel allows, or a walk over budget
// ends the walk with WalkAborted after the entries already yielded.
import { KdwError, MissingDebugInfo, WalkAborted } from "../io/errors";
import { u64le as u64 } from "../io/little-endian";
import type { Type } from "../debuginfo/types";
import type { AddressSpace } from "./address-space";
import { layout } from "./layout";
import { DEFAULT_WALK_BUDGET, type WalkOptions } from "./list";
import { Obj } from "./obj";
import type { Program } from "./program";
import { optionalType } from "./optional-types";

/** include/linux/maple_tree.h enum maple_type. */
export const MAPLE_DENSE = 0;
export const MAPLE_LEAF_64 = 1;
export const MAPLE_RANGE_64 = 2;
export const MAPLE_ARANGE_64 = 3;

/** lib/maple_tree.c: MAPLE_NODE_MASK, MAPLE_ENODE_TYPE_SHIFT, MAPLE_ENODE_TYPE_MASK. */
const MAPLE_NODE_MASK = 0xffn;
const MAPLE_ENODE_TYPE_SHIFT = 3n;
const MAPLE_ENODE_TYPE_MASK = 0xfn;
/** include/linux/maple_tree.h MAPLE_HEIGHT_MAX: no valid tree is deeper. */
export const MAPLE_HEIGHT_MAX = 31;
const ULONG_MAX = (1n << 64n) - 1n;

/** The layout of struct maple_tree / maple_node as this kernel has it. */
export interface MapleLayout {
  /** sizeof(struct maple_node): one read per node. */
  nodeSize: number;
  /** maple_tree.ma_root. */
  treeRootOff: number;
  /** maple_node.slot (a dense node's slots). */
  denseSlotOff: number;
  /** maple_node.mr64 + maple_range_64.pivot / .slot. */
  range64PivotOff: number;
  range64SlotOff: number;
  /** maple_node.ma64 + maple_arange_64.pivot / .slot. */
  arange64PivotOff: number;
  arange64SlotOff: number;
  /** mt_slots[] of the kernel, indexed by enum maple_type. */
  slots: readonly [number, number, number, number];
}

/** lib/maple_tree.c mt_slots[] on 64-bit: MAPLE_NODE_SLOTS, MAPLE_RANGE64_SLOTS (x2), MAPLE_ARANGE64_SLOTS. */
export const MAPLE_SLOTS_64: readonly [number, number, number, number] = [31, 16, 16, 10];

/** The 6.1 x86_64 layout (pahole of struct maple_node), for synthetic trees in tests. */
export const MAPLE_LAYOUT_6_1: MapleLayout = {
  nodeSize: 256,
  treeRootOff: 8,
  denseSlotOff: 8,
  range64PivotOff: 8,
  range64SlotOff: 128,
  arange64PivotOff: 8,
  arange64SlotOff: 80,
  slots: MAPLE_SLOTS_64,
};

/** One entry of the tree and the index range it covers. */
export interface MapleEntry {
  first: bigint;
  last: bigint;
  /** The stored pointer or value, as the kernel stored it. */
  entry: bigint;
}

/** An entry with its place, as crash's `tree -t maple -p` shows it: the node path ("root/0") and the slot. */
export interface MaplePositionedEntry extends MapleEntry {
  path: string;
  slot: number;
}

const MAPLE = layout(
  {
    treeRootOff: "maple_tree.ma_root",
    denseSlotOff: "maple_node.slot",
    range64PivotOff: "maple_node.mr64.pivot",
    range64SlotOff: "maple_node.mr64.slot",
    arange64PivotOff: "maple_node.ma64.pivot",
    arange64SlotOff: "maple_node.ma64.slot",
  },
  (o, _m, prog): MapleLayout => {
    const l = { ...o, nodeSize: prog.sizeOf("struct maple_node"), slots: kernelSlots(prog) };
    checkLayout(l);
    return l;
  },
);

/** The program's maple-tree layout, resolved once; undefined when the kernel has no maple tree. */
export function mapleLayout(prog: Program): MapleLayout | undefined {
  if (!optionalType(prog, "struct maple_node") || !optionalType(prog, "struct maple_tree")) return undefined;
  return MAPLE.of(prog);
}

/** mt_slots[] read from the kernel (crash's maple_init does the same); the 64-bit constants otherwise. */
function kernelSlots(prog: Program): [number, number, number, number] {
  if (!prog.hasSymbol("mt_slots")) return [...MAPLE_SLOTS_64];
  try {
    const b = prog.read(prog.symbolAddress("mt_slots"), 4);
    return [b[0]!, b[1]!, b[2]!, b[3]!];
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return [...MAPLE_SLOTS_64];
  }
}

/** A layout whose slots or pivots fall outside the node would read past it: refuse it. */
export function checkLayout(l: MapleLayout): void {
  const fits = (off: number, n: number): boolean => off >= 0 && off + n * 8 <= l.nodeSize;
  const [dense, leaf, range, arange] = l.slots;
  const ok =
    l.nodeSize > 0 &&
    l.nodeSize <= 4096 &&
    leaf === range &&
    dense > 0 &&
    range > 1 &&
    arange > 1 &&
    fits(l.denseSlotOff, dense) &&
    fits(l.range64PivotOff, range - 1) &&
    fits(l.range64SlotOff, range) &&
    fits(l.arange64PivotOff, arange - 1) &&
    fits(l.arange64SlotOff, arange);
  if (!ok) throw new MissingDebugInfo(`implausible maple_node layout (size ${l.nodeSize}, mt_slots ${l.slots.join(",")})`);
}

/** include/linux/xarray.h xa_is_node: an internal entry (low bits 10) above the reserved range. */
export function xaIsNode(entry: bigint): boolean {
  return (entry & 3n) === 2n && entry > 4096n;
}

/** xa_is_internal: the low bits 10 mark the tree's own entries (nodes, retry, zero). */
export function xaIsInternal(entry: bigint): boolean {
  return (entry & 3n) === 2n;
}

/** mte_to_node / mte_node_type. */
export function mteToNode(enode: bigint): bigint {
  return enode & ~MAPLE_NODE_MASK & ULONG_MAX;
}

export function mteNodeType(enode: bigint): number {
  return Number((enode >> MAPLE_ENODE_TYPE_SHIFT) & MAPLE_ENODE_TYPE_MASK);
}

/** Every non-NULL entry of the maple tree at `treeAddr` (a struct maple_tree), in index order. */
export function mtForEach(prog: Program, treeAddr: bigint, options: WalkOptions = {}): Generator<MapleEntry> {
  const layout = mapleLayout(prog);
  if (!layout) throw new MissingDebugInfo("this kernel has no maple tree (struct maple_node)");
  return mapleTreeEntries(prog, layout, treeAddr, options); // through the program: its reads are interruptible
}

/** The walk itself, over any address space and layout (tests build trees in synthetic memory). */
export function* mapleTreeEntries(space: AddressSpace, layout: MapleLayout, treeAddr: bigint, options: WalkOptions = {}): Generator<MapleEntry> {
  const what = options.what ?? `maple tree ${treeAddr.toString(16)}`;
  let root: bigint;
  try {
    root = u64(space.read(treeAddr + BigInt(layout.treeRootOff), 8), 0);
  } catch (err) {
    if (err instanceof KdwError) throw new WalkAborted(what, `ma_root unreadable: ${err.message}`, 0);
    throw err;
  }
  if (!xaIsNode(root)) {
    // A tree of one entry keeps it in ma_root itself, at index 0.
    if (root !== 0n) yield { first: 0n, last: 0n, entry: root };
    return;
  }
  const walk = new MapleWalk(space, layout, what, options.budget ?? DEFAULT_WALK_BUDGET);
  yield* walk.node(root, 0n, walk.maxOf(mteNodeType(root)), 0, "root");
}

/**
 * The entries of a maple tree with their places (crash's do_maple_tree_traverse): from the struct maple_tree
 * at `start`, or with `isNode` from the encoded node `start` (crash's -N: its path is "direct", its range
 * that of its type). A tree whose root is one entry gives it at slot 0 with an empty path.
 */
export function* mapleTreePositions(space: AddressSpace, layout: MapleLayout, start: bigint, options: WalkOptions & { isNode?: boolean } = {}): Generator<MaplePositionedEntry> {
  const what = options.what ?? `maple tree ${start.toString(16)}`;
  const walk = new MapleWalk(space, layout, what, options.budget ?? DEFAULT_WALK_BUDGET, true);
  if (options.isNode) {
    yield* walk.node(start, 0n, walk.maxOf(mteNodeType(start)), 0, "direct") as Generator<MaplePositionedEntry>;
    return;
  }
  let root: bigint;
  try {
    root = u64(space.read(start + BigInt(layout.treeRootOff), 8), 0);
  } catch (err) {
    if (err instanceof KdwError) throw new WalkAborted(what, `ma_root unreadable: ${err.message}`, 0);
    throw err;
  }
  if (!xaIsNode(root)) {
    if (root !== 0n) yield { first: 0n, last: 0n, entry: root, path: "", slot: 0 };
    return;
  }
  yield* walk.node(root, 0n, walk.maxOf(mteNodeType(root)), 0, "root") as Generator<MaplePositionedEntry>;
}

class MapleWalk {
  private readonly seen = new Set<bigint>();
  private steps = 0;

  constructor(
    private readonly space: AddressSpace,
    private readonly layout: MapleLayout,
    private readonly what: string,
    private readonly budget: number,
    /** Yield each entry's path and slot (MaplePositionedEntry). */
    private readonly positions = false,
  ) {}

  /** crash's mt_max[]: a dense node spans mt_slots[maple_dense] indices, the others all of them. */
  maxOf(type: number): bigint {
    return type === MAPLE_DENSE ? BigInt(this.layout.slots[MAPLE_DENSE]) : ULONG_MAX;
  }

  private abort(reason: string): WalkAborted {
    return new WalkAborted(this.what, reason, this.steps);
  }

  private step(): void {
    if (++this.steps > this.budget) throw this.abort(`step budget of ${this.budget} exhausted`);
  }

  /** do_mt_node: one node and everything below it, covering [min, max]; `path` names it ("root/3/1"). */
  *node(enode: bigint, min: bigint, max: bigint, depth: number, path: string): Generator<MapleEntry> {
    const addr = mteToNode(enode);
    const type = mteNodeType(enode);
    const name = `node ${addr.toString(16)}`;
    if (depth > MAPLE_HEIGHT_MAX) throw this.abort(`${name}: deeper than MAPLE_HEIGHT_MAX (${MAPLE_HEIGHT_MAX})`);
    if (type > MAPLE_ARANGE_64) throw this.abort(`${name}: unknown node type ${type}`);
    if (this.seen.has(addr)) throw this.abort(`${name} seen twice (loop)`);
    this.seen.add(addr);
    this.step();
    let bytes: Uint8Array;
    try {
      bytes = this.space.read(addr, this.layout.nodeSize);
    } catch (err) {
      if (err instanceof KdwError) throw this.abort(`${name}: ${err.message}`);
      throw err;
    }
    if (type === MAPLE_DENSE) {
      for (let i = 0; i < this.layout.slots[MAPLE_DENSE]; i++) {
        const entry = u64(bytes, this.layout.denseSlotOff + i * 8);
        const index = min + BigInt(i);
        if (entry !== 0n) {
          if (index > max) throw this.abort(`${name}: dense slot ${i} past the node's max ${max.toString(16)}`);
          this.step();
          yield this.positions ? ({ first: index, last: index, entry, path, slot: i } as MapleEntry) : { first: index, last: index, entry };
        }
      }
      return;
    }
    yield* this.ranges(bytes, type, name, min, max, depth, path);
  }

  /** do_mt_range64 / do_mt_arange64: slot i covers (previous pivot, pivot[i]]; the last slot ends at max. */
  private *ranges(bytes: Uint8Array, type: number, name: string, min: bigint, max: bigint, depth: number, path: string): Generator<MapleEntry> {
    const arange = type === MAPLE_ARANGE_64;
    const nslots = this.layout.slots[type]!;
    const pivotOff = arange ? this.layout.arange64PivotOff : this.layout.range64PivotOff;
    const slotOff = arange ? this.layout.arange64SlotOff : this.layout.range64SlotOff;
    const leaf = type < MAPLE_RANGE_64;
    let first = min;
    for (let i = 0; i < nslots; i++) {
      const slot = u64(bytes, slotOff + i * 8);
      let last = max;
      if (i < nslots - 1) last = u64(bytes, pivotOff + i * 8);
      // crash: a NULL last slot ends the node, except a range_64 node reaching ULONG_MAX.
      else if (slot === 0n && (arange || max !== this.maxOf(type))) break;
      if (last === 0n && i > 0) break; // unused pivots are 0
      if (last < first) throw this.abort(`${name}: pivot ${i} (${last.toString(16)}) below its range start ${first.toString(16)}`);
      if (last > max) throw this.abort(`${name}: pivot ${i} (${last.toString(16)}) past the node's max ${max.toString(16)}`);
      if (leaf) {
        if (slot !== 0n) {
          this.step();
          yield this.positions ? ({ first, last, entry: slot, path, slot: i } as MapleEntry) : { first, last, entry: slot };
        }
      } else if (slot !== 0n) {
        yield* this.node(slot, first, last, depth + 1, `${path}/${i}`);
      }
      if (last === max) break;
      first = last + 1n;
    }
  }
}

/** An entry of the tree as a typed object: the `type` the tree stores pointers to (mt_for_each + a cast). */
export interface MapleObj {
  first: bigint;
  last: bigint;
  obj: Obj;
}

/**
 * The tree's pointer entries as objects of `type` (`mtForEachObj(prog, mm.member("mm_mt"), vmaType)`);
 * internal entries (values, XA_ZERO_ENTRY) are skipped. Bounded like mtForEach.
 */
export function* mtForEachObj(prog: Program, tree: Obj, type: Type, options: WalkOptions = {}): Generator<MapleObj> {
  if (tree.address === undefined) throw new MissingDebugInfo("maple tree object without an address");
  for (const e of mtForEach(prog, tree.address, options)) {
    if (xaIsInternal(e.entry) || (e.entry & 1n) !== 0n) continue;
    yield { first: e.first, last: e.last, obj: new Obj(prog, type, e.entry) };
  }
}
