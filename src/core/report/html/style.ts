// The report's one stylesheet: a calm, dense, printable document (system fonts only, nothing fetched). The
// Content-Security-Policy admits exactly this text by its hash; there are no style attributes anywhere.
// Severity reads without colour too: every badge carries its letter.

export const REPORT_CSS = `
:root {
  --ink: #1b1f24; --muted: #5b6470; --faint: #8a939e; --rule: #d8dde3; --rule-strong: #b9c0c8;
  --paper: #ffffff; --band: #f5f7f9; --band-2: #eef1f4; --accent: #1f4e79; --mark: #fff4d6;
  --sev-info: #5f6b7a; --sev-low: #2563a8; --sev-medium: #a86a00; --sev-high: #c2410c; --sev-critical: #b3151b;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  --sans: system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Roboto, "Helvetica Neue", Arial, sans-serif;
}
* { box-sizing: border-box; }
html { background: var(--band-2); }
body { margin: 0 auto; max-width: 1200px; background: var(--paper); color: var(--ink); font: 13px/1.45 var(--sans);
  padding: 28px 36px 48px; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
h1 { font-size: 21px; font-weight: 650; margin: 2px 0 6px; }
h1 .m { font-size: inherit; font-weight: 600; }
h2 { font-size: 15px; font-weight: 650; margin: 30px 0 10px; padding-bottom: 5px; border-bottom: 2px solid var(--ink);
  break-after: avoid; }
h2 .num { color: var(--muted); font-weight: 500; margin-right: 8px; }
h3 { font-size: 13px; font-weight: 650; margin: 18px 0 6px; break-after: avoid; }
p { margin: 6px 0; }
code, pre, .m { font-family: var(--mono); font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }
.small { font-size: 11.5px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }

.doc-head { border-bottom: 1px solid var(--rule-strong); padding-bottom: 12px; }
.kicker { font-size: 11px; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
.doc-meta { display: flex; flex-wrap: wrap; gap: 4px 22px; color: var(--muted); font-size: 12px; }
.doc-meta b { color: var(--ink); font-weight: 600; }
nav.toc { margin: 10px 0 0; font-size: 12px; display: flex; flex-wrap: wrap; gap: 2px 14px; }
nav.toc a { color: var(--muted); }

.glance { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1.1fr); gap: 0; margin-top: 16px;
  border: 1px solid var(--rule-strong); }
.glance > div { padding: 12px 14px; }
.glance .what { border-right: 1px solid var(--rule); }
.glance .panic-msg { font: 600 14px/1.35 var(--mono); color: var(--sev-critical); margin-bottom: 8px; }
.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 14px; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; }
.counts { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 6px; margin-top: 6px; }
.count { border: 1px solid var(--rule); padding: 6px 2px; text-align: center; min-width: 0; }
.count .n { display: block; font-size: 19px; font-weight: 650; line-height: 1.1; }
.count .l { font-size: 10px; text-transform: uppercase; letter-spacing: .02em; color: var(--muted); overflow-wrap: normal; }
.count.nonzero.sev-critical { border-color: var(--sev-critical); } .count.nonzero.sev-critical .n { color: var(--sev-critical); }
.count.nonzero.sev-high { border-color: var(--sev-high); } .count.nonzero.sev-high .n { color: var(--sev-high); }
.count.nonzero.sev-medium { border-color: var(--sev-medium); } .count.nonzero.sev-medium .n { color: var(--sev-medium); }
.count.nonzero.sev-low .n { color: var(--sev-low); }
ul.top { list-style: none; margin: 8px 0 6px; padding: 0; font-size: 12px; }
ul.top li { padding: 2px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
ul.top a { color: var(--ink); }
table.index td { font-size: 12px; padding-top: 2px; padding-bottom: 2px; }
table.evidence td:last-child { white-space: nowrap; }
.triage-text { margin: 10px 0 0; padding: 10px 12px; background: var(--band); border-left: 3px solid var(--accent); }

.notice { margin: 8px 0; padding: 8px 12px; border: 1px dashed var(--rule-strong); background: var(--band); color: var(--muted); }
.notice b { color: var(--ink); }

table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--rule); overflow-wrap: break-word; }
th { font-size: 11px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em;
  border-bottom: 1px solid var(--rule-strong); white-space: nowrap; }
td.r, th.r { text-align: right; white-space: nowrap; }
td.m { white-space: nowrap; }
.wrap, td.wrap { white-space: normal; overflow-wrap: anywhere; }
tr { break-inside: avoid; }
tr.mark td { background: var(--mark); }
tr.hidden td { background: #fdeceb; }
table.custody th[scope=row] { width: 190px; text-transform: none; letter-spacing: 0; font-size: 12px; color: var(--muted);
  font-weight: 500; border-bottom: 1px solid var(--rule); white-space: normal; }
table.custody td { font-size: 12.5px; }
.hash { font-family: var(--mono); font-size: 12px; letter-spacing: .01em; }

.badge { display: inline-block; font: 600 10.5px/1.5 var(--sans); padding: 0 5px; border: 1px solid currentColor;
  border-radius: 2px; white-space: nowrap; vertical-align: 1px; text-transform: uppercase; letter-spacing: .04em; }
.badge.sev-info { color: var(--sev-info); } .badge.sev-low { color: var(--sev-low); }
.badge.sev-medium { color: var(--sev-medium); } .badge.sev-high { color: var(--sev-high); }
.badge.sev-critical { color: #fff; background: var(--sev-critical); border-color: var(--sev-critical); }
.badge.plain { color: var(--muted); }
.badge.alert { color: var(--sev-critical); }
.badge.panic { color: #fff; background: var(--ink); border-color: var(--ink); }

.sys { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 1px 18px; font-family: var(--mono); font-size: 12px;
  padding: 10px 12px; background: var(--band); border: 1px solid var(--rule); }
.sys dt { color: var(--muted); text-align: right; }
.sys dd { margin: 0; }

.frames td { font-family: var(--mono); font-size: 12px; }
.frames td:nth-child(4), .frames td:nth-child(5) { white-space: nowrap; }
.frames tr.fault td { background: #fdeceb; }
.frames tr.fault td:first-child { box-shadow: inset 3px 0 0 var(--sev-critical); }
.regs { display: grid; grid-template-columns: repeat(4, max-content); gap: 0 18px; font: 11.5px var(--mono); color: var(--muted);
  padding: 4px 0 6px 2px; }
.regs b { color: var(--ink); font-weight: 500; }
.dis { border: 1px solid var(--rule); background: var(--band); padding: 8px 0; }
.dis .ln { display: grid; grid-template-columns: 22px 150px 180px minmax(0, 1fr); gap: 0 10px; padding: 0 10px; font: 12px/1.5 var(--mono); }
.dis .ln.fault { background: #fbd9d6; font-weight: 650; }
.dis .ln .arrow { color: var(--sev-critical); }
.dis .ln .bytes { color: var(--faint); }
.dis .ln .src { grid-column: 2 / -1; color: var(--accent); font-weight: 400; }
.source { border: 1px solid var(--rule); padding: 6px 10px; font: 12px/1.5 var(--mono); }
.source div { white-space: pre-wrap; }
.source .cur { background: var(--mark); }

.finding { border: 1px solid var(--rule); border-left: 4px solid var(--sev-info); margin: 10px 0; padding: 8px 12px; break-inside: avoid; }
.finding.sev-low { border-left-color: var(--sev-low); } .finding.sev-medium { border-left-color: var(--sev-medium); }
.finding.sev-high { border-left-color: var(--sev-high); } .finding.sev-critical { border-left-color: var(--sev-critical); }
.finding .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.finding .summary { font-weight: 600; }
.finding .facts { color: var(--muted); font-size: 12px; margin: 3px 0 5px; display: flex; flex-wrap: wrap; gap: 2px 16px; }
.finding table { margin: 4px 0 2px; }
.finding td, .finding th { font-size: 12px; }

ul.tree, ul.tree ul { list-style: none; margin: 0; padding: 0; }
ul.tree ul { margin-left: 9px; padding-left: 14px; border-left: 1px solid var(--rule-strong); }
ul.tree li { position: relative; padding: 1px 0; }
.node { break-inside: avoid; }
ul.tree ul > li::before { content: ""; position: absolute; left: -14px; top: 11px; width: 11px; border-top: 1px solid var(--rule-strong); }
ul.tree ul > li:last-child::after { content: ""; position: absolute; left: -15px; top: 12px; bottom: 0; border-left: 3px solid var(--paper); }
.node { font: 12px/1.6 var(--mono); }
.node .pid { color: var(--muted); display: inline-block; min-width: 5ch; text-align: right; margin-right: 6px; }
.node .comm { font-weight: 650; }
.node .st { color: var(--faint); margin-left: 6px; }
.node .info { color: var(--muted); margin-left: 6px; font-family: var(--sans); font-size: 11.5px; }
.node.flagged .comm { color: var(--sev-high); }
.node.flagged.sev-critical .comm { color: var(--sev-critical); }
.node.panic .comm { text-decoration: underline 2px var(--sev-critical); }
.node .pids { color: var(--muted); font-size: 11.5px; }
.node .pids .hit { color: var(--sev-high); font-weight: 650; }
details.fold { margin: 1px 0; }
details.fold > summary { cursor: pointer; color: var(--muted); font: 12px/1.6 var(--sans); }
details.fold[open] > summary { margin-bottom: 2px; }

.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; margin: 8px 0; }
figure { margin: 0; border: 1px solid var(--rule); padding: 8px 10px; break-inside: avoid; }
figcaption { font-size: 11px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; margin-bottom: 4px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px var(--sans); fill: var(--ink); }
svg text.m { font: 11px var(--mono); }
svg text.muted { fill: var(--muted); }
svg .bar { fill: #9fb3c8; } svg .bar.run { fill: var(--accent); } svg .bar.panic { fill: var(--sev-critical); }
svg .track { fill: var(--band-2); }

.log { border: 1px solid var(--rule); background: var(--band); padding: 6px 0; }
.log .rec { display: grid; grid-template-columns: 13ch minmax(0, 1fr); gap: 0 10px; padding: 0 10px; font: 11.5px/1.45 var(--mono); }
.log .rec .t { color: var(--faint); text-align: right; white-space: pre; }
.log .rec > span:last-child { white-space: pre-wrap; }
.log .rec.lv0, .log .rec.lv1, .log .rec.lv2, .log .rec.lv3 { color: #8f1a15; }
.log .rec.lv4 { color: #5e4a1c; }
.log .rec.panic { background: #fbd9d6; font-weight: 650; }
.log .rec.exc { background: #fff7e3; }

.notes { white-space: pre-wrap; padding: 10px 12px; border: 1px solid var(--rule); font-size: 13px; }
.warn-list td { font-size: 12px; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--faint); font-size: 11px; }

@media screen and (max-width: 820px) {
  body { padding: 16px; }
  .glance, .charts { grid-template-columns: minmax(0, 1fr); }
  .glance .what { border-right: 0; border-bottom: 1px solid var(--rule); }
}
@page { size: A4; margin: 14mm 12mm 16mm; }
@page { @bottom-right { content: "page " counter(page) " of " counter(pages); font: 9px sans-serif; color: #777; } }
@page { @bottom-left { content: "kdw incident report"; font: 9px sans-serif; color: #777; } }
@media print {
  html { background: none; }
  /* One scale for the whole page instead of a size per element: the screen's proportions, smaller. */
  body { max-width: none; padding: 0; zoom: 0.78; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  nav.toc { display: none; }
  h2 { margin-top: 18px; }
  .glance { grid-template-columns: minmax(0, 1fr); }
  .glance .what { border-right: 0; border-bottom: 1px solid var(--rule); }
  .counts { grid-template-columns: repeat(5, 96px); }
  details.fold:not([open]) > summary::after { content: " — folded: open it in the HTML file, or read the JSON"; color: var(--faint); }
  details > summary { list-style: none; }
  a { color: inherit; }
  .finding, figure, .glance { break-inside: avoid; }
}
`;
