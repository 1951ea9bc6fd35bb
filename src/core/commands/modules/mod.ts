// crash's `mod` (kernel.c cmd_mod, do_module_cmd LIST_MODULE_HDR) and `mod -t` (show_module_taint_4_10):
// the modules on the kernel's `modules` list, sorted by base address as crash sorts its load_modules
// (symbols.c compare_mods). OBJECT FILE is "(not loaded)", with crash's "[CONFIG_KALLSYMS]" when the
// module's own symbol table is readable, until `mod -s`/`mod -S` load the module's object file
// (mod-load.ts); then it is the file's name.
// Like crash, `mod` shows only what the list holds; a module that unlinked itself is for the detectors
// (kernel/modules/tree.ts) and for `mod -s NAME`, which finds it in the module address tree.
import { KdwError } from "../../io/errors";
import { moduleKallsymsHeader, moduleLayout, moduleList, moduleTaintString, type KernelModule } from "../../kernel/modules/modules";
import type { Program } from "../../program/program";
import { CommandError, defineCommand, type CommandContext } from "../command";
import type { ParsedArgs } from "../options";
import { escapeControl as printable } from "../shared/escape";
import { formatMod, modListWidths, type ModListWidths } from "./mod-format";
import { loadAllModules, loadOneModule, unloadModule, type ModLoadResult } from "./mod-load";

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
  mode: "list" | "taints" | "load" | "unload";
  rows: ModRow[];
  /** mod -t: the tainted modules (empty: "no tainted modules"). */
  tainted?: ModTaintRow[];
  /** Where the list walk stopped early or a module could not be read. */
  problems: string[];
  /** mod -s / -S: what was loaded (or refused), per module. */
  loaded?: ModLoadResult[];
  /** No module on the list (crash: "no modules installed"). */
  none: boolean;
  /** The base column is TEXT_BASE (6.4+ split module memory) rather than BASE. */
  textBase: boolean;
  /** crash sizes NAME and SIZE over every installed module, also when it prints one row. */
  widths: ModListWidths;
  errors: string[];
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

/** The row of one module; its OBJECT FILE from the session's loaded debuginfo. */
function modRow(ctx: CommandContext, m: KernelModule, onList = true): ModRow {
  const objectFile = ctx.moduleDebuginfo?.get(m.address)?.file;
  return { module: m.address, name: m.name, base: m.base, size: m.size, objectFile, kallsyms: hasKallsyms(ctx.prog, m), ...(onList ? {} : { onList }) };
}

function byBase(a: KernelModule, b: KernelModule): number {
  return a.base < b.base ? -1 : a.base > b.base ? 1 : 0;
}

type ModMode =
  | { kind: "list" }
  | { kind: "taints" }
  | { kind: "load"; ref: string; file?: string }
  | { kind: "loadAll"; dir?: string }
  | { kind: "unload"; ref: string }
  | { kind: "unloadAll" }
  /** -o: crash switches gdb to the old add-symbol-file and prints nothing; kdw has no gdb to switch. */
  | { kind: "oldLoad" }
  /** -R: crash reinitializes the module list (a live system's; a dump's does not change), then lists it. */
  | { kind: "reinit" };

interface ModOptions {
  mode: ModMode;
  force: boolean;
  /** -g: section pseudo symbols with -s / -S. */
  sectionSymbols: boolean;
}

function parseMod(args: ParsedArgs<typeof MOD_OPTIONS>): ModOptions {
  const modes: string[] = [...(["t", "S", "D", "o", "R"] as const).filter((f) => args.has(f)), ...(["s", "d"] as const).filter((f) => args.value(f) !== undefined)];
  if (modes.length > 1) throw new CommandError("mod", `-${modes.join(", -")}: only one of -t, -s, -S, -d, -D, -o, -R`);
  const m = modes[0];
  const maxOperands = m === "s" || m === "S" ? 1 : 0;
  if (args.operands.length > maxOperands) throw new CommandError("mod", `unexpected argument: ${printable(args.operands[maxOperands]!)}`);
  const operand = args.operands[0];
  const mode: ModMode =
    m === "t"
      ? { kind: "taints" }
      : m === "s"
        ? { kind: "load", ref: args.value("s")!, ...(operand !== undefined ? { file: operand } : {}) }
        : m === "S"
          ? { kind: "loadAll", ...(operand !== undefined ? { dir: operand } : {}) }
          : m === "d"
            ? { kind: "unload", ref: args.value("d")! }
            : m === "D"
              ? { kind: "unloadAll" }
              : m === "o"
                ? { kind: "oldLoad" }
                : m === "R"
                  ? { kind: "reinit" }
                  : { kind: "list" };
  // -r (gdb's -readnow) changes nothing in kdw, which reads a module's tables when they are asked for.
  return { mode, force: args.has("--force") || args.has("f"), sectionSymbols: args.has("g") };
}

