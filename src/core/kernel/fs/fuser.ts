// Who holds a file (crash's fuser, filesys.c cmd_fuser): a task uses a file as its root or working directory,
// through an open descriptor, or by mapping it. A file is named by its full path, or by the address of one
// of its kernel objects as crash's `foreach files -i` / `foreach vm -i` print them: for a descriptor its
// struct file, dentry or inode; for the root and working directory their inode; for a mapping the
// vm_area_struct or the inode. Threads sharing an mm are read once. Reads that fail mark the task's row
// partial and the walk goes on.
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";
import type { Task } from "../tasks/tasks";
import { taskFsPaths, taskOpenFiles } from "./files";
import { dPath, fsLayout } from "./fs";
import { forEachVma } from "../mm/vma";

export type FileUse = "root" | "cwd" | "fd" | "mmap";

/** What names the file: its path, or the address of its file, dentry, inode or vm_area_struct. */
export type FileSpec = { path: string } | { address: bigint };

export interface FileUser {
  task: Task;
  /** In crash's order: root, cwd, fd, mmap. */
  uses: FileUse[];
  /** What could not be read for this task (its uses may then be incomplete). */
  problems: string[];
}

interface MappedFile {
  vma: bigint;
  inode: bigint;
  path: string;
}

/** The mapped files of one mm (threads share it). */
function mappedFiles(prog: Program, mm: bigint, problems: string[]): MappedFile[] {
  const l = fsLayout(prog);
  const out: MappedFile[] = [];
  try {
    for (const v of forEachVma(prog, mm)) {
      if (v.file === 0n) {
        out.push({ vma: v.address, inode: 0n, path: "" });
        continue;
      }
      const dentry = prog.readU64(v.file + BigInt(l.fileDentry));
      if (dentry === 0n) {
        out.push({ vma: v.address, inode: 0n, path: "" });
        continue;
      }
      const inode = prog.readU64(dentry + BigInt(l.dentryInode));
      out.push({ vma: v.address, inode, path: dPath(prog, dentry, prog.readU64(v.file + BigInt(l.fileVfsmnt)), l).path });
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(`mm ${mm.toString(16)}: ${err.message}`);
  }
  return out;
}

function matches(spec: FileSpec, path: string, ...addresses: bigint[]): boolean {
  if ("path" in spec) return path !== "" && path === spec.path;
  return spec.address !== 0n && addresses.includes(spec.address);
}

/**
 * The tasks (of those given, in their order) that use the file `spec` names, with how. `interrupt` is
 * called once per task (the caller's cancel checkpoint).
 */
export function fileUsers(prog: Program, tasks: readonly Task[], spec: FileSpec, interrupt?: () => void): FileUser[] {
  const out: FileUser[] = [];
  const maps = new Map<bigint, { files: MappedFile[]; problems: string[] }>();
  const l = fsLayout(prog);
  for (const task of tasks) {
    interrupt?.();
    const uses: FileUse[] = [];
    const problems: string[] = [];
    try {
      const fs = taskFsPaths(prog, task.address);
      if (fs) {
        const inodeOf = (dentry: bigint): bigint => (dentry === 0n ? 0n : prog.readU64(dentry + BigInt(l.dentryInode)));
        if (matches(spec, fs.root.path, inodeOf(fs.rootDentry))) uses.push("root");
        if (matches(spec, fs.cwd.path, inodeOf(fs.pwdDentry))) uses.push("cwd");
      }
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(`fs_struct: ${err.message}`);
    }
    try {
      const table = taskOpenFiles(prog, task.address);
      if (table?.open.some((f) => matches(spec, f.path.path, f.file, f.dentry, f.inode))) uses.push("fd");
      if (table?.problem) problems.push(table.problem.message);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(`files_struct: ${err.message}`);
    }
    if (task.mm !== 0n) {
      let m = maps.get(task.mm);
      if (!m) {
        const p: string[] = [];
        m = { files: mappedFiles(prog, task.mm, p), problems: p };
        maps.set(task.mm, m);
      }
      if (m.files.some((f) => matches(spec, f.path, f.vma, f.inode))) uses.push("mmap");
      problems.push(...m.problems);
    }
    if (uses.length > 0 || problems.length > 0) out.push({ task, uses, problems });
  }
  return out;
}
