// "What happened, and what is suspicious?" before anything else: the panic in a few lines, the findings by
// severity, the detectors' own paragraph; then the `sys` block as crash prints it.
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { renderTopFindings } from "./findings";
import { badge, count, severityClass, SEVERITY_ORDER, symbolOffset, utc } from "./format";

export function renderGlance(data: ReportData): Html {
  const p = data.panic;
  const f = p.fault;
  const where = f
    ? h`<span class="m">${symbolOffset(f.symbol, f.offset) || f.address}</span>${
        f.module
          ? h` in module <b class="m">${f.module}</b> ${f.moduleHidden ? badge("hidden", "alert") : ""} ${f.moduleOutOfTree ? badge("out of tree", "alert") : ""} ${f.moduleTaints ? badge(`taint ${f.moduleTaints}`) : ""}`
          : h` <span class="muted">(core kernel text)</span>`
      }`
    : undefined;
  const task = p.task ? h`<span class="m">${p.task.comm}</span> <span class="muted">pid ${p.task.pid}${p.task.tgid !== p.task.pid ? `, thread of ${p.task.tgid}` : ""}${p.task.exe ? h` · ${p.task.exe}` : ""}</span>` : undefined;
  const s = data.system;
  const items: [string, Html | string | undefined][] = [
    ["Faulting code", where],
    ["Task", task],
    ["CPU", p.cpu !== undefined ? String(p.cpu) : undefined],
    ["Crashed at", utc(data.custody.crashTime)],
    ["Host", s ? h`<span class="m">${s.nodename}</span> · ${s.release} · ${s.machine}` : undefined],
    ["Taints", s?.taints || undefined],
  ];
  const kv = join(items.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`));
  const counts = join(
    SEVERITY_ORDER.map((sev) => {
      const n = data.triage.counts[sev] ?? 0;
      return h`<div class="count ${severityClass(sev)}${n ? " nonzero" : ""}"><span class="n">${count(n)}</span><span class="l">${sev}</span></div>`;
    }),
  );
  const detectors = data.findings.available
    ? h`${renderTopFindings(data)}<div class="small muted">${count(data.findings.items.length)} findings · ${count(data.hooks.items.length)} hooks · rule set ${data.findings.rulesVersion ?? "(unversioned)"}</div>`
    : h`<div class="notice small"><b>Detectors not available</b> in this build: no findings or hooks were looked for.${data.findings.reason ? h` <span class="faint">(${data.findings.reason})</span>` : ""}</div>`;
  return h`<div class="glance">
<div class="what">
  <div class="panic-msg">${p.message ?? "No oops or panic message was found: the dump may have been taken on demand."}</div>
  <dl class="kv">${kv}</dl>
</div>
<div class="how">
  <div class="small muted">Findings by severity</div>
  <div class="counts">${counts}</div>
  ${detectors}
</div>
</div>
${data.triage.summary?.text ? h`<p class="triage-text">${data.triage.summary.text}</p>` : ""}`;
}

export function renderSys(data: ReportData): Html {
  const s = data.system;
  if (!s) return h`<p class="notice">The kernel's summary could not be read (see the warnings).</p>`;
  const rows: [string, string | undefined][] = [
    ["KERNEL", s.kernel],
    ["DUMPFILE", s.dumpfile],
    ["CPUS", String(s.cpus)],
    ["DATE", s.date],
    ["UPTIME", s.uptime],
    ["LOAD AVERAGE", s.loadAverage],
    ["TASKS", String(s.tasks)],
    ["NODENAME", s.nodename],
    ["RELEASE", s.release],
    ["VERSION", s.version],
    ["MACHINE", s.machine],
    ["MEMORY", s.memory],
    ["PANIC", s.panic],
    ["TAINTS", s.taints],
  ];
  return h`<dl class="sys">${join(rows.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => h`<dt>${k}:</dt><dd>${v}</dd>`))}</dl>`;
}
