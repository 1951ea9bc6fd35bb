// `findings`: the triage summary and every finding of the detectors, grouped by subject, most severe first,
// with the evidence to check with `rd`; -j prints the versioned JSON document (docs/findings.md).
import { detectionOf } from "../../detect/cached";
import { findingsDocument, type FindingsDocument } from "../../detect/document";
import type { Severity } from "../../detect/finding";
import { SEVERITIES, severityRank } from "../../detect/rule";
import type { DetectResult } from "../../detect/run";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { formatFindings } from "./findings-format";

declare const KDW_VERSION: string | undefined;

export interface FindingsResult {
  minSeverity: Severity;
  evidence: boolean;
  /** The findings at minSeverity and above (the triage counts all). */
  result: DetectResult;
  /** With -j: the document printed. */
  document?: FindingsDocument;
}

interface FindingsOptions {
  json: boolean;
  evidence: boolean;
  minSeverity: Severity;
}

/** What the dump is, for the JSON document: its file, release and build id. */
function dumpMeta(ctx: CommandContext): FindingsDocument["dump"] {
  const vi = ctx.prog.vmcoreinfo;
  return { file: ctx.files.dump, ...(vi?.osrelease ? { release: vi.osrelease } : {}), ...(vi?.buildId ? { buildId: vi.buildId.toLowerCase() } : {}) };
}

export const findingsCommand = defineCommand({
  name: "findings",
  summary: "what looks malicious or broken, with evidence (kdw)",
  help: `SYNOPSIS
  findings [-j] [-n] [-s severity]

DESCRIPTION
  Runs kdw's detectors over the dump and prints the triage paragraph (the panic, the faulting function
  and its module, the task, the taint flags), then the findings grouped by subject (a task, a module and
  the hooks in its code, an address), the most severe first. Each finding gives its rule, confidence and
  MITRE ATT&CK techniques, a summary, and its evidence: an address and the value there, which "rd"
  shows (rd -64 ADDRESS 1 for 8-byte values, rd -32 for 4-byte ones, rd -a for text).
  Rules that could not run on this dump are listed under NOT CHECKED with the reason.

    -j           the JSON document of kdw findings --json (schema kdw-findings, version 1).
    -n           no evidence lines.
    -s severity  only findings at this severity or above: info, low, medium, high, critical.`,
  options: { flags: "jn", values: "s" },
  parse(args): FindingsOptions {
    if (args.operands.length) throw new CommandError("findings", `unexpected argument: ${args.operands[0]}`);
    const min = args.value("s") ?? "info";
    if (!(SEVERITIES as readonly string[]).includes(min)) throw new CommandError("findings", `unknown severity "${min}": one of ${SEVERITIES.join(", ")}`);
    return { json: args.has("j"), evidence: !args.has("n"), minSeverity: min as Severity };
  },
  execute(ctx, o): FindingsResult {
    const all = detectionOf(ctx.prog, { symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
    const result: DetectResult = { ...all, findings: all.findings.filter((f) => severityRank(f.severity) >= severityRank(o.minSeverity)) };
    const out: FindingsResult = { minSeverity: o.minSeverity, evidence: o.evidence, result };
    if (o.json) out.document = findingsDocument(result, { kdwVersion: typeof KDW_VERSION === "string" ? KDW_VERSION : "dev", minSeverity: o.minSeverity, dump: dumpMeta(ctx) });
    return out;
  },
  format: (r) => (r.document ? JSON.stringify(r.document, null, 2) + "\n" : formatFindings(r.result, { evidence: r.evidence, minSeverity: r.minSeverity })),
});
