// One self-contained HTML file from the report's data: static HTML and CSS, no script at all, no external
// asset and nothing that could make a request; a Content-Security-Policy of its own that admits only its
// one stylesheet (by hash) and forbids everything else, so that even a string that slipped through could
// neither run nor fetch. Prints to a sensible PDF (print stylesheet, page numbers).
import type { ReportData } from "../schema";
import { h, Html, join } from "../escape";
import { sha256Base64 } from "../sha256";
import { renderAnalyst } from "./analyst";
import { renderCharts } from "./charts";
import { renderCustody } from "./custody";
import { renderFindings, renderHooks } from "./findings";
import { utc } from "./format";
import { renderLog } from "./log";
import { renderModules } from "./modules";
import { renderPanic } from "./panic";
import { renderProcesses } from "./processes";
import { renderResources } from "./resources";
import { REPORT_CSS } from "./style";
import { renderGlance, renderSys } from "./triage";

/** The policy: nothing but the stylesheet whose hash is given. */
export function reportCsp(css: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${sha256Base64(css)}'`,
    "script-src 'none'",
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "object-src 'none'",
    "media-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

interface Section {
  id: string;
  title: string;
  body: Html;
}

export function renderReportHtml(data: ReportData): string {
  const sections: Section[] = [
    { id: "custody", title: "Chain of custody", body: renderCustody(data) },
    { id: "system", title: "System", body: renderSys(data) },
    { id: "panic", title: "Panic", body: renderPanic(data) },
    { id: "findings", title: "Findings", body: renderFindings(data) },
    { id: "hooks", title: "Hooks", body: renderHooks(data) },
    { id: "processes", title: "Processes", body: h`${renderCharts(data)}${renderProcesses(data)}` },
    { id: "modules", title: "Modules", body: renderModules(data) },
    { id: "log", title: "Kernel log", body: renderLog(data) },
    { id: "files", title: "Open files and sockets", body: renderResources(data) },
    { id: "notes", title: "Analyst notes", body: renderAnalyst(data) },
  ];
  const c = data.custody;
  const host = data.system?.nodename;
  const headline = data.panic.message ?? "no panic message";
  const title = `kdw incident report${c.caseId ? ` ${c.caseId}` : ""}: ${host ?? c.dump.name}`;
  const meta: [string, string | undefined][] = [
    ["Case", c.caseId],
    ["Analyst", c.analyst],
    ["Crashed", utc(c.crashTime)],
    ["Report made", utc(c.finishedAt)],
  ];
  const doc = h`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp(REPORT_CSS)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="generator" content="kdw">
<title>${title}</title>
<style>${new Html(REPORT_CSS)}</style>
</head>
<body>
<header class="doc-head">
<div class="kicker">kdw · Linux kernel crash dump · incident report</div>
<h1>${host ? h`<span class="m">${host}</span>: ` : ""}${headline}</h1>
<div class="doc-meta">${join(meta.filter(([, v]) => v).map(([k, v]) => h`<span>${k} <b>${v}</b></span>`))}</div>
<nav class="toc">${join(sections.map((s, i) => h`<a href="#${s.id}">${i + 1}. ${s.title}</a>`))}</nav>
</header>
${renderGlance(data)}
${join(sections.map((s, i) => h`<section id="${s.id}"><h2><span class="num">${i + 1}</span>${s.title}</h2>\n${s.body}</section>`), "\n")}
<footer>Made by kdw ${c.tool.version}${c.tool.commit ? ` (commit ${c.tool.commit})` : ""} from the evidence named in the chain of custody; report format ${data.format} v${data.version}. This file stands alone: no script, no external resource; its SHA-256 is written beside it. Every string read from the dump is shown escaped, with control characters made visible (\\x1b, \\u202e).</footer>
</body>
</html>
`;
  return doc.html;
}
