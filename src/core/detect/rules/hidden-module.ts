// Modules that hid from some of the kernel's views of them (volatility3's hidden_modules and modxview,
// tracee's lkm_seeker): the module list (lsmod, /proc/modules), the module address tree mod_tree, the sysfs
// kset (/sys/module) and a carve of module memory for struct module back-pointers. A module off the list
// that another view still holds unlinked itself (list_del(&THIS_MODULE->list)); one missing from sysfs
// deleted its kobject; one that only the carve finds left every view.
import type { DetectContext } from "../context";
import type { ModuleViewName } from "../../kernel/modules/views";
import type { Evidence, Finding } from "../finding";
import { finding, hex, type Rule } from "../rule";
import { moduleList } from "./requirements";

const VIEW_NAMES: Record<string, string> = { "module-list": "the module list", mod_tree: "mod_tree", kset: "/sys/module", carve: "a carve of module memory" };

export const hiddenModuleRule: Rule = {
  id: "hidden-module",
  version: 1,
  title: "modules hidden from the module list, mod_tree or sysfs",
  severity: "critical",
  confidence: 0.9,
  mitre: ["T1014", "T1547.006"],
  requires: [moduleList],
  falsePositives:
    "A module being loaded or unloaded at the moment of the crash (state COMING/GOING) can be missing from one view. The carve can miss a module whose data pages the dump left out; that alone is never reported.",
  run(ctx) {
    const out: Finding[] = [];
    const views = ctx.modules;
    const haveTree = ctx.prog.hasSymbol("mod_tree") && !views.problems.some((p) => p.view === "mod_tree" && /no mod_tree|no struct mod_tree_root/.test(p.message));
    const haveKset = !views.problems.some((p) => p.view === "kset" && /no module_kset/.test(p.message));
    for (const v of views.modules) {
      const seen = new Set(v.seenBy);
      const m = v.module;
      const live = m.stateName === "MODULE_STATE_LIVE";
      const expected: ModuleViewName[] = ["module-list", ...(haveTree ? (["mod_tree"] as const) : []), ...(haveKset ? (["kset"] as const) : [])];
      const missing = expected.filter((x) => !seen.has(x));
      if (missing.length === 0) continue;
      const offList = !seen.has("module-list");
      const onlyCarve = v.seenBy.length === 1 && seen.has("carve");
      let severity: Finding["severity"] = offList ? "critical" : "high";
      let confidence = offList ? 0.95 : 0.75;
      if (!live) {
        severity = offList ? "medium" : "low";
        confidence = 0.4;
      } else if (onlyCarve) {
        severity = "high";
        confidence = 0.6;
      }
      const seenText = v.seenBy.map((x) => VIEW_NAMES[x]).join(", ");
      const summary = offList
        ? `module ${m.name} is not on the module list (lsmod and /proc/modules do not show it) but the kernel still holds it: seen in ${seenText}`
        : `module ${m.name} is missing from ${missing.map((x) => VIEW_NAMES[x]).join(" and ")} while on the module list`;
      out.push(
        finding(this, {
          subject: ctx.moduleSubject(v),
          severity,
          confidence,
          summary,
          evidence: moduleEvidence(ctx, v.module.address, v.kobject),
          seenBy: v.seenBy,
          notes: live ? undefined : `its state is ${m.stateName}: it may have been loading or unloading`,
        }),
      );
    }
    return out;
  },
};

/** The struct module's name, state and list links (LIST_POISON after list_del), and its kobject. */
export function moduleEvidence(ctx: DetectContext, module: bigint, kobject?: bigint): Evidence[] {
  const off = (m: string) => ctx.prog.memberOffset("struct module", m);
  const ev: Evidence[] = [];
  const name = off("name");
  if (name !== undefined) ev.push(ctx.text("struct module.name", module + BigInt(name)));
  const state = off("state");
  if (state !== undefined) ev.push(ctx.word("struct module.state", module + BigInt(state), 4));
  const list = off("list");
  if (list !== undefined) {
    ev.push(ctx.word("struct module.list.next (LIST_POISON1 0xdead000000000100 after list_del)", module + BigInt(list), 8));
    ev.push(ctx.word("struct module.list.prev (LIST_POISON2 0xdead000000000122 after list_del)", module + BigInt(list) + 8n, 8));
  }
  const back = off("mkobj.mod");
  if (back !== undefined) ev.push(ctx.word("struct module.mkobj.mod (points back at the module: what the carve finds)", module + BigInt(back), 8));
  if (kobject !== undefined) ev.push({ label: "its /sys/module kobject (module_kset list)", value: hex(kobject) });
  return ev;
}
