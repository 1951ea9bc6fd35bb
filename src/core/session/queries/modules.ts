// Modules as several views of one truth (volatility3's modxview): the `modules` list, the module address
// tree (mod_tree) and /sys/module (module_kset). A module absent from the list but seen elsewhere is hidden.
import type { Program } from "../../program/program";
import { moduleList, moduleTaintString } from "../../kernel/modules/modules";
import { modTreeModules, moduleKsetEntries } from "../../kernel/modules/tree";
import type { KernelModule } from "../../kernel/modules/read";
import type { ModuleRow, ModulesReply, ModuleView, Problem } from "../contract";
import { attempt, hex, toProblem } from "../problems";

/** TAINT_OOT_MODULE (include/linux/panic.h): the module was built out of tree. */
const TAINT_OOT_MODULE = 12n;

export interface ModuleViews {
  modules: { module: KernelModule; seenBy: ModuleView[] }[];
  problems: Problem[];
}

export function moduleViews(prog: Program): ModuleViews {
  const problems: Problem[] = [];
  const byAddress = new Map<bigint, { module: KernelModule; seenBy: ModuleView[] }>();
  const see = (m: KernelModule, view: ModuleView) => {
    let e = byAddress.get(m.address);
    if (!e) byAddress.set(m.address, (e = { module: m, seenBy: [] }));
    if (!e.seenBy.includes(view)) e.seenBy.push(view);
  };
  const list = attempt(problems, () => moduleList(prog));
  if (list) {
    for (const m of list.modules) see(m, "list");
    problems.push(...list.problems.map(toProblem));
  }
  const tree = attempt(problems, () => modTreeModules(prog));
  if (tree) {
    for (const m of tree.modules) see(m, "mod_tree");
    problems.push(...tree.problems.map(toProblem));
  }
  const kset = attempt(problems, () => moduleKsetEntries(prog));
  if (kset) {
    for (const k of kset.entries) {
      const e = k.module !== 0n ? byAddress.get(k.module) : undefined;
      if (e && !e.seenBy.includes("kset")) e.seenBy.push("kset");
    }
    problems.push(...kset.problems.map(toProblem));
  }
  return { modules: [...byAddress.values()], problems };
}

export function modulesReply(prog: Program): ModulesReply {
  const views = moduleViews(prog);
  const items: ModuleRow[] = views.modules.map(({ module: m, seenBy }) => {
    const row: ModuleRow = {
      address: hex(m.address),
      name: m.name,
      base: hex(m.base),
      size: m.size,
      seenBy,
      hidden: !seenBy.includes("list"),
      taints: moduleTaintString(prog, m.taints),
      outOfTree: ((m.taints >> TAINT_OOT_MODULE) & 1n) === 1n,
      state: m.stateName,
    };
    if (m.sigOk !== undefined) row.signed = m.sigOk;
    if (m.srcversion !== undefined) row.srcversion = m.srcversion;
    return row;
  });
  return { items, problems: views.problems };
}
