// crash's `sym` (symbols.c cmd_sym, show_symbol): a symbol's address and type, the symbol an address falls
// in (with its source line where the debuginfo has one), lists and searches.
import type { KernelSymbol } from "../../debuginfo/symbols";
import { CommandError, type Command, type CommandContext } from "../command";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { moduleSymbolHit, moduleSymbolNamed } from "../../kernel/modules/module-symbols";

export interface SymRow {
  address: bigint;
  type: string;
  name: string;
  offset: number;
  /** The module a module symbol belongs to (crash prints ` [name]` after it). */
  module?: string;
  line?: string;
}

function row(ctx: CommandContext, s: KernelSymbol, offset: number, withLine: boolean, module?: string): SymRow {
  const address = s.address + BigInt(offset);
  const text = s.type === "T" || s.type === "t" || s.type === "W" || s.type === "w";
  return { address, type: s.type, name: s.name, offset, ...(module !== undefined ? { module } : {}), line: withLine && text ? ctx.lineAt?.(address) : undefined };
}

function formatRow(r: SymRow): string {
  const base = `${r.address.toString(16)} (${r.type}) ${r.name}${r.offset ? `+${r.offset}` : ""}${r.module !== undefined ? ` [${r.module}]` : ""}`;
  return (r.line ? `${base} ${r.line}` : base) + "\n";
}

export const symCommand: Command = {
  name: "sym",
  summary: "translate a symbol to its virtual address, or vice-versa",
  help: `NAME
  sym - translate a symbol to its virtual address, or vice-versa

SYNOPSIS
  sym [-l] | [-q string] | [-p|-n] [-s] [symbol | vaddr]...

DESCRIPTION
  With a symbol name, shows its address and type letter; with an address, the symbol it falls in and the
  offset into it, followed by the source file and line for kernel text when the vmlinux has line tables.
  A module symbol is followed by the module's name in brackets, as crash shows it; its source line is
  shown once the module's debuginfo is loaded (mod -s), which also works for a module that is not on the
  module list but is still in the kernel's module address tree.

    -l         all kernel symbols, in address order.
    -q string  every symbol whose name contains the string.
    -p / -n    also the previous / next symbol.
    -s         no source line.`,
  run(ctx, args) {
    const rows: SymRow[] = [];
    let text = "";
    const errors: string[] = [];
    let prev = false;
    let next = false;
    let withLine = true;
    const targets: string[] = [];
    let listed = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-l" || a === "-L") {
        listed = true;
        for (let j = 0; j < ctx.symbols.count; j++) {
          const r = row(ctx, ctx.symbols.at(j), 0, false);
          rows.push(r);
          text += formatRow(r);
        }
      } else if (a === "-q") {
        const pat = args[++i];
        if (pat === undefined) throw new CommandError("sym", "-q needs a string");
        listed = true;
        const found = ctx.symbols.search(pat);
        for (const s of found) {
          const r = row(ctx, s, 0, false);
          rows.push(r);
          text += formatRow(r);
        }
        if (found.length === 0) text += "(none found)\n";
      } else if (a === "-p") prev = true;
      else if (a === "-n") next = true;
      else if (a === "-s") withLine = false;
      else if (a.startsWith("-")) throw new CommandError("sym", `invalid option: ${a}`);
      else targets.push(a);
    }
    if (!listed && targets.length === 0) throw new CommandError("sym", "symbol or address required");
    const neighbour = (s: KernelSymbol, dir: -1 | 1): KernelSymbol | undefined => {
      const i = dir < 0 ? ctx.symbols.indexAtOrAbove(s.address) - 1 : ctx.symbols.indexAbove(s.address);
      return i >= 0 && i < ctx.symbols.count ? ctx.symbols.at(i) : undefined;
    };
    const emit = (s: KernelSymbol, offset: number, module?: string) => {
      if (prev && module === undefined) {
        const p = neighbour(s, -1);
        if (p) text += formatRow(row(ctx, p, 0, withLine));
      }
      const r = row(ctx, s, offset, withLine, module);
      rows.push(r);
      text += formatRow(r);
      if (next && module === undefined) {
        const n = neighbour(s, 1);
        if (n) text += formatRow(row(ctx, n, 0, withLine));
      }
    };
    for (const t of targets) {
      const byName = ctx.symbols.lookupAll(t);
      if (byName.length) {
        for (const s of byName) emit(s, 0);
        continue;
      }
      const inModule = moduleSymbolNamed(ctx, t);
      if (inModule) {
        emit(inModule.symbol, 0, inModule.module);
        continue;
      }
      if (isHexAddress(t)) {
        const address = parseHex(t);
        const at = ctx.symbols.symbolAt(address);
        const mod = at ? undefined : moduleSymbolHit(ctx, address);
        if (at) emit(at.symbol, at.offset);
        else if (mod) emit(mod.symbol, mod.offset, mod.module);
        else errors.push(`sym: invalid address: ${t}`);
        continue;
      }
      text += `symbol not found: ${t}\npossible alternatives:\n`;
      const alt = ctx.symbols.search(t);
      text += alt.length ? alt.map((s) => "  " + formatRow(row(ctx, s, 0, false))).join("") : "  (none found)\n";
    }
    return { data: rows, text, errors };
  },
};
