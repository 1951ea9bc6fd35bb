// Every module the kernel knows of, and in which of its views each was seen (volatility3's modxview): the
// `modules` list (what lsmod and crash's `mod` show), the module address tree mod_tree (what the oops
// printer and __module_address() search), the sysfs module kset (/sys/module/NAME) and a carve of module
// memory for struct module back-pointers. A module missing from a view that others show it in has hidden
// itself from that view. Walked once per program; each view's failure is recorded and the others survive.
import { KdwError, WalkAborted } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";
import { carveModules } from "./carve";
import { moduleList } from "./modules";
import { readModule, type KernelModule } from "./read";
import { moduleKsetEntries, modTreeModules } from "./tree";

export type ModuleViewName = "module-list" | "mod_tree" | "kset" | "carve";

export interface ModuleView {
  module: KernelModule;
  /** The views it was seen in, in the order above. */
  seenBy: ModuleViewName[];
  /** Its /sys/module kobject, when the kset holds it. */
  kobject?: bigint;
}

export interface ModuleViews {
  /** List order first, then what only the other views hold. */
  modules: ModuleView[];
  /** Views that could not be read (whole or in part), by view. */
  problems: { view: ModuleViewName; message: string }[];
  /** How the carve found memory to scan, and how much it read. */
  carve: { source: string; pagesScanned: number };
}

const ORDER: ModuleViewName[] = ["module-list", "mod_tree", "kset", "carve"];
const MODULE_VIEWS = perProgram((prog) => buildModuleViews(prog));

/** The module views of a program, built once. */
export const moduleViews: (prog: Program) => ModuleViews = MODULE_VIEWS.of;

/** Builds the views without caching (tests use it on patched memory). */
export function buildModuleViews(prog: Program): ModuleViews {
  const byAddress = new Map<bigint, ModuleView>();
  const problems: ModuleViews["problems"] = [];
  const note = (view: ModuleViewName, err: unknown) => {
    if (!(err instanceof KdwError)) throw err;
    problems.push({ view, message: err.message });
  };
  const see = (mod: KernelModule, view: ModuleViewName): ModuleView => {
    let v = byAddress.get(mod.address);
    if (!v) {
      v = { module: mod, seenBy: [] };
      byAddress.set(mod.address, v);
    }
    if (!v.seenBy.includes(view)) v.seenBy.push(view);
    return v;
  };

  try {
    const list = moduleList(prog);
    for (const m of list.modules) see(m, "module-list");
    for (const p of list.problems) note("module-list", p);
  } catch (err) {
    note("module-list", err);
  }
  try {
    const tree = modTreeModules(prog);
    for (const m of tree.modules) see(m, "mod_tree");
    for (const p of tree.problems) note("mod_tree", p);
  } catch (err) {
    note("mod_tree", err);
  }
  try {
    const kset = moduleKsetEntries(prog);
    for (const p of kset.problems) note("kset", p);
    for (const e of kset.entries) {
      if (e.module === 0n) continue; // a built-in module's /sys/module entry (parameters only)
      let v = byAddress.get(e.module);
      if (!v) {
        try {
          v = see(readModule(prog, e.module), "kset");
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          note("kset", new WalkAborted(`module ${e.module.toString(16)} (from /sys/module/${e.name})`, err.message, 0));
          continue;
        }
      } else see(v.module, "kset");
      v.kobject = e.kobject;
    }
  } catch (err) {
    note("kset", err);
  }
  let carveInfo = { source: "none", pagesScanned: 0 };
  try {
    const carve = carveModules(prog);
    carveInfo = { source: carve.source, pagesScanned: carve.pagesScanned };
    for (const m of carve.modules) see(byAddress.get(m.address)?.module ?? m, "carve");
    for (const p of carve.problems) problems.push({ view: "carve", message: p });
  } catch (err) {
    note("carve", err);
  }
  const modules = [...byAddress.values()];
  for (const v of modules) v.seenBy.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return { modules, problems, carve: carveInfo };
}

/** The module whose memory (any region) holds `addr`, among every view's modules. */
export function moduleViewAt(views: ModuleViews, addr: bigint): ModuleView | undefined {
  return views.modules.find((v) => v.module.regions.some((r) => r.size > 0 && addr >= r.base && addr < r.base + BigInt(r.size)));
}
