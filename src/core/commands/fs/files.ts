// crash's `files` (filesys.c cmd_files, open_files_dump, file_dump): for each task, the task header, its
// ROOT and CWD, and one row per open file descriptor: FD FILE DENTRY INODE TYPE PATH. Sockets show their
// protocol ("TCP", "UNIX"), pipes an empty path, files without a dentry or inode "?" as crash prints them.
// Deleted files are named as crash names them (no " (deleted)"); the structured rows say `deleted`.
import { KdwError } from "../../io/errors";
import { taskFsPaths, taskOpenFiles, type OpenFile, type TaskFsPaths } from "../../kernel/fs/files";
import type { Task } from "../../kernel/tasks/tasks";
import type { Program } from "../../program/program";
import { defineCommand, type CommandContext } from "../command";
import { forEachTaskArg, type TaskArgOrigin } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatFiles } from "./files-format";

export interface TaskFiles extends TaskRef {
  fs?: TaskFsPaths;
  /** max_fds of the fdtable; 0 when the task has no files_struct. */
  maxFds: number;
  files: OpenFile[];
  /** Where reading stopped early (the rows before it are in `files`). */
  problem?: string;
  /** crash's layout: a blank line before the header (not the first argument) and after the block (a pid). */
  blankBefore: boolean;
  blankAfter: boolean;
}

export interface FilesResult {
  tasks: TaskFiles[];
  errors: string[];
}

/** open_files_dump for one task: ROOT/CWD and the open descriptors, as far as they can be read. */
export function taskFiles(prog: Program, task: Task): TaskFiles {
  const data: TaskFiles = { ...taskRef(task), maxFds: 0, files: [], blankBefore: false, blankAfter: false };
  try {
    data.fs = taskFsPaths(prog, task.address);
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
  return data;
}

function files(ctx: CommandContext, words: readonly string[], only?: readonly Task[]): FilesResult {
  const result: FilesResult = { tasks: [], errors: [] };
  const dump = (task: Task, from: TaskArgOrigin): void => {
    const one = taskFiles(ctx.prog, task);
    result.tasks.push({ ...one, blankBefore: from.word > 0, blankAfter: from.byPid });
    if (one.problem) result.errors.push(`files: PID ${task.pid}: ${one.problem}`);
  };
  forEachTaskArg(ctx, "files", words, only, dump, (line) => result.errors.push(line));
  return result;
}

export const filesCommand = defineCommand({
  name: "files",
  summary: "open files",
  help: `SYNOPSIS
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
  options: { invalid: (o) => `unsupported option: ${o} (usage: files [pid | taskp] ...)` },
  parse: (args) => args.operands,
  execute: files,
  format: formatFiles,
  errors: (r) => r.errors,
  perTask: true,
});
