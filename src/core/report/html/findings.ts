// The detectors' findings, most severe first. Findings of one rule about copies of one thing (a swarm of
// same-name processes: one finding per process) are drawn as one card naming every subject, with the first
// one's evidence shown and the others' folded; an index table lists the cards. Each piece of evidence says
// where it lives in kernel memory, what is there, and the crash command that reads it back. Then the hooks
// with their owners. The JSON keeps every finding as the detectors gave it.
import type { Evidence, Finding, FindingSubject, Hook, Severity } from "../../session/contract";
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { badge, severityBadge, severityClass, SEVERITY_ORDER } from "./format";

/** Findings shown as cards at most; the rest are listed in the index only. */
const MAX_CARDS = 200;
/** Evidence rows shown per finding. */
const MAX_EVIDENCE = 60;
/** Subjects named on one card's line. */
const MAX_SUBJECTS = 40;

export interface FindingGroup {
  rule: string;
  severity: Severity;
  /** What the findings are about, as one name: a process name, a module, a symbol. */
  label: string;
  kind: FindingSubject["kind"] | "unknown";
  findings: Finding[];
}

function subjectLabel(s: FindingSubject): string {
  switch (s.kind) {
    case "task":
      return s.comm;
    case "module":
      return s.name;
    case "address":
      return s.symbol ?? s.address;
    case "kernel":
      return "the kernel";
    default:
      return "";
  }
}

