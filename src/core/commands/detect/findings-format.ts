// The findings as text (the console's `findings`, and `kdw findings`): the triage paragraph, then the
// findings grouped by subject (a task, a module and the hooks in its code, an address), the most severe
// group first; each finding with its evidence, one checkable word per line. Every string from the dump is
// escaped.
import type { Evidence, Finding, Severity } from "../../detect/finding";
import type { DetectResult } from "../../detect/run";
import { severityRank, SEVERITIES } from "../../detect/rule";
import { escapeControl as printable } from "../shared/escape";

const WIDTH = 100;

/** The group a finding belongs to: its task, its module, or the module owning the code it names. */
function groupKey(f: Finding): string {
  const s = f.subject;
  switch (s.kind) {
    case "task":
      return `task:${s.pid}:${s.task}`;
    case "module":
      return `module:${s.name}`;
    case "address":
      return s.owner && s.owner !== "kernel" && s.owner !== "unknown" && s.owner !== "bpf" ? `module:${s.owner}` : `address:${s.address}`;
    case "kernel":
      return "kernel";
  }
}

function groupTitle(fs: Finding[]): string {
  const s = fs.find((f) => f.subject.kind === "module")?.subject ?? fs[0]!.subject;
  switch (s.kind) {
    case "task":
      return `pid ${s.pid}  ${printable(s.comm)}  task ${s.task.slice(2)}`;
    case "module":
      return `module ${printable(s.name)}  ${s.address.slice(2)}${s.hidden ? "  [hidden]" : ""}`;
    case "address":
      return s.owner && s.owner !== "kernel" && s.owner !== "unknown" && s.owner !== "bpf" ? `module ${printable(s.owner)}` : `code ${s.address.slice(2)}${s.symbol ? ` ${printable(s.symbol)}` : ""} (${s.owner ?? "unknown"})`;
    case "kernel":
      return "kernel";
  }
}

/** Words of `text` in lines of at most WIDTH columns, each indented by `indent`. */
export function wrap(text: string, indent: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

function evidenceLine(e: Evidence): string {
  const where = e.address ? e.address.slice(2).padStart(16) : "".padStart(16);
  const value = e.value === undefined ? "" : e.address && e.size === undefined ? ` = "${printable(e.value)}"` : ` = ${printable(e.value)}`;
  const sym = e.symbol ? ` <${printable(e.symbol)}>` : "";
  const owner = e.owner && !(e.symbol && e.owner !== "kernel" && e.symbol.endsWith(`[${e.owner}]`)) && e.owner !== "kernel" ? ` (${printable(e.owner)})` : "";
  return `      ${where}  ${printable(e.label)}${value}${sym}${owner}`;
}

export function formatFindings(result: DetectResult, options: { evidence?: boolean; minSeverity?: Severity } = {}): string {
  const lines: string[] = ["TRIAGE"];
  lines.push(...wrap(printable(result.triage.text), "  "));
  const c = result.triage.counts;
  lines.push("", `FINDINGS  ${SEVERITIES.slice().reverse().map((s) => `${c[s]} ${s}`).join(", ")}${options.minSeverity && options.minSeverity !== "info" ? `  (shown: ${options.minSeverity} and above)` : ""}`);
  const groups = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const k = groupKey(f);
    const g = groups.get(k) ?? [];
    g.push(f);
    groups.set(k, g);
  }
  const ordered = [...groups.values()].sort((a, b) => severityRank(b[0]!.severity) - severityRank(a[0]!.severity));
  for (const fs of ordered) {
    const seen = [...new Set(fs.flatMap((f) => (f.subject.kind === "module" || f.subject.kind === "task" ? f.seenBy : [])))];
    lines.push("", `== ${groupTitle(fs)}${seen.length ? `  seen in: ${seen.join(", ")}` : ""}`);
    for (const f of fs) {
      lines.push(`   ${f.severity.toUpperCase().padEnd(9)}${f.rule}  confidence ${f.confidence.toFixed(2)}  ${f.mitre.join(" ")}`);
      lines.push(...wrap(printable(f.summary), "            "));
      if (options.evidence !== false) for (const e of f.evidence) lines.push(evidenceLine(e));
      if (f.notes) lines.push(...wrap(`note: ${printable(f.notes)}`, "            "));
    }
  }
  if (result.findings.length === 0) lines.push("", "  (none)");
  if (result.skipped.length) {
    lines.push("", "NOT CHECKED");
    for (const s of result.skipped) lines.push(...wrap(`${s.rule}: ${printable(s.reason)}`, "  "));
  }
  if (result.problems.length) {
    lines.push("", "PROBLEMS (partial results)");
    for (const p of result.problems) lines.push(...wrap(`${p.rule ?? p.view ?? ""}: ${printable(p.message)}`, "  "));
  }
  return lines.join("\n") + "\n";
}

