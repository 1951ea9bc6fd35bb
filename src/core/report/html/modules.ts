// Modules with their taint flags and the views of the kernel that saw each (the module list, the module
// address tree, /sys/module, a carve of module memory, kallsyms): a module missing from the list but seen
// elsewhere is hidden, and marked.
import type { ModuleView } from "../../session/contract";
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { badge, bytes } from "./format";

const VIEWS: { view: ModuleView; title: string }[] = [
  { view: "list", title: "list" },
  { view: "mod_tree", title: "mod_tree" },
  { view: "kset", title: "sysfs" },
  { view: "carve", title: "carve" },
  { view: "kallsyms", title: "kallsyms" },
];

export function renderModules(data: ReportData): Html {
  const items = data.modules.items;
  if (!items.length) return h`<p class="notice">No modules were read (see the warnings).</p>`;
  const hidden = items.filter((m) => m.hidden).length;
  const views = VIEWS.filter((v) => items.some((m) => m.seenBy.includes(v.view)));
  const sorted = [...items].sort((a, b) => Number(b.hidden) - Number(a.hidden) || Number(b.taints !== "") - Number(a.taints !== "") || a.name.localeCompare(b.name));
  const rows = sorted.map(
    (m) => h`<tr class="${m.hidden ? "hidden" : ""}"><td><b class="m">${m.name}</b>${m.hidden ? h` ${badge("hidden", "alert")}` : ""}</td><td class="m">${m.base}</td><td class="r">${bytes(m.size).replace(/ bytes.*/, "")}</td><td class="m">${m.taints}</td><td>${m.signed === undefined ? "?" : m.signed ? "yes" : h`<b>no</b>`}</td><td>${m.outOfTree ? h`<b>yes</b>` : "no"}</td>${join(
      views.map((v) => h`<td class="m">${m.seenBy.includes(v.view) ? "●" : h`<span class="faint">–</span>`}</td>`),
    )}<td class="small">${m.state.replace(/^MODULE_STATE_/, "").toLowerCase()}</td></tr>`,
  );
  return h`<p>${items.length} modules${hidden ? h`, <b>${hidden} hidden</b> (absent from the module list, seen in other views of the kernel)` : ", none hidden"}.</p>
<table><thead><tr><th>Module</th><th>Base</th><th class="r">Size</th><th>Taints</th><th>Signed</th><th>Out of tree</th>${join(views.map((v) => h`<th>${v.title}</th>`))}<th>State</th></tr></thead><tbody>${join(rows)}</tbody></table>`;
}
