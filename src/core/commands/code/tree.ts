// crash's `tree` (tools.c cmd_tree, do_rbtree, do_xatree, do_rdtree; maple_tree.c do_mptree): every entry
// of a red-black tree, XArray (radix tree) or maple tree, from its root (or a structure holding it, -r) or
// from one of its nodes (-N), with its position (-p) and the structure at each entry (-s, -S). The walks are
// program/rbtree.ts rbWalk, program/xarray.ts and program/maple-tree.ts: bounded, loops and bad pointers
// end them with the entries read so far.
import { KdwError, WalkAborted } from "../../io/errors";
import { mapleLayout, mapleTreePositions, mteNodeType } from "../../program/maple-tree";
import { RB_NODE, rbWalk } from "../../program/rbtree";
import { xarrayEntries, xarrayLayout, xarrayNodeEntries } from "../../program/xarray";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { isKernelVaddr } from "../shared/kvaddr";
import { formatEntryStruct, structSpec, type StructSpec } from "../shared/struct-print";
import { lookupTypeArg } from "../shared/type-args";
import { invalidOptionUsage, usageError } from "../shared/usage";
import { formatTree } from "./tree-format";

const SYNOPSIS = "[-t [radix|xarray|rbtree|maple]] [-r offset] [-[s|S] struct[.member[,member]]]\n       -[x|d] [-o offset] [-l] [-p] [-v] [-N] start";
/** More entries than this is no tree of this dump (the page cache of a 768 MiB guest is ~200k pages). */
const MAX_ENTRIES = 1 << 22;

export type TreeType = "rbtree" | "radix" | "xarray" | "maple";
const TYPE_NAMES: Record<TreeType, string> = { rbtree: "rbtrees", radix: "radix trees", xarray: "Xarrays", maple: "maple trees" };

export interface TreeEntry {
  /** The entry: a structure holding the rb_node (its address less -o), or the pointer an XArray or maple tree stores. */
  address: bigint;
  /** -p: rbtree "root/l/r"; XArray "root/1" with the index; maple tree "root/0" with the slot and a running index. */
  position?: string;
  index?: bigint;
  slot?: number;
  /** -s/-S: what crash prints for each argument at the entry. */
  structs: string[];
}

export interface TreeResult {
  type: TreeType;
  /** Where the walk started (after -r), or the node given with -N. */
  start: bigint;
  positions: boolean;
  entries: TreeEntry[];
  /** Corrupt child pointers, a loop, a bad node, a structure that could not be read. */
  errors: string[];
}

interface TreeOptions {
  type: TreeType;
  typeGiven: boolean;
  rootOffset?: string;
  nodeOffset?: string;
  structs: { arg: string; fast: boolean }[];
  positions: boolean;
  linear: boolean;
  nodePointer: boolean;
  radix?: 10 | 16;
  start: string;
}

function treeType(arg: string): TreeType | undefined {
  if (arg.startsWith("ra")) return "radix";
  if (arg.startsWith("rb")) return "rbtree";
  if (arg.startsWith("x")) return "xarray";
  if (arg.startsWith("m")) return "maple";
  return undefined;
}

/** -r / -o: a number of bytes, or struct.member. */
function offsetArg(ctx: CommandContext, option: "r" | "o", arg: string): number {
  if (/^\d+$/.test(arg)) return Number(arg);
  if (/^(0x)?[0-9a-f]+$/i.test(arg)) return Number(BigInt("0x" + arg.replace(/^0x/i, "")));
  const dot = arg.indexOf(".");
  const type = dot > 0 ? lookupTypeArg(ctx.prog, arg.slice(0, dot), "struct") : undefined;
  const off = type && ctx.prog.memberOffset(type, arg.slice(dot + 1));
  if (off === undefined) throw new CommandError("tree", `invalid -${option} argument: ${arg}`);
  return off;
}

