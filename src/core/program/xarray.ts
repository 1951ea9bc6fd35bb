// The XArray (include/linux/xarray.h, lib/xarray.c; since 4.20 also what `struct radix_tree_root` is): a
// radix tree of 64-slot nodes holding, among others, the sparse IRQ descriptors (irq_desc_tree, up to 6.4),
// the PID IDR, a request queue's hardware contexts and the page cache. This is a read-only, bounded walk of
// every present entry in index order, as crash's do_xarray (XARRAY_GATHER) sees them.
//
// Entry encoding (xarray.h): an entry whose low two bits are 10 is "internal": above 4096 it is a node
// pointer (xa_to_node: entry - 2), below 256 a sibling of a multi-index entry (skipped: its canonical slot
// yields it), 256 the retry entry and 257 the zero entry (both skipped). Low bit 1 marks a value entry
// (xa_mk_value): yielded, the caller decides (xaIsValue). A root that is not a node is the single entry of
// index 0.
//
// Everything read is hostile: a node that cannot be read, a node whose shift is not its parent's minus
// XA_CHUNK_SHIFT, a node seen twice, or a walk over budget ends the walk with WalkAborted after the entries
// already yielded.
import { KdwError, MissingDebugInfo, WalkAborted } from "../io/errors";
import { u64le } from "../io/little-endian";
import type { AddressSpace } from "./address-space";
import { layout } from "./layout";
import { DEFAULT_WALK_BUDGET, type WalkOptions } from "./list";
import type { Program } from "./program";
import { optionalType } from "./optional-types";

/** The layout of struct xarray / xa_node as this kernel has it. */
export interface XaLayout {
  /** xarray.xa_head (radix_tree_root.xa_head). */
  headOff: number;
  /** xa_node.shift (an unsigned char). */
  nodeShiftOff: number;
  /** xa_node.slots[]. */
  nodeSlotsOff: number;
  /** XA_CHUNK_SIZE: the length of xa_node.slots[] (64; 16 with CONFIG_BASE_SMALL). */
  chunkSize: number;
}

/** The 6.1 x86_64 layout (pahole of struct xa_node), for synthetic arrays in tests. */
export const XA_LAYOUT_6_1: XaLayout = { headOff: 8, nodeShiftOff: 0, nodeSlotsOff: 40, chunkSize: 64 };

/** One present entry and its index. */
export interface XaEntry {
  index: bigint;
  /** The stored pointer or value, as the kernel stored it. */
  entry: bigint;
}

/** include/linux/xarray.h: xa_is_internal / xa_is_node / xa_is_value / xa_is_sibling. */
export function xaIsInternal(entry: bigint): boolean {
  return (entry & 3n) === 2n;
}

export function xaIsNode(entry: bigint): boolean {
  return xaIsInternal(entry) && entry > 4096n;
}

export function xaIsValue(entry: bigint): boolean {
  return (entry & 1n) === 1n;
}

/** xa_to_value: the integer a value entry stores. */
export function xaToValue(entry: bigint): bigint {
  return entry >> 1n;
}

/** XA_CHUNK_SIZE as the kernel was built: the declared length of xa_node.slots[]. */
const XA = layout({ headOff: "xarray.xa_head", nodeShiftOff: "xa_node.shift", nodeSlotsOff: "xa_node.slots" }, (_o, m): { chunkSize: number } => {
  const chunkSize = m.nodeSlotsOff.count ?? 64;
  if (chunkSize < 2 || chunkSize > 256 || (chunkSize & (chunkSize - 1)) !== 0) throw new MissingDebugInfo(`implausible xa_node layout (${chunkSize} slots)`);
  return { chunkSize };
});

/** The program's XArray layout, resolved once; undefined when the kernel has no struct xa_node (pre-4.20). */
export function xarrayLayout(prog: Program): XaLayout | undefined {
  if (!optionalType(prog, "struct xa_node") || !optionalType(prog, "struct xarray")) return undefined;
  return XA.of(prog);
}

/** Every present entry of the XArray (or radix_tree_root) at `xarrayAddr`, in index order. */
export function xaForEach(prog: Program, xarrayAddr: bigint, options: WalkOptions = {}): Generator<XaEntry> {
  const layout = xarrayLayout(prog);
  if (!layout) throw new MissingDebugInfo("this kernel has no XArray (struct xa_node)");
  return xarrayEntries(prog, layout, xarrayAddr, options); // through the program: its reads are interruptible
}

