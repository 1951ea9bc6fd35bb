// The kernel log. Three layouts, chosen by the symbols the kernel has (crash's dump_log, kernel.c):
// - 5.10+: the lockless ring buffer `prb` (kernel/printk/printk_ringbuffer.[ch]) — printk-lockless.ts;
// - 3.5–5.9: variable-length `struct printk_log` records in `log_buf` (kernel/printk/printk.c) —
//   printk-records.ts;
// - older: flat text in `log_buf` up to `log_end` — printk-flat.ts.
import type { WalkAborted } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";
import { readFlatLog } from "./flat";
import { readLockless } from "./lockless";
import { PrintkError } from "./read";

export { PrintkError };
import { readRecordLog } from "./records";
import { crashTime, detectHz, uptimeJiffies } from "../system/sysinfo";
import { joinedText, recordAtPosition, type PrintkTable } from "./table";

export interface PrintkRecord {
  /** Sequence number (lockless: printk_info.seq; older layouts: the record's position in the walk). */
  seq: bigint;
  /** Timestamp in ns since boot (local_clock()); 0 for the flat layout, whose timestamps are in the text. */
  tsNsec: bigint;
  /** Syslog level 0-7 (flat layout: from the `<N>` prefix, when the line has one). */
  level?: number;
  facility?: number;
  /** printk_log.flags / printk_info.flags (LOG_NEWLINE, LOG_CONT, …). */
  flags?: number;
  /** Thread id, or CPU id with bit 31 set (PRINTK_CALLER, lockless always). */
  callerId?: number;
  /** Raw text bytes as latin1 (may hold newlines and control characters). */
  text: string;
  /** Lockless: a descriptor with no text block; crash prints an empty line for it, without a timestamp. */
  dataless?: boolean;
  /** dev_printk()'s dictionary: lockless dev_info, or the SUBSYSTEM=/DEVICE= entries of a printk_log dict. */
  subsystem?: string;
  device?: string;
  /** printk_log layout: the raw dictionary, NUL-separated KEY=value pairs. */
  dict?: string;
  /** Flat layout: the level prefix (`<4>`) as stored before the text; `log -m` prints it. */
  prefix?: string;
}

export interface PrintkLog {
  layout: "lockless" | "printk_log" | "flat";
  /** The records as columns (table.ts): what `log`, the log query and the panic search read. */
  table: PrintkTable;
  /** The records as objects, made on first use (from the table: a large log is better read there). */
  readonly records: readonly PrintkRecord[];
  /** Set when the walk stopped early; the table holds what was read before. */
  stopped?: WalkAborted;
  /** Pages of the log's memory the dump left out, read as zeros (as crash does). */
  zeroFilledPages: number;
}

const PRINTK_LOG = perProgram((prog): PrintkLog => {
  if (prog.hasSymbol("prb")) return readLockless(prog);
  if (prog.hasSymbol("log_first_idx") && prog.hasSymbol("log_next_idx")) return readRecordLog(prog);
  if (prog.hasSymbol("log_buf") && prog.hasSymbol("log_end")) return readFlatLog(prog);
  throw new PrintkError("printk: no kernel log found (neither prb, log_first_idx/log_next_idx nor log_buf/log_end)");
});

/** The kernel log in whichever layout this kernel has (crash's dump_log order). Read once per Program. */
export const readPrintkLog: (prog: Program) => PrintkLog = PRINTK_LOG.of;

/**
 * The boot time in seconds since the epoch, as crash computes kt->boot_date (task.c): the crash time minus
 * the uptime in whole seconds (jiffies / HZ). `log -T` adds each record's whole seconds to it.
 */
export function bootTime(prog: Program): number | undefined {
  const date = crashTime(prog);
  if (date === undefined) return undefined;
  const hz = detectHz(prog);
  return date - Number(uptimeJiffies(prog, hz) / BigInt(hz));
}

/** isprint() || isspace() in the C locale: what crash prints as is; anything else becomes '.'. */
export function printableOrSpace(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || (c >= 0x09 && c <= 0x0d);
}

