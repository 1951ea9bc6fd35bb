// `kdw findings [VMLINUX] DUMP [--json] [--min-severity LEVEL]`: the detectors over a dump — the console's
// `findings`, run through the service in this process — the triage paragraph first, then the findings
// grouped by subject, most severe first; --json prints the versioned document of docs/findings.md. The
// files are sniffed, so either order works (as with the console).
import { prepareCodecsFor } from "./node-codecs";
import { ProblemError } from "../core/session/problems";
import { SessionService } from "../core/session/service";
import { CliUsageError, parse } from "./args";
import { orderFiles } from "./evidence";
import { chooseDebuginfo } from "./debuginfo-search";
import { nodeHost } from "./host";

const SEVERITIES = ["info", "low", "medium", "high", "critical"];

export async function runFindings(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, "min-severity": { type: "string" }, force: { type: "boolean" }, "no-evidence": { type: "boolean" }, "no-debuginfo": { type: "boolean" }, debuginfo: { type: "string", multiple: true } });
  const min = values["min-severity"] ?? "info";
  if (!SEVERITIES.includes(min)) throw new CliUsageError(`findings: unknown severity "${min}": one of ${SEVERITIES.join(", ")}`);
  const files = orderFiles(positionals);
  // With the dump alone: the vmlinux by build id, else the dump's own kallsyms, BTF and ORC (as the console).
  await prepareCodecsFor(files.dump); // a zstd archive: the faster decoder, for the search and the open
  for (const n of chooseDebuginfo(files, values["no-debuginfo"] ?? false, values.debuginfo ?? [])) process.stderr.write(`kdw: ${n}\n`);
  const service = new SessionService(nodeHost());
  try {
    const opened = await service.call("open", { dump: files.dump, vmlinux: files.vmlinux, ...(values.force ? { force: true } : {}) });
    for (const w of opened.warnings) if (w.code === "mismatch" || w.code === "excluded") process.stderr.write(`WARNING: ${w.message}\n`);
    const line = `findings -s ${min}${values.json ? " -j" : ""}${values["no-evidence"] ? " -n" : ""}`;
    const reply = await service.call("console", { line });
    process.stdout.write(reply.output);
    for (const e of reply.errors) process.stderr.write(e + "\n");
    return reply.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof ProblemError) {
      process.stderr.write(`kdw: ${err.problem.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await service.call("close", {});
  }
}
