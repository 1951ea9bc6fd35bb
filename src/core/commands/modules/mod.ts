// crash's `mod` (kernel.c cmd_mod, do_module_cmd LIST_MODULE_HDR) and `mod -t` (show_module_taint_4_10):
// the modules on the kernel's `modules` list, sorted by base address as crash sorts its load_modules
// (symbols.c compare_mods). OBJECT FILE is "(not loaded)", with crash's "[CONFIG_KALLSYMS]" when the
// module's own symbol table is readable, until `mod -s`/`mod -S` load the module's object file
// (mod-load.ts); then it is the file's name.
// Like crash, `mod` shows only what the list holds; a module that unlinked itself is for the detectors
// (kernel/modules-tree.ts) and for `mod -s NAME`, which finds it in the module address tree.
import { KdwError } from "../../io/errors";
import { moduleKallsymsHeader, moduleLayout, moduleList, moduleTaintString, type KernelModule } from "../../kernel/modules/modules";
import type { Program } from "../../program/program";
import { CommandError, splitOptions, type Command, type CommandContext } from "../command";
import { escapeControl as printable } from "../shared/escape";
import { loadAllModules, loadOneModule, unloadModule, type ModLoadResult } from "./mod-load";

const VADDR_PRLEN = 16;

export interface ModRow {
  module: bigint;
  name: string;
  base: bigint;
  size: number;
  /** The object file loaded with `mod -s`/`mod -S` (its name as given), else undefined. */
  objectFile: string | undefined;
  /** False for a module found only in the module address tree (not on the module list). */
  onList?: boolean;
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
  /** mod -s / -S: what was loaded (or refused), per module. */
  loaded?: ModLoadResult[];
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

/**
 * crash's module table. `widthRows` sets the NAME and SIZE widths (crash sizes them over every installed
 * module, also when it prints one row); `header` false continues a table (mod -S after its first row).
 */
export function formatModList(rows: readonly ModRow[], textBase: boolean, widthRows: readonly ModRow[] = rows, header = true): string {
  const nameW = Math.max(0, ...widthRows.map((r) => printable(r.name).length));
  const sizeW = Math.max(0, ...widthRows.map((r) => String(r.size).length));
  const lines = header ? [`${center("MODULE", VADDR_PRLEN)}  ${"NAME".padEnd(nameW)}  ${center(textBase ? "TEXT_BASE" : "BASE", VADDR_PRLEN)}  ${"SIZE".padStart(sizeW)}  OBJECT FILE`] : [];
  for (const r of rows) {
    // do_module_cmd: "%s %s" with the namelist and "" (no remote file): the name, then one space.
    const obj = r.objectFile !== undefined ? `${printable(r.objectFile)} ` : "(not loaded)" + (r.kallsyms ? "  [CONFIG_KALLSYMS]" : "");
    lines.push(`${r.module.toString(16).padStart(VADDR_PRLEN)}  ${printable(r.name).padEnd(nameW)}  ${r.base.toString(16).padStart(VADDR_PRLEN)}  ${String(r.size).padStart(sizeW)}  ${obj}`);
  }
  return lines.join("\n") + "\n";
}

export function formatModTaints(rows: readonly ModTaintRow[]): string {
  if (rows.length === 0) return "no tainted modules\n";
  const nameW = Math.max(...rows.map((r) => printable(r.name).length));
  return [`${"NAME".padEnd(nameW)}  TAINTS`, ...rows.map((r) => `${printable(r.name).padEnd(nameW)}  ${printable(r.letters)}`)].join("\n") + "\n";
}

/** The row of one module; its OBJECT FILE from the session's loaded debuginfo. */
function modRow(ctx: CommandContext, m: KernelModule, onList = true): ModRow {
  const objectFile = ctx.moduleDebuginfo?.get(m.address)?.file;
  return { module: m.address, name: m.name, base: m.base, size: m.size, objectFile, kallsyms: hasKallsyms(ctx.prog, m), ...(onList ? {} : { onList }) };
}

/** The note after mod -s/-S rows for a module that is not on the list (see the help). */
function offListNote(name: string): string {
  return `NOTE: ${printable(name)} is not on the kernel's module list: found in the module address tree (mod_tree)\n`;
}

function byBase(a: KernelModule, b: KernelModule): number {
  return a.base < b.base ? -1 : a.base > b.base ? 1 : 0;
}

export const modCommand: Command = {
  name: "mod",
  summary: "module information and loading of module debuginfo",
  help: `NAME
  mod - module information and loading of module debuginfo

SYNOPSIS
  mod [-t] | -s module [objfile] | -S [directory] | -d module | -D   [-f|--force]

DESCRIPTION
  With no option, lists the modules on the kernel's module list: the address of each struct module,
  its name, the base address of its text, the size of its core memory in bytes, and its object file:
  "(not loaded)", followed by "[CONFIG_KALLSYMS]" when the module's own symbol table is in the dump,
  until the module's object file is loaded with -s or -S, then the file's name. Modules are sorted by
  base address. On kernels that split module memory by type (6.4+) the base column is TEXT_BASE.

    -t  the tainted modules and their taint letters (O out-of-tree, E unsigned, P proprietary, ...),
        or "no tainted modules".
    -s module [objfile]
        loads the module's debuginfo from objfile, by default module.ko.debug or module.ko next to the
        vmlinux: its functions and data objects, placed at the addresses where the kernel loaded each
        section (module.sect_attrs), and its DWARF line tables, relocated the same way. sym, dis and
        "bt -l" then name addresses in the module and give their source lines. The module is named by
        name, struct module address or text base. Shows the module's row with the file's name.
    -S [directory]
        the same for every module on the list and every module found only in the module address tree,
        from the directory (default: the vmlinux's), as module.ko.debug or module.ko.
    -d module / -D
        drops the debuginfo of one module / of all modules.
    -f, --force
        loads a file that does not match the module (crash's mod has no such check; kdw has).

  A file is used only when it belongs to the module: its name (.modinfo "name=" and the struct module in
  .gnu.linkonce.this_module) must be the module's, and its srcversion and GNU build id must equal the
  module's where both sides have one (the build id is read from the module's .note.gnu.build-id section
  in the dump). A mismatch is refused in one line unless forced.

  The list shows only the module list, as crash shows it, byte for byte: a module that removed itself
  from the list is not there. Such a module stays in the kernel's module address tree (mod_tree) and in
  sysfs, and -s loads it by name all the same; its row is printed in the same layout, followed by a
  NOTE line saying that it is not on the module list. The note comes after the table, not as a column,
  so that the table stays crash's; the plain list is left as crash prints it because it is the list the
  kernel keeps, and the detectors compare it with mod_tree and sysfs.
  crash's -r, -R, -o and -g are not supported.`,
  run(ctx, args) {
    let force = args.includes("--force");
    const rest = args.filter((a) => a !== "--force");
    let opts;
    try {
      opts = splitOptions(rest, ["s", "d"]);
    } catch (err) {
      throw new CommandError("mod", (err as Error).message);
    }
    for (const f of opts.flags) {
      if ("rRog".includes(f) && f.length === 1) throw new CommandError("mod", `-${f}: not supported by kdw`);
      if (!"tSDf".includes(f) || f.length !== 1) throw new CommandError("mod", `invalid option: -${f}`);
    }
    force ||= opts.flags.has("f");
    const modes = ["t", "S", "D"].filter((f) => opts.flags.has(f)).concat(["s", "d"].filter((f) => opts.values.has(f)));
    if (modes.length > 1) throw new CommandError("mod", `-${modes.join(", -")}: only one of -t, -s, -S, -d, -D`);
    const mode = modes[0];
    const maxRest = mode === "s" || mode === "S" ? 1 : 0;
    if (opts.rest.length > maxRest) throw new CommandError("mod", `unexpected argument: ${printable(opts.rest[maxRest]!)}`);
    const prog = ctx.prog;
    const list = moduleList(prog);
    const problems = list.problems.map((p) => p.message);
    const errors = problems.map((p) => `mod: ${p}`);
    if (list.modules.length === 0 && problems.length === 0 && mode !== "s" && mode !== "S") return { data: { rows: [], problems } satisfies ModResult, text: "no modules installed\n" };
    const sorted = [...list.modules].sort(byBase);
    const textBase = moduleLayout(prog).regions[0]?.name === "MOD_TEXT";
    if (mode === "t") {
      const tainted = sorted.filter((m) => m.taints !== 0n).map((m) => ({ name: m.name, taints: m.taints, letters: moduleTaintString(prog, m.taints) }));
      return { data: { rows: [], tainted, problems } satisfies ModResult, text: formatModTaints(tainted), errors };
    }
    if (mode === "d") {
      unloadModule(ctx, opts.values.get("d")!);
      return { data: { rows: [], problems } satisfies ModResult, text: "", errors };
    }
    if (mode === "D") {
      ctx.moduleDebuginfo?.clear();
      return { data: { rows: [], problems } satisfies ModResult, text: "", errors };
    }
    const listRows = sorted.map((m) => modRow(ctx, m));
    if (mode === "s") {
      const { result, module } = loadOneModule(ctx, opts.values.get("s")!, opts.rest[0], force);
      const row = modRow(ctx, module, result.onList);
      const widthRows = result.onList ? listRows : [...listRows, row];
      const text = formatModList([row], textBase, widthRows) + (result.onList ? "" : offListNote(module.name));
      if (result.forced) errors.push(`WARNING: ${printable(result.file ?? "")}: loaded in spite of a mismatch: ${printable(result.forced)}`);
      return { data: { rows: [row], problems, loaded: [result] } satisfies ModResult, text, errors };
    }
    if (mode === "S") {
      const { results, errors: loadErrors, modules } = loadAllModules(ctx, opts.rest[0], force);
      errors.push(...loadErrors);
      const byAddress = new Map(modules.map((m) => [m.address, m]));
      const rows = results.filter((r) => r.loaded).map((r) => modRow(ctx, byAddress.get(r.module)!, r.onList));
      const widthRows = [...listRows, ...rows.filter((r) => r.onList === false)];
      let text = rows.length ? formatModList(rows, textBase, widthRows) : "";
      for (const r of rows) if (r.onList === false) text += offListNote(r.name);
      for (const r of results) if (r.forced) errors.push(`WARNING: ${printable(r.file ?? "")}: loaded in spite of a mismatch: ${printable(r.forced)}`);
      return { data: { rows, problems, loaded: results } satisfies ModResult, text, errors };
    }
    return { data: { rows: listRows, problems } satisfies ModResult, text: formatModList(listRows, textBase), errors };
  },
};
