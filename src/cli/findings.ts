// `kdw findings [VMLINUX] DUMP [--json] [--min-severity LEVEL]`: the detectors over a dump, the triage
// paragraph first, then the findings grouped by subject, most severe first; --json prints the versioned
// document of docs/findings.md. The files are sniffed, so either order works (as with the console).
import { formatFindings } from "../core/commands/detect/format";
import { findingsDocument } from "../core/detect/document";
import type { Severity } from "../core/detect/finding";
import { SEVERITIES } from "../core/detect/rule";
import { runRules } from "../core/detect/run";
import { CliUsageError, parse } from "./args";
import { openSession } from "./console";

declare const KDW_VERSION: string;

export async function runFindings(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, "min-severity": { type: "string" }, force: { type: "boolean" }, "no-evidence": { type: "boolean" } });
  const min = (values["min-severity"] ?? "info") as Severity;
  if (!SEVERITIES.includes(min)) throw new CliUsageError(`findings: unknown severity "${min}": one of ${SEVERITIES.join(", ")}`);
  if (positionals.length === 1) throw new CliUsageError("findings: give the dump's vmlinux too (kdw findings VMLINUX DUMP): analysis without one is not built yet");
  const { session, close } = openSession(positionals, values.force ?? false);
  try {
    if (session.kernel.mismatch) process.stderr.write(`WARNING: forced past a mismatch: ${session.kernel.mismatch}\n`);
    const ctx = session.context;
    const result = runRules(ctx.prog, { symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux, minSeverity: min });
    if (values.json) {
      const id = session.kernel.dumpIdentity;
      const dump = { file: ctx.files.dump, ...(id.release ? { release: id.release } : {}), ...(id.buildId ? { buildId: id.buildId } : {}) };
      const doc = findingsDocument(result, { kdwVersion: typeof KDW_VERSION === "string" ? KDW_VERSION : "dev", minSeverity: min, dump });
      process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
    } else process.stdout.write(formatFindings(result, { minSeverity: min, evidence: !values["no-evidence"] }));
    return 0;
  } finally {
    close();
  }
}
