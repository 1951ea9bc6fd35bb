// `list`: kernel source lines from a source tree the user points kdw at (`--src DIR`), in gdb's layout
// (`NNN\ttext`, ten lines centred on the line asked for); with crash's list options, crash's linked-list
// walker (list-walk.ts). Note: in crash itself `list` is the linked-list walker and gdb's `list` is reached
// as `gdb list`; see the help text.
import type { ConsoleState } from "../command";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { parseArgs } from "../options";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { LINES_TO_LIST, locate, openSource, sliceLines, type SourceLine } from "../shared/source-listing";
import { formatList } from "./list-format";
import { isListWalk, LIST_WALK_OPTIONS, listWalk, parseListWalk, type ListWalkOptions, type ListWalkResult } from "./list-walk";

export interface ListSourceResult {
  kind: "source";
  /** The path in the source tree the lines come from. */
  path: string;
  lines: SourceLine[];
  /** `list *ADDRESS`: gdb's "ADDRESS is in FUNCTION (FILE:LINE)." line before the lines. */
  header?: string;
}

export type ListResult = ListSourceResult | ListWalkResult;

/** Where `list` with no argument goes on, per console. */
const continuation = new WeakMap<ConsoleState, { path: string; lines: string[]; next: number }>();

type ListOptions = { form: "walk"; walk: ListWalkOptions } | { form: "source"; arg: string };

function listAround(ctx: CommandContext, path: string, centre: number, header?: string): ListSourceResult {
  const src = openSource(ctx, "list", path);
  if (centre > src.lines.length) throw new CommandError("list", `Line number ${centre} out of range; "${path}" has ${src.lines.length} lines.`);
  const first = Math.max(centre - LINES_TO_LIST / 2, 1);
  continuation.set(ctx.state, { path: src.path, lines: src.lines, next: first + LINES_TO_LIST });
  return { kind: "source", path: src.path, lines: sliceLines(src.lines, first, first + LINES_TO_LIST - 1), ...(header !== undefined ? { header } : {}) };
}

function listSource(ctx: CommandContext, arg: string): ListSourceResult {
  if (arg === "") {
    const cont = continuation.get(ctx.state);
    if (!cont) throw new CommandError("list", "no default source file: give FILE:LINE, FUNCTION or *ADDRESS");
    if (cont.next > cont.lines.length) throw new CommandError("list", `Line number ${cont.next} out of range; "${cont.path}" has ${cont.lines.length} lines.`);
    const lines = sliceLines(cont.lines, cont.next, cont.next + LINES_TO_LIST - 1);
    cont.next += LINES_TO_LIST;
    return { kind: "source", path: cont.path, lines };
  }
  const fileLine = /^(.+):(\d+)$/.exec(arg);
  if (fileLine && !isHexAddress(arg)) return listAround(ctx, fileLine[1]!, Number(fileLine[2]));
  const star = arg.startsWith("*");
  const spec = star ? arg.slice(1).trim() : arg;
  const sym = ctx.symbols.lookup(spec);
  if (sym && !star) {
    const loc = locate(ctx, "list", sym.address);
    return listAround(ctx, loc.file, loc.line);
  }
  let addr: bigint;
  if (sym) addr = sym.address;
  else if (isHexAddress(spec)) addr = parseHex(spec);
  else throw new CommandError("list", `Function "${spec}" not defined.`);
  const loc = locate(ctx, "list", addr);
  const at = ctx.symbols.symbolAt(addr);
  return listAround(ctx, loc.file, loc.line, `0x${addr.toString(16)} is in ${at?.symbol.name ?? "??"} (${loc.displayFile}:${loc.line}).\n`);
}

export const listCommand = defineCommand({
  name: "list",
  summary: "list kernel source lines",
  help: `SYNOPSIS
  list [FILE:LINE | FUNCTION | *ADDRESS | ADDRESS]

DESCRIPTION
  Prints ten lines of kernel source centred on a line, in gdb's layout (line number, tab, text), from the
  source tree given with --src DIR. The file named in the debuginfo is looked up in the tree with its
  leading directories dropped one by one, so a kernel tree at its top directory is found whatever the
  build path was. With no argument, the next ten lines of the last listing.

    FILE:LINE   around that line of the file (a path below the tree's top, e.g. kernel/kexec_core.c:985).
    FUNCTION    around the first line of the function.
    *ADDRESS    around the line of a kernel text address, after gdb's "ADDRESS is in FUNCTION (FILE:LINE)."

  With crash's list options, "list" walks a linked list as crash's does, printing each entry's address:
    list [-o offset | -o struct.member] [-e end] [-s struct[.member[,member]]] [-x|-d] [-h|-H|-r] start
    -o   offset of the next pointer (or of the list_head, with -h/-H), as a number or struct.member.
    -h   start is a list_head inside a structure; -H start is a standalone LIST_HEAD; -r walks prev.
    -s   print that structure (or its members) at each entry.

EXAMPLES
  list kernel/kexec_core.c:985
  list crash_kexec
  list *0xffffffff9fb650f8`,
  // Two grammars: the source forms take no options; the walker's are declared in list-walk.ts.
  options: { raw: true },
  parse(args): ListOptions {
    const words = args.operands;
    return isListWalk(words) ? { form: "walk", walk: parseListWalk(parseArgs("list", LIST_WALK_OPTIONS, words)) } : { form: "source", arg: words.join(" ").trim() };
  },
  execute: (ctx, o): ListResult => (o.form === "walk" ? listWalk(ctx, o.walk) : listSource(ctx, o.arg)),
  format: formatList,
  errors: (r) => (r.kind === "walk" ? r.errors : undefined),
});
