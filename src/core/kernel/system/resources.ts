// The kernel's resource trees (kernel/resource.c: ioport_resource, iomem_resource, what /proc/ioports and
// /proc/iomem show): each struct resource (include/linux/ioport.h) with its range and name, its children
// depth first, as crash's `dev -i` prints them (dev.c do_resource_list). The walk is bounded in entries and
// depth and stops on a loop; a bad pointer ends it with a problem after what was read.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, members } from "../../program/layout";
import type { Program } from "../../program/program";

const RESOURCE_LAYOUT = layout(members("resource", { start: "start", end: "end", name: "name", sibling: "sibling", child: "child" }));

/** /proc/iomem of a large server has a few thousand entries. */
const MAX_RESOURCES = 1 << 16;
const MAX_DEPTH = 64;

export interface ResourceEntry {
  address: bigint;
  start: bigint;
  end: bigint;
  /** undefined when the name cannot be read (crash: "(unknown)"). */
  name?: string;
  depth: number;
}

export interface ResourceTree {
  /** The root's own end (crash sizes the range column by it: 4 hex digits up to 0xffff, else 8). */
  rootEnd: bigint;
  entries: ResourceEntry[];
  problem?: WalkAborted;
}

/** The tree under the resource at `root` (the root itself first, as crash lists it). */
export function resourceTree(prog: Program, root: bigint, what: string): ResourceTree {
  const l = RESOURCE_LAYOUT.of(prog);
  const entries: ResourceEntry[] = [];
  const seen = new Set<bigint>();
  const tree: ResourceTree = { rootEnd: prog.readU64(root + BigInt(l.end)), entries };
  const walk = (first: bigint, depth: number): void => {
    for (let entry = first; entry !== 0n; ) {
      if (seen.has(entry)) throw new WalkAborted(what, `loop at ${entry.toString(16)}`, entries.length);
      if (entries.length >= MAX_RESOURCES) throw new WalkAborted(what, `more than ${MAX_RESOURCES} entries`, entries.length);
      seen.add(entry);
      const nameAddr = prog.readU64(entry + BigInt(l.name));
      let name: string | undefined;
      try {
        name = nameAddr === 0n ? undefined : [...prog.readCString(nameAddr, 1500)].map((c) => String.fromCharCode(c)).join("");
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
      entries.push({ address: entry, start: prog.readU64(entry + BigInt(l.start)), end: prog.readU64(entry + BigInt(l.end)), ...(name !== undefined ? { name } : {}), depth });
      const child = prog.readU64(entry + BigInt(l.child));
      if (child !== 0n && child !== entry) {
        if (depth >= MAX_DEPTH) throw new WalkAborted(what, `deeper than ${MAX_DEPTH}`, entries.length);
        walk(child, depth + 1);
      }
      entry = prog.readU64(entry + BigInt(l.sibling));
    }
  };
  try {
    walk(root, 0);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    tree.problem = err instanceof WalkAborted ? err : new WalkAborted(what, err.message, entries.length);
  }
  return tree;
}
