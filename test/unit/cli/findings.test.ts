// `kdw findings` as a user runs it: the text report, --json's versioned document, --min-severity, and
// usage errors on one line with the usage after it.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, haveFixtures } from "../../fixtures";

const KDW = join(__dirname, "../../../bin/kdw.cjs");

function kdw(...args: string[]) {
  const r = spawnSync(process.execPath, [KDW, ...args], { encoding: "latin1" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("kdw findings", () => {
  it("text: the triage paragraph, then the findings by subject, most severe first", () => {
    const r = kdw("findings", fixture("vmlinux")!, fixture("dump.lzo")!, "--no-evidence");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("TRIAGE");
    expect(r.stdout).toMatch(/^FINDINGS {2}\d+ critical, \d+ high, \d+ medium, \d+ low, \d+ info$/m);
    const severities = lines.filter((l) => /^ {3}[A-Z]+ +\S+ {2}confidence/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(severities[0]).toBe("CRITICAL");
    expect(r.stdout).not.toMatch(/^ {6}[0-9a-f]{16} {2}/m); // --no-evidence
  });

  it("--json, either file order, with --min-severity: the kdw-findings document, version 1", () => {
    const r = kdw("findings", fixture("dump.lzo")!, fixture("vmlinux")!, "--json", "--min-severity", "high");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; version: number; minSeverity: string; dump: { file: string }; findings: { severity: string; evidence: { address?: string }[] }[]; triage: { counts: Record<string, number> }; rules: { id: string }[] };
    expect([doc.schema, doc.version, doc.minSeverity]).toEqual(["kdw-findings", 1, "high"]);
    expect(doc.dump.file).toContain("dump.lzo");
    expect(doc.findings.length).toBe(doc.triage.counts.critical! + doc.triage.counts.high!);
    expect(doc.findings.every((f) => f.severity === "critical" || f.severity === "high")).toBe(true);
    expect(doc.rules.map((x) => x.id)).toContain("hidden-module");
    for (const f of doc.findings) for (const e of f.evidence) if (e.address) expect(e.address).toMatch(/^0x[0-9a-f]+$/);
  });

  it("with no vmlinux (kallsyms, BTF and ORC from the dump) the findings document is the one the vmlinux gives", () => {
    const a = kdw("findings", fixture("dump.lzo")!, "--no-debuginfo", "--json");
    expect(a.status).toBe(0);
    expect(a.stderr).toBe("kdw: debuginfo: not searched (--no-debuginfo): symbols, types and ORC come from the dump (kallsyms, BTF)\n");
    const b = kdw("findings", fixture("vmlinux")!, fixture("dump.lzo")!, "--json");
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
  });

  it("usage errors: an unknown severity", () => {
    const b = kdw("findings", fixture("vmlinux")!, fixture("dump.lzo")!, "--min-severity", "severe");
    expect(b.status).toBe(2);
    expect(b.stderr.split("\n")[0]).toBe('kdw: findings: unknown severity "severe": one of info, low, medium, high, critical');
  });
});
