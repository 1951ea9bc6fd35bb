// The top of the report: what was examined, with what, by whom, where and when, and every warning met while
// reading — the part a court or an auditor reads first.
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { badge, bytes, count, utc } from "./format";

/** Warnings listed before the rest are folded. */
const WARNINGS_SHOWN = 12;

function row(label: string, value: Html | string | undefined): Html {
  return value === undefined || value === "" ? h`` : h`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
}

function file(f: ReportData["custody"]["dump"] | undefined): Html | undefined {
  if (!f) return undefined;
  const hash = f.sha256 ? h`<span class="hash">${f.sha256}</span>` : h`<span class="badge alert">not computed</span>`;
  return h`<b class="m">${f.name}</b> · ${bytes(f.size)}<br><span class="muted small">SHA-256</span> ${hash}`;
}

export function renderCustody(data: ReportData): Html {
  const c = data.custody;
  const tool = h`kdw ${c.tool.version}${c.tool.commit ? h` · commit <span class="m">${c.tool.commit}</span>` : ""} · contract v${c.tool.contract}`;
  const detectors = c.detectors.available
    ? h`rule set ${c.detectors.rulesVersion ?? "(unversioned)"}`
    : h`${badge("not available")} <span class="muted">${c.detectors.reason ?? ""}</span>`;
  const pages =
    c.pagesPresent !== undefined
      ? `${count(c.pagesPresent)} present, ${count(c.pagesExcluded ?? 0)} excluded${c.dumpLevel !== undefined ? ` (dump level ${c.dumpLevel})` : ""}`
      : undefined;
  const host = c.host ? [c.host.name, c.host.os, c.host.user ? `user ${c.host.user}` : undefined].filter((x) => x).join(" · ") : undefined;
  return h`<table class="custody">
${row("Dump", file(c.dump))}
${row("vmlinux", file(c.vmlinux) ?? h`<span class="muted">none (types and symbols from the dump's own BTF and kallsyms)</span>`)}
${row("Dump format", c.format)}
${row("Pages", pages)}
${row("Kernel release", c.release)}
${row("Build id", c.buildId ? h`<span class="m">${c.buildId}</span>${c.vmlinux ? h` <span class="muted small">(the vmlinux was checked against it)</span>` : ""}` : undefined)}
${row("Crash time", utc(c.crashTime))}
${row("Types and symbols from", c.debuginfo === "vmlinux" ? "the vmlinux (BTF, DWARF, ELF symbols)" : "the dump's BTF and kallsyms")}
${row("Examined with", tool)}
${row("Detectors", detectors)}
${row("Analyst", c.analyst)}
${row("Case", c.caseId)}
${row("Analysis ran", h`${utc(c.startedAt)} → ${utc(c.finishedAt)}`)}
${row("On host", host)}
${row("Warnings while reading", c.warnings.length ? `${c.warnings.length} (listed below)` : "none")}
</table>
${renderWarnings(data)}`;
}

function warningRow(w: ReportData["custody"]["warnings"][number]): Html {
  const where = [w.file, w.offset !== undefined ? `offset ${w.offset}` : undefined, w.address].filter((x) => x !== undefined).join(" ");
  return h`<tr><td>${w.section}</td><td class="m">${w.code}</td><td class="wrap">${w.message}</td><td class="m">${where}</td></tr>`;
}

function renderWarnings(data: ReportData): Html {
  const w = data.custody.warnings;
  if (!w.length) return h``;
  const head = h`<thead><tr><th>Part</th><th>Kind</th><th>What</th><th>Where</th></tr></thead>`;
  const first = join(w.slice(0, WARNINGS_SHOWN).map(warningRow));
  const rest = w.slice(WARNINGS_SHOWN);
  return h`<table class="warn-list">${head}<tbody>${first}</tbody></table>${
    rest.length ? h`<details class="fold"><summary>${rest.length} more warnings</summary><table class="warn-list">${head}<tbody>${join(rest.map(warningRow))}</tbody></table></details>` : ""
  }`;
}
