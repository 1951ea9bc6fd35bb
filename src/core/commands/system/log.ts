// crash's `log` (kernel.c cmd_log): the kernel log in chronological order, formatted per layout as crash's
// dump_record (printk.c, lockless 5.10+), dump_log_entry (kernel.c, printk_log records) and dump_log
// (kernel.c, flat text) do (log-format.ts); -a the audit records still queued in the kernel.
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { bootTime, readPrintkLog, type PrintkLog } from "../../kernel/printk/printk";
import type { PrintkTable } from "../../kernel/printk/table";
import { auditLog, type AuditRecord } from "../../kernel/printk/audit";
import { hasPrintkSafeBuffers, printkSafeBuffers, type SafeBuffer } from "../../kernel/printk/safe";
import type { Program } from "../../program/program";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { formatLogResult, PID_CHARS_DEFAULT } from "./log-format";

export interface LogOptions {
  /** -T: human-readable time from the boot time. */
  ctime?: boolean;
  /** -t: no timestamps. */
  noTime?: boolean;
  /** -d: the dev_printk() dictionary. */
  dict?: boolean;
  /** -m: the log level. */
  level?: boolean;
  /** -c: the caller id. */
  caller?: boolean;
}

export interface LogResult {
  kind: "log";
  layout: PrintkLog["layout"];
  /** The records as columns (kernel/printk/table.ts): a production log has 10^5 of them. */
  table: PrintkTable;
  /** Why the walk stopped early, when it did (the records before it are all there). */
  stopped?: string;
  /** Pages of the log the dump left out, read as zeros as crash does. */
  zeroFilledPages: number;
  /** -T: the boot time used (seconds since the epoch). */
  bootTime?: number;
  /** The options it is shown with, and the caller-id column's width (-c). */
  options: LogOptions;
  pidMaxChars: number;
  /** 4.11 to 5.14: what the printk safe buffers still held, printed after the log as crash does. */
  safe?: SafeBuffer[];
}

export interface AuditResult {
  kind: "audit";
  records: AuditRecord[];
  stopped?: string;
}

/** log -s: the printk safe buffers (none on a kernel that has no struct printk_safe_seq_buf). */
export interface SafeBuffersResult {
  kind: "safe";
  buffers: SafeBuffer[];
  /** -m / -t as given (crash's -s honours them). */
  options: LogOptions;
  stopped?: string;
}

/** The width of the caller-id column from pid_max, as dump_lockless_record_log chooses it. */
export function pidMaxChars(prog: Program): number {
  try {
    if (!prog.hasSymbol("pid_max")) return PID_CHARS_DEFAULT;
    const pidMax = prog.readS32(prog.symbolAddress("pid_max"));
    return pidMax <= 99999 ? 6 : pidMax <= 999999 ? 7 : PID_CHARS_DEFAULT;
  } catch (err) {
    if (err instanceof KdwError) return PID_CHARS_DEFAULT;
    throw err;
  }
}

/** The safe buffers, or crash's "-s not supported" when the struct lacks a member crash reads. */
function safeBuffers(prog: Program, asked: boolean): SafeBuffer[] {
  if (!hasPrintkSafeBuffers(prog)) return [];
  try {
    return printkSafeBuffers(prog);
  } catch (err) {
    if (!(err instanceof MissingDebugInfo)) throw err;
    if (asked) throw new CommandError("log", "-s not supported with this kernel version");
    return [];
  }
}

function notSupported(option: string): CommandError {
  return new CommandError("log", `-${option} option not supported or applicable on this architecture or kernel`);
}

function audit(prog: Program): AuditResult {
  const a = auditLog(prog);
  if (a === undefined) throw notSupported("a");
  return { kind: "audit", records: a.records, ...(a.stopped ? { stopped: a.stopped.message } : {}) };
}

