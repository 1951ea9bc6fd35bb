// What the process rules look at, gathered once per process (a thread group) and shared: its threads and
// where each was seen, its executable, terminal and session, memory sizes and mappings, CPU use since it
// started and at the crash, and argv[0] when the dump kept user pages. Every read is guarded: a fact that
// cannot be read is undefined with the reason in `problems`, and the other facts stay.
import { KdwError } from "../io/errors";
import { forEachVma, type Vma } from "../kernel/mm/vma";
import { taskMemUsage } from "../kernel/tasks/mem";
import { filePath, mmVdso, taskExe, taskSignalFacts, type ExeFile, type SignalFacts } from "../kernel/tasks/process";
import { taskTable, type Task } from "../kernel/tasks/tasks";
import { readUserRange, taskArgRanges, taskUserSpace } from "../kernel/tasks/user";
import type { TaskView, TaskViews } from "../kernel/tasks/views";
import type { Program } from "../program/program";

// include/linux/mm.h vm_flags.
export const VM_READ = 0x1n;
export const VM_WRITE = 0x2n;
export const VM_EXEC = 0x4n;
export const VM_SHARED = 0x8n;

const MAX_VMAS_READ = 1 << 16;
const ARGV0_MAX = 256;

export interface MappingFacts {
  count: number;
  /** Writable and executable at once. */
  writableExecutable: Vma[];
  /** Executable without a file behind it (the vDSO excluded). */
  anonymousExecutable: Vma[];
  /** Bytes mapped with no access at all (PROT_NONE reservations) and anonymous bytes. */
  protNoneBytes: bigint;
  anonymousBytes: bigint;
  /** Paths of the files mapped, deleted ones marked, in address order without repeats. */
  files: { path: string; deleted: boolean; vma: Vma }[];
}

export interface ProcessFacts {
  /** The thread-group leader (or the first thread seen when the leader is gone). */
  leader: Task;
  view: TaskView;
  threads: TaskView[];
  parent?: Task;
  exe?: ExeFile;
  signal?: SignalFacts;
  /** KiB, as ps shows them. */
  vszKiB: number;
  rssKiB: number;
  mappings?: MappingFacts;
  /** CPU time of all threads and the time since the process started, in seconds; share = cpu / elapsed. */
  cpuSeconds: number;
  elapsedSeconds: number;
  /** Threads running (rq->curr) and queued at the crash, and the CPUs they were on. */
  running: number;
  queued: number;
  cpus: number[];
  /** argv[0] from user memory; undefined with the reason in argv0Problem. */
  argv0?: string;
  argv0Problem?: string;
  problems: string[];
}

/** User processes (thread groups with an mm and no PF_KTHREAD), each read once. */
export function processFacts(prog: Program, views: TaskViews): ProcessFacts[] {
  const groups = new Map<number, TaskView[]>();
  for (const v of views.tasks) {
    const t = v.task;
    if (t.kernelThread || t.pid === 0) continue;
    let g = groups.get(t.tgid);
    if (!g) groups.set(t.tgid, (g = []));
    g.push(v);
  }
  const table = taskTable(prog);
  const now = table.runqueues.reduce((m, rq) => (rq.clock > m ? rq.clock : m), 0n);
  const out: ProcessFacts[] = [];
  for (const threads of groups.values()) {
    const view = threads.find((v) => v.task.pid === v.task.tgid) ?? threads[0]!;
    out.push(readProcess(prog, view, threads, now));
  }
  return out;
}

function readProcess(prog: Program, view: TaskView, threads: TaskView[], now: bigint): ProcessFacts {
  const leader = view.task;
  const table = taskTable(prog);
  const problems: string[] = [];
  const guard = <T>(what: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(`${what}: ${err.message}`);
      return undefined;
    }
  };
  const mem = guard("memory use", () => taskMemUsage(prog, table, leader));
  const cpuNs = threads.reduce((n, v) => n + v.task.utime + v.task.stime, 0n);
  const elapsedNs = now > leader.startTime ? now - leader.startTime : 0n;
  const onRq = threads.filter((v) => v.runqueueCpu !== undefined);
  const facts: ProcessFacts = {
    leader,
    view,
    threads,
    parent: table.byAddress.get(leader.parent),
    exe: guard("executable (mm->exe_file)", () => taskExe(prog, leader)),
    signal: guard("signal_struct", () => taskSignalFacts(prog, leader)),
    vszKiB: (mem?.totalVm ?? 0) * 4,
    rssKiB: (mem?.rss ?? 0) * 4,
    mappings: leader.mm !== 0n ? guard("memory map", () => mappingFacts(prog, leader)) : undefined,
    cpuSeconds: Number(cpuNs) / 1e9,
    elapsedSeconds: Number(elapsedNs) / 1e9,
    running: onRq.filter((v) => v.running).length,
    queued: onRq.filter((v) => !v.running).length,
    cpus: [...new Set(onRq.map((v) => v.runqueueCpu!))].sort((a, b) => a - b),
    problems,
  };
  const argv = readArgv0(prog, leader);
  if ("argv0" in argv) facts.argv0 = argv.argv0;
  else facts.argv0Problem = argv.problem;
  return facts;
}

function mappingFacts(prog: Program, task: Task): MappingFacts {
  const vdso = mmVdso(prog, task.mm);
  const m: MappingFacts = { count: 0, writableExecutable: [], anonymousExecutable: [], protNoneBytes: 0n, anonymousBytes: 0n, files: [] };
  const seenFiles = new Set<bigint>();
  for (const v of forEachVma(prog, task.mm, { budget: MAX_VMAS_READ })) {
    m.count++;
    const size = v.end - v.start;
    if ((v.flags & (VM_WRITE | VM_EXEC)) === (VM_WRITE | VM_EXEC)) m.writableExecutable.push(v);
    if (v.file === 0n) {
      m.anonymousBytes += size;
      // The vDSO is a special mapping without a file (vvar beside it is not executable).
      if (v.flags & VM_EXEC && v.start !== vdso) m.anonymousExecutable.push(v);
    } else if (!seenFiles.has(v.file)) {
      seenFiles.add(v.file);
      const p = filePath(prog, v.file);
      if (p) m.files.push({ ...p, vma: v });
    }
    if ((v.flags & (VM_READ | VM_WRITE | VM_EXEC)) === 0n) m.protNoneBytes += size;
  }
  return m;
}

function readArgv0(prog: Program, task: Task): { argv0: string } | { problem: string } {
  if (task.mm === 0n) return { problem: "no mm" };
  try {
    const r = taskArgRanges(prog, task);
    if (r.argEnd <= r.argStart) return { problem: "empty argument area" };
    const end = r.argEnd - r.argStart > BigInt(ARGV0_MAX) ? r.argStart + BigInt(ARGV0_MAX) : r.argEnd;
    const read = readUserRange(taskUserSpace(prog, task), r.argStart, end);
    if (!read.ok) return { problem: `user memory at ${read.address.toString(16)} cannot be read (${read.reason})` };
    const nul = read.bytes.indexOf(0);
    let s = "";
    for (const c of read.bytes.subarray(0, nul < 0 ? read.bytes.length : nul)) s += String.fromCharCode(c);
    return { argv0: s };
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { problem: err.message };
  }
}

/** Basename of a path. */
export function basename(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}
