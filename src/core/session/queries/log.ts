// The kernel log as records (level, time, caller, text), paged: a page's records are made from the log's
// table (kernel/printk/table.ts), their texts slices of the log's text decoded once.
import type { Program } from "../../program/program";
import { logPanic, readPrintkLog } from "../../kernel/printk/printk";
import { joinedText, printkRecordAt } from "../../kernel/printk/table";
import type { LogPage, LogParams, LogRecord, Problem } from "../contract";
import { toProblem } from "../problems";

const DEFAULT_PAGE = 5000;

export function logPage(prog: Program, params: LogParams): LogPage {
  const log = readPrintkLog(prog);
  const t = log.table;
  const offset = params.offset ?? 0;
  const limit = params.limit ?? DEFAULT_PAGE;
  const problems: Problem[] = log.stopped ? [toProblem(log.stopped)] : [];
  const joined = joinedText(t);
  const items: LogRecord[] = [];
  for (let k = Math.max(0, offset), end = Math.min(t.count, offset + limit); k < end; k++) {
    const r = printkRecordAt(t, k, joined);
    const rec: LogRecord = { seq: r.seq.toString(), timeNs: r.tsNsec.toString(), text: r.text };
    if (r.level !== undefined) rec.level = r.level;
    if (r.facility !== undefined) rec.facility = r.facility;
    if (r.callerId !== undefined) rec.caller = r.callerId & 0x80000000 ? `C${r.callerId & 0x7fffffff}` : `T${r.callerId}`;
    if (r.subsystem !== undefined) rec.subsystem = r.subsystem;
    if (r.device !== undefined) rec.device = r.device;
    items.push(rec);
  }
  const page: LogPage = { items, problems, offset, total: t.count, layout: log.layout };
  const panic = logPanic(log);
  if (panic && panic.record >= 0) page.panicIndex = panic.record;
  return page;
}
