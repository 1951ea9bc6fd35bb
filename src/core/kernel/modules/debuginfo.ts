// A module's debuginfo (its NAME.ko or NAME.ko.debug), loaded against where the module lives in the dump:
// crash's `mod -s` (symbols.c load_module_symbols / store_load_module_symbols, which hand gdb an
// add-symbol-file with each section's address). The object file is ET_REL: its symbols are section offsets
// and its DWARF holds zeros where .rela.debug_* say what goes. Both are relocated here by the load address of
// each section (module-debuginfo-sections.ts), after the file was checked against the module
// (module-debuginfo-identity.ts). A module found only in the kernel's module address tree (one that took
// itself off the module list) is loaded the same way: its struct module, sysfs kobject and sections remain.
import { elfSymbolLetter, SymbolTable, type SymbolAt, type KernelSymbol } from "../../debuginfo/symbols";
import { dwarfSectionsFromElf } from "../../debuginfo/dwarf/elf-sections";
import { openDwarf, type DwarfDebugInfo } from "../../debuginfo/dwarf/open";
import type { DwarfSections } from "../../debuginfo/dwarf/reader";
import { ElfFile, STT_FUNC, STT_OBJECT } from "../../dump/elf";
import type { ByteSource } from "../../io/byte-source";
import { DebugInfoMismatch } from "../../io/errors";
import type { Backtrace } from "../../arch/x86_64/unwind-types";
import type { Program } from "../../program/program";
import { matchModuleObject, type ModuleMatch } from "./debuginfo-identity";
import { moduleSectionAddresses, type ModuleSections } from "./debuginfo-sections";
import { modTreeModules, moduleList, type KernelModule } from "./modules";

export { moduleSectionAddresses, MAX_MODULE_SECTIONS, type ModuleSection, type ModuleSections } from "./debuginfo-sections";
export { matchModuleObject, moduleObjectIdentity, buildIdFromNotes, type ModuleMatch, type ModuleObjectIdentity } from "./debuginfo-identity";

const SHF_ALLOC = 0x2;
const SHN_LORESERVE = 0xff00; // section indexes from here on are special (ABS, COMMON, XINDEX)
/** More symbols than a module object has; the rest are ignored. */
const MAX_OBJECT_SYMBOLS = 1 << 20;

export interface LoadedModuleDebuginfo {
  module: KernelModule;
  /** False for a module found only in mod_tree (it took itself off the `modules` list). */
  onList: boolean;
  /** The object file's name as the adapter gave it (crash's OBJECT FILE column). */
  file: string;
  elf: ElfFile;
  sections: ModuleSections;
  match: ModuleMatch;
  /** The differences it was loaded in spite of (forced), when there were any. */
  forced?: string;
  /** The object's functions and data objects at their load addresses, only those inside the module's memory. */
  symbols: SymbolTable;
  /** [base, end) of the module's memory regions that still hold it (freed init memory excluded). */
  ranges: { base: bigint; end: bigint }[];
  /** The DWARF sections relocated to the load addresses (built on first use); undefined without DWARF. */
  dwarfSections(): DwarfSections | undefined;
  /** Types and lines of the module's DWARF (indexed on first use). */
  debugInfo(): DwarfDebugInfo | undefined;
}

export interface LoadModuleOptions {
  /** Load even when the file does not match the module (the mismatch is kept in `forced`). */
  force?: boolean;
  onList?: boolean;
  /**
   * crash's `mod -g`: add each loaded section's start and end as pseudo symbols of type 'S',
   * "_MODULE_SECTION_START [.text]" and "_MODULE_SECTION_END [.text]" (symbols.c append_section_symbols).
   */
  sectionSymbols?: boolean;
}

/** A module in the dump by name, struct module address or text base: the module list first, then mod_tree. */
export function findKernelModule(prog: Program, ref: string): { module: KernelModule; onList: boolean } | undefined {
  const address = /^(0x)?[0-9a-f]+$/i.test(ref) && ref.replace(/^0x/i, "").length >= 8 ? BigInt("0x" + ref.replace(/^0x/i, "")) : undefined;
  const is = (m: KernelModule): boolean => m.name === ref || (address !== undefined && (m.address === address || m.base === address));
  const listed = moduleList(prog).modules.find(is);
  if (listed) return { module: listed, onList: true };
  const listedAddresses = new Set(moduleList(prog).modules.map((m) => m.address));
  const hidden = modTreeModules(prog).modules.find((m) => is(m) && !listedAddresses.has(m.address));
  return hidden ? { module: hidden, onList: false } : undefined;
}

