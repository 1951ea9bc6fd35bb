// The detectors' findings, most severe first, each with its evidence (where in memory, what is there), its
// ATT&CK techniques and the views that saw its subject; then the hooks with their owners.
import type { Finding, FindingSubject, Hook } from "../../session/contract";
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { badge, severityBadge, severityClass, SEVERITY_ORDER } from "./format";

function subject(s: FindingSubject): Html {
  switch (s.kind) {
    case "task":
      return h`task <b class="m">${s.comm}</b> <span class="muted">pid ${s.pid} · <span class="m">${s.task}</span></span>`;
    case "module":
      return h`module <b class="m">${s.name}</b> <span class="muted m">${s.address}</span>${s.hidden ? h` ${badge("hidden", "alert")}` : ""}`;
    case "address":
      return h`address <span class="m">${s.address}</span>${s.symbol ? h` <span class="m">${s.symbol}</span>` : ""}${s.owner ? h` <span class="muted">owned by ${s.owner}</span>` : ""}`;
    case "kernel":
      return h`the kernel`;
    default:
      return h`<span class="muted">unknown subject</span>`;
  }
}

function finding(f: Finding): Html {
  const evidence = f.evidence.length
    ? h`<table><thead><tr><th>Evidence</th><th>Address</th><th>Value</th><th>Symbol</th><th>Owner</th></tr></thead><tbody>${join(
        f.evidence.slice(0, 200).map((e) => h`<tr><td class="wrap">${e.label}</td><td class="m">${e.address ?? ""}</td><td class="m wrap">${e.value ?? ""}</td><td class="m">${e.symbol ?? ""}</td><td>${e.owner ?? ""}</td></tr>`),
      )}</tbody></table>`
    : "";
  const mitre = f.mitre.length ? h`ATT&amp;CK <span class="m">${f.mitre.join(", ")}</span>` : "";
  return h`<div class="finding ${severityClass(f.severity)}">
<div class="head">${severityBadge(f.severity)} <span class="summary">${f.summary}</span></div>
<div class="facts"><span>${subject(f.subject)}</span><span>rule <span class="m">${f.rule}</span> v${f.ruleVersion}</span><span>confidence ${Math.round(Math.min(1, Math.max(0, f.confidence || 0)) * 100)}%</span>${mitre ? h`<span>${mitre}</span>` : ""}${f.seenBy.length ? h`<span>seen by ${f.seenBy.join(", ")}</span>` : ""}</div>
${evidence}
${f.notes ? h`<p class="small muted">${f.notes}</p>` : ""}
</div>`;
}

export function renderFindings(data: ReportData): Html {
  const f = data.findings;
  if (!f.available) return h`<p class="notice"><b>The detectors are not available</b> in the kdw that made this report, so nothing was looked for: the absence of findings here says nothing about the dump. <span class="small">(${f.reason ?? "no reason given"})</span></p>`;
  if (!f.items.length) return h`<p>No findings: rule set ${f.rulesVersion ?? ""} found nothing to report.</p>`;
  const sorted = [...f.items].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.confidence - a.confidence);
  return join(sorted.map(finding), "\n");
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
