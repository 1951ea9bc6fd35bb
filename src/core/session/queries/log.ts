// The kernel log as records (level, time, caller, text), paged.
import type { Program } from "../../program/program";
import { panicMessage, readPrintkLog, type PrintkRecord } from "../../kernel/printk/printk";
import type { LogPage, LogParams, LogRecord, Problem } from "../contract";
import { toProblem } from "../problems";

const DEFAULT_PAGE = 5000;

export function logPage(prog: Program, params: LogParams): LogPage {
  const log = readPrintkLog(prog);
  const offset = params.offset ?? 0;
  const limit = params.limit ?? DEFAULT_PAGE;
  const problems: Problem[] = log.stopped ? [toProblem(log.stopped)] : [];
  const items: LogRecord[] = log.records.slice(offset, offset + limit).map((r) => {
    const rec: LogRecord = { seq: r.seq.toString(), timeNs: r.tsNsec.toString(), text: r.text };
    if (r.level !== undefined) rec.level = r.level;
    if (r.facility !== undefined) rec.facility = r.facility;
    if (r.callerId !== undefined) rec.caller = r.callerId & 0x80000000 ? `C${r.callerId & 0x7fffffff}` : `T${r.callerId}`;
    if (r.subsystem !== undefined) rec.subsystem = r.subsystem;
    if (r.device !== undefined) rec.device = r.device;
    return rec;
  });
  const page: LogPage = { items, problems, offset, total: log.records.length, layout: log.layout };
  const i = panicIndex(log.records);
  if (i >= 0) page.panicIndex = i;
  return page;
}

/** The first record holding the panic line, found once per log (every page reports it). */
const PANIC_INDEX = new WeakMap<readonly PrintkRecord[], number>();

function panicIndex(records: readonly PrintkRecord[]): number {
  let i = PANIC_INDEX.get(records);
  if (i === undefined) {
    const panic = panicMessage(records);
    i = panic === undefined ? -1 : records.findIndex((r) => r.text.includes(panic));
    PANIC_INDEX.set(records, i);
  }
  return i;
}