/** The start argument: a symbol, else an expression or hexadecimal address that is a kernel address. */
function startArg(ctx: CommandContext, arg: string): bigint {
  const sym = ctx.prog.symbols.addressOf(arg);
  if (sym !== undefined) return sym;
  if (/^(0x)?[0-9a-f]{1,16}$/i.test(arg)) {
    const v = BigInt("0x" + arg.replace(/^0x/i, ""));
    if (isKernelVaddr(v)) return v;
  }
  throw new CommandError("tree", `invalid start argument: ${arg}`);
}

export const treeCommand = defineCommand({
  name: "tree",
  summary: "display radix tree, XArray, red-black tree or maple tree",
  help: `SYNOPSIS
  tree ${SYNOPSIS}

DESCRIPTION
  This command dumps the contents of a radix tree, an XAarray, a red-black
  tree, or a maple tree.  The arguments are as follows:

    -t type  The type of tree to dump; the type string can be one of
             "radix", "rbtree", "xarray", or "maple", or alternatively,
             "ra", "rb", "x" or "m" are acceptable. If not specified,
             rbtree is the default type.
  -r offset  If the "start" argument is the address of a data structure that
             contains an radix_tree_root, maple_tree, xarray or rb_root
             structure, then this is the offset to that structure member. If
             the offset is non-zero, then this option is required.  The offset
             may be entered in either of two manners:
               1. In "structure.member" format.
               2. A number of bytes.
  -o offset  For red-black trees only, the offset of the rb_node within its
             containing data structure; if the offset is non-zero, then this
             option is required.  The offset may be entered in either of two
             manners:
               1. In "structure.member" format.
               2. A number of bytes.
             This option is not applicable to radix trees.
  -s struct  For each entry in a tree, format and print it as this type of data
             structure; use the "struct.member" format in order to display a
             particular member of the structure.  To display multiple members
             of a structure, use a comma-separated list of members.  If any
             structure member contains an embedded structure or is an array, the
             the output may be restricted to the embedded structure or an array
             element by expressing the member argument as "struct.member.member"
             or "struct.member[index]"; embedded member specifications may
             extend beyond one level deep by expressing the struct argument as
             "struct.member.member.member...".
  -S struct  Similar to -s, but instead of parsing gdb output, member values
             are read directly from memory, so the command works much faster
             for 1-, 2-, 4-, and 8-byte members.
         -l  For red-black trees, dump the tree sorted in linear order starting
             with the leftmost node and progressing to the right.  This option
             does not apply to radix trees.
         -p  Display the node's position information, showing the relationship
             between it and the root.  For red-black trees, a position that
             indicates "root/l/r" means that the node is the right child
             of the left child of the root node.  For radix trees, xarrays and
             maple trees, the index, the height, and the slot index values are
             shown with respect to the root.
         -x  Override default output format with hexadecimal format.
         -d  Override default output format with decimal format.
         -v  For maple trees only, dump the contents of each maple tree node.

  The meaning of the "start" argument, which can be expressed either in
  hexadecimal format or symbolically, depends upon whether the -N option
  is prepended:

      start  The address of a radix_tree_root, maple_tree, xarray or rb_root
             structure, or the address of a structure containing the
             radix_tree_root, maple_tree, xarray or rb_root structure; if the
             latter, then the "-r offset" option must be used if the member
             offset of the root structure is non-zero.

   -N start  The address of a radix_tree_node, maple_node, xa_node or rb_node
             structure, bypassing the radix_tree_root, maple_tree, xarray, or
             rb_root that points to it.

  Since Linux 4.20 a radix_tree_root is an XArray: -t radix walks it as one (crash
  8.0.6 says radix trees "do not exist" there). crash's -v (maple node contents) is
  not supported by kdw. A tree that loops or holds a bad pointer keeps the entries read
  before the fault and adds an error line naming it.`,
  options: { flags: "plNxdv", values: "trosS", invalid: invalidOptionUsage("tree", SYNOPSIS) },
  parse(args): TreeOptions {
    const types = args.values("t");
    if (types.length > 1) throw usageError("tree", SYNOPSIS, "multiple tree types may not be entered");
    let type: TreeType = "rbtree";
    if (types[0] !== undefined) {
      const t = treeType(types[0]);
      if (!t) throw usageError("tree", SYNOPSIS, `invalid tree type: ${types[0]}`);
      type = t;
    }
    if (args.values("r").length > 1) throw new CommandError("tree", `root offset value already entered`);
    if (args.values("o").length > 1) throw new CommandError("tree", `node offset value already entered`);
    if (args.values("s").length && args.values("S").length) throw new CommandError("tree", "-S and -s options are mutually exclusive");
    if (args.has("x") && args.has("d")) throw new CommandError("tree", "-d and -x are mutually exclusive");
    const name = TYPE_NAMES[type];
    if (type !== "rbtree" && args.has("l")) throw new CommandError("tree", `-l option is not applicable to ${name}`);
    if (type !== "rbtree" && args.value("o") !== undefined) throw new CommandError("tree", `-o option is not applicable to ${name}`);
    if (types[0] !== undefined && type !== "maple" && args.has("v")) throw new CommandError("tree", `-v option is not applicable to ${name}`);
    if (args.has("v")) throw new CommandError("tree", "-v (maple node contents) is not supported by kdw");
    if (args.value("r") !== undefined && args.has("N")) throw new CommandError("tree", "-r and -N options are mutually exclusive");
    const [start, extra] = args.operands;
    if (start === undefined) throw usageError("tree", SYNOPSIS, "a starting address is required");
    if (extra !== undefined) throw usageError("tree", SYNOPSIS, "too many arguments entered");
    // -s and -S keep their order on the command line (crash prints them in that order for each entry).
    const structs = [...args.values("s").map((arg) => ({ arg, fast: false })), ...args.values("S").map((arg) => ({ arg, fast: true }))];
    return {
      type,
      typeGiven: types[0] !== undefined,
      rootOffset: args.value("r"),
      nodeOffset: args.value("o"),
      structs,
      positions: args.has("p"),
      linear: args.has("l"),
      nodePointer: args.has("N"),
      radix: args.has("x") ? 16 : args.has("d") ? 10 : undefined,
      start,
    };
  },
  execute(ctx, o): TreeResult {
    const root = o.rootOffset !== undefined ? offsetArg(ctx, "r", o.rootOffset) : 0;
    const nodeOffset = o.nodeOffset !== undefined ? offsetArg(ctx, "o", o.nodeOffset) : 0;
    let start = startArg(ctx, o.start);
    if (!o.nodePointer) start += BigInt(root);
    const specs: StructSpec[] = o.structs.map((s) => structSpec(ctx, "tree", s.arg, s.fast));
    const result: TreeResult = { type: o.type, start, positions: o.positions, entries: [], errors: [] };
    const add = (entry: Omit<TreeEntry, "structs">): void => {
      ctx.interrupt?.();
      if (result.entries.length >= MAX_ENTRIES) throw new WalkAborted("tree", `more than ${MAX_ENTRIES} entries`, result.entries.length);
      const e: TreeEntry = { ...entry, structs: [] };
      for (const spec of specs) {
        try {
          e.structs.push(formatEntryStruct(ctx, spec, e.address, o.radix));
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          result.errors.push(`tree: ${spec.name} at ${e.address.toString(16)}: ${err.message}`);
        }
      }
      result.entries.push(e);
    };
    try {
      if (o.type === "rbtree") walkRbtree(ctx, o, start, nodeOffset, add, result.errors);
      else if (o.type === "maple") walkMaple(ctx, o, start, add);
      else walkXarray(ctx, o, start, add);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      result.errors.push(err instanceof CommandError ? err.message : `tree: ${err.message}`);
    }
    return result;
  },
  format: formatTree,
  errors: (r) => (r.errors.length ? r.errors : undefined),
});

