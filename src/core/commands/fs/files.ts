// crash's `files` (filesys.c cmd_files, open_files_dump, file_dump, open_file_reference): for each task, the
// task header, its ROOT and CWD, and one row per open file descriptor: FD FILE DENTRY INODE TYPE PATH
// (with -c: FD INODE I_MAPPING NRPAGES TYPE PATH). -R REF keeps only the tasks and rows that refer to REF (a
// descriptor number, an address, a type or a path component). -d DENTRY shows one dentry's inode, super
// block, type and path (display_dentry_info); -p INODE the pages of an inode's page cache
// (dump_inode_page_cache_info). Sockets show their protocol ("TCP", "UNIX"), pipes an empty path, files
// without a dentry or inode "?" as crash prints them. Deleted files are named as crash names them (no
// " (deleted)"); the structured rows say `deleted`.
import { KdwError } from "../../io/errors";
import { taskFsPaths, taskOpenFiles, type OpenFile, type TaskFsPaths } from "../../kernel/fs/files";
import { dentryPlace, inodePageCache, mappingPages, type DentryPlace } from "../../kernel/fs/inode";
import { pageToPfn, readStructPage } from "../../kernel/mm/mm";
import type { Task } from "../../kernel/tasks/tasks";
import { perProgram, type Program } from "../../program/program";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { memMapPage, paddrWidth, type MemMapPage } from "../shared/mem-map";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { forEachTaskArg, type TaskArgOrigin } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { fileRowWords, formatFiles } from "./files-format";

/** files -c: an open file's inode mapping and the pages it has in the page cache. */
export interface PageCacheCount {
  mapping: bigint;
  nrpages: bigint;
}

export interface TaskFiles extends TaskRef {
  fs?: TaskFsPaths;
  /** max_fds of the fdtable; 0 when the task has no files_struct. */
  maxFds: number;
  /** The rows shown: every open file, or with -R those that refer to the reference. */
  files: OpenFile[];
  /** files -c: each shown row's page cache, by fd. */
  pageCache?: Record<number, PageCacheCount>;
  /** files -R: whether anything of the task referred to it (root, cwd or a row): crash shows nothing else. */
  referenced?: boolean;
  /** Where reading stopped early (the rows before it are in `files`). */
  problem?: string;
  /** crash's layout: a blank line before the header (not the first argument) and after the block (a pid). */
  blankBefore: boolean;
  blankAfter: boolean;
}

export type FilesResult =
  | { kind: "tasks"; nrpages: boolean; reference?: string; tasks: TaskFiles[]; errors: string[] }
  /** files -d: the dentry's place; absent when the dentry cannot be read (crash prints the header, then why). */
  | { kind: "dentry"; dentry: bigint; place?: DentryPlace; errors: string[] }
  | { kind: "inodePages"; inode: bigint; mapping: bigint; nrpages: bigint; pages: MemMapPage[]; paddrWidth: number; errors: string[] };

interface FilesOptions {
  dentry?: bigint;
  inode?: bigint;
  nrpages: boolean;
  reference?: string;
  words: readonly string[];
}

/** open_files_dump for one task: ROOT/CWD and the open descriptors, as far as they can be read. */
export function taskFiles(prog: Program, task: Task): TaskFiles {
  // A task's files do not change in a dump: read once per session, the rows shared (nothing changes them).
  const read = TASK_FILES.of(prog);
  let f = read.get(task.address);
  if (f === undefined) {
    f = readTaskFiles(prog, task);
    read.set(task.address, f);
  }
  const data: TaskFiles = { ...taskRef(task), maxFds: f.maxFds, files: f.files, blankBefore: false, blankAfter: false };
  if ("fs" in f) data.fs = f.fs;
  if (f.problem !== undefined) data.problem = f.problem;
  return data;
}

type ReadFiles = Pick<TaskFiles, "fs" | "maxFds" | "files" | "problem">;

