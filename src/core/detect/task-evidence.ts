// The words of a task the process rules cite: its comm, flags, mm, parent, executable and terminal, each
// read where it lives so that `rd` shows the same value.
import { taskLayout } from "../kernel/tasks/layout";
import type { Task } from "../kernel/tasks/tasks";
import type { DetectContext } from "./context";
import type { Evidence } from "./finding";
import type { ProcessFacts } from "./processes";

export function commEvidence(ctx: DetectContext, t: Task): Evidence {
  return ctx.text(`task_struct.comm of pid ${t.pid}`, t.address + BigInt(taskLayout(ctx.prog).comm), 16);
}

export function flagsEvidence(ctx: DetectContext, t: Task, note: string): Evidence {
  return ctx.word(`task_struct.flags of pid ${t.pid} (${note})`, t.address + BigInt(taskLayout(ctx.prog).flags), 4);
}

export function mmEvidence(ctx: DetectContext, t: Task): Evidence {
  return ctx.word(`task_struct.mm of pid ${t.pid} (a user address space)`, t.address + BigInt(taskLayout(ctx.prog).mm), 8);
}

export function parentEvidence(ctx: DetectContext, p: ProcessFacts): Evidence {
  const t = p.leader;
  const who = p.parent ? `pid ${p.parent.pid} ${p.parent.comm}` : "not in the task table";
  return ctx.word(`task_struct.parent of pid ${t.pid} (${who})`, t.address + BigInt(taskLayout(ctx.prog).parent), 8);
}

export function ttyEvidence(ctx: DetectContext, p: ProcessFacts): Evidence[] {
  if (!p.signal) return [];
  return [
    ctx.word(`signal_struct.tty of pid ${p.leader.pid} (${p.signal.tty === 0n ? "no controlling terminal" : "controlling terminal"})`, p.signal.ttySlot, 8),
    ctx.word(`signal_struct.leader of pid ${p.leader.pid} (${p.signal.sessionLeader ? "session leader" : "not a session leader"})`, p.signal.leaderSlot, 4),
  ];
}

export function exeEvidence(ctx: DetectContext, p: ProcessFacts): Evidence[] {
  if (!p.exe) return [];
  return [ctx.word(`mm->exe_file of pid ${p.leader.pid}: ${p.exe.path}${p.exe.deleted ? " (deleted)" : ""}`, p.exe.slot, 8)];
}

/** Detached like a daemon: no controlling terminal and parented by init. */
export function detached(p: ProcessFacts): boolean {
  return p.signal !== undefined && p.signal.tty === 0n && p.leader.ppid === 1;
}
