import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../../src/core/report/html/document";
import { REPORT_CSS } from "../../../src/core/report/html/style";
import type { ReportData } from "../../../src/core/report/schema";
import { HOSTILE, mapStrings, syntheticReport, syntheticTasks, task } from "../../fixtures/report-data";

/** The markup's skeleton: every tag name in order (text, however hostile, adds none). */
function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[0]);
}

/** Every tag as written: text has no raw "<", so each "<" opens a tag this code wrote. */
function tagTexts(html: string): string[] {
  return [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);
}

/** Text between tags, entities decoded: what a reader sees. */
function text(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("renderReportHtml", () => {
  const data = syntheticReport();
  const html = renderReportHtml(data);

  it("is one document with a strict CSP that admits exactly its stylesheet", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    expect(csp).toBeDefined();
    const hash = createHash("sha256").update(REPORT_CSS).digest("base64");
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    for (const d of ["default-src 'none'", "script-src 'none'", "img-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'"]) expect(csp).toContain(d);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toContain(`<style>${REPORT_CSS}</style>`);
    // The CSP comes before the stylesheet it admits.
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style>"));
  });

  it("has no script, no style attribute and nothing that could fetch or navigate away", () => {
    expect(html).not.toMatch(/<script|<img|<iframe|<object|<embed|<link|<form|<base|<video|<audio|<source/i);
    for (const t of tagTexts(html)) expect(t).not.toMatch(/\sstyle=|\ssrc=|\son[a-z]+=|\saction=|\sxlink:href=/i);
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z]+(-\d+)?$/);
    // The only URL is SVG's namespace, which is a name, not a request.
    const urls = [...html.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });

  it("has every section, in order, after the chain of custody", () => {
    const ids = [...html.matchAll(/<section id="([a-z]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(["custody", "system", "panic", "findings", "hooks", "processes", "modules", "log", "files", "notes"]);
  });

  it("shows the chain of custody: files, sizes, both hashes, format, release, build id, tool, analyst, case, times, host", () => {
    const t = text(html);
    for (const v of [
      data.custody.dump.sha256!,
      data.custody.vmlinux!.sha256!,
      "24,075,667 bytes",
      "587,788,136 bytes",
      "kdump-compressed (diskdump) version 6",
      "6.1.0-50-cloud-amd64",
      "bb603a9147d3efe4744bf83c83eee397c591cc20",
      "kdw 0.1.0",
      "2210de2",
      "rule set rules-1",
      "J. Doe",
      "IR-1",
      "2026-12-01 10:00:00 UTC",
      "2026-12-01 10:00:03.500 UTC",
      "lab-1",
      "page excluded at 0x1000",
    ])
      expect(t).toContain(v);
  });

  it("marks the faulting frame and the faulting instruction, and shows its source", () => {
    expect(html).toMatch(/<tr class="fault"><td class="r">exc<\/td><td>evil_fn\+0x5e <span class="badge panic">fault<\/span>/);
    expect(html).toMatch(/<div class="ln fault"><span class="arrow">=&gt;<\/span><span>0xffffffffc05dc05e<\/span>/);
    expect(text(html)).toContain("return p->pid;");
  });

  it("shows findings most severe first, with ATT&CK ids and evidence", () => {
    const order = [...html.matchAll(/<div class="finding (sev-[a-z]+)" id="finding-\d+">/g)].map((m) => m[1]);
    expect(order).toEqual(["sev-critical", "sev-high", "sev-medium"]);
    const t = text(html);
    expect(t).toContain("T1014, T1547.006");
    expect(t).toContain("LIST_POISON1");
    expect(t).toContain("C critical");
  });

  it("draws one card for a rule's findings about copies of one thing, with an index and the glance's list", () => {
    const swarm = data.findings.items.find((f) => f.rule === "respawn-swarm")!;
    const more = [101, 103].map((pid) => ({ ...swarm, id: `swarm:${pid}`, subject: { kind: "task" as const, pid, comm: "postcated", task: "0x1" as const }, summary: `copy ${pid}` }));
    const out = renderReportHtml({ ...data, findings: { ...data.findings, items: [...data.findings.items, ...more] } });
    expect(out.match(/<div class="finding /g)).toHaveLength(3);
    expect(out).toMatch(/task <b class="m">postcated<\/b> <span class="muted">×3: pids 102, 101, 103<\/span>/);
    expect(out).toContain("<summary>The other 2 findings of this card, with their evidence</summary>");
    expect(text(out)).toContain("copy 103");
    expect(out).toMatch(/<td class="m wrap">postcated ×3<\/td>/);
    expect(out).toMatch(/<ul class="top"><li><span class="badge sev-critical">C critical<\/span> <a href="#finding-1" class="m">hidden-module<\/a>/);
    // Evidence with its size gives the crash command that reads it back.
    expect(out).toContain(`<td class="m faint">rd -64 ffffffffc05de088 1</td>`);
  });

  it("draws the tree: swarm grouped, flagged and panic processes marked, threads counted on their process", () => {
    expect(html).toMatch(/<span class="pid">×3<\/span><span class="comm">postcated<\/span>/);
    expect(html).toMatch(/<span class="pids">pids 101, <span class="hit">102<\/span>, 103<\/span>/);
    expect(html).toMatch(/<span class="node flagged sev-high"><span class="pid">200<\/span><span class="comm">mountinfo<\/span>.*3 threads/);
    expect(html).toMatch(/<span class="node panic"><span class="pid">300<\/span><span class="comm">agent<\/span>/);
    // Kernel threads are folded, and say so.
    expect(html).toMatch(/<details class="fold"><summary>4 kernel threads \(kthreadd, pid 2, and those under it\)/);
  });

  it("draws the charts as inline SVG", () => {
    expect(html.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/g)).toHaveLength(2);
    expect(html).toContain(`class="bar run panic"`);
  });

  it("marks hidden modules and the hook a hidden module owns", () => {
    expect(html).toMatch(/<tr class="hidden"><td><b class="m">evilmod<\/b> <span class="badge alert">hidden<\/span>/);
    expect(html).toMatch(/<tr class="mark"><td>kprobe<\/td>/);
  });

  it("shows the log around the panic and the whole log folded", () => {
    expect(html).toContain(`<div class="rec lv4 panic"><span class="t">[   15.692928]</span><span>Oops: 0000 [#1] PREEMPT SMP NOPTI</span></div>`);
    expect(html).toMatch(/<details class="fold"><summary>The whole kernel log: 5 records<\/summary>/);
  });

  it("lists files and sockets of the flagged process, and the analyst's notes and tags", () => {
    const t = text(html);
    expect(t).toContain("/var/tmp/.xmr.log");
    expect(t).toContain("198.51.100.7:3333");
    expect(t).toContain("stratum port 3333");
    expect(html).toContain("Seized at 10:00.\nSecond line.");
  });

  it("says plainly when the detectors are not available", () => {
    const d: ReportData = { ...data, findings: { available: false, reason: "findings: the detectors are not built yet", items: [] }, hooks: { available: false, reason: "hooks: not built", items: [] } };
    d.custody = { ...d.custody, detectors: { available: false, reason: "findings: the detectors are not built yet" } };
    d.triage = { counts: { info: 0, low: 0, medium: 0, high: 0, critical: 0 } };
    const t = text(renderReportHtml(d));
    expect(t).toContain("The detectors are not available");
    expect(t).toContain("the absence of findings here says nothing about the dump");
    expect(t).toContain("Hooks were not looked for");
    expect(t).toContain("Detectors not available");
  });

  for (const [name, payload] of Object.entries(HOSTILE)) {
    it(`adds no markup when every string is hostile (${name})`, () => {
      const benign = renderReportHtml(mapStrings(data, () => "x"));
      const hostile = renderReportHtml(mapStrings(data, () => payload));
      expect(tags(hostile)).toEqual(tags(benign));
      // eslint-disable-next-line no-control-regex -- control characters are what the test looks for
      expect(hostile).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/u);
      for (const t of tagTexts(hostile)) expect(t).not.toMatch(/\son[a-z]+=|\sstyle=|\ssrc=|<script|<img|<svg [^>]*onload/i);
    });
  }

  it("shows hostile strings as text", () => {
    const t = text(renderReportHtml(mapStrings(data, (s) => (s === "mountinfo" ? HOSTILE.script! : s === "evilmod" ? HOSTILE.attribute! : s === "/var/tmp/.xmr.log" ? HOSTILE.ansi! : s))));
    expect(t).toContain(HOSTILE.script);
    expect(t).toContain(HOSTILE.attribute);
    expect(t).toContain("\\x1b[31mred\\x1b[0m\\x07");
  });

  it("stays bounded and readable for 20,000 tasks", () => {
    const rows = syntheticTasks();
    for (let i = 0; i < 20_000; i++) rows.push(task(10_000 + i, i % 10 === 0 ? `worker-${i}` : "spawn", { ppid: i % 3 === 0 ? 1 : 10_000 + i - 1 }));
    const big: ReportData = { ...data, processes: { total: rows.length, tasks: rows, truncated: false, flagged: [{ pid: 29_000, severity: "critical", findings: ["x"], rules: ["r"] }] } };
    const out = renderReportHtml(big);
    expect(out.length).toBeLessThan(4 << 20);
    expect(out).toContain("more processes not drawn (the JSON lists every task)");
  });
});
