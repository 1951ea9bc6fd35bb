// crash's ps text (task.c show_ps, show_ps_data, parent_list, child_list, show_tgid_list, show_task_times,
// show_task_args, show_task_rlimit, task_pointer_string) for a PsResult, and the time formats of ps -t and
// ps -m. Dump strings are escaped.
import { escapeControl as printable } from "../shared/escape";
import { center } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import { TextBuilder } from "../shared/text-builder";
import type { PsEntry, PsResult, PsRlimit, PsRow } from "./ps";

const VADDR_PRLEN = 16;

export const PS_HEADER = "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM";
/** ps -s: the KSTACKP column, centred to the right in the TASK column's width. */
export const PS_KSTACKP_HEADER = `      PID    PPID  CPU ${center("KSTACKP", VADDR_PRLEN, true)}  ST  %MEM      VSZ      RSS  COMM`;

/** The table as crash prints it; its rows built as bytes (a host's 10^5 rows: no string per column). */
export function formatPs(r: PsResult): string {
  const out = new TextBuilder(r.rows.length * 100 + 256);
  if (r.header) {
    out.text(r.kstackp ? PS_KSTACKP_HEADER : PS_HEADER);
    out.char(0x0a);
  }
  for (const row of r.rows) {
    writePsRow(out, row);
    out.char(0x0a);
  }
  for (const e of r.entries) {
    for (const line of formatEntry(e)) {
      out.text(line);
      out.char(0x0a);
    }
  }
  return out.toString();
}

/** formatPsRow into a TextBuilder, without its strings. */
function writePsRow(out: TextBuilder, r: PsRow): void {
  out.text(r.active ? "> " : "  ");
  out.decimal(r.pid, 7, 0x20);
  out.char(0x20);
  out.decimal(r.ppid, 7, 0x20);
  out.char(0x20);
  out.decimal(r.cpu, 3, 0x20);
  out.text("  ");
  if (r.kstackp === undefined) out.hex64(r.task, VADDR_PRLEN);
  else out.text(taskPointer(r));
  out.char(0x20);
  if (r.state.length < 3) out.repeat(0x20, 3 - r.state.length);
  out.text(r.state);
  out.text(r.state.length > 3 ? " " : "  ");
  let pct = r.pctMem.toFixed(1);
  if (pct.length === 3) pct = pct.padStart(4);
  out.text(pct);
  out.char(0x20);
  out.decimal(Math.trunc(r.vszKb), 8, 0x20);
  out.char(0x20);
  out.decimal(Math.trunc(r.rssKb), 8, 0x20);
  out.text("  ");
  const comm = printable(r.comm);
  if (r.kernelThread) out.char(0x5b);
  out.text(comm);
  if (r.kernelThread) out.char(0x5d);
}

function formatEntry(e: PsEntry): string[] {
  switch (e.kind) {
    case "parents":
      return [...e.chain.map((t, depth) => " ".repeat(depth) + formatTaskHeader(t)), ""];
    case "children":
      return [formatTaskHeader(e.task), ...(e.children.length ? e.children.map((c) => "  " + formatTaskHeader(c)) : ["  (no children)"]), ""];
    case "threads":
      return [formatTaskHeader(e.leader), ...(e.threads.length ? e.threads.map((t) => "  " + formatTaskHeader(t)) : ["  (no threads)"]), ""];
    case "times":
      return [formatTaskHeader(e.task), `    RUN TIME: ${convertTime(e.runJiffies, e.hz)}`, `  START TIME: ${e.startTime}`, `       UTIME: ${e.utime}`, `       STIME: ${e.stime}`, ""];
    case "lastRun":
      return [`[${e.lastArrival.toString().padStart(e.width)}] [${e.state}]  ${formatTaskHeader(e.task)}`];
    case "msecs": {
      const t = translateNanoseconds(e.sinceLastRun);
      return [`[${" ".repeat(Math.max(0, e.dayWidth - t.indexOf(" ")))}${t}] [${e.state}]  ${formatTaskHeader(e.task)}`];
    }
    case "cpu":
      return e.first ? [`CPU: ${e.cpu}`] : ["", `CPU: ${e.cpu}`];
    case "rlimits":
      return [formatTaskHeader(e.task), ...formatRlimits(e.limits), ""];
    case "args": {
      const out = [formatTaskHeader(e.task)];
      if (e.args) out.push("ARG: " + e.args.map(printable).join(" "));
      if (e.env) {
        out.push("ENV: " + e.env.map(printable).join("\n     "));
        if (e.env.length === 0) out.push("");
      }
      return out;
    }
    case "summary":
      return [`  ${e.state}: ${e.count}`];
  }
}

/** show_task_rlimit's table: names right-justified to the longest, values centred in "(unlimited)"'s width. */
function formatRlimits(limits: readonly PsRlimit[]): string[] {
  const len1 = Math.max(0, ...limits.map((l) => l.name.length));
  const len2 = "(unlimited)".length;
  const value = (v: bigint | null): string => (v === null ? "(unlimited)" : center(v.toString(), len2));
  return [`  ${"RLIMIT".padStart(len1)}   ${center("CURRENT", len2, true)}   ${center("MAXIMUM", len2, true)}`, ...limits.map((l) => `  ${l.name.padStart(len1)}   ${value(l.cur)}   ${value(l.max)}`)];
}

/** show_ps_data's line: `%7ld %7ld %3s  %s %3s`, %MEM as "%.1f" right-justified in 4, VSZ and RSS in 8. */
export function formatPsRow(r: PsRow): string {
  let pct = r.pctMem.toFixed(1);
  if (pct.length === 3) pct = pct.padStart(4);
  const comm = r.kernelThread ? `[${printable(r.comm)}]` : printable(r.comm);
  return (
    (r.active ? "> " : "  ") +
    `${String(r.pid).padStart(7)} ${String(r.ppid).padStart(7)} ${String(r.cpu).padStart(3)}  ${taskPointer(r)} ${r.state.padStart(3)}` +
    (r.state.length > 3 ? " " : "  ") +
    `${pct} ${String(Math.trunc(r.vszKb)).padStart(8)} ${String(Math.trunc(r.rssKb)).padStart(8)}  ${comm}`
  );
}

/** task_pointer_string: the task address, or with -s the saved stack pointer ("--" when there is none). */
function taskPointer(r: PsRow): string {
  if (r.kstackp === undefined) return r.task.toString(16).padStart(VADDR_PRLEN);
  return center(r.kstackp === 0n ? "--" : r.kstackp.toString(16), VADDR_PRLEN, true);
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
