// What a struct module says about itself beyond its header: its own symbol table (module.kallsyms, the
// struct mod_kallsyms that /proc/kallsyms and the oops printer read), its parameters (kp, num_kp), the
// modules that use it and that it uses (source_list / target_list of struct module_use), and its taint
// letters (kernel/panic.c taint_flags[], 4.10+). Counts from the dump are capped; nothing here hangs.
import { KdwError, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { listForEachEntry } from "../../program/list";
import { perProgram, type Program } from "../../program/program";
import { optionalEnumerator } from "../../program/optional-types";
import { moduleLayout, moduleLinksLayout } from "./layout";
import { isTaintLetter } from "../system/sysinfo";
import { latin1, type KernelModule } from "./read";

/** More symbols than a module has; a count above it is read only up to here and reported. */
export const MAX_MODULE_SYMBOLS = 1 << 18;
/** More parameters than a module declares. */
export const MAX_MODULE_PARAMS = 4096;
const ELF64_SYM_SIZE = 24; // sizeof(Elf64_Sym)
const ST_NAME_OFF = 0; // Elf64_Sym.st_name
const ST_INFO_OFF = 4; // Elf64_Sym.st_info
const ST_SHNDX_OFF = 6; // Elf64_Sym.st_shndx
const ST_VALUE_OFF = 8; // Elf64_Sym.st_value
const ST_SIZE_OFF = 16; // Elf64_Sym.st_size
const MAX_SYMBOL_NAME = 512; // KSYM_NAME_LEN is 512 since 6.1

export interface ModuleSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** nm's letter as the kernel computed it at load (typetab, 5.2+; st_info before). */
  type: string;
  shndx: number;
}

export interface ModuleKallsymsHeader {
  /** struct mod_kallsyms: symtab (Elf_Sym[]), num_symtab, strtab, typetab (0 before 5.2). */
  symtab: bigint;
  numSymtab: number;
  strtab: bigint;
  typetab: bigint;
}

/**
 * The module's struct mod_kallsyms, or undefined when it has none (or the kernel lacks CONFIG_KALLSYMS).
 * Its members are read in one piece (`mod` reads every module's).
 */
export function moduleKallsymsHeader(prog: Program, mod: KernelModule): ModuleKallsymsHeader | undefined {
  const l = moduleLayout(prog);
  const symtabAt = l.kallsymsSymtab;
  const countAt = l.kallsymsNumSymtab;
  const strtabAt = l.kallsymsStrtab;
  const typetabAt = l.kallsymsTypetab;
  if (mod.kallsyms === 0n || symtabAt === undefined || countAt === undefined || strtabAt === undefined) return undefined;
  const end = Math.max(symtabAt + 8, countAt + 4, strtabAt + 8, typetabAt === undefined ? 0 : typetabAt + 8);
  const dv = dataView(prog.read(mod.kallsyms, end));
  return {
    symtab: dv.getBigUint64(symtabAt, true),
    numSymtab: dv.getUint32(countAt, true),
    strtab: dv.getBigUint64(strtabAt, true),
    typetab: typetabAt === undefined ? 0n : dv.getBigUint64(typetabAt, true),
  };
}

/** The module's kallsyms table (module.kallsyms: symtab, num_symtab, strtab, typetab). */
export function moduleKallsyms(prog: Program, mod: KernelModule): { symbols: ModuleSymbol[]; problems: WalkAborted[] } {
  const what = `kallsyms of module ${mod.name}`;
  const symbols: ModuleSymbol[] = [];
  const problems: WalkAborted[] = [];
  try {
    const h = moduleKallsymsHeader(prog, mod);
    if (!h) return { symbols, problems };
    const n = Math.min(h.numSymtab, MAX_MODULE_SYMBOLS);
    if (h.numSymtab > n) problems.push(new WalkAborted(what, `num_symtab ${h.numSymtab} is more than ${MAX_MODULE_SYMBOLS}: read the first ${n}`, n));
    if (n === 0 || h.symtab === 0n) return { symbols, problems };
    const table = prog.read(h.symtab, n * ELF64_SYM_SIZE);
    const dv = dataView(table);
    const types = h.typetab === 0n ? undefined : prog.read(h.typetab, n);
    for (let i = 0; i < n; i++) {
      const at = i * ELF64_SYM_SIZE;
      const nameOff = dv.getUint32(at + ST_NAME_OFF, true);
      let name = "";
      try {
        name = latin1(prog.readCString(h.strtab + BigInt(nameOff), MAX_SYMBOL_NAME));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(new WalkAborted(what, `symbol ${i} name at strtab+${nameOff}: ${err.message}`, i));
      }
      symbols.push({
        name,
        value: dv.getBigUint64(at + ST_VALUE_OFF, true),
        size: dv.getBigUint64(at + ST_SIZE_OFF, true),
        type: String.fromCharCode(types ? types[i]! : dv.getUint8(at + ST_INFO_OFF)),
        shndx: dv.getUint16(at + ST_SHNDX_OFF, true),
      });
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(new WalkAborted(what, err.message, symbols.length));
  }
  return { symbols, problems };
}

export interface ModuleParam {
  /** struct kernel_param address. */
  address: bigint;
  name: string;
  /** kernel_param.perm: the sysfs mode (0 = not in sysfs). */
  perm: number;
}

/** The module's parameters (module.kp[0 .. num_kp)). */
export function moduleParams(prog: Program, mod: KernelModule): { params: ModuleParam[]; problems: WalkAborted[] } {
  const l = moduleLinksLayout(prog);
  const params: ModuleParam[] = [];
  const problems: WalkAborted[] = [];
  if (mod.kp === 0n || l.kernelParamSize === 0 || l.kernelParamName === undefined) return { params, problems };
  const n = Math.min(mod.numKp, MAX_MODULE_PARAMS);
  if (mod.numKp > n) problems.push(new WalkAborted(`parameters of module ${mod.name}`, `num_kp ${mod.numKp} is more than ${MAX_MODULE_PARAMS}`, n));
  for (let i = 0; i < n; i++) {
    const address = mod.kp + BigInt(i * l.kernelParamSize);
    try {
      const namePtr = prog.readU64(address + BigInt(l.kernelParamName));
      const name = namePtr === 0n ? "" : latin1(prog.readCString(namePtr, 256));
      const perm = l.kernelParamPerm === undefined ? 0 : prog.read(address + BigInt(l.kernelParamPerm), 2).reduce((v, b, j) => v | (b << (8 * j)), 0);
      params.push({ address, name, perm });
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(`parameters of module ${mod.name}`, `kernel_param ${address.toString(16)}: ${err.message}`, i));
      break;
    }
  }
  return { params, problems };
}