function mod(ctx: CommandContext, o: ModOptions): ModResult {
  const prog = ctx.prog;
  const list = moduleList(prog);
  const problems = list.problems.map((p) => p.message);
  const sorted = [...list.modules].sort(byBase);
  const listRows = sorted.map((m) => modRow(ctx, m));
  const result: ModResult = {
    mode: "list",
    rows: [],
    problems,
    none: list.modules.length === 0 && problems.length === 0,
    textBase: moduleLayout(prog).regions[0]?.name === "MOD_TEXT",
    widths: modListWidths(listRows),
    errors: problems.map((p) => `mod: ${p}`),
  };
  const mode = o.mode;
  if (result.none && mode.kind !== "load" && mode.kind !== "loadAll") return { ...result, errors: [] };
  switch (mode.kind) {
    case "taints":
      return { ...result, mode: "taints", tainted: sorted.filter((m) => m.taints !== 0n).map((m) => ({ name: m.name, taints: m.taints, letters: moduleTaintString(prog, m.taints) })) };
    case "unload":
      unloadModule(ctx, mode.ref);
      return { ...result, mode: "unload" };
    case "unloadAll":
      ctx.moduleDebuginfo?.clear();
      return { ...result, mode: "unload" };
    case "oldLoad":
      return { ...result, mode: "unload" };
    case "reinit":
      return { ...result, rows: listRows };
    case "load": {
      const { result: loaded, module } = loadOneModule(ctx, mode.ref, mode.file, o);
      const row = modRow(ctx, module, loaded.onList);
      if (loaded.forced) result.errors.push(`WARNING: ${printable(loaded.file ?? "")}: loaded in spite of a mismatch: ${printable(loaded.forced)}`);
      return { ...result, mode: "load", rows: [row], loaded: [loaded], widths: modListWidths(loaded.onList ? listRows : [...listRows, row]) };
    }
    case "loadAll": {
      const { results, errors: loadErrors, modules } = loadAllModules(ctx, mode.dir, o);
      result.errors.push(...loadErrors);
      const byAddress = new Map(modules.map((m) => [m.address, m]));
      const rows = results.filter((r) => r.loaded).map((r) => modRow(ctx, byAddress.get(r.module)!, r.onList));
      for (const r of results) if (r.forced) result.errors.push(`WARNING: ${printable(r.file ?? "")}: loaded in spite of a mismatch: ${printable(r.forced)}`);
      return { ...result, mode: "load", rows, loaded: results, widths: modListWidths([...listRows, ...rows.filter((r) => r.onList === false)]) };
    }
    case "list":
      return { ...result, rows: listRows };
  }
}

const MOD_OPTIONS = { flags: "tSDfrRog", values: "sd", words: ["--force"] } as const;

export const modCommand = defineCommand({
  name: "mod",
  summary: "module information and loading of module debuginfo",
  help: `SYNOPSIS
  mod [-t] | -s module [objfile] | -S [directory] | -d module | -D | -o | -R   [-g] [-r] [-f|--force]

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
    -g  with -s or -S: also adds each loaded section's start and end to the module's symbols, as
        "_MODULE_SECTION_START [.text]" and "_MODULE_SECTION_END [.text]" (type S).
    -r  accepted for crash's sake (it passes -readnow to gdb); kdw reads a module's tables when asked.
    -o  accepted and prints nothing (crash switches gdb to its old add-symbol-file; kdw has no gdb).
    -R  the list, as with no option (crash reinitializes the module list of a live system first; a
        dump's list does not change).
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
  kernel keeps, and the detectors compare it with mod_tree and sysfs.`,
  options: MOD_OPTIONS,
  parse: parseMod,
  execute: mod,
  format: formatMod,
  errors: (r) => r.errors,
});
