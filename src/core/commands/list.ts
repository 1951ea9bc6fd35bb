// `list`: kernel source lines from a source tree the user points kdw at (`--src DIR`), in gdb's layout
// (`NNN\ttext`, ten lines centred on the line asked for), and crash's `dis -s` listing (kernel.c
// list_source_code) built on it. DWARF paths (`debian/build/.../kernel/kexec_core.c`) are matched to the
// tree by trying ever shorter suffixes. Note: in crash itself `list` is the linked-list walker and gdb's
// `list` is reached as `gdb list`; see the help text.
import type { ConsoleState } from "./command";
import { isListWalk, listWalk } from "./list-walk";
import { CommandError, type Command, type CommandContext } from "./command";
import { readSourceFile, type SourceLocation } from "./dis-source";
import { isHexAddress, parseHex } from "./symbol-args";

export interface SourceLine {
  line: number;
  text: string;
  /** The line the listing was asked for. */
  current?: boolean;
}

export interface ListResult {
  /** The path in the source tree the lines come from. */
  path: string;
  lines: SourceLine[];
}

/** gdb's `lines_to_list()`: a listing is ten lines, the asked-for one sixth (source.c, cli-cmds.c). */
const LINES_TO_LIST = 10;
/** A listing that runs to the end of a function stops here whatever the source says. */
const MAX_FUNCTION_LINES = 5000;

/** Where `list` with no argument goes on, per console. */
const continuation = new WeakMap<ConsoleState, { path: string; lines: string[]; next: number }>();

/** A source line as gdb prints it: control characters other than tab as ^X (a source tree is outside data). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => (c === "\x7f" ? "^?" : "^" + String.fromCharCode(c.charCodeAt(0) + 64)));
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function openSource(ctx: CommandContext, command: string, path: string): { path: string; lines: string[] } {
  if (!ctx.readSource) throw new CommandError(command, "no source tree: start kdw with --src DIR");
  const found = readSourceFile(ctx.readSource, path);
  if (!found) throw new CommandError(command, `${path}: No such file or directory.`);
  return { path: found.path, lines: splitLines(found.text) };
}

function locate(ctx: CommandContext, command: string, addr: bigint): SourceLocation {
  const loc = ctx.sourceLines?.locate(addr);
  if (!loc && ctx.prog.noDwarf) throw new CommandError(command, `source lines need DWARF: ${ctx.prog.noDwarf}`);
  if (!loc) throw new CommandError(command, `no line number information available for address 0x${addr.toString(16)}`);
  return loc;
}

function formatLines(lines: SourceLine[], marks: boolean): string {
  return lines.map((l) => `${marks ? (l.current ? "* " : "  ") : ""}${l.line}\t${printable(l.text)}\n`).join("");
}

/** Lines [first, last] (1-based, clipped to the file). */
function slice(lines: string[], first: number, last: number, current?: number): SourceLine[] {
  const out: SourceLine[] = [];
  for (let n = Math.max(first, 1); n <= Math.min(last, lines.length); n++) out.push({ line: n, text: lines[n - 1]!, current: n === current || undefined });
  return out;
}

/**
 * crash's `dis -s` (list_source_code): `FILE:`/`LINE:`, then the source from five lines before the address's
 * line, `* ` marking it, to the end of the function (a line that is just `}`) or `count` lines past it.
 */
