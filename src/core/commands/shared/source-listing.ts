// Kernel source lines from the tree the user points kdw at (`--src DIR`), for `list` and `dis -s`: DWARF
// paths (`debian/build/.../kernel/kexec_core.c`) are matched to the tree by trying ever shorter suffixes
// (program/source-lines.ts readSourceFile).
import { readSourceFile, type SourceLocation } from "../../program/source-lines";
import { CommandError, type CommandContext } from "../command";

export interface SourceLine {
  line: number;
  text: string;
  /** The line the listing was asked for. */
  current?: boolean;
}

/** gdb's `lines_to_list()`: a listing is ten lines, the asked-for one sixth (source.c, cli-cmds.c). */
export const LINES_TO_LIST = 10;
/** A listing that runs to the end of a function stops here whatever the source says. */
const MAX_FUNCTION_LINES = 5000;

export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

export function openSource(ctx: CommandContext, command: string, path: string): { path: string; lines: string[] } {
  if (!ctx.readSource) throw new CommandError(command, "no source tree: start kdw with --src DIR");
  const found = readSourceFile(ctx.readSource, path);
  if (!found) throw new CommandError(command, `${path}: No such file or directory.`);
  return { path: found.path, lines: splitLines(found.text) };
}

export function locate(ctx: CommandContext, command: string, addr: bigint): SourceLocation {
  const loc = ctx.sourceLines?.locate(addr);
  if (!loc && ctx.prog.noDwarf) throw new CommandError(command, `source lines need DWARF: ${ctx.prog.noDwarf}`);
  if (!loc) throw new CommandError(command, `no line number information available for address 0x${addr.toString(16)}`);
  return loc;
}

/** Lines [first, last] (1-based, clipped to the file). */
export function sliceLines(lines: readonly string[], first: number, last: number, current?: number): SourceLine[] {
  const out: SourceLine[] = [];
  for (let n = Math.max(first, 1); n <= Math.min(last, lines.length); n++) out.push(n === current ? { line: n, text: lines[n - 1]!, current: true } : { line: n, text: lines[n - 1]! });
  return out;
}

/** crash's `dis -s` listing: the address's file and line, and the source around it (none when unavailable). */
export interface SourceListing {
  /** The file as gdb's list shows it; undefined when the address has no line information. */
  file?: string;
  line?: number;
  /** Undefined when the source is not available. */
  lines?: SourceLine[];
}

/**
 * crash's `dis -s` (list_source_code): `FILE:`/`LINE:`, then the source from five lines before the address's
 * line, `* ` marking it, to the end of the function (a line that is just `}`) or `count` lines past it.
 */
export function sourceListing(ctx: CommandContext, command: string, addr: bigint, count?: number): SourceListing {
  const at = ctx.symbols.symbolAt(addr);
  if (!at || !"TtWw".includes(at.symbol.type)) throw new CommandError(command, `${addr.toString(16)}: not a kernel text address`);
  const loc = ctx.sourceLines?.locate(addr);
  if (!loc && ctx.prog.noDwarf) throw new CommandError(command, `-s needs DWARF line tables: ${ctx.prog.noDwarf}`);
  if (!loc) return {};
  const found = ctx.readSource ? readSourceFile(ctx.readSource, loc.file) : undefined;
  if (!found) return { file: loc.displayFile, line: loc.line };
  const lines = splitLines(found.text);
  const shown: SourceLine[] = [];
  let remaining = count ?? 0;
  let last = 0;
  const first = Math.max(loc.line - LINES_TO_LIST / 2, 1);
  for (let n = first; n <= lines.length && n - first < MAX_FUNCTION_LINES; n++) {
    // With a count: the address's line and `count` more; without: on to the function's closing brace.
    if (count !== undefined && last >= loc.line && remaining-- === 0) break;
    last = n;
    shown.push(n === loc.line ? { line: n, text: lines[n - 1]!, current: true } : { line: n, text: lines[n - 1]! });
    if (count === undefined && n > loc.line && lines[n - 1] === "}") break;
  }
  return { file: loc.displayFile, line: loc.line, lines: shown };
}
