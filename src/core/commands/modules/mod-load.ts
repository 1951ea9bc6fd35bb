// `mod -s NAME [FILE]`, `mod -S [DIR]`, `mod -d NAME`, `mod -D`: loading module object files into the
// session (kernel.c do_module_cmd LOAD_SPECIFIED_MODULE_SYMBOLS / LOAD_ALL_MODULE_SYMBOLS /
// DELETE_MODULE_SYMBOLS). Files come through the adapter's finder (the core never touches the file system);
// each is checked against the module before it is used (kernel/module-debuginfo-identity.ts).
import { KdwError } from "../../io/errors";
import { findKernelModule, loadModuleDebuginfo, modulesOffList, type LoadedModuleDebuginfo, type ModuleDebuginfoStore } from "../../kernel/modules/debuginfo";
import { moduleList, type KernelModule } from "../../kernel/modules/modules";
import { CommandError, type CommandContext, type ModuleFileFinder } from "../command";
import { escapeControl as printable } from "../shared/escape";

export interface ModLoadResult {
  name: string;
  /** The struct module. */
  module: bigint;
  /** False for a module found only in the module address tree (mod_tree). */
  onList: boolean;
  /** The object file used (its name as the adapter gave it). */
  file?: string;
  loaded: boolean;
  /** Why it was not loaded. */
  error?: string;
  /** The differences it was loaded in spite of (--force). */
  forced?: string;
  /** What could not be compared (a build id the file or the dump lacks, ...). */
  unchecked: string[];
  /** Functions and objects of the file placed in the module's memory. */
  symbols: number;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

function store(ctx: CommandContext): ModuleDebuginfoStore {
  if (!ctx.moduleDebuginfo) throw new CommandError("mod", "this kdw session keeps no module debuginfo");
  return ctx.moduleDebuginfo;
}

function finder(ctx: CommandContext, option: string): ModuleFileFinder {
  if (!ctx.findModuleFile) throw new CommandError("mod", `${option}: this kdw session cannot open module object files`);
  return ctx.findModuleFile;
}

function result(mod: KernelModule, onList: boolean, loaded?: LoadedModuleDebuginfo): ModLoadResult {
  return {
    name: mod.name,
    module: mod.address,
    onList,
    loaded: loaded !== undefined,
    unchecked: loaded?.match.unchecked ?? [],
    symbols: loaded?.symbols.count ?? 0,
    ...(loaded ? { file: loaded.file } : {}),
    ...(loaded?.forced ? { forced: loaded.forced } : {}),
  };
}

/** Loads one module's file; a problem is a one-line CommandError in crash's words where crash has them. */
/** How files are loaded: --force past a mismatch; -g with section pseudo symbols. */
export interface ModLoadOptions {
  force: boolean;
  sectionSymbols: boolean;
}

function load(ctx: CommandContext, mod: KernelModule, onList: boolean, find: ModuleFileFinder, request: { file?: string; dir?: string }, o: ModLoadOptions): LoadedModuleDebuginfo {
  const name = printable(mod.name);
  const source = find({ name: mod.name, ...request });
  if (!source) {
    throw new CommandError("mod", request.file !== undefined ? `${name}: cannot find or load object file: ${printable(request.file)}` : `cannot find or load object file for ${name} module`);
  }
  let magic: Uint8Array;
  try {
    magic = source.read(0, 4);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    magic = new Uint8Array(0);
  }
  if (!ELF_MAGIC.every((b, i) => magic[i] === b)) throw new CommandError("mod", `${printable(source.name)}: not an ELF format object file`);
  try {
    const loaded = loadModuleDebuginfo(ctx.prog, mod, source, { force: o.force, onList, sectionSymbols: o.sectionSymbols });
    store(ctx).add(loaded);
    return loaded;
  } catch (err) {
    if (err instanceof KdwError) throw new CommandError("mod", printable(err.message));
    throw err;
  }
}

/** mod -s REF [FILE]: REF is a module name, struct module address or text base, listed or only in mod_tree. */
export function loadOneModule(ctx: CommandContext, ref: string, file: string | undefined, o: ModLoadOptions): { result: ModLoadResult; module: KernelModule } {
  const find = finder(ctx, "-s");
  store(ctx);
  const found = findKernelModule(ctx.prog, ref);
  if (!found) throw new CommandError("mod", `${printable(ref)}: not a module on the module list or in the module address tree`);
  const loaded = load(ctx, found.module, found.onList, find, file !== undefined ? { file } : {}, o);
  return { result: result(found.module, found.onList, loaded), module: found.module };
}

/**
 * mod -S [DIR]: every module on the list (by base address, crash's order), then those found only in mod_tree.
 * A module whose file is missing or does not match is reported and skipped; the others load.
 */
export function loadAllModules(ctx: CommandContext, dir: string | undefined, o: ModLoadOptions): { results: ModLoadResult[]; errors: string[]; modules: KernelModule[] } {
  const find = finder(ctx, "-S");
  store(ctx);
  const listed = [...moduleList(ctx.prog).modules].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const targets = [...listed.map((m) => ({ m, onList: true })), ...modulesOffList(ctx.prog).map((m) => ({ m, onList: false }))];
  const results: ModLoadResult[] = [];
  const errors: string[] = [];
  for (const { m, onList } of targets) {
    try {
      results.push(result(m, onList, load(ctx, m, onList, find, dir !== undefined ? { dir } : {}, o)));
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      // crash keeps a module's symbols that were loaded before, and lists it.
      const before = ctx.moduleDebuginfo?.get(m.address);
      results.push({ ...result(m, onList, before), error: err.detail });
      errors.push(err.message);
    }
  }
  return { results, errors, modules: targets.map((t) => t.m) };
}

/** mod -d REF: drops one module's loaded debuginfo (crash prints nothing). */
export function unloadModule(ctx: CommandContext, ref: string): void {
  const found = findKernelModule(ctx.prog, ref);
  if (!found) throw new CommandError("mod", `${printable(ref)}: not a module on the module list or in the module address tree`);
  store(ctx).remove(found.module.address);
}
