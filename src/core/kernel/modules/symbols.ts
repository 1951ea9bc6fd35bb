// The symbols of every module the kernel knows of, from each module's own in-memory symbol table
// (module->kallsyms: what /proc/kallsyms and the oops printer read), for naming module addresses without
// any .ko: the modules on the list and also those only the other views hold (mod_tree, sysfs, the carve),
// so an address in a module that hid itself is named `function+off [module]` (crash cannot; drgn can).
// Built once per program.
import type { Backtrace } from "../../arch/x86_64/unwind-types";
import { SymbolTable, type SymbolAt } from "../../debuginfo/symbols";
import { KdwError } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";
import { moduleKallsyms } from "./info";
import { moduleViews, type ModuleView } from "./views";

export interface ModuleRegionSpan {
  base: bigint;
  end: bigint;
  /** The module's name. */
  name: string;
  /** The struct module. */
  module: bigint;
}

export interface ModuleSymbols {
  table: SymbolTable;
  /** [base, end) of every region of every module seen, with the module's name. */
  regions: ModuleRegionSpan[];
}

const MODULE_SYMBOL_TABLE = perProgram((prog) => buildModuleSymbols(prog));

/** The module symbol table of a program (every view's modules), built once. */
export const moduleSymbolTable: (prog: Program) => ModuleSymbols = MODULE_SYMBOL_TABLE.of;

function buildModuleSymbols(prog: Program): ModuleSymbols {
  const list: { name: string; address: bigint; type: string; size?: number }[] = [];
  const regions: ModuleRegionSpan[] = [];
  let modules: ModuleView[];
  try {
    modules = moduleViews(prog).modules;
  } catch (err) {
    if (err instanceof KdwError) return { table: SymbolTable.fromList([]), regions };
    throw err;
  }
  for (const { module: mod } of modules) {
    for (const r of mod.regions) if (r.size > 0) regions.push({ base: r.base, end: r.base + BigInt(r.size), name: mod.name, module: mod.address });
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

/** The module region holding `addr`, or undefined outside every known module's memory. */
export function moduleRegionAt(prog: Program, addr: bigint): ModuleRegionSpan | undefined {
  return moduleSymbolTable(prog).regions.find((r) => addr >= r.base && addr < r.end);
}

/**
 * The module symbol `addr` falls in, with its module's name; undefined outside every known module's memory
 * or below its module's first symbol.
 */
export function moduleSymbolAt(prog: Program, addr: bigint): (SymbolAt & { module: string }) | undefined {
  const m = moduleSymbolTable(prog);
  const region = m.regions.find((r) => addr >= r.base && addr < r.end);
  if (!region) return undefined;
  const i = m.table.indexAbove(addr) - 1;
  if (i < 0) return undefined;
  const symbol = m.table.at(i);
  // A symbol of another module (or below this region) does not name this address.
  if (symbol.address < region.base) return undefined;
  return { symbol, offset: Number(addr - symbol.address), module: region.name };
}

/**
 * A backtrace whose exception RIPs with no kernel symbol are named from the module kallsyms (`bt -M`
 * without a .ko): "[exception RIP: mz_getdents_pre+94]", as crash prints a module symbol there.
 */
export function withModuleKallsyms(prog: Program, bt: Backtrace): Backtrace {
  let changed = false;
  const lines = bt.lines.map((l) => {
    if (l.kind !== "exception" || !l.kernelMode || l.rip) return l;
    const at = moduleSymbolAt(prog, l.regs.ip);
    if (!at) return l;
    changed = true;
    return { ...l, rip: { name: at.symbol.name, offset: at.offset } };
  });
  return changed ? { ...bt, lines } : bt;
}