/** Modules in mod_tree that are not on the module list (mod -S loads these too). */
export function modulesOffList(prog: Program): KernelModule[] {
  const listed = new Set(moduleList(prog).modules.map((m) => m.address));
  return modTreeModules(prog).modules.filter((m) => !listed.has(m.address));
}

/** Section index → load address, pairing the file's allocated sections with sect_attrs in order, by name. */
function sectionBases(elf: ElfFile, sections: ModuleSections): Map<number, bigint> {
  const queues = new Map<string, bigint[]>();
  for (const s of sections.sections) {
    const q = queues.get(s.name);
    if (q) q.push(s.address);
    else queues.set(s.name, [s.address]);
  }
  const bases = new Map<number, bigint>();
  for (const s of elf.sections) {
    if (!(s.flags & SHF_ALLOC)) continue;
    const address = queues.get(s.name)?.shift();
    if (address !== undefined) bases.set(s.index, address);
  }
  return bases;
}

function moduleRanges(mod: KernelModule): { base: bigint; end: bigint }[] {
  return mod.regions.filter((r) => r.size > 0 && r.base !== 0n).map((r) => ({ base: r.base, end: r.base + BigInt(r.size) }));
}

function inRanges(ranges: readonly { base: bigint; end: bigint }[], address: bigint): boolean {
  return ranges.some((r) => address >= r.base && address < r.end);
}

/** The object's STT_FUNC/STT_OBJECT symbols in loaded sections, at their load addresses, inside the module. */
function relocatedSymbols(elf: ElfFile, bases: Map<number, bigint>, ranges: readonly { base: bigint; end: bigint }[], sectionSymbols = false): SymbolTable {
  const syms = elf.symbols();
  const list: { name: string; address: bigint; type: string; size?: number }[] = [];
  if (sectionSymbols) {
    for (const [shndx, base] of bases) {
      const sh = elf.sections[shndx];
      if (!sh) continue;
      list.push({ name: `_MODULE_SECTION_START [${sh.name}]`, address: base, type: "S" }, { name: `_MODULE_SECTION_END [${sh.name}]`, address: BigInt.asUintN(64, base + BigInt(sh.size)), type: "S" });
    }
  }
  if (!syms) return SymbolTable.fromList(list);
  const n = Math.min(syms.count, MAX_OBJECT_SYMBOLS);
  for (let i = 1; i < n; i++) {
    const type = syms.type(i);
    if (type !== STT_FUNC && type !== STT_OBJECT) continue;
    const shndx = syms.shndx[i]!;
    if (shndx === 0 || shndx >= SHN_LORESERVE) continue;
    const base = bases.get(shndx);
    if (base === undefined) continue;
    const name = syms.name(i);
    // crash skips names starting with '.' (store_load_module_symbols); empty names name nothing.
    if (name === "" || name.startsWith(".")) continue;
    const address = BigInt.asUintN(64, base + syms.value(i));
    if (!inRanges(ranges, address)) continue;
    const size = syms.size(i);
    list.push({ name, address, type: elfSymbolLetter(syms.bind(i), type, shndx, elf.sections[shndx]), size: size > 0n && size < 1n << 32n ? Number(size) : 0 });
  }
  return SymbolTable.fromList(list);
}

/**
 * Opens a module object file and loads it against `mod`. Throws DebugInfoMismatch (one line: what differs,
 * and that force loads it anyway) when the file does not belong to the module, unless forced.
 */
