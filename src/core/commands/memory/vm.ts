// crash's `vm` (memory.c cmd_vm, vm_area_dump): for each task, the task header, the MM / PGD / RSS /
// TOTAL_VM line, then one row per VMA: VMA START END FLAGS FILE, from the maple tree on 6.1+ or the mmap
// list before it. RSS and TOTAL_VM are ps's (get_task_mem_usage: split RSS counters included).
import { KdwError } from "../../io/errors";
import { dPath, dUnlinked, fsLayout } from "../../kernel/fs/fs";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { taskLayout } from "../../kernel/tasks/layout";
import { taskMemUsage } from "../../kernel/tasks/mem";
import { forEachVma, type Vma } from "../../kernel/mm/vma";
import type { Program } from "../../program/program";
import { defineCommand, type CommandContext } from "../command";
import { forEachTaskArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatVm } from "./vm-format";

export interface VmaRow extends Vma {
  /** The mapped file's path as crash prints it; "" for anonymous memory. */
  path: string;
  /** The mapped file was deleted (its dentry is unlinked); crash does not say so. */
  deleted: boolean;
}

export interface TaskVm extends TaskRef {
  mm: bigint;
  pgd: bigint;
  /** Kilobytes, as crash computes them (pages * PAGESIZE / 1024). */
  rssKb: number;
  totalVmKb: number;
  vmas: VmaRow[];
  /** Where the walk stopped early; the VMAs before it are in `vmas`. */
  problem?: string;
  /** crash's layout: a blank line before the header (another block, or an error, came before). */
  blankBefore: boolean;
}

export interface VmResult {
  tasks: TaskVm[];
  errors: string[];
}

/** vm_area_dump for one task, default display. */
export function taskVm(prog: Program, task: Task): TaskVm {
  const pageSize = prog.dump.pageSize;
  const mem = taskMemUsage(prog, taskTable(prog), task);
  const data: TaskVm = { ...taskRef(task), mm: mem.mm, pgd: 0n, rssKb: Math.trunc((mem.rss * pageSize) / 1024), totalVmKb: Math.trunc((mem.totalVm * pageSize) / 1024), vmas: [], blankBefore: false };
  const pgdOff = taskLayout(prog).mmPgd;
  if (mem.mm !== 0n && pgdOff !== undefined) {
    try {
      data.pgd = prog.readU64(mem.mm + BigInt(pgdOff));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      data.problem = err.message;
    }
  }
  if (mem.mm === 0n) return data;
  try {
    for (const v of forEachVma(prog, mem.mm)) data.vmas.push(vmaRow(prog, v));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    data.problem = err.message;
  }
  return data;
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

function vm(ctx: CommandContext, words: readonly string[], only?: readonly Task[]): VmResult {
  const result: VmResult = { tasks: [], errors: [] };
  // crash puts a blank line before every block but the first; an invalid word counts as a block.
  let blocks = 0;
  const dump = (task: Task): void => {
    const one = taskVm(ctx.prog, task);
    result.tasks.push({ ...one, blankBefore: blocks++ > 0 });
    if (one.problem) result.errors.push(`vm: PID ${task.pid}: ${one.problem}`);
  };
  forEachTaskArg(ctx, "vm", words, only, dump, (line) => {
    blocks++;
    result.errors.push(line);
  });
  return result;
}

export const vmCommand = defineCommand({
  name: "vm",
  summary: "virtual memory",
  help: `SYNOPSIS
  vm [pid | taskp] ...

DESCRIPTION
  Shows a task's memory map: the addresses of its mm_struct and page directory (PGD), its resident set
  size (RSS) and total virtual size (TOTAL_VM), then one line per virtual memory area: the address of
  the vm_area_struct, its START and END user addresses, its vm_flags in hexadecimal and the path of
  the mapped file (empty for anonymous memory). Kernel threads have no mm and show zeros.

  With no argument, shows the current context's task (see set). A pid selects every task with that pid;
  a hexadecimal address selects that task_struct. On Linux 6.1 and later the areas are read from the
  mm's maple tree, before it from the mmap list. A mapped file that was deleted keeps its last name (the
  structured result marks it deleted).`,
  options: { invalid: (o) => `unsupported option: ${o} (usage: vm [pid | taskp] ...)` },
  parse: (args) => args.operands,
  execute: vm,
  format: formatVm,
  errors: (r) => r.errors,
  perTask: true,
});
