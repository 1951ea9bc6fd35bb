// Symbols of the modules on the kernel's module list, for `dis`: crash's value_search finds module symbols
// too (symbols.c, from each module's own kallsyms), as long as the address is inside a listed module's
// memory. A module that took itself off the list (the fixture's rootkit) has none: crash warns and prints a
// bare listing.
import type { KernelSymbol, SymbolAt } from "../debuginfo/symbols";
import { SymbolTable } from "../debuginfo/symbols";
import { KdwError } from "../io/errors";
import { moduleKallsyms, moduleList } from "../kernel/modules";
import type { Program } from "../program/program";

interface ModuleSymbols {
  table: SymbolTable;
  /** [base, end) of every region of a listed module. */
  regions: { base: bigint; end: bigint }[];
}

const cache = new WeakMap<Program, ModuleSymbols>();

function build(prog: Program): ModuleSymbols {
  const list: { name: string; address: bigint; type: string; size?: number }[] = [];
  const regions: { base: bigint; end: bigint }[] = [];
  let modules;
  try {
    modules = moduleList(prog).modules;
  } catch (err) {
    if (err instanceof KdwError) return { table: SymbolTable.fromList([]), regions };
    throw err;
  }
  for (const mod of modules) {
    for (const r of mod.regions) if (r.size > 0) regions.push({ base: r.base, end: r.base + BigInt(r.size) });
    let symbols;
    try {
      symbols = moduleKallsyms(prog, mod).symbols;
    } catch (err) {
      if (err instanceof KdwError) continue;
      throw err;
    }
    for (const s of symbols) {
      // Section and file symbols (empty names, `.text`-like markers) are not what crash names addresses by.
      if (!s.name || s.value === 0n || s.type === "U") continue;
      list.push({ name: s.name, address: s.value, type: s.type, size: s.size > 0n && s.size < 1n << 32n ? Number(s.size) : undefined });
    }
  }
  return { table: SymbolTable.fromList(list), regions };
}

function moduleSymbols(prog: Program): ModuleSymbols {
  let m = cache.get(prog);
  if (!m) {
    m = build(prog);
    cache.set(prog, m);
  }
  return m;
}

/** The module symbol an address belongs to, or undefined outside every listed module's memory. */
export function moduleSymbolAt(prog: Program, address: bigint): SymbolAt | undefined {
  const m = moduleSymbols(prog);
  if (!m.regions.some((r) => address >= r.base && address < r.end)) return undefined;
  return m.table.symbolAt(address);
}

/** A module symbol by name (the first in address order), or undefined. */
export function moduleSymbol(prog: Program, name: string): KernelSymbol | undefined {
  return moduleSymbols(prog).table.lookup(name);
}

/** Where a module symbol ends for `dis`: at the next module symbol (crash's next_symbol). */
export function moduleSymbolEnd(prog: Program, symbol: KernelSymbol): bigint | undefined {
  const t = moduleSymbols(prog).table;
  const i = t.indexAbove(symbol.address);
  return i < t.count ? t.at(i).address : undefined;
}
