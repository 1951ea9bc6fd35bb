// A detector: one rule, one file under rules/. Like a volatility3 plugin it says what it needs from the dump
// and says so plainly when the dump lacks it; unlike one it returns findings, not rows: a subject, a
// severity, a confidence, the MITRE technique, and evidence a person can check with `rd`.
import type { DetectContext } from "./context";
import type { Evidence, Finding, FindingSubject, SeenBy, Severity } from "./finding";

export const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Something a rule needs; `missing` says in one plain sentence why this dump cannot give it. */
export interface Requirement {
  what: string;
  missing(ctx: DetectContext): string | undefined;
}

export interface Rule {
  /** Stable id, kebab-case ("hidden-module"). */
  id: string;
  /** Bumped when what the rule reports changes. */
  version: number;
  title: string;
  /** The most severe finding it makes. */
  severity: Severity;
  /** Its usual confidence (each finding states its own). */
  confidence: number;
  mitre: string[];
  requires: Requirement[];
  /** When it is wrong, and why. */
  falsePositives: string;
  run(ctx: DetectContext): Finding[];
}

export interface FindingInput {
  subject: FindingSubject;
  severity: Severity;
  confidence: number;
  summary: string;
  evidence: Evidence[];
  seenBy: SeenBy[];
  notes?: string;
  /** Technique ids for this finding, when narrower than the rule's. */
  mitre?: string[];
  /** Makes the id unique when one subject has several findings of one rule. */
  key?: string;
}

/** A finding of `rule` (its id is `rule:subject[:key]`). */
export function finding(rule: Rule, f: FindingInput): Finding {
  const out: Finding = {
    id: `${rule.id}:${subjectKey(f.subject)}${f.key ? `:${f.key}` : ""}`,
    rule: rule.id,
    ruleVersion: rule.version,
    severity: f.severity,
    confidence: Math.round(Math.max(0, Math.min(1, f.confidence)) * 100) / 100,
    mitre: f.mitre ?? rule.mitre,
    subject: f.subject,
    summary: f.summary,
    evidence: f.evidence,
    seenBy: f.seenBy,
  };
  if (f.notes) out.notes = f.notes;
  return out;
}

export function subjectKey(s: FindingSubject): string {
  switch (s.kind) {
    case "task":
      return `pid:${s.pid}@${s.task}`;
    case "module":
      return `module:${s.name}@${s.address}`;
    case "address":
      return `addr:${s.address}`;
    case "kernel":
      return "kernel";
  }
}

export function hex(v: bigint | number): `0x${string}` {
  return `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
}
