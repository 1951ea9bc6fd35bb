// `list`: crash's linked-list walker (list-walk.ts), and kernel source lines from a source tree the user
// points kdw at (`--src DIR`), in gdb's layout (`NNN\ttext`, ten lines centred on the line asked for). The
// source forms are the ones that cannot be a list's start: FILE:LINE, *ADDRESS, a function's name, and no
// argument after a listing; every other argument, and every option, walks a list as crash does.
import type { ConsoleState } from "../command";
import { CommandError, defineCommand, specWords, type CommandContext } from "../command";
import { parseArgs } from "../options";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { LINES_TO_LIST, locate, openSource, sliceLines, type SourceLine } from "../shared/source-listing";
import { formatList } from "./list-format";
import { LIST_HELP } from "./list-help";
import { LIST_USAGE, LIST_WALK_OPTIONS, listWalk, parseListWalk, type ListWalkResult } from "./list-walk";

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

/** The words, and whether one of them is an option (then it is a walk whatever they are). */
type ListOptions = { words: string[]; options: boolean };

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
    if (!cont) throw new CommandError("list", `starting address required\n${LIST_USAGE}`);
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

/** True when a lone argument is a source location: FILE:LINE, *ADDRESS, a kernel function. */
function isSourceLocation(ctx: CommandContext, arg: string): boolean {
  if (arg.startsWith("*")) return true;
  if (/^.+:\d+$/.test(arg) && !isHexAddress(arg)) return true;
  const sym = ctx.symbols.lookup(arg);
  return sym !== undefined && (sym.type === "t" || sym.type === "T");
}

export const listCommand = defineCommand({
  name: "list",
  summary: "linked list",
  help: LIST_HELP,
  // Two grammars: the source forms take no options; the walker's are declared in list-walk.ts.
  options: { raw: true },
  optionWords: specWords(LIST_WALK_OPTIONS),
  parse: (args): ListOptions => ({ words: [...args.operands], options: args.operands.some((a) => a.startsWith("-")) }),
  execute(ctx, o): ListResult {
    const [first, ...rest] = o.words;
    if (!o.options && rest.length === 0 && (first === undefined ? continuation.has(ctx.state) : isSourceLocation(ctx, first))) return listSource(ctx, first ?? "");
    return listWalk(ctx, parseListWalk(parseArgs("list", LIST_WALK_OPTIONS, o.words)));
  },
  format: formatList,
  errors: (r) => (r.kind === "walk" ? [...r.entries.flatMap((e) => e.errors), ...r.errors] : undefined),
});