const rank = (s: Severity) => {
  const i = SEVERITY_ORDER.indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

/** Findings of one rule and severity about one name, most severe groups first, then the most confident. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const label = subjectLabel(f.subject);
    const key = `${f.rule}\0${f.severity}\0${f.subject.kind}\0${label}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule: f.rule, severity: f.severity, label, kind: f.subject?.kind ?? "unknown", findings: [] }));
    g.findings.push(f);
  }
  const best = (g: FindingGroup) => Math.max(...g.findings.map((f) => f.confidence || 0));
  return [...groups.values()].sort((a, b) => rank(a.severity) - rank(b.severity) || best(b) - best(a) || a.rule.localeCompare(b.rule) || a.label.localeCompare(b.label));
}

function subjectLine(g: FindingGroup): Html {
  const first = g.findings[0]!.subject;
  const n = g.findings.length;
  switch (first.kind) {
    case "task": {
      const pids = g.findings.map((f) => (f.subject.kind === "task" ? f.subject.pid : undefined)).filter((p): p is number => p !== undefined);
      const shown = pids.slice(0, MAX_SUBJECTS).join(", ");
      return h`task <b class="m">${first.comm}</b> <span class="muted">${n > 1 ? `×${n}: pids ${shown}${pids.length > MAX_SUBJECTS ? ` … ${pids.length - MAX_SUBJECTS} more` : ""}` : h`pid ${first.pid} · <span class="m">${first.task}</span>`}</span>`;
    }
    case "module":
      return h`module <b class="m">${first.name}</b> <span class="muted m">${first.address}</span>${first.hidden ? h` ${badge("hidden", "alert")}` : ""}${n > 1 ? ` ×${n}` : ""}`;
    case "address":
      return h`${first.symbol ? h`<b class="m">${first.symbol}</b> ` : ""}<span class="m muted">${first.address}</span>${first.owner ? h` <span class="muted">owned by</span> ${first.owner}` : ""}${n > 1 ? ` ×${n}` : ""}`;
    case "kernel":
      return h`the kernel`;
    default:
      return h`<span class="muted">unknown subject</span>`;
  }
}

/** crash's command that reads the value back: `rd -64 ADDR 1` for a number, `rd -a ADDR` for text. */
function readBack(e: Evidence): string {
  if (!e.address) return "";
  const size = e.size;
  const flag = size === 1 ? "-8" : size === 2 ? "-16" : size === 4 ? "-32" : size === 8 ? "-64" : undefined;
  if (flag) return `rd ${flag} ${e.address.replace(/^0x/, "")} 1`;
  return e.value !== undefined && !/^0x[0-9a-f]+$/i.test(e.value) ? `rd -a ${e.address.replace(/^0x/, "")}` : "";
}

function evidenceTable(f: Finding): Html {
  if (!f.evidence.length) return h``;
  const rows = f.evidence.slice(0, MAX_EVIDENCE).map(
    (e) => h`<tr><td class="wrap">${e.label}</td><td class="m">${e.address ?? ""}</td><td class="m${e.value !== undefined && /^0x[0-9a-f]{1,16}$/i.test(e.value) ? "" : " wrap"}">${e.value ?? ""}</td><td class="m wrap">${e.symbol ?? ""}${e.owner && e.owner !== "kernel" ? h` <span class="muted">[${e.owner}]</span>` : ""}</td><td class="m faint">${readBack(e)}</td></tr>`,
  );
  const more = f.evidence.length > MAX_EVIDENCE ? h`<tr><td colspan="5" class="muted small">… ${f.evidence.length - MAX_EVIDENCE} more in the JSON</td></tr>` : "";
  return h`<table class="evidence"><thead><tr><th>Evidence</th><th>Address</th><th>Value</th><th>Symbol</th><th>Read it back</th></tr></thead><tbody>${join(rows)}${more}</tbody></table>`;
}

function card(g: FindingGroup, index: number): Html {
  const f = g.findings[0]!;
  const mitre = [...new Set(g.findings.flatMap((x) => x.mitre))];
  const seenBy = [...new Set(g.findings.flatMap((x) => x.seenBy))];
  const confidence = Math.round(Math.min(1, Math.max(0, Math.max(...g.findings.map((x) => x.confidence || 0)))) * 100);
  const others = g.findings.slice(1);
  const rest = others.length
    ? h`<details class="fold"><summary>The other ${others.length} finding${others.length > 1 ? "s" : ""} of this card, with their evidence</summary>${join(
        others.map((o) => h`<p class="small">${o.summary}</p>${evidenceTable(o)}`),
      )}</details>`
    : "";
  return h`<div class="finding ${severityClass(g.severity)}" id="finding-${index + 1}">
<div class="head">${severityBadge(g.severity)} <span class="summary">${f.summary}</span></div>
<div class="facts"><span>${subjectLine(g)}</span><span>rule <span class="m">${g.rule}</span> v${f.ruleVersion}</span><span>confidence ${confidence}%</span>${mitre.length ? h`<span>ATT&amp;CK <span class="m">${mitre.join(", ")}</span></span>` : ""}${seenBy.length ? h`<span>seen by ${seenBy.join(", ")}</span>` : ""}</div>
${evidenceTable(f)}
${f.notes ? h`<p class="small muted">${f.notes}</p>` : ""}
${rest}
</div>`;
}

function indexRow(g: FindingGroup, index: number): Html {
  const mitre = [...new Set(g.findings.flatMap((x) => x.mitre))];
  const subject = g.kind === "task" && g.findings.length > 1 ? `${g.label} ×${g.findings.length}` : g.label;
  const target = index < MAX_CARDS ? h`<a href="#finding-${index + 1}">${index + 1}</a>` : h`${index + 1}`;
  return h`<tr><td class="r">${target}</td><td>${severityBadge(g.severity)}</td><td class="m">${g.rule}</td><td class="m wrap">${subject}</td><td class="m">${mitre.join(", ")}</td></tr>`;
}

export function renderFindings(data: ReportData): Html {
  const f = data.findings;
  if (!f.available) return h`<p class="notice"><b>The detectors are not available</b> in the kdw that made this report, so nothing was looked for: the absence of findings here says nothing about the dump. <span class="small">(${f.reason ?? "no reason given"})</span></p>`;
  if (!f.items.length) return h`<p>No findings: rule set ${f.rulesVersion ?? ""} found nothing to report.</p>`;
  const groups = groupFindings(f.items);
  const index = h`<table class="index"><thead><tr><th class="r">#</th><th>Severity</th><th>Rule</th><th>Subject</th><th>ATT&amp;CK</th></tr></thead><tbody>${join(groups.map(indexRow))}</tbody></table>`;
  const cards = groups.slice(0, MAX_CARDS).map(card);
  const more = groups.length > MAX_CARDS ? h`<p class="muted small">${groups.length - MAX_CARDS} more findings are listed above and in the JSON.</p>` : "";
  return h`<p>${f.items.length} findings from rule set ${f.rulesVersion ?? "(unversioned)"}, in ${groups.length} groups: findings of one rule about copies of one thing are drawn together.</p>${index}\n${join(cards, "\n")}${more}`;
}

/**
 * The glance's list: one line per rule, most severe first (a rule's several groups share its line: "respawn-swarm
 * devlinked ×4 · postcated ×5"), so the first screen shows every kind of thing found, not six copies of one.
 */
export function renderTopFindings(data: ReportData, lines = 6): Html {
  if (!data.findings.available || !data.findings.items.length) return h``;
  const groups = groupFindings(data.findings.items);
  const byRule = new Map<string, { first: number; groups: FindingGroup[] }>();
  groups.forEach((g, i) => {
    const e = byRule.get(g.rule);
    if (e) e.groups.push(g);
    else byRule.set(g.rule, { first: i, groups: [g] });
  });
  const top = [...byRule.entries()].slice(0, lines);
  const rest = byRule.size - top.length;
  return h`<ul class="top">${join(
    top.map(([rule, e]) => {
      const g = groups[e.first]!;
      const labels = e.groups.map((x) => `${x.label}${x.findings.length > 1 ? ` ×${x.findings.length}` : ""}`).join(" · ");
      return h`<li>${severityBadge(g.severity)} <a href="#finding-${e.first + 1}" class="m">${rule}</a> <span class="m">${labels}</span></li>`;
    }),
  )}${rest > 0 ? h`<li class="muted small">and ${rest} more rule${rest > 1 ? "s" : ""} with findings</li>` : ""}</ul>`;
}

function hookRow(k: Hook): Html {
  const cls = !k.kernelOwned ? "mark" : "";
  return h`<tr class="${cls}"><td>${k.kind}</td><td class="m wrap">${k.target}${k.targetAddress ? h`<br><span class="muted">${k.targetAddress}</span>` : ""}</td><td class="m wrap">${k.handlerSymbol ?? ""}<br><span class="muted">${k.handler}</span></td><td>${k.owner}${k.ownerHidden ? h` ${badge("hidden", "alert")}` : ""}${k.kernelOwned ? h` <span class="muted small">(kernel's own)</span>` : ""}</td><td class="m">${k.address ?? ""}</td><td class="wrap small">${k.details ?? ""}</td></tr>`;
}

export function renderHooks(data: ReportData): Html {
  const k = data.hooks;
  if (!k.available) return h`<p class="notice"><b>Hooks were not looked for</b>: the detectors are not available in this build. <span class="small">(${k.reason ?? ""})</span></p>`;
  if (!k.items.length) return h`<p>No hooks found: no kprobe, ftrace, syscall-table, IDT or operations-table redirection.</p>`;
  const sorted = [...k.items].sort((a, b) => Number(a.kernelOwned) - Number(b.kernelOwned));
  return h`<table><thead><tr><th>Kind</th><th>Target</th><th>Handler</th><th>Owner</th><th>Recorded at</th><th>Details</th></tr></thead><tbody>${join(sorted.map(hookRow))}</tbody></table>`;
}