export interface ModuleUses {
  /** Modules that use this one (its holders, /sys/module/NAME/holders): module_use.source on source_list. */
  holders: bigint[];
  /** Modules this one uses: module_use.target on target_list. */
  uses: bigint[];
  problems: WalkAborted[];
}

/** kernel/module/main.c add_module_usage(): one struct module_use per (user, used) pair, on both lists. */
export function moduleUses(prog: Program, mod: KernelModule, options: { budget?: number } = {}): ModuleUses {
  const l = moduleLinksLayout(prog);
  const out: ModuleUses = { holders: [], uses: [], problems: [] };
  const useType = prog.findType("struct module_use");
  if (!useType || l.sourceList === undefined || l.targetList === undefined || l.useSource === undefined || l.useTarget === undefined) return out;
  const budget = options.budget ?? 1 << 16;
  const walk = (head: number, member: string, field: number, into: bigint[]): void => {
    const what = `module_use ${member} of module ${mod.name}`;
    try {
      for (const use of listForEachEntry(prog, mod.address + BigInt(head), useType, member, { budget, what })) into.push(prog.readU64(use.address! + BigInt(field)));
    } catch (err) {
      if (err instanceof WalkAborted) out.problems.push(err);
      else if (err instanceof KdwError) out.problems.push(new WalkAborted(what, err.message, into.length));
      else throw err;
    }
  };
  walk(l.sourceList, "source_list", l.useSource, out.holders);
  walk(l.targetList, "target_list", l.useTarget, out.uses);
  return out;
}

interface TaintFlag {
  cTrue: string;
  module: boolean;
}

/** kernel/panic.c taint_flags[TAINT_FLAGS_COUNT]: { char c_true, c_false; bool module; }, read once. */
const TAINT_FLAGS = perProgram((prog): TaintFlag[] => {
  let t: TaintFlag[] = [];
  const l = moduleLinksLayout(prog);
  if (prog.hasSymbol("taint_flags") && l.taintFlagSize > 0 && l.taintFlagTrue !== undefined) {
    // Without a symbol size (kallsyms) the extent to the next symbol bounds the array: padding ends it.
    const counted = optionalEnumerator(prog, "TAINT_FLAGS_COUNT");
    const exact = counted !== undefined || prog.symbolSize("taint_flags") !== undefined;
    const count = Number(counted ?? BigInt(Math.floor((prog.symbolExtent("taint_flags") ?? 0) / l.taintFlagSize)));
    const n = Math.min(count, 64);
    try {
      const bytes = prog.read(prog.symbolAddress("taint_flags"), n * l.taintFlagSize);
      for (let i = 0; i < n; i++) {
        const at = i * l.taintFlagSize;
        if (!exact && !isTaintLetter(bytes[at + l.taintFlagTrue]!)) break;
        t.push({ cTrue: String.fromCharCode(bytes[at + l.taintFlagTrue]!), module: l.taintFlagModule === undefined ? true : bytes[at + l.taintFlagModule] !== 0 });
      }
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      t = [];
    }
  }
  return t;
});

function taintFlags(prog: Program): TaintFlag[] {
  return TAINT_FLAGS.of(prog);
}

/**
 * The module's taint letters as crash's `mod -t` prints them (kernel.c show_module_taint_4_10): for each
 * taint_flags[] entry that applies to modules and whose bit is set, its c_true letter ("OE").
 */
export function moduleTaintString(prog: Program, taints: bigint): string {
  let s = "";
  taintFlags(prog).forEach((f, bit) => {
    if (f.module && bit < 64 && (taints >> BigInt(bit)) & 1n) s += f.cTrue;
  });
  return s;
}
