// crash's log text: each record as dump_record (lockless), dump_log_entry (printk_log records) or dump_log
// (flat text) prints it, and log -a's audit records.
import { crashText, printable, printableOrSpace, type PrintkLog, type PrintkRecord } from "../../kernel/printk/printk";
import { ctimeUtc } from "../shared/time";
import { TextBuilder } from "../shared/text-builder";
import type { SafeBuffer } from "../../kernel/printk/safe";
import type { AuditResult, LogOptions, LogResult, SafeBuffersResult } from "./log";

/** PID_CHARS_DEFAULT (defs.h): the caller-id width when pid_max is unknown, and for printk_log records. */
export const PID_CHARS_DEFAULT = 8;
const CPU_CALLER = 0x80000000;

export interface LogFormatEnv {
  bootTime?: number;
  pidMaxChars: number;
}

/** The record's timestamp: "[sssss.uuuuuu] " (seconds padded to 5, microseconds to 6), or -T's ctime. */
function timestamp(out: TextBuilder, tsNsec: bigint, opts: LogOptions, env: LogFormatEnv): void {
  // In numbers below 2^53 ns (104 days of uptime; exact there), in BigInt above: a log has 10^5 records.
  if (tsNsec <= MAX_EXACT_NS) {
    const ns = Number(tsNsec);
    const sec = Math.floor(ns / 1e9);
    if (opts.ctime) return out.text(`[${ctimeUtc((env.bootTime ?? 0) + sec)}] `);
    out.char(0x5b);
    out.decimal(sec, 5, 0x20);
    out.char(0x2e);
    out.decimal(Math.floor((ns % 1e9) / 1000), 6, 0x30);
    out.text("] ");
    return;
  }
  const sec = tsNsec / 1_000_000_000n;
  if (opts.ctime) return out.text(`[${ctimeUtc((env.bootTime ?? 0) + Number(sec))}] `);
  const usec = (tsNsec % 1_000_000_000n) / 1000n;
  out.text(`[${String(sec).padStart(5, " ")}.${String(usec).padStart(6, "0")}] `);
}

const MAX_EXACT_NS = BigInt(Number.MAX_SAFE_INTEGER);

