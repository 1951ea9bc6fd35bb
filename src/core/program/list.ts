// Kernel list walks (include/linux/list.h): list_for_each_entry, hlist_for_each_entry. Every walk has a step
// budget and a cycle guard; a bad pointer ends the walk with WalkAborted after yielding what was good, so
// the caller keeps the rest of its answer.
import type { Type } from "../debuginfo/types";
import { findMember } from "../debuginfo/types";
import { KdwError, WalkAborted } from "../io/errors";
import { Obj, ObjError } from "./obj";
import type { Program } from "./program";

export const DEFAULT_WALK_BUDGET = 1_000_000;

export interface WalkOptions {
  budget?: number;
  /** What is being walked, for the WalkAborted message ("task list", "module list"). */
  what?: string;
}

function memberOffset(type: Type, member: string): bigint {
  const found = findMember(type, member);
  if (!found) throw new ObjError(`no member "${member}" in the entry type`);
  return BigInt(found.bitOffset / 8);
}

/**
 * Follows `next` pointers from `node` until `stop` (the head, or 0 for NULL-terminated lists), yielding the
 * address of each node's container. Budget, loop and read failures end the walk with WalkAborted.
 */
function* followLinks(prog: Program, node: bigint, stop: bigint, off: bigint, options: WalkOptions, what: string): Generator<bigint> {
  const budget = options.budget ?? DEFAULT_WALK_BUDGET;
  const seen = new Set<bigint>();
  let steps = 0;
  while (node !== stop) {
    if (steps >= budget) throw new WalkAborted(what, `step budget of ${budget} exhausted`, steps);
    if (seen.has(node)) throw new WalkAborted(what, `loop at ${node.toString(16)}`, steps);
    if (node === 0n) throw new WalkAborted(what, "NULL next pointer", steps);
    seen.add(node);
    let next: bigint;
    try {
      next = prog.readU64(node);
    } catch (err) {
      if (err instanceof KdwError) throw new WalkAborted(what, `node ${node.toString(16)}: ${err.message}`, steps);
      throw err;
    }
    yield node - off;
    steps++;
    node = next;
  }
}

/** The first node a list head points to; an unreadable head ends the walk before it starts. */
function readHead(prog: Program, headAddr: bigint, what: string): bigint {
  try {
    return prog.readU64(headAddr);
  } catch (err) {
    if (err instanceof KdwError) throw new WalkAborted(what, `head ${headAddr.toString(16)}: ${err.message}`, 0);
    throw err;
  }
}

/**
 * The entries of a circular list headed at `headAddr` (a `struct list_head`), each a `type` linked through
 * its `member`. Stops at the head, and throws WalkAborted on a loop, a budget overrun or an unreadable node.
 */
export function* listForEachEntry(prog: Program, headAddr: bigint, type: Type, member: string, options: WalkOptions = {}): Generator<Obj> {
  for (const addr of listEntryAddresses(prog, headAddr, memberOffset(type, member), options)) yield new Obj(prog, type, addr);
}

/** listForEachEntry by the member's offset (a declared layout's), yielding the entries' addresses. */
export function* listEntryAddresses(prog: Program, headAddr: bigint, memberOffset: number | bigint, options: WalkOptions = {}): Generator<bigint> {
  const what = options.what ?? "list";
  yield* followLinks(prog, readHead(prog, headAddr, what), headAddr, BigInt(memberOffset), options, what);
}

/** hlist: a NULL-terminated list (`struct hlist_head` / `hlist_node`). */
export function* hlistForEachEntry(prog: Program, headAddr: bigint, type: Type, member: string, options: WalkOptions = {}): Generator<Obj> {
  const off = memberOffset(type, member);
  const what = options.what ?? "hlist";
  for (const addr of followLinks(prog, readHead(prog, headAddr, what), 0n, off, options, what)) yield new Obj(prog, type, addr);
}