export function loadModuleDebuginfo(prog: Program, mod: KernelModule, source: ByteSource, options: LoadModuleOptions = {}): LoadedModuleDebuginfo {
  const elf = ElfFile.open(source);
  const sections = moduleSectionAddresses(prog, mod);
  const match = matchModuleObject(prog, mod, elf, sections.sections);
  if (match.notModule) throw new DebugInfoMismatch(match.notModule);
  const mismatch = match.mismatches.join("; ");
  if (mismatch && !options.force) throw new DebugInfoMismatch(`${source.name} does not match module ${mod.name}: ${mismatch} (--force loads it anyway)`);
  const bases = sectionBases(elf, sections);
  const ranges = moduleRanges(mod);
  const symbols = relocatedSymbols(elf, bases, ranges, options.sectionSymbols);
  let dwarf: DwarfSections | null | undefined;
  let info: DwarfDebugInfo | null | undefined;
  const dwarfSections = (): DwarfSections | undefined => {
    // Sections the module did not load (.debug_*, or ones the kernel dropped) keep their sh_addr of 0: debug
    // sections refer to each other by offset.
    if (dwarf === undefined) dwarf = dwarfSectionsFromElf(elf, { sectionBase: (shndx) => bases.get(shndx) ?? 0n }) ?? null;
    return dwarf ?? undefined;
  };
  return {
    module: mod,
    onList: options.onList ?? true,
    file: source.name,
    elf,
    sections,
    match,
    ...(mismatch ? { forced: mismatch } : {}),
    symbols,
    ranges,
    dwarfSections,
    debugInfo() {
      if (info === undefined) {
        const s = dwarfSections();
        info = s ? openDwarf(s) : null;
      }
      return info ?? undefined;
    },
  };
}

export interface ModuleSymbolAt extends SymbolAt {
  /** The module's name, as crash prints it after a module symbol: `[name]`. */
  module: string;
  loaded: LoadedModuleDebuginfo;
}

/**
 * The module debuginfo loaded in one session (crash's load_modules with MOD_LOAD_SYMS), by struct module.
 * Session state, not a fact of the dump: a console has one, passed in its command context.
 */
export class ModuleDebuginfoStore {
  private readonly byModule = new Map<bigint, LoadedModuleDebuginfo>();

  add(loaded: LoadedModuleDebuginfo): void {
    this.byModule.set(loaded.module.address, loaded);
  }

  /** Drops a module's debuginfo; true when there was some. */
  remove(moduleAddress: bigint): boolean {
    return this.byModule.delete(moduleAddress);
  }

  clear(): void {
    this.byModule.clear();
  }

  get size(): number {
    return this.byModule.size;
  }

  all(): LoadedModuleDebuginfo[] {
    return [...this.byModule.values()];
  }

  get(moduleAddress: bigint): LoadedModuleDebuginfo | undefined {
    return this.byModule.get(moduleAddress);
  }

  /** The loaded module whose memory holds `address`. */
  moduleAt(address: bigint): LoadedModuleDebuginfo | undefined {
    for (const m of this.byModule.values()) if (inRanges(m.ranges, address)) return m;
    return undefined;
  }

  /** The symbol `address` falls in, answered only inside a loaded module's memory. */
  symbolAt(address: bigint): ModuleSymbolAt | undefined {
    const m = this.moduleAt(address);
    const at = m && symbolAtOrAfterLast(m.symbols, address);
    return m && at ? { ...at, module: m.module.name, loaded: m } : undefined;
  }

  /** A loaded module's symbol by name (the first module in load order that has it). */
  lookup(name: string): { symbol: KernelSymbol; module: string; loaded: LoadedModuleDebuginfo } | undefined {
    for (const m of this.byModule.values()) {
      const symbol = m.symbols.lookup(name);
      if (symbol) return { symbol, module: m.module.name, loaded: m };
    }
    return undefined;
  }
}

/**
 * The symbol `address` falls in, the table's last one included: SymbolTable answers nothing past the last
 * symbol's start (the vmlinux's end), but in a module's memory the last function runs on to its end.
 */
export function symbolAtOrAfterLast(table: SymbolTable, address: bigint): SymbolAt | undefined {
  const at = table.symbolAt(address);
  if (at || table.count === 0) return at;
  const last = table.at(table.count - 1);
  return address >= last.address ? { symbol: last, offset: Number(address - last.address) } : undefined;
}

/**
 * A backtrace whose exception RIPs with no kernel symbol are named from loaded module debuginfo (bt's
 * kdw option): crash would name them so had it the module's symbols. Other lines are unchanged.
 */
export function withModuleSymbols(bt: Backtrace, store: ModuleDebuginfoStore): Backtrace {
  let changed = false;
  const lines = bt.lines.map((l) => {
    if (l.kind !== "exception" || !l.kernelMode || l.rip) return l;
    const at = store.symbolAt(l.regs.ip);
    if (!at) return l;
    changed = true;
    return { ...l, rip: { name: at.symbol.name, offset: at.offset } };
  });
  return changed ? { ...bt, lines } : bt;
}