export function sourceListing(ctx: CommandContext, command: string, addr: bigint, asTyped: string, count?: number): { text: string; errors: string[] } {
  const at = ctx.symbols.symbolAt(addr);
  if (!at || !"TtWw".includes(at.symbol.type)) throw new CommandError(command, `${addr.toString(16)}: not a kernel text address`);
  const loc = ctx.sourceLines?.locate(addr);
  if (!loc && ctx.prog.noDwarf) throw new CommandError(command, `-s needs DWARF line tables: ${ctx.prog.noDwarf}`);
  if (!loc) return { text: "FILE: (unknown)\nLINE: (unknown)\n\n", errors: [`${command}: ${asTyped}: source code is not available`, ""] };
  let text = `FILE: ${loc.displayFile}\nLINE: ${loc.line}\n\n`;
  const found = ctx.readSource ? readSourceFile(ctx.readSource, loc.file) : undefined;
  if (!found) return { text, errors: [`${command}: ${asTyped}: source code is not available`, ""] };
  const lines = splitLines(found.text);
  const shown: SourceLine[] = [];
  let remaining = count ?? 0;
  let last = 0;
  const first = Math.max(loc.line - LINES_TO_LIST / 2, 1);
  for (let n = first; n <= lines.length && n - first < MAX_FUNCTION_LINES; n++) {
    // With a count: the address's line and `count` more; without: on to the function's closing brace.
    if (count !== undefined && last >= loc.line && remaining-- === 0) break;
    last = n;
    shown.push({ line: n, text: lines[n - 1]!, current: n === loc.line || undefined });
    if (count === undefined && n > loc.line && lines[n - 1] === "}") break;
  }
  text += formatLines(shown, true) + "\n";
  return { text, errors: [] };
}

function listAround(ctx: CommandContext, path: string, centre: number, header?: string): { result: ListResult; text: string } {
  const src = openSource(ctx, "list", path);
  if (centre > src.lines.length) throw new CommandError("list", `Line number ${centre} out of range; "${path}" has ${src.lines.length} lines.`);
  const first = Math.max(centre - LINES_TO_LIST / 2, 1);
  const lines = slice(src.lines, first, first + LINES_TO_LIST - 1);
  continuation.set(ctx.state, { path: src.path, lines: src.lines, next: first + LINES_TO_LIST });
  return { result: { path: src.path, lines }, text: (header ?? "") + formatLines(lines, false) };
}

export const listCommand: Command = {
  name: "list",
  summary: "list kernel source lines (gdb's list)",
  help: `NAME
  list - list kernel source lines

SYNOPSIS
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
  run(ctx, args) {
    if (isListWalk(args)) return listWalk(ctx, args);
    const arg = args.join(" ").trim();
    if (arg === "") {
      const cont = continuation.get(ctx.state);
      if (!cont) throw new CommandError("list", "no default source file: give FILE:LINE, FUNCTION or *ADDRESS");
      if (cont.next > cont.lines.length) throw new CommandError("list", `Line number ${cont.next} out of range; "${cont.path}" has ${cont.lines.length} lines.`);
      const lines = slice(cont.lines, cont.next, cont.next + LINES_TO_LIST - 1);
      cont.next += LINES_TO_LIST;
      return { data: { path: cont.path, lines } satisfies ListResult, text: formatLines(lines, false) };
    }
    const fileLine = /^(.+):(\d+)$/.exec(arg);
    if (fileLine && !isHexAddress(arg)) {
      const out = listAround(ctx, fileLine[1]!, Number(fileLine[2]));
      return { data: out.result, text: out.text };
    }
    const star = arg.startsWith("*");
    const spec = star ? arg.slice(1).trim() : arg;
    const sym = ctx.symbols.lookup(spec);
    if (sym && !star) {
      const loc = locate(ctx, "list", sym.address);
      const out = listAround(ctx, loc.file, loc.line);
      return { data: out.result, text: out.text };
    }
    let addr: bigint;
    if (sym) addr = sym.address;
    else if (isHexAddress(spec)) addr = parseHex(spec);
    else throw new CommandError("list", `Function "${spec}" not defined.`);
    const loc = locate(ctx, "list", addr);
    const at = ctx.symbols.symbolAt(addr);
    const header = `0x${addr.toString(16)} is in ${at?.symbol.name ?? "??"} (${loc.displayFile}:${loc.line}).\n`;
    const out = listAround(ctx, loc.file, loc.line, header);
    return { data: out.result, text: out.text };
  },
};