/** isprint() in the C locale. */
export function printable(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

/** Chars neither printable nor white space in the C locale (what crashText replaces). */
const NOT_PRINTABLE_OR_SPACE = /[^\t-\r -~]/g;

/** crash's byte loop of dump_record/dump_log_entry: bytes neither printable nor space become '.' (one native pass). */
export function crashText(s: string): string {
  return s.replace(NOT_PRINTABLE_OR_SPACE, ".");
}

/** crash's panic_msg[] (task.c), searched in this order, each over the whole log. */
export const PANIC_MESSAGES = [
  "SysRq : Crash",
  "SysRq : Trigger a crash",
  "SysRq : Netdump",
  "Kernel panic: ",
  "Kernel panic - ",
  "Kernel BUG at",
  "kernel BUG at",
  "Unable to handle kernel paging request",
  "Unable to handle kernel NULL pointer dereference",
  "BUG: unable to handle kernel ",
  "general protection fault: ",
  "double fault: ",
  "divide error: ",
  "stack segment: ",
  "[Hardware Error]: ",
  "Bad mode in ",
  "Oops: ",
] as const;

/** fgets(buf, BUFSIZE, …) in get_panicmsg reads at most BUFSIZE-1 bytes per call (defs.h BUFSIZE 1500). */
const FGETS_CHUNK = 1499;

/**
 * The log as crash's `log -t` writes it to the temporary file that get_panicmsg() searches: the text of
 * each record, one line per newline, non-printable bytes as '.', a data-less record as an empty line;
 * a line longer than fgets' buffer comes back in pieces, as fgets returns it.
 */
export function logTextLines(records: readonly PrintkRecord[]): string[] {
  return records.length === 0 ? [] : textLines(records.map((r) => r.text).join("\n"));
}

/** logTextLines of a whole log, from its table's texts decoded once. */
export function logLines(log: PrintkLog): string[] {
  return log.table.count === 0 ? [] : textLines(joinedText(log.table).text);
}

/** The lines of records' texts joined by newlines, as logTextLines gives them. */
function textLines(joined: string): string[] {
  const lines: string[] = [];
  for (const l of crashText(joined).split("\n")) {
    if (l.length <= FGETS_CHUNK) lines.push(l);
    else for (let i = 0; i < l.length; i += FGETS_CHUNK) lines.push(l.slice(i, i + FGETS_CHUNK));
  }
  return lines;
}

/** The panic string matches as one pattern: at a position, the first alternative that matches is the first in priority. */
const PANIC_PATTERN = new RegExp(PANIC_MESSAGES.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");

/**
 * crash's get_panicmsg(): the first log line holding one of the panic strings, in their priority order.
 * The records' texts are searched as one text, joined by newlines, in one pass for all the strings: no
 * panic string holds a newline or a '.', so a match lies within one line and is the same in the raw text
 * as in crashText's (which only turns non-printable bytes into '.'). A line longer than fgets' buffer is
 * searched as crash reads it, in pieces (logTextLines).
 */
export function panicMessage(records: readonly PrintkRecord[]): string | undefined {
  return panicIn(records.map((r) => r.text).join("\n"));
}

/** The panic line of a log, and the record it is in (found once per log: sys and every log page ask). */
export function logPanic(log: PrintkLog): { line: string; record: number } | undefined {
  let hit = LOG_PANICS.get(log.table);
  if (hit === undefined) {
    const j = joinedText(log.table);
    const line = panicIn(j.text);
    if (line === undefined) hit = null;
    else {
      // The first record holding the line as found (crashText'd: a line with non-printable bytes is in none).
      const at = j.text.indexOf(line);
      hit = { line, record: at < 0 ? -1 : recordAtPosition(j, at) };
    }
    LOG_PANICS.set(log.table, hit);
  }
  return hit ?? undefined;
}

const LOG_PANICS = new WeakMap<PrintkTable, { line: string; record: number } | null>();

function panicIn(text: string): string | undefined {
  let best: number = PANIC_MESSAGES.length;
  let at = -1;
  PANIC_PATTERN.lastIndex = 0;
  for (let m = PANIC_PATTERN.exec(text); m !== null; m = PANIC_PATTERN.exec(text)) {
    const k = (PANIC_MESSAGES as readonly string[]).indexOf(m[0]);
    if (k < best) {
      best = k;
      at = m.index;
      if (k === 0) break;
    }
    // Overlapping occurrences count too: go on from the next char, not past the match.
    PANIC_PATTERN.lastIndex = m.index + 1;
  }
  if (at < 0) return undefined;
  const end = text.indexOf("\n", at);
  const raw = text.slice(text.lastIndexOf("\n", at) + 1, end < 0 ? text.length : end);
  return raw.length <= FGETS_CHUNK ? crashText(raw) : panicMessageByLines(text);
}

/** get_panicmsg over the lines, line by line (the exact form, for logs with lines longer than fgets'). */
function panicMessageByLines(joined: string): string | undefined {
  const lines = textLines(joined);
  for (const m of PANIC_MESSAGES) {
    const line = lines.find((l) => l.includes(m));
    if (line !== undefined) return line;
  }
  return undefined;
}
