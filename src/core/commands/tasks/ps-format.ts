// crash's task layouts: print_task_header ("PID: ... TASK: ... CPU: ... COMMAND: ..."), the ps row and
// header (task.c show_ps, show_ps_data), and the time formats of ps -t and ps -m. Dump strings are escaped.
import type { Task } from "../../kernel/tasks/tasks";
import type { TaskMemUsage } from "../../kernel/tasks/mem";
import { escapeControl as printable } from "../shared/escape";

const VADDR_PRLEN = 16;

/** print_task_header: `PID: %-7ld  TASK: %-16lx  CPU: %-3s  COMMAND: "%s"`. */
export function formatTaskHeader(task: Task): string {
  return `PID: ${String(task.pid).padEnd(7)}  TASK: ${task.address.toString(16).padEnd(VADDR_PRLEN)}  CPU: ${String(task.cpu).padEnd(3)}  COMMAND: "${printable(task.comm)}"`;
}

export const PS_HEADER = "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM";

export interface PsRow {
  pid: number;
  ppid: number;
  cpu: number;
  task: bigint;
  state: string;
  /** Percent of physical memory, as crash rounds it (one decimal). */
  pctMem: number;
  vszKb: number;
  rssKb: number;
  comm: string;
  kernelThread: boolean;
  active: boolean;
}

export function psRow(task: Task, mem: TaskMemUsage, pageSize: number): PsRow {
  return {
    pid: task.pid,
    ppid: task.ppid,
    cpu: task.cpu,
    task: task.address,
    state: task.stateString,
    pctMem: mem.pctPhysmem,
    vszKb: (mem.totalVm * pageSize) / 1024,
    rssKb: (mem.rss * pageSize) / 1024,
    comm: task.comm,
    kernelThread: task.kernelThread,
    active: task.active,
  };
}

/** show_ps_data's line: `%7ld %7ld %3s  %s %3s`, %MEM as "%.1f" right-justified in 4, VSZ and RSS in 8. */
export function formatPsRow(r: PsRow): string {
  let pct = r.pctMem.toFixed(1);
  if (pct.length === 3) pct = pct.padStart(4);
  const comm = r.kernelThread ? `[${printable(r.comm)}]` : printable(r.comm);
  return (
    (r.active ? "> " : "  ") +
    `${String(r.pid).padStart(7)} ${String(r.ppid).padStart(7)} ${String(r.cpu).padStart(3)}  ${r.task.toString(16).padStart(VADDR_PRLEN)} ${r.state.padStart(3)}` +
    (r.state.length > 3 ? " " : "  ") +
    `${pct} ${String(Math.trunc(r.vszKb)).padStart(8)} ${String(Math.trunc(r.rssKb)).padStart(8)}  ${comm}`
  );
}

/** crash's convert_time: "[N days, ]HH:MM:SS" of a jiffies count. */
export function convertTime(jiffies: bigint, hz: number): string {
  let total = Number(jiffies / BigInt(hz));
  const days = Math.floor(total / 86400);
  total %= 86400;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days ? `${days} days, ` : ""}${p(Math.floor(total / 3600))}:${p(Math.floor((total % 3600) / 60))}:${p(total % 60)}`;
}

/** crash's translate_nanoseconds: "D HH:MM:SS.mmm". */
export function translateNanoseconds(ns: bigint): string {
  let v = ns / 1000000n;
  const ms = v % 1000n;
  v /= 1000n;
  const secs = v % 60n;
  v /= 60n;
  const mins = v % 60n;
  v /= 60n;
  const hours = v % 24n;
  const days = v / 24n;
  const p = (n: bigint, w = 2) => n.toString().padStart(w, "0");
  return `${days} ${p(hours)}:${p(mins)}:${p(secs)}.${p(ms, 3)}`;
}
