// crash's `log` (kernel.c cmd_log): the kernel log in chronological order, formatted per layout as crash's
// dump_record (printk.c, lockless 5.10+), dump_log_entry (kernel.c, printk_log records) and dump_log
// (kernel.c, flat text) do.
import { KdwError } from "../../io/errors";
import { bootTime, crashText, printable, readPrintkLog, type PrintkLog, type PrintkRecord } from "../../kernel/printk/printk";
import { auditLog, type AuditRecord } from "../../kernel/printk/audit";
import type { Program } from "../../program/program";
import { CommandError, splitOptions, type Command } from "../command";
import { ctimeUtc } from "./sys";

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
  layout: PrintkLog["layout"];
  records: PrintkRecord[];
  /** Why the walk stopped early, when it did (the records before it are all there). */
  stopped?: string;
  /** Pages of the log the dump left out, read as zeros as crash does. */
  zeroFilledPages: number;
  /** -T: the boot time used (seconds since the epoch). */
  bootTime?: number;
}

/** PID_CHARS_DEFAULT (defs.h): the caller-id width when pid_max is unknown, and for printk_log records. */
const PID_CHARS_DEFAULT = 8;
const CPU_CALLER = 0x80000000;

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

interface FormatEnv {
  bootTime?: number;
  pidMaxChars: number;
}

function timestamp(tsNsec: bigint, opts: LogOptions, env: FormatEnv): string {
  const sec = tsNsec / 1_000_000_000n;
  if (opts.ctime) return `[${ctimeUtc((env.bootTime ?? 0) + Number(sec))}] `;
  const usec = (tsNsec % 1_000_000_000n) / 1000n;
  return `[${String(sec).padStart(5, " ")}.${String(usec).padStart(6, "0")}] `;
}

function callerId(id: number, width: number): string {
  const tag = (id & CPU_CALLER ? "C" : "T") + String(id & 0x7fffffff);
  return `[${tag.padStart(width, " ")}] `;
}

/** The record's text, its newlines continuing on lines indented by the prefix width (dump_record's loop). */
function body(text: string, indent: string): string {
  const clean = crashText(text);
  return clean.includes("\n") ? clean.split("\n").join("\n" + indent) : clean;
}

/** dump_log_entry's dictionary: NUL-separated entries, one per line, indented; non-printables as '.'. */
function dictLines(dict: string, indent: string): string {
  let out = "\n" + indent;
  for (let i = 0; i < dict.length; i++) {
    const c = dict.charCodeAt(i);
    if (c === 0) out += "\n" + (i + 1 < dict.length ? indent : "");
    else out += printable(c) ? dict[i] : ".";
  }
  return out;
}

function formatRecord(r: PrintkRecord, layout: PrintkLog["layout"], opts: LogOptions, env: FormatEnv): string {
  if (r.dataless) return "\n";
  let prefix = opts.noTime ? "" : timestamp(r.tsNsec, opts, env);
  if (opts.caller && r.callerId !== undefined) prefix += callerId(r.callerId, layout === "lockless" ? env.pidMaxChars : PID_CHARS_DEFAULT);
  if (opts.level && r.level !== undefined) prefix += `<${r.level.toString(16)}>`;
  const indent = " ".repeat(prefix.length);
  let out = prefix + body(r.text, indent);
  if (opts.dict) {
    if (layout === "lockless") {
      if (r.subsystem) out += `\n${indent}SUBSYSTEM=${crashDictValue(r.subsystem)}`;
      if (r.device) out += `\n${indent}DEVICE=${crashDictValue(r.device)}`;
    } else if (r.dict) {
      // crash 8.0.6 tests `dict_len & (msg_flags & SHOW_LOG_DICT)`, a bitwise AND that shows the dictionary
      // only when dict_len has bit 1 set; kdw shows every record's dictionary, as the option means.
      out += dictLines(r.dict, indent);
    }
  }
  return out + "\n";
}

/** crash prints the dev_info strings with %s; kdw shows their non-printable bytes as '.', like the text. */
function crashDictValue(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += printable(s.charCodeAt(i)) ? s[i] : ".";
  return out;
}

/** The log as crash prints it. */
export function formatLog(log: PrintkLog, opts: LogOptions, env: FormatEnv): string {
  const parts: string[] = [];
  if (log.layout === "flat") {
    // dump_log: the level prefix only with -m; crash passes any 7-bit byte (ascii()), kdw shows control
    // characters other than whitespace as '.', as it does for the newer layouts.
    for (const r of log.records) parts.push((opts.level && r.prefix ? r.prefix : "") + crashText(r.text) + "\n");
    if (parts.length === 0) parts.push("\n");
  } else {
    for (const r of log.records) parts.push(formatRecord(r, log.layout, opts, env));
  }
  return parts.join("");
}

function notSupported(option: string): CommandError {
  return new CommandError("log", `-${option} option not supported or applicable on this architecture or kernel`);
}

function runAudit(prog: Program): { data: AuditRecord[]; text: string; errors?: string[] } {
  const audit = auditLog(prog);
  if (audit === undefined) throw notSupported("a");
  const text = audit.records.map((r) => `type=${r.type} ${crashDictValue(r.text)}\n`).join("");
  const errors: string[] = [];
  if (audit.stopped) errors.push(`log: ${audit.stopped.message}`);
  else if (audit.records.length === 0) errors.push("log: kernel audit log is empty");
  return { data: audit.records, text, ...(errors.length ? { errors } : {}) };
}

export const logCommand: Command = {
  name: "log",
  summary: "dump system message buffer",
  help: `NAME
  log - dump system message buffer

SYNOPSIS
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
    -s  the per-CPU printk safe buffers (4.11 to 5.14): not read by kdw yet.`,
  run(ctx, args) {
    const { flags } = splitOptions(args);
    for (const f of flags) if (!"Ttdmasc".includes(f) || f.length !== 1) throw new CommandError("log", `invalid option: -${f}`);
    const prog = ctx.prog;
    if (flags.has("a")) return runAudit(prog);
    if (flags.has("s")) {
      if (!prog.findType("struct printk_safe_seq_buf")) throw new CommandError("log", "-s not supported with this kernel version");
      throw new CommandError("log", "-s: the printk safe buffers are not read by kdw yet");
    }
    const opts: LogOptions = { ctime: flags.has("T"), noTime: flags.has("t"), dict: flags.has("d"), level: flags.has("m"), caller: flags.has("c") };
    const log = readPrintkLog(prog);
    if (log.layout === "flat") {
      if (opts.ctime) throw notSupported("T");
      if (opts.dict) throw notSupported("d");
      if (opts.noTime) throw notSupported("t");
    }
    const env: FormatEnv = { pidMaxChars: opts.caller && log.layout === "lockless" ? pidMaxChars(prog) : PID_CHARS_DEFAULT };
    if (opts.ctime) {
      env.bootTime = bootTime(prog);
      if (env.bootTime === undefined) throw new CommandError("log", "-T: the boot time is unknown (no crash time in the dump)");
    }
    const data: LogResult = { layout: log.layout, records: log.records, zeroFilledPages: log.zeroFilledPages, ...(log.stopped ? { stopped: log.stopped.message } : {}), ...(env.bootTime !== undefined ? { bootTime: env.bootTime } : {}) };
    const text = formatLog(log, opts, env);
    return { data, text, ...(log.stopped ? { errors: [`log: ${log.stopped.message}`] } : {}) };
  },
};
