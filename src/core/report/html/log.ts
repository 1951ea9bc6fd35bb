// The kernel log around the panic (from the oops's first line to its end marker), and the whole log folded.
import type { LogRecord } from "../../session/contract";
import type { ReportData } from "../schema";
import { h, join, Multiline, type Html } from "../escape";
import { count, logTime } from "./format";

function record(r: LogRecord, panic: boolean, excerpt: boolean): Html {
  const level = typeof r.level === "number" && r.level >= 0 && r.level <= 7 ? ` lv${r.level}` : "";
  return h`<div class="rec${level}${panic ? " panic" : excerpt ? " exc" : ""}"><span class="t">${logTime(r.timeNs)}</span><span>${new Multiline(r.text)}</span></div>`;
}

export function renderLog(data: ReportData): Html {
  const log = data.log;
  if (!log.records.length) return h`<p class="notice">The kernel log could not be read (see the warnings).</p>`;
  const parts: Html[] = [];
  const ex = log.excerpt;
  if (ex) {
    const rows = log.records.slice(ex.from, ex.to).map((r, i) => record(r, ex.from + i === log.panicIndex, false));
    parts.push(h`<p class="small muted">Records ${count(ex.from + 1)}–${count(ex.to)} of ${count(log.total)}${log.panicIndex !== undefined ? "; the panic record is marked" : ""}.</p><div class="log">${join(rows)}</div>`);
  }
  const inExcerpt = (i: number) => ex !== undefined && i >= ex.from && i < ex.to;
  const all = log.records.map((r, i) => record(r, i === log.panicIndex, inExcerpt(i)));
  parts.push(
    h`<details class="fold"><summary>The whole kernel log: ${count(log.records.length)} records${log.truncated ? ` (of ${count(log.total)}; the rest were left out)` : ""}</summary><div class="log">${join(all)}</div></details>`,
  );
  return join(parts);
}