/** The walk itself, over any address space and layout (tests build arrays in synthetic memory). */
export function* xarrayEntries(space: AddressSpace, layout: XaLayout, xarrayAddr: bigint, options: WalkOptions = {}): Generator<XaEntry> {
  const what = options.what ?? `xarray ${xarrayAddr.toString(16)}`;
  const budget = options.budget ?? DEFAULT_WALK_BUDGET;
  const read = (addr: bigint, len: number, name: string): Uint8Array => {
    try {
      return space.read(addr, len);
    } catch (err) {
      if (err instanceof KdwError) throw new WalkAborted(what, `${name}: ${err.message}`, 0);
      throw err;
    }
  };
  const head = u64le(read(xarrayAddr + BigInt(layout.headOff), 8, "xa_head"), 0);
  yield* walkFrom(space, layout, head, what, budget);
}

/**
 * The entries under one xa_node (`node`: its address, tagged as an internal entry or not), indexed from 0
 * as if it were the root (crash's `tree -t xarray -N`).
 */
export function xarrayNodeEntries(space: AddressSpace, layout: XaLayout, node: bigint, options: WalkOptions = {}): Generator<XaEntry> {
  const what = options.what ?? `xa_node ${node.toString(16)}`;
  return walkFrom(space, layout, (node & ~3n) | 2n, what, options.budget ?? DEFAULT_WALK_BUDGET);
}

function* walkFrom(space: AddressSpace, layout: XaLayout, head: bigint, what: string, budget: number): Generator<XaEntry> {
  let steps = 0;
  const abort = (reason: string): WalkAborted => new WalkAborted(what, reason, steps);
  const read = (addr: bigint, len: number, name: string): Uint8Array => {
    try {
      return space.read(addr, len);
    } catch (err) {
      if (err instanceof KdwError) throw abort(`${name}: ${err.message}`);
      throw err;
    }
  };
  if (head === 0n) return;
  if (!xaIsNode(head)) {
    if (!xaIsInternal(head)) yield { index: 0n, entry: head };
    return;
  }
  const chunkShift = BigInt(Math.log2(layout.chunkSize));
  const seen = new Set<bigint>();
  const nodeBytes = layout.nodeSlotsOff + layout.chunkSize * 8;
  // An explicit stack of (node bytes, first index, shift, next slot): no recursion, each node read once.
  interface Frame {
    bytes: Uint8Array;
    base: bigint;
    shift: bigint;
    slot: number;
  }
  const open = (entry: bigint, base: bigint, expectShift: bigint | undefined): Frame => {
    const addr = entry - 2n;
    const name = `node ${addr.toString(16)}`;
    if (seen.has(addr)) throw abort(`${name} seen twice (loop)`);
    seen.add(addr);
    if (++steps > budget) throw abort(`step budget of ${budget} exhausted`);
    const bytes = read(addr, nodeBytes, name);
    const shift = BigInt(bytes[layout.nodeShiftOff]!);
    if (shift % chunkShift !== 0n || shift >= 64n) throw abort(`${name}: bad shift ${shift}`);
    if (expectShift !== undefined && shift !== expectShift) throw abort(`${name}: shift ${shift} where ${expectShift} was expected`);
    return { bytes, base, shift, slot: 0 };
  };
  const stack: Frame[] = [open(head, 0n, undefined)];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.slot >= layout.chunkSize) {
      stack.pop();
      continue;
    }
    const i = f.slot++;
    const entry = u64le(f.bytes, layout.nodeSlotsOff + i * 8);
    if (entry === 0n) continue;
    const index = f.base + (BigInt(i) << f.shift);
    if (xaIsNode(entry)) {
      if (f.shift === 0n) throw abort(`leaf node slot ${i}: a node pointer ${entry.toString(16)}`);
      stack.push(open(entry, index, f.shift - chunkShift));
      continue;
    }
    if (xaIsInternal(entry)) continue; // sibling, retry or zero entry
    if (++steps > budget) throw abort(`step budget of ${budget} exhausted`);
    yield { index, entry };
  }
}
