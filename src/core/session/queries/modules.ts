// Modules as several views of one truth (volatility3's modxview): the `modules` list, the module address
// tree (mod_tree), /sys/module (module_kset) and a carve of module memory (kernel/modules/views.ts). A
// module absent from the list but seen elsewhere is hidden.
import type { Program } from "../../program/program";
import { moduleTaintString } from "../../kernel/modules/modules";
import { moduleViews as kernelModuleViews, type ModuleViewName } from "../../kernel/modules/views";
import type { ModuleRow, ModulesReply, ModuleView } from "../contract";
import { hex } from "../problems";

/** TAINT_OOT_MODULE (include/linux/panic.h): the module was built out of tree. */
const TAINT_OOT_MODULE = 12n;

const VIEW: Record<ModuleViewName, ModuleView> = { "module-list": "list", mod_tree: "mod_tree", kset: "kset", carve: "carve" };

/** Is the module at `address` missing from the module list while another view holds it? */
export function isHiddenModule(prog: Program, address: bigint): boolean {
  const v = kernelModuleViews(prog).modules.find((m) => m.module.address === address);
  return v !== undefined && !v.seenBy.includes("module-list");
}

export function modulesReply(prog: Program): ModulesReply {
  const views = kernelModuleViews(prog);
  const items: ModuleRow[] = views.modules.map(({ module: m, seenBy }) => {
    const row: ModuleRow = {
      address: hex(m.address),
      name: m.name,
      base: hex(m.base),
      size: m.size,
      seenBy: seenBy.map((s) => VIEW[s]),
      hidden: !seenBy.includes("module-list"),
      taints: moduleTaintString(prog, m.taints),
      outOfTree: ((m.taints >> TAINT_OOT_MODULE) & 1n) === 1n,
      state: m.stateName,
    };
    if (m.sigOk !== undefined) row.signed = m.sigOk;
    if (m.srcversion !== undefined) row.srcversion = m.srcversion;
    return row;
  });
  return { items, problems: views.problems.map((p) => ({ code: "walk-aborted", message: `${p.view}: ${p.message}` })) };
}