const TASK_FILES = perProgram(() => new Map<bigint, ReadFiles>());

function readTaskFiles(prog: Program, task: Task): ReadFiles {
  const data: ReadFiles = { maxFds: 0, files: [] };
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

/** FILENAME_COMPONENT: "/" matches "/" only; any other reference matches a path that contains it. */
function filenameComponent(path: string, ref: string): boolean {
  return (path === "/" && ref === "/") || (ref !== "/" && path.includes(ref));
}

/** The reference as open_file_reference reads numbers: a descriptor (decimal, up to max_fds) or an address. */
function referenceNumbers(ref: string, maxFds: number): { hex?: bigint; dec?: bigint } {
  if (!/^(0x)?[0-9a-fA-F]+$/.test(ref)) return {};
  if (/[a-fA-FxX]/.test(ref)) return { hex: parseHex(ref) };
  const dec = BigInt(ref);
  return dec <= BigInt(maxFds) ? { dec } : { hex: parseHex(ref) };
}

/** open_file_reference over the words crash printed for the row (its own parse_line of its own output). */
function rowRefers(words: readonly string[], ref: string, nums: { hex?: bigint; dec?: bigint }): boolean {
  if (words.length < 5) return false;
  if (nums.hex !== undefined || nums.dec !== undefined) {
    const fd = BigInt(words[0]!);
    if (fd === nums.hex || fd === nums.dec) return true;
    for (const w of words.slice(1, 4)) if (w !== "?" && isHexAddress(w) && parseHex(w) === (nums.hex ?? 0n)) return true;
  }
  if (words[4] === ref) return true;
  return words.length === 6 && filenameComponent(words[5]!, ref);
}

function pageCacheOf(prog: Program, files: readonly OpenFile[]): Record<number, PageCacheCount> {
  const out: Record<number, PageCacheCount> = {};
  for (const f of files) {
    if (f.inode === 0n) continue;
    const c = inodePageCache(prog, f.inode);
    out[f.fd] = { mapping: c.mapping, nrpages: c.nrpages };
  }
  return out;
}

function tasksFiles(ctx: CommandContext, o: FilesOptions, only?: readonly Task[]): FilesResult {
  const result: FilesResult & { kind: "tasks" } = { kind: "tasks", nrpages: o.nrpages, ...(o.reference !== undefined ? { reference: o.reference } : {}), tasks: [], errors: [] };
  const dump = (task: Task, from: TaskArgOrigin): void => {
    const one = taskFiles(ctx.prog, task);
    const shown: TaskFiles = { ...one, blankBefore: from.word > 0 && o.reference === undefined, blankAfter: from.byPid };
    try {
      if (o.nrpages) shown.pageCache = pageCacheOf(ctx.prog, one.files);
      if (o.reference !== undefined) {
        const ref = o.reference;
        const nums = referenceNumbers(ref, one.maxFds);
        shown.files = one.files.filter((f) => rowRefers(fileRowWords(f, shown.pageCache?.[f.fd]), ref, nums));
        shown.referenced = shown.files.length > 0 || (one.fs !== undefined && (filenameComponent(one.fs.root.path, ref) || filenameComponent(one.fs.cwd.path, ref)));
      }
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      shown.problem ??= err.message;
    }
    result.tasks.push(shown);
    if (shown.problem) result.errors.push(`files: PID ${task.pid}: ${shown.problem}`);
  };
  forEachTaskArg(ctx, "files", o.words, only, dump, (line) => result.errors.push(line));
  return result;
}

function inodePages(ctx: CommandContext, inode: bigint): FilesResult {
  const prog = ctx.prog;
  const { mapping, nrpages } = inodePageCache(prog, inode);
  const result: FilesResult & { kind: "inodePages" } = { kind: "inodePages", inode, mapping, nrpages, pages: [], paddrWidth: paddrWidth(ctx), errors: [] };
  if (nrpages === 0n) return result;
  const walk = mappingPages(prog, mapping);
  const vmemmap = ctx.addressSpace.layout.vmemmapStart;
  for (const { page } of walk.pages) {
    ctx.interrupt?.();
    // dump_inode_page: an entry that is no struct page is not shown (nor counted as one).
    const pfn = pageToPfn(prog, page, vmemmap);
    if (pfn === undefined) continue;
    result.pages.push(memMapPage(ctx, readStructPage(prog, page, pfn)));
  }
  if (walk.problem) result.errors.push(`files: ${walk.problem.message}`);
  if (BigInt(walk.pages.length) !== nrpages) result.errors.push(`files: xarray page count: ${walk.pages.length}  nrpages: ${nrpages}`);
  return result;
}

function files(ctx: CommandContext, o: FilesOptions, only?: readonly Task[]): FilesResult {
  if (o.dentry !== undefined) {
    try {
      return { kind: "dentry", dentry: o.dentry, place: dentryPlace(ctx.prog, o.dentry), errors: [] };
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      // crash's readmem error for the dentry cache it fills first.
      return { kind: "dentry", dentry: o.dentry, errors: [`files: invalid kernel virtual address: ${o.dentry.toString(16)}  type: "fill_dentry_cache"`] };
    }
  }
  if (o.inode !== undefined) return inodePages(ctx, o.inode);
  return tasksFiles(ctx, o, only);
}

/** crash's htol for -d and -p: a hexadecimal address. */
function address(option: string, word: string): bigint {
  if (!isHexAddress(word)) throw new CommandError("files", `invalid hexadecimal argument to -${option}: ${word}`);
  return parseHex(word);
}

const FILES_OPTIONS = { flags: "c", values: "dpR" } as const;

export const filesCommand = defineCommand({
  name: "files",
  summary: "open files",
  help: `SYNOPSIS
  files [-d dentry] | [-p inode] | [-c] [-R reference] [pid | taskp] ...

DESCRIPTION
  Shows the root directory and current working directory of a task, then one line per open file
  descriptor: the descriptor number, the addresses of its struct file, struct dentry and struct inode,
  the file type (REG, DIR, CHR, BLK, LNK, FIFO, PIPE, SOCK, or UNKN for inodes without a file type such
  as anonymous inodes) and the path. Sockets show their protocol name (TCP, TCPv6, UNIX...), pipes an
  empty path. A file without a dentry or inode shows zeros and "?".

  With no argument, shows the current context's task (see set). A pid selects every task with that pid
  (pid 0: the idle task of each CPU); a hexadecimal address selects that task_struct.

     -d dentry  the dentry's inode, super block, file type and full path (under the mount of pid 1's
                namespace that has its super block).
     -p inode   the inode's pages in the page cache: its nrpages, then each page's struct page line
                as kmem -p shows it.
     -c         for each open file: its inode, the inode's i_mapping, the number of pages of the inode
                in the page cache, the type and the path.
  -R reference  only the tasks and descriptors that refer to the reference: a descriptor number, a
                file, dentry or inode address, a type (REG, SOCK...), or part of a path (the root and
                working directory count too). Typically run as "foreach files -R ...".

  Paths are built as crash builds them, from the dentry up through the mount points; a file deleted
  while open keeps its last name (the structured result marks it deleted).`,
  options: FILES_OPTIONS,
  parse(args): FilesOptions {
    if (args.values("R").length > 1) throw new CommandError("files", "only one -R option allowed");
    // crash acts on the first -d or -p it meets; given both, kdw takes -d.
    const d = args.value("d");
    const p = args.value("p");
    return {
      ...(d !== undefined ? { dentry: address("d", d) } : p !== undefined ? { inode: address("p", p) } : {}),
      nrpages: args.has("c"),
      ...(args.value("R") !== undefined ? { reference: args.value("R")! } : {}),
      words: args.operands,
    };
  },
  execute: files,
  format: formatFiles,
  errors: (r) => r.errors,
  perTask: true,
});
