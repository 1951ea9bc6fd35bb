// Runs the rules over a program: each rule's requirements first (a missing one skips the rule with its
// sentence), then the rule; a rule that fails is a problem, not a lost run. Findings come back most severe
// first, with the triage summary.
import { KdwError } from "../io/errors";
import type { Program } from "../program/program";
import { DetectContext, type DetectOptions, type DetectProblem } from "./context";
import type { Finding, Hook, Severity, TriageSummary } from "./finding";
import { hookJson } from "./hooks";
import { severityRank, type Rule } from "./rule";
import { cpuHogRule } from "./rules/cpu-hog";
import { hiddenModuleRule } from "./rules/hidden-module";
import { hiddenTaskRule } from "./rules/hidden-task";
import { hookFtraceRule } from "./rules/hook-ftrace";
import { hookIdtRule } from "./rules/hook-idt";
import { hookKprobeRule } from "./rules/hook-kprobe";
import { hookNetfilterRule } from "./rules/hook-netfilter";
import { hookProcOpsRule } from "./rules/hook-proc-ops";
import { hookSyscallDispatchRule } from "./rules/hook-syscall-dispatch";
import { hookSyscallTableRule } from "./rules/hook-syscall-table";
import { hookTracepointRule } from "./rules/hook-tracepoint";
import { kthreadImpersonationRule } from "./rules/kthread-impersonation";
import { nameMasqueradeRule } from "./rules/name-masquerade";
import { respawnSwarmRule } from "./rules/respawn-swarm";
import { sharedCredsRule } from "./rules/shared-creds";
import { suspiciousExeRule } from "./rules/suspicious-exe";
import { taintingModuleRule } from "./rules/tainting-module";
import { wxMappingsRule } from "./rules/wx-mappings";
import { triage } from "./triage";

export const PROCESS_RULES: readonly Rule[] = [cpuHogRule, nameMasqueradeRule, kthreadImpersonationRule, suspiciousExeRule, respawnSwarmRule, sharedCredsRule, wxMappingsRule, hiddenTaskRule];
export const MODULE_RULES: readonly Rule[] = [hiddenModuleRule, taintingModuleRule];
export const HOOK_RULES: readonly Rule[] = [hookKprobeRule, hookFtraceRule, hookSyscallTableRule, hookSyscallDispatchRule, hookIdtRule, hookProcOpsRule, hookNetfilterRule, hookTracepointRule];
export const RULES: readonly Rule[] = [...PROCESS_RULES, ...MODULE_RULES, ...HOOK_RULES];

/** The version of the rule set: bumped with any rule's version (each finding also names its rule's). */
export const RULES_VERSION = `1+${RULES.reduce((n, r) => n + r.version, 0)}`;

export interface RunOptions extends DetectOptions {
  /** The rules to run (default: all). */
  rules?: readonly Rule[];
  /** Findings below this severity are left out of `findings` (the triage still counts every finding). */
  minSeverity?: Severity;
  /** An existing context (shares what another run computed). */
  context?: DetectContext;
  /** Write the triage paragraph (default true); without it the triage has the counts alone. */
  triage?: boolean;
}

export interface DetectResult {
  findings: Finding[];
  triage: TriageSummary;
  hooks: Hook[];
  /** Rules not run, and the plain sentence why. */
  skipped: { rule: string; reason: string }[];
  problems: DetectProblem[];
  /** Milliseconds per rule (the first rules pay for the views the later ones share). */
  timings: { rule: string; ms: number }[];
  rulesVersion: string;
}

export function runRules(prog: Program, options: RunOptions = {}): DetectResult {
  const ctx = options.context ?? new DetectContext(prog, options);
  const all: Finding[] = [];
  const skipped: DetectResult["skipped"] = [];
  const timings: DetectResult["timings"] = [];
  const clock = () => Date.now();
  for (const rule of options.rules ?? RULES) {
    const t0 = clock();
    const missing = rule.requires.map((r) => r.missing(ctx)).find((m) => m !== undefined);
    if (missing) {
      skipped.push({ rule: rule.id, reason: missing });
      continue;
    }
    try {
      all.push(...rule.run(ctx));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      ctx.problems.push({ rule: rule.id, message: err.message });
    }
    timings.push({ rule: rule.id, ms: clock() - t0 });
  }
  const ids = new Set<string>();
  for (const f of all) {
    let id = f.id;
    for (let n = 2; ids.has(id); n++) id = `${f.id}#${n}`;
    f.id = id;
    ids.add(id);
  }
  all.sort(compareFindings);
  const min = options.minSeverity ? severityRank(options.minSeverity) : 0;
  const problems = [...ctx.problems];
  const hookRun = options.rules === undefined || options.rules.some((r) => HOOK_RULES.includes(r));
  if (hookRun) {
    for (const p of ctx.hooks.problems) problems.push({ view: p.source, message: p.message });
    for (const a of ctx.hooks.absent) skipped.push({ rule: `hooks: ${a.source}`, reason: a.reason });
  }
  for (const p of ctx.modules.problems) problems.push({ view: p.view, message: p.message });
  return {
    findings: all.filter((f) => severityRank(f.severity) >= min),
    triage: options.triage === false ? countsOnly(all) : triage(ctx, all),
    hooks: hookRun ? ctx.hooks.hooks.map(hookJson) : [],
    skipped,
    problems,
    timings,
    rulesVersion: RULES_VERSION,
  };
}

function countsOnly(findings: readonly Finding[]): TriageSummary {
  const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity]++;
  return { text: "", counts };
}

/** Most severe first, then most confident, then by rule and id (stable output). */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || b.confidence - a.confidence || a.rule.localeCompare(b.rule) || a.id.localeCompare(b.id);
}
