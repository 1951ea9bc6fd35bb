// Loaded kernel modules as the kernel lists them: the `modules` list of struct module (kernel/module/main.c,
// list_add_rcu at load), each read in one piece. What a later detector compares against the list is in
// modules-tree.ts (the mod_tree address tree and sysfs, which a module that unlinks itself leaves behind);
// its symbols, parameters and users are in modules-info.ts.
// Every walk is bounded; a corrupt list keeps the modules read before the break and records where it stopped.
import { KdwError, WalkAborted } from "../../io/errors";
import { listEntryAddresses } from "../../program/list";
import { perProgram, type Program } from "../../program/program";
import { moduleLayout } from "./layout";
import { MAX_MODULES, readModule, type KernelModule } from "./read";

export { MAX_MODULES, readModule, latin1, type KernelModule, type ModuleRegion } from "./read";
export { moduleLayout, moduleLinksLayout, type ModuleLayout } from "./layout";
export { modTreeModules, moduleKsetEntries, type ModTreeEntry, type ModTreeResult, type ModuleKsetEntry } from "./tree";
export { moduleKallsyms, moduleKallsymsHeader, moduleParams, moduleUses, moduleTaintString, type ModuleSymbol, type ModuleKallsymsHeader, type ModuleParam, type ModuleUses } from "./info";

export interface ModuleList {
  /** In the kernel's list order (the newest first). */
  modules: readonly KernelModule[];
  /** Where the walk stopped early, or modules it could not read. */
  problems: readonly WalkAborted[];
}

export interface ModuleWalkOptions {
  /** Steps allowed to the list walk (default MAX_MODULES). */
  budget?: number;
}

const MODULE_LIST = perProgram((prog) => walkModuleList(prog));

/** The `modules` list, walked once per program (a dump does not change). */
export const moduleList: (prog: Program) => ModuleList = MODULE_LIST.of;

/** Walks the `modules` list without caching (tests use it on corrupted memory). */
export function walkModuleList(prog: Program, options: ModuleWalkOptions = {}): ModuleList {
  const what = "module list (modules)";
  const problems: WalkAborted[] = [];
  const modules: KernelModule[] = [];
  if (!prog.hasSymbol("modules")) return { modules, problems: [new WalkAborted(what, "the kernel has no `modules` symbol", 0)] };
  const layout = moduleLayout(prog);
  try {
    for (const address of listEntryAddresses(prog, prog.symbolAddress("modules"), layout.list, { budget: options.budget ?? MAX_MODULES, what })) {
      try {
        modules.push(readModule(prog, address, layout));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(new WalkAborted(`module ${address.toString(16)}`, err.message, modules.length));
      }
    }
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
  return { modules, problems };
}

/** The module whose memory holds `addr` (any region, init included), among `modules`. */
export function moduleAt(modules: readonly KernelModule[], addr: bigint): KernelModule | undefined {
  return modules.find((m) => m.regions.some((r) => r.size > 0 && addr >= r.base && addr < r.base + BigInt(r.size)));
}
