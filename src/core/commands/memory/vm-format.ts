// crash's vm text (memory.c vm_area_dump, PRINT_VM_DATA, PRINT_VMA_DATA, vm_area_page_dump, do_vm_flags):
// MM / PGD / RSS / TOTAL_VM, then the VMA table, each area's pages under it with -p and -P, the structs
// with -m and -v, the references of -R.
import type { PageTranslation } from "../../kernel/mm/vma-pages";
import { escapeControl as printable } from "../shared/escape";
import { center, UVADDR_PRLEN, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { TaskVm, VmaRow, VmResult, VmView } from "./vm";

export const VM_DATA_HEADER = `${center("MM", VADDR_PRLEN)}  ${center("PGD", VADDR_PRLEN)}  ${center("RSS", 6)}  ${center("TOTAL_VM", 8)}`;
export const VMA_HEADER = `${center("VMA", VADDR_PRLEN)} ${center("START", UVADDR_PRLEN, true)} ${center("END", UVADDR_PRLEN, true)}  FLAGS FILE`;
/** PADDR_PRLEN on this machine's dumps: the width of "PHYSICAL" (8) covers 4 GiB of physical memory. */
const PADDR_WIDTH = 8;

/** PRINT_VMA_DATA: `%s %s %s %6llx %s`. */
export function formatVmaRow(v: VmaRow): string {
  const u = (x: bigint): string => x.toString(16).padStart(UVADDR_PRLEN);
  return `${center(v.address.toString(16), VADDR_PRLEN)} ${u(v.start)} ${u(v.end)} ${v.flags.toString(16).padStart(6)} ${printable(v.path)}`;
}

function vmData(t: TaskVm): string {
  return `${VM_DATA_HEADER}\n${center(t.mm.toString(16), VADDR_PRLEN)}  ${center(t.pgd.toString(16), VADDR_PRLEN)}  ${center(`${t.rssKb}k`, 6)}  ${center(`${t.totalVmKb}k`, 8)}\n`;
}

/** vm_area_page_dump's lines: VIRTUAL, then the physical address, the swap or file location, or "(not mapped)". */
export function formatPages(pages: readonly PageTranslation[], paddrWidth = PADDR_WIDTH): string {
  const width = Math.max(paddrWidth, "PHYSICAL".length);
  const lines = [`${"VIRTUAL".padEnd(UVADDR_PRLEN)}  ${"PHYSICAL".padEnd(width)}`];
  for (const p of pages) {
    const va = p.vaddr.toString(16).padEnd(UVADDR_PRLEN);
    switch (p.kind) {
      case "mapped":
        lines.push(`${va}  ${p.phys.toString(16).padStart(width)}`);
        break;
      case "swap":
        lines.push(`${va}  SWAP: ${printable(p.device ?? "(unknown swap location)")}  OFFSET: ${p.offset}`);
        break;
      case "file":
        lines.push(`${va}  FILE: ${printable(p.path)}  OFFSET: ${p.offset.toString(16)}`);
        break;
      case "unmapped":
        lines.push(`${va}  (not mapped)`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The VMAs of -p and -P: each with the table's header, its row, then its pages. */
function vmaPages(vmas: readonly VmaRow[]): string {
  return vmas.map((v) => `${VMA_HEADER}\n${formatVmaRow(v)}\n${v.pages ? formatPages(v.pages) : ""}`).join("");
}

/** vm -R for one task: the state handle_each_vm_area keeps (VM_REF_HEADER, VM_REF_VMA, VM_REF_PAGE, ref1). */
function formatReference(t: TaskVm): string {
  const r = t.reference;
  if (!r) return "";
  if (r.mmOrPgd) return `${formatTaskHeader(t)}\n${vmData(t)}\n`;
  let out = "";
  let header = false;
  let vmaShown = false;
  let pageFlag = false;
  let ref1: bigint | undefined;
  const head = (): void => {
    if (!header) out += `${formatTaskHeader(t)}\n${vmData(t)}`;
    header = true;
  };
  for (const m of r.vmas) {
    if (m.rowMatched) {
      head();
      if (!vmaShown || pageFlag) {
        out += VMA_HEADER + "\n";
        vmaShown = true;
        pageFlag = false;
        ref1 = m.row.address;
      }
      out += formatVmaRow(m.row) + "\n";
    }
    if (m.pages.length) {
      pageFlag = true;
      head();
      if (!vmaShown || ref1 !== m.row.address) {
        out += `${VMA_HEADER}\n${formatVmaRow(m.row)}\n`;
        vmaShown = true;
        ref1 = m.row.address;
      }
      out += formatPages(m.pages);
    }
  }
  return header ? out + "\n" : "";
}

/** One task's block without its header. */
export function formatTaskVm(t: TaskVm, view: VmView = "default"): string {
  switch (view) {
    case "mm":
      return t.mmStruct ?? "";
    case "vmas":
      return (t.vmaStructs ?? []).join("");
    case "vma":
      return t.vmaNotFound ? "(not found)\n" : vmaPages(t.vmas);
    case "pages":
      return vmData(t) + ((t.mm !== 0n || t.forcedMm !== undefined) && t.vmas.length ? vmaPages(t.vmas) : "");
    case "default":
      return vmData(t) + (t.mm !== 0n || t.forcedMm !== undefined ? VMA_HEADER + "\n" + t.vmas.map((v) => formatVmaRow(v) + "\n").join("") : "");
  }
}

export function formatVm(r: VmResult): string {
  if (r.kind === "flags") return `${r.flags.toString(16)}: (${r.names.join("|")})\n`;
  if (r.reference !== undefined) return r.tasks.map(formatReference).join("");
  return r.tasks.map((t) => (t.blankBefore ? "\n" : "") + formatTaskHeader(t) + "\n" + formatTaskVm(t, r.view)).join("");
}
