// crash's `files` (filesys.c cmd_files, open_files_dump, file_dump): for each task, the task header, its
// ROOT and CWD, and one row per open file descriptor: FD FILE DENTRY INODE TYPE PATH. Sockets show their
// protocol ("TCP", "UNIX"), pipes an empty path, files without a dentry or inode "?" as crash prints them.
// Deleted files are named as crash names them (no " (deleted)"); the structured rows say `deleted`.
import { KdwError } from "../../io/errors";
import { taskFsPaths, taskOpenFiles, type OpenFile, type TaskFsPaths } from "../../kernel/fs/files";
import { taskTable, tasksByPid, type Task } from "../../kernel/tasks/tasks";
import type { Program } from "../../program/program";
import { CommandError, type Command, type CommandContext } from "../command";
import { escapeControl as printable } from "../shared/escape";
import { formatTaskHeader } from "../tasks/ps-format";
import { currentTask, resolveTaskArg } from "../tasks/set";

const VADDR_PRLEN = 16;

/** mkstring(s, width, CENTER[|LJUST|RJUST]): centred; an odd space goes right, or left with RJUST. */
export function mkCenter(s: string, width: number, rjust = false): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = extra % 2 && rjust ? Math.floor(extra / 2) + 1 : Math.floor(extra / 2);
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

/** print_task_header, with the blank line crash puts before every task header but the first. */
export function taskHeader(task: Task, subsequent: boolean): string {
  return (subsequent ? "\n" : "") + formatTaskHeader(task) + "\n";
}

/** crash's str_to_context for one argument: every task of a pid (pid 0: one per CPU), or a task address. */
export function tasksForArg(prog: Program, arg: string): { tasks: Task[]; byPid: boolean } | undefined {
  if (/^\d+$/.test(arg)) {
    const tasks = tasksByPid(taskTable(prog), Number(arg));
    if (tasks.length > 0) return { tasks, byPid: true };
  }
  const task = resolveTaskArg(prog, arg);
  return task ? { tasks: [task], byPid: false } : undefined;
}

export interface TaskFiles {
  task: bigint;
  pid: number;
  comm: string;
  fs?: TaskFsPaths;
  /** max_fds of the fdtable; 0 when the task has no files_struct. */
  maxFds: number;
  files: OpenFile[];
  /** Where reading stopped early (the rows before it are in `files`). */
  problem?: string;
}

export interface FilesResult {
  tasks: TaskFiles[];
}

export const FILES_HEADER = ` FD ${mkCenter("FILE", VADDR_PRLEN)} ${mkCenter("DENTRY", VADDR_PRLEN)} ${mkCenter("INODE", VADDR_PRLEN)} TYPE PATH`;

/** One file_dump row (DUMP_FULL_NAME|DUMP_EMPTY_FILE). */
export function formatFileRow(f: OpenFile): string {
  const hex = (v: bigint): string => v.toString(16).padStart(VADDR_PRLEN);
  const fd = String(f.fd).padStart(3);
  if (f.dentry === 0n) return `${fd} ${hex(f.file)} ${"0".repeat(VADDR_PRLEN)} ${mkCenter("?", VADDR_PRLEN)} ?    ?`;
  if (f.inode === 0n) return `${fd} ${hex(f.file)} ${hex(f.dentry)} ${"0".repeat(VADDR_PRLEN)} ?    ?`;
  return `${fd} ${hex(f.file)} ${hex(f.dentry)} ${hex(f.inode)} ${(f.type ?? "UNKN").padEnd(4)} ${printable(f.path.path)}`;
}

/** open_files_dump for one task: ROOT/CWD, then the table or "No open files". */
export function taskFiles(prog: Program, task: Task): { data: TaskFiles; text: string } {
  const data: TaskFiles = { task: task.address, pid: task.pid, comm: task.comm, maxFds: 0, files: [] };
  let text = "";
  try {
    data.fs = taskFsPaths(prog, task.address);
    if (data.fs) text += `ROOT: ${printable(data.fs.root.path)}    CWD: ${printable(data.fs.cwd.path)}\n`;
    const table = taskOpenFiles(prog, task.address);
    if (table) {
      data.maxFds = table.maxFds;
      data.files = table.open;
      if (table.problem) data.problem = table.problem.message;
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    data.problem = err.message;
  }
  if (data.files.length === 0) text += "No open files\n";
  else text += FILES_HEADER + "\n" + data.files.map((f) => formatFileRow(f) + "\n").join("");
  return { data, text };
}

export const filesCommand: Command = {
  name: "files",
  summary: "open files",
  help: `NAME
  files - open files

SYNOPSIS
  files [pid | taskp] ...

DESCRIPTION
  Shows the root directory and current working directory of a task, then one line per open file
  descriptor: the descriptor number, the addresses of its struct file, struct dentry and struct inode,
  the file type (REG, DIR, CHR, BLK, LNK, FIFO, PIPE, SOCK, or UNKN for inodes without a file type such
  as anonymous inodes) and the path. Sockets show their protocol name (TCP, TCPv6, UNIX...), pipes an
  empty path. A file without a dentry or inode shows zeros and "?".

  With no argument, shows the current context's task (see set). A pid selects every task with that pid
  (pid 0: the idle task of each CPU); a hexadecimal address selects that task_struct.

  Paths are built as crash builds them, from the dentry up through the mount points; a file deleted
  while open keeps its last name (the structured result marks it deleted).`,
  run(ctx: CommandContext, args: string[]) {
    for (const a of args) if (a.startsWith("-")) throw new CommandError("files", `unsupported option: ${a} (usage: files [pid | taskp] ...)`);
    const result: FilesResult = { tasks: [] };
    const errors: string[] = [];
    let text = "";
    const dump = (task: Task, subsequent: boolean): void => {
      const one = taskFiles(ctx.prog, task);
      result.tasks.push(one.data);
      text += taskHeader(task, subsequent) + one.text;
      if (one.data.problem) errors.push(`files: PID ${task.pid}: ${one.data.problem}`);
    };
    if (args.length === 0) dump(currentTask(ctx), false);
    args.forEach((arg, i) => {
      const sel = tasksForArg(ctx.prog, arg);
      if (!sel) {
        errors.push(`files: invalid task or pid value: ${arg}`);
        return;
      }
      for (const task of sel.tasks) {
        dump(task, i > 0);
        if (sel.byPid) text += "\n";
      }
    });
    return { data: result, text, errors };
  },
};
