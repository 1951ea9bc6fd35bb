// The analyst's own words: tags put on things in the workbench, with their comments, and the notes.
import type { ReportData } from "../schema";
import { h, join, Multiline, type Html } from "../escape";
import { utc } from "./format";

export function renderAnalyst(data: ReportData): Html {
  const a = data.analyst;
  const parts: Html[] = [];
  if (a.tags.length) {
    parts.push(
      h`<table><thead><tr><th>Subject</th><th>Tag</th><th>Comment</th><th>When</th></tr></thead><tbody>${join(
        a.tags.slice(0, 5000).map((t) => h`<tr><td class="m">${t.subject}</td><td><b>${t.tag}</b></td><td class="wrap">${t.comment ? new Multiline(t.comment) : ""}</td><td class="m">${utc(t.at)}</td></tr>`),
      )}</tbody></table>`,
    );
  }
  if (a.notes) parts.push(h`<div class="notes">${new Multiline(a.notes)}</div>`);
  if (!parts.length) parts.push(h`<p class="muted">No notes or tags were given (kdw report --notes FILE; tags come from the workbench).</p>`);
  return join(parts);
}
