// `findings`: the triage summary and every finding of the detectors, grouped by subject, most severe first,
// with the evidence to check with `rd`; -j prints the versioned JSON document (docs/findings.md).
import { findingsDocument } from "../../detect/document";
import type { Severity } from "../../detect/finding";
import { SEVERITIES, severityRank } from "../../detect/rule";
import { CommandError, KdwOptionError, splitOptions, type Command } from "../command";
import { formatFindings } from "./format";
import { detectResult } from "./run";

declare const KDW_VERSION: string | undefined;

export const findingsCommand: Command = {
  name: "findings",
  summary: "what looks malicious or broken, with evidence (kdw)",
  help: `NAME
  findings - what looks malicious or broken, with evidence (kdw)

SYNOPSIS
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
  run(ctx, args) {
    let opts;
    try {
      opts = splitOptions(args, ["s"]);
    } catch (err) {
      if (err instanceof KdwOptionError) throw new CommandError("findings", err.message);
      throw err;
    }
    for (const f of opts.flags) if (!"jn".includes(f)) throw new CommandError("findings", `invalid option: -${f}`);
    if (opts.rest.length) throw new CommandError("findings", `unexpected argument: ${opts.rest[0]}`);
    const min = (opts.values.get("s") ?? "info") as Severity;
    if (!SEVERITIES.includes(min)) throw new CommandError("findings", `unknown severity "${min}": one of ${SEVERITIES.join(", ")}`);
    const all = detectResult(ctx);
    const result = { ...all, findings: all.findings.filter((f) => severityRank(f.severity) >= severityRank(min)) };
    if (opts.flags.has("j")) {
      const doc = findingsDocument(result, { kdwVersion: typeof KDW_VERSION === "string" ? KDW_VERSION : "dev", minSeverity: min });
      return { data: doc, text: JSON.stringify(doc, null, 2) + "\n" };
    }
    return { data: result, text: formatFindings(result, { evidence: !opts.flags.has("n"), minSeverity: min }) };
  },
};