function walkRbtree(ctx: CommandContext, o: TreeOptions, start: bigint, nodeOffset: number, add: (e: Omit<TreeEntry, "structs">) => void, errors: string[]): void {
  const l = RB_NODE.of(ctx.prog);
  let top = start;
  if (!o.nodePointer) {
    const rbNode = ctx.prog.memberOffset("struct rb_root", "rb_node") ?? 0;
    try {
      top = ctx.prog.readU64(start + BigInt(rbNode));
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("tree", `rb_root ${start.toString(16)}: ${err.message}`);
      throw err;
    }
  }
  for (const ev of rbWalk(ctx.prog, top, { left: l.left, right: l.right }, { linear: o.linear, budget: MAX_ENTRIES, what: "rbtree" })) {
    if (ev.kind === "node") add({ address: ev.node - BigInt(nodeOffset), position: ev.position });
    else if (ev.parent === ev.child) errors.push(`tree: rb_node: ${ev.child.toString(16)}: ${ev.reason}`);
    else errors.push(`tree: rb_node: ${ev.parent.toString(16)}: corrupted rb_${ev.side === "l" ? "left" : "right"} pointer: ${ev.child.toString(16)}`);
  }
}

function walkXarray(ctx: CommandContext, o: TreeOptions, start: bigint, add: (e: Omit<TreeEntry, "structs">) => void): void {
  const layout = xarrayLayout(ctx.prog);
  if (!layout) throw new CommandError("tree", "xarray facility does not exist or has changed its format");
  const shiftBits = BigInt(Math.log2(layout.chunkSize));
  const mask = BigInt(layout.chunkSize - 1);
  // The root node's height gives each entry's path: one slot number per level above the leaves.
  let head: bigint;
  try {
    head = o.nodePointer ? (start & ~3n) | 2n : ctx.prog.readU64(start + BigInt(layout.headOff));
  } catch (err) {
    if (err instanceof KdwError) throw new CommandError("tree", `xarray ${start.toString(16)}: ${err.message}`);
    throw err;
  }
  const isNode = (head & 3n) === 2n && head > 4096n;
  let rootShift = -1n;
  if (isNode) {
    try {
      rootShift = BigInt(ctx.prog.read((head & ~3n) + BigInt(layout.nodeShiftOff), 1)[0]!);
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("tree", `xa_node ${(head & ~3n).toString(16)}: ${err.message}`);
      throw err;
    }
  }
  const entries = o.nodePointer ? xarrayNodeEntries(ctx.prog, layout, start, { budget: MAX_ENTRIES, what: "xarray" }) : xarrayEntries(ctx.prog, layout, start, { budget: MAX_ENTRIES, what: "xarray" });
  for (const e of entries) {
    let path = "direct";
    if (rootShift >= 0n) {
      path = "root";
      for (let s = rootShift; s > 0n; s -= shiftBits) path += `/${(e.index >> s) & mask}`;
    }
    add({ address: e.entry, position: `${path}/${e.index & mask}`, index: e.index });
  }
}

function walkMaple(ctx: CommandContext, o: TreeOptions, start: bigint, add: (e: Omit<TreeEntry, "structs">) => void): void {
  const layout = mapleLayout(ctx.prog);
  if (!layout) throw new CommandError("tree", "maple trees do not exist in this kernel (before 6.1)");
  if (o.nodePointer && mteNodeType(start) > 3) throw new CommandError("tree", `${start.toString(16)}: not an encoded maple node (type ${mteNodeType(start)})`);
  let n = 0n;
  for (const e of mapleTreePositions(ctx.prog, layout, start, { isNode: o.nodePointer, budget: MAX_ENTRIES, what: "maple tree" })) {
    add({ address: e.entry, position: `${e.path}/${e.slot}`, index: ++n, slot: e.slot });
  }
}
