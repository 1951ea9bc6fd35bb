// crash's `mod` (kernel.c cmd_mod, do_module_cmd LIST_MODULE_HDR) and `mod -t` (show_module_taint_4_10):
// the modules on the kernel's `modules` list, sorted by base address as crash sorts its load_modules
// (symbols.c compare_mods). kdw loads no module object files, so OBJECT FILE is always "(not loaded)", with
// crash's "[CONFIG_KALLSYMS]" when the module's own symbol table is readable.
// Like crash, `mod` shows only what the list holds; a module that unlinked itself is for the detectors
// (kernel/modules-tree.ts), not for this layout.
import { KdwError } from "../io/errors";
import { moduleKallsymsHeader, moduleLayout, moduleList, moduleTaintString, type KernelModule } from "../kernel/modules";
import type { Program } from "../program/program";
import { CommandError, splitOptions, type Command } from "./command";
import { escapeControl as printable } from "./escape";

const VADDR_PRLEN = 16;

export interface ModRow {
  module: bigint;
  name: string;
  base: bigint;
  size: number;
  /** Always undefined: kdw does not load module object files. */
  objectFile: undefined;
  /** The module's kallsyms table is there (crash's MOD_KALLSYMS). */
  kallsyms: boolean;
}

export interface ModTaintRow {
  name: string;
  taints: bigint;
  /** The taint letters, as crash prints them ("OE"). */
  letters: string;
}

export interface ModResult {
  rows: ModRow[];
  /** mod -t: the tainted modules (empty: "no tainted modules"). */
  tainted?: ModTaintRow[];
  /** Where the list walk stopped early or a module could not be read. */
  problems: string[];
}

/** mkstring(..., CENTER|LJUST): centred, the odd space on the right. */
function center(s: string, width: number): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = Math.floor(extra / 2);
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

/** crash's MOD_KALLSYMS: the module carries a kallsyms table whose symtab lies in its own memory. */
function hasKallsyms(prog: Program, m: KernelModule): boolean {
  try {
    const h = moduleKallsymsHeader(prog, m);
    return h !== undefined && m.regions.some((r) => h.symtab >= r.base && h.symtab < r.base + BigInt(r.size));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return false;
  }
}

export function formatModList(rows: readonly ModRow[], textBase: boolean): string {
  const nameW = Math.max(0, ...rows.map((r) => printable(r.name).length));
  const sizeW = Math.max(0, ...rows.map((r) => String(r.size).length));
  const lines = [`${center("MODULE", VADDR_PRLEN)}  ${"NAME".padEnd(nameW)}  ${center(textBase ? "TEXT_BASE" : "BASE", VADDR_PRLEN)}  ${"SIZE".padStart(sizeW)}  OBJECT FILE`];
  for (const r of rows) {
    const obj = "(not loaded)" + (r.kallsyms ? "  [CONFIG_KALLSYMS]" : "");
    lines.push(`${r.module.toString(16).padStart(VADDR_PRLEN)}  ${printable(r.name).padEnd(nameW)}  ${r.base.toString(16).padStart(VADDR_PRLEN)}  ${String(r.size).padStart(sizeW)}  ${obj}`);
  }
  return lines.join("\n") + "\n";
}

export function formatModTaints(rows: readonly ModTaintRow[]): string {
  if (rows.length === 0) return "no tainted modules\n";
  const nameW = Math.max(...rows.map((r) => printable(r.name).length));
  return [`${"NAME".padEnd(nameW)}  TAINTS`, ...rows.map((r) => `${printable(r.name).padEnd(nameW)}  ${printable(r.letters)}`)].join("\n") + "\n";
}

export const modCommand: Command = {
  name: "mod",
  summary: "module information",
  help: `NAME
  mod - module information

SYNOPSIS
  mod [-t]

DESCRIPTION
  With no option, lists the modules on the kernel's module list: the address of each struct module,
  its name, the base address of its text, the size of its core memory in bytes, and its object file.
  kdw does not load module object files, so OBJECT FILE is "(not loaded)", followed by
  "[CONFIG_KALLSYMS]" when the module's own symbol table is in the dump. Modules are sorted by base
  address. On kernels that split module memory by type (6.4+) the base column is TEXT_BASE.

    -t  the tainted modules and their taint letters (O out-of-tree, E unsigned, P proprietary, ...),
        or "no tainted modules".

  Only the module list is shown, as crash shows it: a module that removed itself from the list is not
  here. The detectors compare the list with the kernel's module address tree (mod_tree) and sysfs.
  crash's options that load, delete or reinitialize module symbols (-s, -S, -d, -D, -r, -R, -o, -g)
  are not supported.`,
  run(ctx, args) {
    let opts;
    try {
      opts = splitOptions(args);
    } catch (err) {
      throw new CommandError("mod", (err as Error).message);
    }
    const unsupported = [...opts.flags].filter((f) => f !== "t");
    if (unsupported.length) {
      const known = "sSdDrRog";
      const f = unsupported[0]!;
      throw new CommandError("mod", known.includes(f) ? `-${f}: kdw does not load module object files` : `invalid option: -${f}`);
    }
    const prog = ctx.prog;
    const list = moduleList(prog);
    const problems = list.problems.map((p) => p.message);
    const errors = problems.map((p) => `mod: ${p}`);
    if (list.modules.length === 0 && problems.length === 0) return { data: { rows: [], problems } satisfies ModResult, text: "no modules installed\n" };
    const sorted = [...list.modules].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    if (opts.flags.has("t")) {
      const tainted = sorted.filter((m) => m.taints !== 0n).map((m) => ({ name: m.name, taints: m.taints, letters: moduleTaintString(prog, m.taints) }));
      return { data: { rows: [], tainted, problems } satisfies ModResult, text: formatModTaints(tainted), errors };
    }
    const rows: ModRow[] = sorted.map((m) => ({ module: m.address, name: m.name, base: m.base, size: m.size, objectFile: undefined, kallsyms: hasKallsyms(prog, m) }));
    const textBase = moduleLayout(prog).regions[0]?.name === "MOD_TEXT";
    return { data: { rows, problems } satisfies ModResult, text: formatModList(rows, textBase), errors };
  },
};