function callerId(id: number, width: number): string {
  const tag = (id & CPU_CALLER ? "C" : "T") + String(id & 0x7fffffff);
  return `[${tag.padStart(width, " ")}] `;
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

/** crashText as a table: each byte as crash prints it (isprint() || isspace() as is, anything else '.'). */
const CRASH_TEXT = Uint8Array.from({ length: 256 }, (_, c) => (printableOrSpace(c) ? c : 0x2e));
/** Text that crashText keeps as it is, on one line: tab, \v, \f, \r and printable ASCII only. */
const ONE_CLEAN_LINE = /^[\t\v\f\r -~]*$/;

/** One record as dump_record / dump_log_entry print it: the prefix, then the text, its newlines indented. */
function formatRecord(out: TextBuilder, r: PrintkRecord, layout: PrintkLog["layout"], opts: LogOptions, env: LogFormatEnv): void {
  if (r.dataless) return out.char(0x0a);
  const start = out.length;
  if (!opts.noTime) timestamp(out, r.tsNsec, opts, env);
  if (opts.caller && r.callerId !== undefined) out.text(callerId(r.callerId, layout === "lockless" ? env.pidMaxChars : PID_CHARS_DEFAULT));
  if (opts.level && r.level !== undefined) out.text(`<${r.level.toString(16)}>`);
  const width = out.length - start;
  // crashText, and each newline followed by the prefix's width of spaces, written as they go; a one-line
  // text crashText leaves as it is (nearly all) is copied natively.
  if (ONE_CLEAN_LINE.test(r.text)) out.ascii(r.text);
  else out.mapped(r.text, CRASH_TEXT, 0x2e, width);
  if (opts.dict) {
    const indent = " ".repeat(width);
    if (layout === "lockless") {
      if (r.subsystem) out.text(`\n${indent}SUBSYSTEM=${crashDictValue(r.subsystem)}`);
      if (r.device) out.text(`\n${indent}DEVICE=${crashDictValue(r.device)}`);
    } else if (r.dict) {
      // crash 8.0.6 tests `dict_len & (msg_flags & SHOW_LOG_DICT)`, a bitwise AND that shows the dictionary
      // only when dict_len has bit 1 set; kdw shows every record's dictionary, as the option means.
      out.text(dictLines(r.dict, indent));
    }
  }
  out.char(0x0a);
}

/** crash prints the dev_info strings with %s; kdw shows their non-printable bytes as '.', like the text. */
function crashDictValue(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += printable(s.charCodeAt(i)) ? s[i] : ".";
  return out;
}

/** The log as crash prints it, built as bytes (a production log has 10^5 records: no string per line). */
export function formatLog(log: Pick<PrintkLog, "layout" | "records">, opts: LogOptions, env: LogFormatEnv): string {
  const out = new TextBuilder(log.records.length * 96);
  if (log.layout === "flat") {
    // dump_log: the level prefix only with -m; crash passes any 7-bit byte (ascii()), kdw shows control
    // characters other than whitespace as '.', as it does for the newer layouts.
    for (const r of log.records) {
      if (opts.level && r.prefix) out.text(r.prefix);
      out.text(crashText(r.text));
      out.char(0x0a);
    }
    if (log.records.length === 0) out.char(0x0a);
  } else {
    for (const r of log.records) formatRecord(out, r, log.layout, opts, env);
  }
  return out.toString();
}

export function formatLogResult(r: LogResult | AuditResult | SafeBuffersResult): string {
  if (r.kind === "safe") return formatSafeBuffers(r.buffers, true, r.options);
  if (r.kind === "audit") return r.records.map((a) => `type=${a.type} ${crashDictValue(a.text)}\n`).join("");
  return formatLog(r, r.options, { bootTime: r.bootTime, pidMaxChars: r.pidMaxChars }) + (r.safe ? formatSafeBuffers(r.safe, false, r.options) : "");
}

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * __dump_printk_safe_seq_buf: with the header (log -s), each buffer's name, each CPU's address, length and
 * lost count, then its text indented by 2; without (after a plain log), each message prefixed "[name] ".
 * A message starts at SOH (0x01) followed by its level, shown as <N> with -m.
 */
export function formatSafeBuffers(buffers: readonly SafeBuffer[], header: boolean, opts: LogOptions): string {
  let out = "";
  for (const b of buffers) {
    if (header) out += `PRINTK_SAFE_SEQ_BUF: ${b.name}\n`;
    for (const c of b.cpus) {
      if (header) out += `CPU: ${c.cpu}  ADDR: ${c.address.toString(16)} LEN: ${c.len}  MESSAGE_LOST: ${c.messageLost}\n`;
      if (c.len > 0) {
        const ilen = (header ? 2 : opts.noTime ? 0 : b.name.length + 3) + (opts.level ? 3 : 0);
        let startOfLine = true;
        const p = c.bytes;
        for (let i = 0; i < p.length; i++) {
          const sol = startOfLine;
          startOfLine = false;
          if (p[i] === 0x01) {
            i++;
            if (!sol) out += "\n";
            if (header) out += "  ";
            else if (!opts.noTime) out += `[${b.name}] `;
            const lvl = p[i];
            if (opts.level && lvl !== undefined && ((lvl >= 0x30 && lvl <= 0x37) || lvl === 0x63)) out += `<${String.fromCharCode(lvl)}>`;
            continue;
          }
          if (sol) out += " ".repeat(ilen);
          const ch = p[i]!;
          if (isPrint(ch) || isSpace(ch)) {
            out += String.fromCharCode(ch);
            if (ch === 0x0a) startOfLine = true;
          } else out += ".";
        }
        if (!startOfLine) out += "\n";
        if (header) out += "\n";
      } else if (header) out += "  (empty)\n\n";
    }
  }
  return out;
}
