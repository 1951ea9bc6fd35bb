// The executable a task runs: mm->exe_file's path (what /proc/PID/exe shows; include/linux/mm_types.h,
// mm_struct.exe_file since 2.6.x), with " (deleted)" when its dentry was unlinked, as the kernel's d_path
// says it. Undefined for kernel threads, a task without an mm, or a kernel without the member.
import { KdwError } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";
import { readOpenFile } from "../fs/files";
import { taskLayout } from "./layout";
import type { Task } from "./tasks";

export interface TaskExe {
  file: bigint;
  path: string;
  deleted: boolean;
}

/** Each mm's executable, read once per Program (a thread group's threads share their mm). */
const MM_EXE = perProgram((): Map<bigint, TaskExe | null> => new Map());

export function taskExe(prog: Program, task: Task): TaskExe | undefined {
  const off = taskLayout(prog).mmExeFile;
  if (off === undefined || task.mm === 0n || task.kernelThread) return undefined;
  const cache = MM_EXE.of(prog);
  let exe = cache.get(task.mm);
  if (exe === undefined) cache.set(task.mm, (exe = mmExe(prog, task.mm, off) ?? null));
  return exe ?? undefined;
}

function mmExe(prog: Program, mm: bigint, off: number): TaskExe | undefined {
  try {
    const file = prog.readU64(mm + BigInt(off));
    if (file === 0n) return undefined;
    const open = readOpenFile(prog, -1, file);
    if (open.dentry === 0n) return undefined;
    return { file, path: open.path.path, deleted: open.deleted };
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
}

/** The path as /proc/PID/exe would print it. */
export function taskExePath(prog: Program, task: Task): string | undefined {
  const exe = taskExe(prog, task);
  return exe && (exe.deleted ? `${exe.path} (deleted)` : exe.path);
}