function log(ctx: CommandContext, o: { options: LogOptions; audit: boolean; safe: boolean }): LogResult | AuditResult | SafeBuffersResult {
  const prog = ctx.prog;
  if (o.audit) return audit(prog);
  if (o.safe) {
    // dump_printk_safe_seq_buf: a kernel without the safe buffers (5.15 folded them into the lockless ring
    // buffer; 6.1 has none) has nothing to show, and crash 8.0.6 prints nothing.
    return { kind: "safe", buffers: safeBuffers(prog, true), options: o.options };
  }
  const opts = o.options;
  ctx.interrupt?.();
  const log = readPrintkLog(prog);
  if (log.layout === "flat") {
    if (opts.ctime) throw notSupported("T");
    if (opts.dict) throw notSupported("d");
    if (opts.noTime) throw notSupported("t");
  }
  let boot: number | undefined;
  if (opts.ctime) {
    boot = bootTime(prog);
    if (boot === undefined) throw new CommandError("log", "-T: the boot time is unknown (no crash time in the dump)");
  }
  return {
    kind: "log",
    layout: log.layout,
    table: log.table,
    zeroFilledPages: log.zeroFilledPages,
    ...(log.stopped ? { stopped: log.stopped.message } : {}),
    ...(boot !== undefined ? { bootTime: boot } : {}),
    options: opts,
    pidMaxChars: opts.caller && log.layout === "lockless" ? pidMaxChars(prog) : PID_CHARS_DEFAULT,
    ...(hasPrintkSafeBuffers(prog) ? { safe: safeBuffers(prog, false) } : {}),
  };
}

export const logCommand = defineCommand({
  name: "log",
  summary: "dump system message buffer",
  help: `SYNOPSIS
  log [-Ttdmasc]

DESCRIPTION
  Shows the kernel's message buffer in chronological order, whichever of its three layouts the kernel
  has: the lockless ring buffer (5.10 and later), variable-length records (3.5 to 5.9), or flat text
  (older kernels, whose timestamps, if any, are part of the text). A record of several lines continues
  on lines indented by the width of its prefix. Bytes that are neither printable nor white space are
  shown as '.'.

    -T  human-readable timestamps: the boot time (the crash time minus the uptime) plus the record's
        seconds since boot, always in UTC. The record time comes from local_clock(), which drifts from
        wall time: take it as approximate.
    -t  no timestamps (the record layouts only).
    -d  the key=value dictionary that dev_printk() attaches (SUBSYSTEM=, DEVICE=), one per line.
    -m  the log level before each message: <N> in hexadecimal for records, the stored prefix for flat
        text.
    -c  the caller id: [T<pid>] for a task, [C<cpu>] for a CPU context (5.10 and later, or 5.1 to 5.9
        kernels built with CONFIG_PRINTK_CALLER).
    -a  the audit records still queued in the kernel (audit_queue, audit_retry_queue,
        audit_hold_queue) that the audit daemon had not read.
    -s  the per-CPU printk safe buffers (nmi_print_seq, safe_print_seq; 4.11 to 5.14): each CPU's
        buffer address, length and lost-message count, and the messages not yet flushed to the log
        (a plain "log" prints them after the log too). A kernel without them (5.15 and later) shows
        nothing, as crash does.`,
  options: { flags: "Ttdmasc" },
  parse: (args) => ({ options: { ctime: args.has("T"), noTime: args.has("t"), dict: args.has("d"), level: args.has("m"), caller: args.has("c") }, audit: args.has("a"), safe: args.has("s") }),
  execute: log,
  format: formatLogResult,
  errors(r) {
    const safe = r.kind === "safe" ? r.buffers : r.kind === "log" ? (r.safe ?? []) : [];
    const unread = safe.flatMap((b) => b.cpus.flatMap((c) => (c.problem ? [`log: ${b.name} CPU ${c.cpu}: ${c.problem}`] : [])));
    if (unread.length) return [...(r.stopped !== undefined ? [`log: ${r.stopped}`] : []), ...unread];
    if (r.stopped !== undefined) return [`log: ${r.stopped}`];
    return r.kind === "audit" && r.records.length === 0 ? ["log: kernel audit log is empty"] : undefined;
  },
});
