// Facts about a process that /proc shows and ps leaves out: its executable (mm->exe_file, /proc/PID/exe,
// with the kernel's "(deleted)" as a flag), its controlling terminal and whether it leads its session
// (signal->tty, signal->leader), and its vDSO (mm->context.vdso on x86). Each read names the word it read,
// so that a report can point at it. Layouts resolved once per program; members a kernel lacks are absent.
import { KdwError } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { dPath, dUnlinked, fsLayout, readDentry } from "../fs/fs";
import { taskLayout } from "./layout";
import type { Task } from "./tasks";

export interface ExeFile {
  /** &mm->exe_file and the struct file it holds. */
  slot: bigint;
  file: bigint;
  dentry: bigint;
  /** The path as d_path builds it (crash's get_pathname), without " (deleted)". */
  path: string;
  complete: boolean;
  /** The file was unlinked while it ran (d_unlinked). */
  deleted: boolean;
  /** The dentry's own name (the last component). */
  name: string;
}

export interface SignalFacts {
  /** &signal->tty and its value (0: no controlling terminal). */
  ttySlot: bigint;
  tty: bigint;
  /** &signal->leader and its value (1: the process leads its session, as after setsid()). */
  leaderSlot: bigint;
  sessionLeader: boolean;
}

const PROCESS_LAYOUT = layout({
  exeFile: optional("mm_struct.exe_file"),
  vdso: optional("mm_struct.context.vdso"), // x86 mm_context_t
  signalTty: optional("signal_struct.tty"),
  signalLeader: optional("signal_struct.leader"),
});

/** The executable of a task with an mm; undefined when it has none (exec failed, or mm->exe_file cleared). */
export function taskExe(prog: Program, task: Task): ExeFile | undefined {
  const l = PROCESS_LAYOUT.of(prog);
  if (task.mm === 0n || l.exeFile === undefined) return undefined;
  const slot = task.mm + BigInt(l.exeFile);
  const file = prog.readU64(slot);
  if (file === 0n) return undefined;
  const fl = fsLayout(prog);
  const dentry = prog.readU64(file + BigInt(fl.fileDentry));
  if (dentry === 0n) return undefined;
  const mnt = prog.readU64(file + BigInt(fl.fileVfsmnt));
  const p = dPath(prog, dentry, mnt, fl);
  let name = "";
  try {
    name = readDentry(prog, dentry, fl).name ?? "";
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return { slot, file, dentry, path: p.path, complete: p.complete, deleted: dUnlinked(prog, dentry, fl), name };
}

/** The path of a struct file (a mapping's vm_file, an open file), or undefined when it has no dentry. */
export function filePath(prog: Program, file: bigint): { path: string; deleted: boolean } | undefined {
  const fl = fsLayout(prog);
  const dentry = prog.readU64(file + BigInt(fl.fileDentry));
  if (dentry === 0n) return undefined;
  return { path: dPath(prog, dentry, prog.readU64(file + BigInt(fl.fileVfsmnt)), fl).path, deleted: dUnlinked(prog, dentry, fl) };
}

/** signal->tty and signal->leader of a task; undefined without a signal_struct or those members. */
export function taskSignalFacts(prog: Program, task: Task): SignalFacts | undefined {
  const l = PROCESS_LAYOUT.of(prog);
  if (l.signalTty === undefined || l.signalLeader === undefined) return undefined;
  const signal = prog.readU64(task.address + BigInt(taskLayout(prog).signal));
  if (signal === 0n) return undefined;
  const ttySlot = signal + BigInt(l.signalTty);
  const leaderSlot = signal + BigInt(l.signalLeader);
  return { ttySlot, tty: prog.readU64(ttySlot), leaderSlot, sessionLeader: prog.readS32(leaderSlot) !== 0 };
}

/** mm->context.vdso (x86): where the vDSO is mapped, 0 when unknown. */
export function mmVdso(prog: Program, mm: bigint): bigint {
  const l = PROCESS_LAYOUT.of(prog);
  if (mm === 0n || l.vdso === undefined) return 0n;
  return prog.readU64(mm + BigInt(l.vdso));
}
