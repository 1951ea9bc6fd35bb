// crash's mod text: the module table (do_module_cmd LIST_MODULE_HDR), mod -t's taints, and the NOTE kdw
// adds after a loaded module that is not on the module list.
import { escapeControl as printable } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { ModResult, ModRow, ModTaintRow } from "./mod";

export interface ModListWidths {
  name: number;
  size: number;
}

export function modListWidths(rows: readonly Pick<ModRow, "name" | "size">[]): ModListWidths {
  return { name: Math.max(0, ...rows.map((r) => printable(r.name).length)), size: Math.max(0, ...rows.map((r) => String(r.size).length)) };
}

/** crash's module table; `widths` as crash sizes NAME and SIZE (over every installed module). */
export function formatModList(rows: readonly ModRow[], textBase: boolean, widths: ModListWidths = modListWidths(rows)): string {
  const lines = [`${center("MODULE", VADDR_PRLEN)}  ${"NAME".padEnd(widths.name)}  ${center(textBase ? "TEXT_BASE" : "BASE", VADDR_PRLEN)}  ${"SIZE".padStart(widths.size)}  OBJECT FILE`];
  for (const r of rows) {
    // do_module_cmd: "%s %s" with the namelist and "" (no remote file): the name, then one space.
    const obj = r.objectFile !== undefined ? `${printable(r.objectFile)} ` : "(not loaded)" + (r.kallsyms ? "  [CONFIG_KALLSYMS]" : "");
    lines.push(`${r.module.toString(16).padStart(VADDR_PRLEN)}  ${printable(r.name).padEnd(widths.name)}  ${r.base.toString(16).padStart(VADDR_PRLEN)}  ${String(r.size).padStart(widths.size)}  ${obj}`);
  }
  return lines.join("\n") + "\n";
}

export function formatModTaints(rows: readonly ModTaintRow[]): string {
  if (rows.length === 0) return "no tainted modules\n";
  const nameW = Math.max(...rows.map((r) => printable(r.name).length));
  return [`${"NAME".padEnd(nameW)}  TAINTS`, ...rows.map((r) => `${printable(r.name).padEnd(nameW)}  ${printable(r.letters)}`)].join("\n") + "\n";
}

/** The note after mod -s/-S rows for a module that is not on the list (see the help). */
function offListNote(name: string): string {
  return `NOTE: ${printable(name)} is not on the kernel's module list: found in the module address tree (mod_tree)\n`;
}

export function formatMod(r: ModResult): string {
  switch (r.mode) {
    case "taints":
      return formatModTaints(r.tainted ?? []);
    case "unload":
      return "";
    case "load":
      return (r.rows.length ? formatModList(r.rows, r.textBase, r.widths) : "") + r.rows.filter((row) => row.onList === false).map((row) => offListNote(row.name)).join("");
    case "list":
      return r.none ? "no modules installed\n" : formatModList(r.rows, r.textBase, r.widths);
  }
}
