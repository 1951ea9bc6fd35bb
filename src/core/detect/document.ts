// The findings as one JSON document: `kdw findings --json`, the console's `findings -j`, the report. Its
// shape is versioned (docs/findings.md): fields are only ever added within a version; a change that
// would break a reader bumps FINDINGS_SCHEMA_VERSION. Every value is JSON-safe (addresses "0x…").
import type { DetectProblem } from "./context";
import type { Finding, Hook, Severity, TriageSummary } from "./finding";
import { RULES, type DetectResult } from "./run";

export const FINDINGS_SCHEMA = "kdw-findings";
export const FINDINGS_SCHEMA_VERSION = 1;

export interface RuleDescription {
  id: string;
  version: number;
  title: string;
  severity: Severity;
  confidence: number;
  mitre: string[];
  requires: string[];
  falsePositives: string;
}

export interface FindingsDocument {
  schema: typeof FINDINGS_SCHEMA;
  version: typeof FINDINGS_SCHEMA_VERSION;
  generator: { name: "kdw"; version: string };
  rulesVersion: string;
  dump?: { file: string; release?: string; buildId?: string };
  /** Findings below it are left out of `findings` (the triage counts all). */
  minSeverity: Severity;
  triage: TriageSummary;
  findings: Finding[];
  hooks: Hook[];
  rules: RuleDescription[];
  skipped: { rule: string; reason: string }[];
  problems: DetectProblem[];
}

export function findingsDocument(result: DetectResult, meta: { kdwVersion: string; minSeverity?: Severity; dump?: FindingsDocument["dump"] }): FindingsDocument {
  const doc: FindingsDocument = {
    schema: FINDINGS_SCHEMA,
    version: FINDINGS_SCHEMA_VERSION,
    generator: { name: "kdw", version: meta.kdwVersion },
    rulesVersion: result.rulesVersion,
    minSeverity: meta.minSeverity ?? "info",
    triage: result.triage,
    findings: result.findings,
    hooks: result.hooks,
    rules: RULES.map((r) => ({ id: r.id, version: r.version, title: r.title, severity: r.severity, confidence: r.confidence, mitre: r.mitre, requires: r.requires.map((q) => q.what), falsePositives: r.falsePositives })),
    skipped: result.skipped,
    problems: result.problems,
  };
  if (meta.dump) doc.dump = meta.dump;
  return doc;
}

/**
 * The reply of the service contract's `findings` method (session/contract.ts FindingsReply): the findings
 * as a Partial list, every problem as a "walk-aborted" Problem, the triage and the rule-set version.
 */
export function findingsContractReply(result: DetectResult): { items: Finding[]; problems: { code: "walk-aborted"; message: string }[]; triage: TriageSummary; rulesVersion: string } {
  return {
    items: result.findings,
    problems: result.problems.map((p) => ({ code: "walk-aborted" as const, message: `${p.rule ?? p.view ?? "detect"}: ${p.message}` })),
    triage: result.triage,
    rulesVersion: result.rulesVersion,
  };
}
