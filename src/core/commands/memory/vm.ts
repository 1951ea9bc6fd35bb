// crash's `vm` (memory.c cmd_vm, vm_area_dump, handle_each_vm_area, vm_area_page_dump): for each task, the
// task header, the MM / PGD / RSS / TOTAL_VM line, then one row per VMA: VMA START END FLAGS FILE, from the
// maple tree on 6.1+ or the mmap list before it. RSS and TOTAL_VM are ps's (get_task_mem_usage: split RSS
// counters included). -p adds each page's translation under its VMA, -P VMA does it for one VMA, -m and
// -v print the mm_struct or every vm_area_struct, -R REF keeps what refers to REF (vm-reference.ts), -M MM
// names the mm of a task whose task_struct lost it, and -f FLAGS names the bits of a vm_flags value.
import { UserAddressSpace, X86_64AddressSpace } from "../../arch/x86_64/layout";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { dPath, dUnlinked, fsLayout } from "../../kernel/fs/fs";
import { vmFlagNames } from "../../kernel/mm/vm-flags";
import { vmaPageTranslations, type PageTranslation } from "../../kernel/mm/vma-pages";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { taskLayout } from "../../kernel/tasks/layout";
import { taskMemUsage } from "../../kernel/tasks/mem";
import { forEachVma, type Vma } from "../../kernel/mm/vma";
import { formatStructValue } from "../../program/gdb-format/gdb-format";
import type { Program } from "../../program/program";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { forEachTaskArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { valueOptions } from "../shared/type-args";
import { formatVm } from "./vm-format";
import { referenceSearch, type VmReference, type VmRefMatch } from "./vm-reference";

/** Pages -p translates in one command at most (crash has no bound; a 128 TiB mapping would never end). */
export const MAX_VM_PAGES = 1 << 22;

export interface VmaRow extends Vma {
  /** The mapped file's path as crash prints it; "" for anonymous memory. */
  path: string;
  /** The mapped file was deleted (its dentry is unlinked); crash does not say so. */
  deleted: boolean;
  /** -p / -P: each page's translation. */
  pages?: PageTranslation[];
}

export type VmView = "default" | "pages" | "vma" | "mm" | "vmas";

export interface TaskVm extends TaskRef {
  mm: bigint;
  pgd: bigint;
  /** Kilobytes, as crash computes them (pages * PAGESIZE / 1024). */
  rssKb: number;
  totalVmKb: number;
  vmas: VmaRow[];
  /** -M: the mm_struct used for a task whose task_struct has none. */
  forcedMm?: bigint;
  /** -m: gdb's print of the mm_struct; -v: of each vm_area_struct. */
  mmStruct?: string;
  vmaStructs?: string[];
  /** -P: the VMA asked for was not one of the task's. */
  vmaNotFound?: boolean;
  /** -R: what refers to the reference (nothing is shown of a task without it). */
  reference?: VmRefMatch;
  /** Where the walk stopped early; the VMAs before it are in `vmas`. */
  problem?: string;
  /** crash's layout: a blank line before the header (another block, or an error, came before). */
  blankBefore: boolean;
}

export type VmResult =
  | { kind: "tasks"; view: VmView; reference?: string; tasks: TaskVm[]; errors: string[] }
  /** vm -f: a vm_flags value and the names of its bits. */
  | { kind: "flags"; flags: bigint; names: string[]; errors: string[] };

interface VmOptions {
  view: VmView;
  flags?: bigint;
  vma?: bigint;
  mm?: bigint;
  radix?: 10 | 16;
  reference?: VmReference;
  words: readonly string[];
}

/** The file of a VMA named as crash names it: get_pathname(f_path.dentry, full, f_path.mnt). */
function vmaRow(prog: Program, v: Vma): VmaRow {
  const row: VmaRow = { ...v, path: "", deleted: false };
  if (v.file === 0n) return row;
  const l = fsLayout(prog);
  const dentry = prog.readU64(v.file + BigInt(l.fileDentry));
  if (dentry === 0n) return row;
  const mnt = prog.readU64(v.file + BigInt(l.fileVfsmnt));
  row.path = dPath(prog, dentry, mnt, l).path;
  row.deleted = dUnlinked(prog, dentry, l);
  return row;
}

/** The address space of an mm (its pgd), for -p. */
function mmSpace(prog: Program, mm: bigint): UserAddressSpace {
  const pgdOff = taskLayout(prog).mmPgd;
  if (!(prog.kernel instanceof X86_64AddressSpace) || pgdOff === undefined) throw new MissingDebugInfo("vm -p needs the x86_64 page tables and mm_struct.pgd");
  return new UserAddressSpace(prog.kernel, prog.kernel.translate(prog.readU64(mm + BigInt(pgdOff))));
}

/** vm_area_dump for one task. */
export function taskVm(ctx: CommandContext, task: Task, o: Pick<VmOptions, "view" | "vma" | "mm" | "radix" | "reference"> = { view: "default" }, pageBudget = { left: MAX_VM_PAGES }): TaskVm {
  const prog = ctx.prog;
  const pageSize = prog.dump.pageSize;
  const mem = taskMemUsage(prog, taskTable(prog), task);
  const data: TaskVm = { ...taskRef(task), mm: mem.mm, pgd: 0n, rssKb: Math.trunc((mem.rss * pageSize) / 1024), totalVmKb: Math.trunc((mem.totalVm * pageSize) / 1024), vmas: [], blankBefore: false };
  const pgdOff = taskLayout(prog).mmPgd;
  try {
    if (mem.mm !== 0n && pgdOff !== undefined) data.pgd = prog.readU64(mem.mm + BigInt(pgdOff));
    let mm = mem.mm;
    if (mm === 0n && o.mm !== undefined) {
      // is_valid_mm: crash goes on only with an mm_struct it can read.
      prog.read(o.mm, prog.sizeOf("struct mm_struct"));
      mm = data.forcedMm = o.mm;
    }
    if (o.reference && (o.reference.hex === data.mm || o.reference.hex === data.pgd)) {
      data.reference = { mmOrPgd: true, vmas: [] };
      return data;
    }
    if (mm === 0n) return data;
    if (o.view === "mm") {
      data.mmStruct = formatStructValue(prog.type("struct mm_struct"), prog.read(mm, prog.sizeOf("struct mm_struct")), { ...valueOptions(ctx, mm), name: "mm_struct", radix: o.radix });
      return data;
    }
    const vmaType = o.view === "vmas" ? prog.type("struct vm_area_struct") : undefined;
    const space = o.view === "pages" || o.view === "vma" || o.reference ? mmSpace(prog, mm) : undefined;
    // vm_area_page_dump leaves init_mm's areas (kernel threads borrowing it) untranslated.
    const initMm = prog.hasSymbol("init_mm") ? prog.symbolAddress("init_mm") : undefined;
    const pages = (row: VmaRow): PageTranslation[] => {
      const out: PageTranslation[] = [];
      if (!space || row.mm === initMm) return out;
      for (const p of vmaPageTranslations(prog, space, row, row.path, pageBudget.left)) {
        if ((out.length & 1023) === 0) ctx.interrupt?.();
        out.push(p);
      }
      pageBudget.left -= out.length;
      if (pageBudget.left <= 0) throw new CommandError("vm", `stopped after ${MAX_VM_PAGES} pages`);
      return out;
    };
    if (o.reference) data.reference = { mmOrPgd: false, vmas: [] };
    for (const v of forEachVma(prog, mm)) {
      // Per area only where each area can take long (its pages); otherwise once per task, by the caller.
      if (space) ctx.interrupt?.();
      if (o.view === "vma" && v.address !== o.vma) continue;
      if (vmaType) {
        (data.vmaStructs ??= []).push(formatStructValue(vmaType, prog.read(v.address, prog.sizeOf(vmaType)), { ...valueOptions(ctx, v.address), name: "vm_area_struct", radix: o.radix }));
        continue;
      }
      const row = vmaRow(prog, v);
      if (o.reference) {
        const m = referenceSearch(o.reference, row, () => pages(row));
        if (m) data.reference!.vmas.push(m);
        continue;
      }
      if (o.view === "pages" || o.view === "vma") row.pages = pages(row);
      data.vmas.push(row);
    }
    if (o.view === "vma" && data.vmas.length === 0) data.vmaNotFound = true;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    data.problem = err.message;
  }
  return data;
}

function vm(ctx: CommandContext, o: VmOptions, only?: readonly Task[]): VmResult {
  if (o.flags !== undefined) return { kind: "flags", flags: o.flags, names: vmFlagNames(ctx.prog, o.flags), errors: [] };
  // IS_KVADDR: an mm_struct is in the kernel's half.
  if (o.mm !== undefined && o.mm < ctx.addressSpace.layout.userSpaceEnd) throw new CommandError("vm", `invalid mm_struct address: ${o.mm.toString(16)}`);
  const result: VmResult & { kind: "tasks" } = { kind: "tasks", view: o.view, ...(o.reference ? { reference: o.reference.text } : {}), tasks: [], errors: [] };
  const budget = { left: MAX_VM_PAGES };
  // crash puts a blank line before every block but the first; an invalid word counts as a block.
  let blocks = 0;
  const dump = (task: Task): void => {
    const one = taskVm(ctx, task, o, budget);
    result.tasks.push({ ...one, blankBefore: blocks++ > 0 && !o.reference });
    if (one.problem) result.errors.push(`vm: PID ${task.pid}: ${one.problem}`);
  };
  forEachTaskArg(ctx, "vm", o.words, only, dump, (line) => {
    blocks++;
    result.errors.push(line);
  });
  return result;
}

const USAGE = "usage: vm [-p | -P vma | -M mm | -v | -m | -x | -d | [-R reference] [pid | task]] [-f vm_flags]";

function hexArg(option: string, word: string): bigint {
  if (!isHexAddress(word)) throw new CommandError("vm", `invalid hexadecimal argument to -${option}: ${word}`);
  return parseHex(word);
}

const VM_OPTIONS = { flags: "pmvxd", values: "fRPM" } as const;

export const vmCommand = defineCommand({
  name: "vm",
  summary: "virtual memory",
  help: `SYNOPSIS
  vm [-p | -P vma | -M mm | -v | -m | -x | -d | [-R reference] [pid | task]] [-f vm_flags]

DESCRIPTION
  Shows a task's memory map: the addresses of its mm_struct and page directory (PGD), its resident set
  size (RSS) and total virtual size (TOTAL_VM), then one line per virtual memory area: the address of
  the vm_area_struct, its START and END user addresses, its vm_flags in hexadecimal and the path of
  the mapped file (empty for anonymous memory). Kernel threads have no mm and show zeros.

            -p  under each area, every page's translation: its physical address, or when it is not
                mapped, its swap location (a swap entry in the PTE), or its offset in the mapped file,
                or "(not mapped)". At most ${MAX_VM_PAGES} pages per command.
        -P vma  the same for the one area at that vm_area_struct address.
         -M mm  the mm_struct to use for a task whose task_struct has none (an exiting task).
  -R reference  only what refers to the reference: the mm or pgd address, an area's address, flags or
                file (part of its path), or a page's user or physical address, file offset or swap
                offset. Typically run as "foreach vm -R ...".
            -m  the mm_struct, as gdb prints it.
            -v  every vm_area_struct, as gdb prints it.
         -x/-d  hexadecimal / decimal numbers for -m and -v.
   -f vm_flags  the names of the bits of a vm_flags value. crash's names come from the 2.6 kernels;
                where the kernel's own table (vmaflag_names) names a bit otherwise (0x08000000 is
                SOFTDIRTY on 6.1, crash says CAN_NONLINEAR), kdw prints the kernel's name.

  With no argument, shows the current context's task (see set). A pid selects every task with that pid;
  a hexadecimal address selects that task_struct. On Linux 6.1 and later the areas are read from the
  mm's maple tree, before it from the mmap list. A mapped file that was deleted keeps its last name (the
  structured result marks it deleted).`,
  options: VM_OPTIONS,
  parse(args): VmOptions {
    if (args.values("R").length > 1) throw new CommandError("vm", "only one -R option allowed");
    if (args.has("x") && args.has("d")) throw new CommandError("vm", "-d and -x are mutually exclusive");
    const views = [args.has("p") ? "p" : "", args.has("m") ? "m" : "", args.has("v") ? "v" : "", args.value("P") !== undefined ? "P" : ""].filter(Boolean);
    const f = args.value("f");
    const r = args.value("R");
    if (views.length > 1 || (f !== undefined && (views.length || r !== undefined)) || (r !== undefined && views.some((v) => v !== "p"))) throw new CommandError("vm", USAGE);
    const m = args.value("M");
    const mm = m !== undefined ? hexArg("M", m) : undefined;
    const o: VmOptions = { view: "default", words: args.operands, ...(mm !== undefined ? { mm } : {}), ...(args.has("x") ? { radix: 16 as const } : args.has("d") ? { radix: 10 as const } : {}) };
    if (f !== undefined) return { ...o, flags: hexArg("f", f) };
    if (args.has("p")) o.view = "pages";
    if (args.has("m")) o.view = "mm";
    if (args.has("v")) o.view = "vmas";
    const p = args.value("P");
    if (p !== undefined) Object.assign(o, { view: "vma", vma: hexArg("P", p) });
    if (r !== undefined) {
      const number = /^(0x)?[0-9a-fA-F]+$/.test(r);
      o.reference = { text: r, ...(number ? { hex: parseHex(r) } : {}), ...(/^\d+$/.test(r) ? { dec: BigInt(r) } : {}) };
    }
    return o;
  },
  execute: vm,
  format: formatVm,
  errors: (r) => r.errors,
  perTask: true,
});
