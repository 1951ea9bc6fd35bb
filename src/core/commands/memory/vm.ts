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
import { CommandError, type Command, type CommandContext } from "../command";
import { escapeControl as printable } from "../shared/escape";
import { mkCenter, taskHeader, tasksForArg } from "../fs/files";
import { currentTask } from "../tasks/set";

const VADDR_PRLEN = 16;
/** crash's UVADDR_PRLEN on x86_64 (defs.h): user addresses print in 10 columns. */
const UVADDR_PRLEN = 10;

export interface VmaRow extends Vma {
  /** The mapped file's path as crash prints it; "" for anonymous memory. */
  path: string;
  /** The mapped file was deleted (its dentry is unlinked); crash does not say so. */
  deleted: boolean;
}

export interface TaskVm {
  task: bigint;
  pid: number;
  comm: string;
  mm: bigint;
  pgd: bigint;
  /** Kilobytes, as crash computes them (pages * PAGESIZE / 1024). */
  rssKb: number;
  totalVmKb: number;
  vmas: VmaRow[];
  /** Where the walk stopped early; the VMAs before it are in `vmas`. */
  problem?: string;
}

export interface VmResult {
  tasks: TaskVm[];
}

export const VM_DATA_HEADER = `${mkCenter("MM", VADDR_PRLEN)}  ${mkCenter("PGD", VADDR_PRLEN)}  ${mkCenter("RSS", 6)}  ${mkCenter("TOTAL_VM", 8)}`;
export const VMA_HEADER = `${mkCenter("VMA", VADDR_PRLEN)} ${mkCenter("START", UVADDR_PRLEN, true)} ${mkCenter("END", UVADDR_PRLEN, true)}  FLAGS FILE`;

/** PRINT_VMA_DATA: `%s %s %s %6llx %s`. */
export function formatVmaRow(v: VmaRow): string {
  const u = (x: bigint): string => x.toString(16).padStart(UVADDR_PRLEN);
  return `${mkCenter(v.address.toString(16), VADDR_PRLEN)} ${u(v.start)} ${u(v.end)} ${v.flags.toString(16).padStart(6)} ${printable(v.path)}`;
}

/** vm_area_dump for one task, default display. */
export function taskVm(prog: Program, task: Task): { data: TaskVm; text: string } {
  const pageSize = prog.dump.pageSize;
  const mem = taskMemUsage(prog, taskTable(prog), task);
  const data: TaskVm = { task: task.address, pid: task.pid, comm: task.comm, mm: mem.mm, pgd: 0n, rssKb: Math.trunc((mem.rss * pageSize) / 1024), totalVmKb: Math.trunc((mem.totalVm * pageSize) / 1024), vmas: [] };
  const pgdOff = taskLayout(prog).mmPgd;
  if (mem.mm !== 0n && pgdOff !== undefined) {
    try {
      data.pgd = prog.readU64(mem.mm + BigInt(pgdOff));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      data.problem = err.message;
    }
  }
  let text = VM_DATA_HEADER + "\n";
  text += `${mkCenter(data.mm.toString(16), VADDR_PRLEN)}  ${mkCenter(data.pgd.toString(16), VADDR_PRLEN)}  ${mkCenter(`${data.rssKb}k`, 6)}  ${mkCenter(`${data.totalVmKb}k`, 8)}\n`;
  if (mem.mm === 0n) return { data, text };
  text += VMA_HEADER + "\n";
  try {
    for (const v of forEachVma(prog, mem.mm)) {
      const row = vmaRow(prog, v);
      data.vmas.push(row);
      text += formatVmaRow(row) + "\n";
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    data.problem = err.message;
  }
  return { data, text };
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

export const vmCommand: Command = {
  name: "vm",
  summary: "virtual memory",
  help: `NAME
  vm - virtual memory

SYNOPSIS
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
  run(ctx: CommandContext, args: string[]) {
    for (const a of args) if (a.startsWith("-")) throw new CommandError("vm", `unsupported option: ${a} (usage: vm [pid | taskp] ...)`);
    const result: VmResult = { tasks: [] };
    const errors: string[] = [];
    let text = "";
    let subsequent = 0;
    const dump = (task: Task): void => {
      const one = taskVm(ctx.prog, task);
      result.tasks.push(one.data);
      text += taskHeader(task, subsequent++ > 0) + one.text;
      if (one.data.problem) errors.push(`vm: PID ${task.pid}: ${one.data.problem}`);
    };
    if (args.length === 0) dump(currentTask(ctx));
    for (const arg of args) {
      const sel = tasksForArg(ctx.prog, arg);
      if (!sel) {
        subsequent++;
        errors.push(`vm: invalid task or pid value: ${arg}`);
        continue;
      }
      sel.tasks.forEach(dump);
    }
    return { data: result, text, errors };
  },
};
