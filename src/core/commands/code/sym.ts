// crash's `sym` (symbols.c cmd_sym, show_symbol): a symbol's address and type, the symbol an address falls
// in (with its source line where the debuginfo has one), lists and searches.
import type { KernelSymbol } from "../../debuginfo/symbols";
import { moduleSymbolHit, moduleSymbolNamed } from "../../kernel/modules/module-symbols";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { formatSym } from "./sym-format";

export interface SymRow {
  address: bigint;
  type: string;
  name: string;
  offset: number;
  /** The module a module symbol belongs to (crash prints ` [name]` after it). */
  module?: string;
  line?: string;
}

/** What sym prints, in order: symbol lines (-p/-n neighbours marked), "(none found)", a name with no symbol. */
export type SymEntry = { kind: "symbol"; row: SymRow; neighbour?: "previous" | "next" } | { kind: "noneFound" } | { kind: "notFound"; name: string; alternatives: SymRow[] };

export interface SymResult {
  entries: SymEntry[];
  errors: string[];
}

interface SymOptions {
  all: boolean;
  searches: string[];
  prev: boolean;
  next: boolean;
  withLine: boolean;
  targets: string[];
}

function row(ctx: CommandContext, s: KernelSymbol, offset: number, withLine: boolean, module?: string): SymRow {
  const address = s.address + BigInt(offset);
  const text = s.type === "T" || s.type === "t" || s.type === "W" || s.type === "w";
  const line = withLine && text ? ctx.lineAt?.(address) : undefined;
  return { address, type: s.type, name: s.name, offset, ...(module !== undefined ? { module } : {}), ...(line !== undefined ? { line } : {}) };
}

function sym(ctx: CommandContext, o: SymOptions): SymResult {
  const result: SymResult = { entries: [], errors: [] };
  const symbol = (r: SymRow, neighbour?: "previous" | "next") => result.entries.push(neighbour ? { kind: "symbol", row: r, neighbour } : { kind: "symbol", row: r });
  if (o.all) {
    for (let j = 0; j < ctx.symbols.count; j++) {
      if (j % 4096 === 0) ctx.interrupt?.();
      symbol(row(ctx, ctx.symbols.at(j), 0, false));
    }
  }
  for (const pat of o.searches) {
    const found = ctx.symbols.search(pat);
    for (const s of found) symbol(row(ctx, s, 0, false));
    if (found.length === 0) result.entries.push({ kind: "noneFound" });
  }
  const neighbour = (s: KernelSymbol, dir: -1 | 1): KernelSymbol | undefined => {
    const i = dir < 0 ? ctx.symbols.indexAtOrAbove(s.address) - 1 : ctx.symbols.indexAbove(s.address);
    return i >= 0 && i < ctx.symbols.count ? ctx.symbols.at(i) : undefined;
  };
  const emit = (s: KernelSymbol, offset: number, module?: string) => {
    if (o.prev && module === undefined) {
      const p = neighbour(s, -1);
      if (p) symbol(row(ctx, p, 0, o.withLine), "previous");
    }
    symbol(row(ctx, s, offset, o.withLine, module));
    if (o.next && module === undefined) {
      const n = neighbour(s, 1);
      if (n) symbol(row(ctx, n, 0, o.withLine), "next");
    }
  };
  for (const t of o.targets) {
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
      else result.errors.push(`sym: invalid address: ${t}`);
      continue;
    }
    result.entries.push({ kind: "notFound", name: t, alternatives: ctx.symbols.search(t).map((s) => row(ctx, s, 0, false)) });
  }
  return result;
}

export const symCommand = defineCommand({
  name: "sym",
  summary: "translate a symbol to its virtual address, or vice-versa",
  help: `SYNOPSIS
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
  options: { flags: "lLpns", values: "q", invalid: (o) => `invalid option: ${o}` },
  parse(args): SymOptions {
    const o: SymOptions = { all: args.has("l") || args.has("L"), searches: args.values("q"), prev: args.has("p"), next: args.has("n"), withLine: !args.has("s"), targets: [...args.operands] };
    if (!o.all && o.searches.length === 0 && o.targets.length === 0) throw new CommandError("sym", "symbol or address required");
    return o;
  },
  execute: sym,
  format: formatSym,
  errors: (r) => r.errors,
});
