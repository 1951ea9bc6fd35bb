// Symbols of the kernel's modules, for `dis` and `sym`: crash's value_search finds module symbols too
// (symbols.c, from each module's own kallsyms) inside a listed module's memory. kdw also names addresses in
// a module that took itself off the list (the fixture's rootkit), from the same in-memory kallsyms, found
// through mod_tree, sysfs or a carve (./symbols.ts): crash warns and prints a bare listing there.
// Debuginfo loaded with `mod -s` (./debuginfo.ts) comes first: its symbols and source lines answer for that
// module's memory, hidden module or not.
import type { KernelSymbol, SymbolAt } from "../../debuginfo/symbols";
import { Dwarf } from "../../debuginfo/dwarf/dwarf";
import { KdwError } from "../../io/errors";
import { symbolAtOrAfterLast, type LoadedModuleDebuginfo, type ModuleDebuginfoStore } from "./debuginfo";
import { moduleAt, moduleKallsyms, moduleList, type KernelModule, type ModuleSymbol } from "./modules";
import { moduleSymbolTable, type ModuleSymbols } from "./symbols";
import { perProgram, type Program } from "../../program/program";
import { DwarfSourceLines, type SourceLines } from "../../program/source-lines";

/** Where module symbols are looked up: the program, and the debuginfo loaded with `mod -s` (if any). */
export interface ModuleSymbolScope {
  prog: Program;
  moduleDebuginfo?: ModuleDebuginfoStore;
}

/** Every module the kernel knows of (list, mod_tree, sysfs, carve), named from its in-memory kallsyms. */
function moduleSymbols(prog: Program): ModuleSymbols {
  return moduleSymbolTable(prog);
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

/** A module symbol an address falls in, and the module's name (crash prints `[name]` after it). */
export interface ModuleSymbolHit extends SymbolAt {
  module: string;
  /** From debuginfo loaded with `mod -s` (it has a size and source lines), not the module's kallsyms. */
  loaded?: LoadedModuleDebuginfo;
}

/** Loaded module debuginfo first, then the kallsyms of the modules on the list. */
export function moduleSymbolHit(ctx: ModuleSymbolScope, address: bigint): ModuleSymbolHit | undefined {
  const loaded = ctx.moduleDebuginfo?.symbolAt(address);
  if (loaded) return loaded;
  if (ctx.moduleDebuginfo?.moduleAt(address)) return undefined;
  const m = moduleSymbols(ctx.prog);
  const region = m.regions.find((r) => address >= r.base && address < r.end);
  const at = region && symbolAtOrAfterLast(m.table, address);
  return region && at ? { ...at, module: region.name } : undefined;
}

/** A module symbol by name: loaded debuginfo first, then the listed modules' kallsyms. */
export function moduleSymbolNamed(ctx: ModuleSymbolScope, name: string): { symbol: KernelSymbol; module: string; loaded?: LoadedModuleDebuginfo } | undefined {
  const loaded = ctx.moduleDebuginfo?.lookup(name);
  if (loaded) return loaded;
  const symbol = moduleSymbols(ctx.prog).table.lookup(name);
  if (!symbol) return undefined;
  const region = moduleSymbols(ctx.prog).regions.find((r) => symbol.address >= r.base && symbol.address < r.end);
  return { symbol, module: region?.name ?? "" };
}

/** Where a loaded module's function ends: its st_size, else the next symbol of that module. */
export function loadedSymbolEnd(loaded: LoadedModuleDebuginfo, symbol: KernelSymbol): bigint | undefined {
  if (symbol.size) return symbol.address + BigInt(symbol.size);
  const t = loaded.symbols;
  const i = t.indexAbove(symbol.address);
  return i < t.count ? t.at(i).address : undefined;
}

const moduleLines = new WeakMap<LoadedModuleDebuginfo, SourceLines | null>();

/**
 * Source lines of the modules whose debuginfo is loaded: each module's DWARF, relocated to its load
 * addresses, read on first use. Undefined for addresses outside those modules.
 */
export function loadedModuleSourceLines(store: ModuleDebuginfoStore): SourceLines {
  return {
    locate(address) {
      const m = store.moduleAt(address);
      if (!m) return undefined;
      let lines = moduleLines.get(m);
      if (lines === undefined) {
        try {
          const sections = m.dwarfSections();
          lines = sections?.line ? new DwarfSourceLines(new Dwarf(sections), 0n) : null;
        } catch (err) {
          // A module file whose DWARF cannot be relocated still gives its symbols; it has no lines.
          if (!(err instanceof KdwError)) throw err;
          lines = null;
        }
        moduleLines.set(m, lines);
      }
      try {
        return lines?.locate(address);
      } catch (err) {
        if (err instanceof KdwError) return undefined;
        throw err;
      }
    },
  };
}

/** Each module's named symbols sorted by address, read once per program (filled as modules are asked for). */
const KALLSYMS_BY_MODULE = perProgram(() => new Map<bigint, ModuleSymbol[]>());

/**
 * crash's module_symbol for timer and dev: the symbol at or below `addr` among the kallsyms of the listed
 * module whose memory holds it (no symbol below the module's first: undefined).
 */
export function moduleKallsymsAt(prog: Program, addr: bigint): { name: string; offset: bigint; type: string } | undefined {
  let mod: KernelModule | undefined;
  try {
    mod = moduleAt(moduleList(prog).modules, addr);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
  if (!mod) return undefined;
  const byModule = KALLSYMS_BY_MODULE.of(prog);
  let syms = byModule.get(mod.address);
  if (!syms) {
    syms = moduleKallsyms(prog, mod)
      .symbols.filter((s) => s.name !== "" && s.value !== 0n)
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    byModule.set(mod.address, syms);
  }
  let best: ModuleSymbol | undefined;
  for (const s of syms) {
    if (s.value > addr) break;
    best = s;
  }
  return best ? { name: best.name, offset: addr - best.value, type: best.type } : undefined;
}
