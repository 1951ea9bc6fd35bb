// crash's log text: each record as dump_record (lockless), dump_log_entry (printk_log records) or dump_log
// (flat text) prints it, and log -a's audit records.
import { printable, printableOrSpace, type PrintkLog } from "../../kernel/printk/printk";
import { halves, WORD, type PrintkTable } from "../../kernel/printk/table";
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

/** 10^9, and 2^16: the long division of a u64 of ns into seconds goes by 16-bit limbs. */
const NS_PER_SEC = 1e9;
const LIMB = 0x10000;

/**
 * A u64 of ns (two 32-bit halves) as whole seconds and the ns left: a number division below 2^53 ns (104
 * days of uptime), else a long division by 16-bit limbs (each step below 10^9 * 2^16 < 2^53: exact), so
 * that no record makes a BigInt. Writes into `out` ([seconds, ns]).
 */
function secondsOf(lo: number, hi: number, out: Float64Array): void {
  if (hi < 0x200000) {
    const ns = hi * 2 ** 32 + lo;
    const sec = Math.floor(ns / NS_PER_SEC);
    out[0] = sec;
    out[1] = ns - sec * NS_PER_SEC;
    return;
  }
  let rem = 0;
  let sec = 0;
  for (const limb of [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff]) {
    const cur = rem * LIMB + limb;
    const q = Math.floor(cur / NS_PER_SEC);
    rem = cur - q * NS_PER_SEC;
    sec = sec * LIMB + q;
  }
  out[0] = sec;
  out[1] = rem;
}

/** The record's timestamp: "[sssss.uuuuuu] " (seconds padded to 5, microseconds to 6), or -T's ctime. */
function timestamp(out: TextBuilder, sec: number, ns: number, opts: LogOptions, env: LogFormatEnv): void {
  if (opts.ctime) return out.text(`[${ctimeUtc((env.bootTime ?? 0) + sec)}] `);
  out.stamp(sec, Math.floor(ns / 1000));
}

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

/** crash prints the dev_info strings with %s; kdw shows their non-printable bytes as '.', like the text. */
function crashDictValue(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += printable(s.charCodeAt(i)) ? s[i] : ".";
  return out;
}

/**
 * The log as crash prints it, each record as dump_record / dump_log_entry print it: the prefix, then the
 * text, its newlines followed by the prefix's width of spaces. Built as bytes from the table's columns and
 * the texts where they lie (a production log has 10^5 records: no string per record or line).
 */
export function formatLog(log: Pick<PrintkLog, "layout" | "table">, opts: LogOptions, env: LogFormatEnv): string {
  const t = log.table;
  const n = t.count;
  let textBytes = 0;
  for (let k = 0; k < n; k++) textBytes += t.textLen[k]!;
  // Room for the texts, each record's prefix and newline, and some continuation lines' indents: growing
  // costs a copy of what was written, and every page written is one more fault for the kernel to serve.
  const prefix = (opts.noTime ? 0 : opts.ctime ? 32 : 15) + (opts.caller ? env.pidMaxChars + 3 : 0) + (opts.level ? 4 : 0) + 1;
  const out = new TextBuilder(textBytes + n * prefix + (textBytes >> 3) + 4096);
  const extras = t.extras;
  let e = 0;
  if (log.layout === "flat") {
    // dump_log: the level prefix only with -m; crash passes any 7-bit byte (ascii()), kdw shows control
    // characters other than whitespace as '.', as it does for the newer layouts.
    for (let k = 0; k < n; k++) {
      while (e < extras.length && extras[e]!.record < k) e++;
      const prefix = e < extras.length && extras[e]!.record === k ? extras[e]!.prefix : undefined;
      if (opts.level && prefix) out.text(prefix);
      writeText(out, t, k, 0);
      out.char(0x0a);
    }
    if (n === 0) out.char(0x0a);
    return out.toString();
  }
  const lockless = log.layout === "lockless";
  const callerWidth = lockless ? env.pidMaxChars : PID_CHARS_DEFAULT;
  const ts = halves(t.tsNsec);
  const time = new Float64Array(2);
  for (let k = 0; k < n; k++) {
    if (t.dataless?.[k]) {
      out.char(0x0a);
      continue;
    }
    const start = out.length;
    if (!opts.noTime) {
      secondsOf(ts[2 * k + WORD.lo]!, ts[2 * k + WORD.hi]!, time);
      timestamp(out, time[0]!, time[1]!, opts, env);
    }
    if (opts.caller && t.callerId) out.text(callerId(t.callerId[k]!, callerWidth));
    const level = t.level[k]!;
    if (opts.level && level >= 0) {
      out.char(0x3c);
      out.text(level.toString(16));
      out.char(0x3e);
    }
    const width = out.length - start;
    writeText(out, t, k, width);
    if (opts.dict) {
      while (e < extras.length && extras[e]!.record < k) e++;
      const x = e < extras.length && extras[e]!.record === k ? extras[e] : undefined;
      if (x) {
        const indent = " ".repeat(width);
        if (lockless) {
          if (x.subsystem) out.text(`\n${indent}SUBSYSTEM=${crashDictValue(x.subsystem)}`);
          if (x.device) out.text(`\n${indent}DEVICE=${crashDictValue(x.device)}`);
        } else if (x.dict) {
          // crash 8.0.6 tests `dict_len & (msg_flags & SHOW_LOG_DICT)`, a bitwise AND that shows the
          // dictionary only when dict_len has bit 1 set; kdw shows every record's dictionary, as the option means.
          out.text(dictLines(x.dict, indent));
        }
      }
    }
    out.char(0x0a);
  }
  return out.toString();
}

/** Record k's text through crashText, each newline followed by `indent` spaces. */
function writeText(out: TextBuilder, t: PrintkTable, k: number, indent: number): void {
  const len = t.textLen[k]!;
  if (len === 0) return;
  let at = t.textAt[k]!;
  for (const s of t.segments) {
    if (at < s.length) return out.mappedBytes(s, at, at + len, CRASH_TEXT, indent);
    at -= s.length;
  }
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
