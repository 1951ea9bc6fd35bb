// The detectors on kdw's sample (samples/: a 6.12 kernel, no vmlinux), judged against its manifest: the
// planted processes (`decoys`, all but the trigger), the `benign_userland` controls, the rootkit `module` and
// its two hooks (an ftrace_ops and a kprobe, where the fixture's rootkit had one kprobe). The rules were written
// against the fixture's 6.1 kernel and know none of these names or pids: the test reads them from the manifest
// and from the kernel's own oops line (manifest panic.kernel_rip). On this kernel the syscall dispatchers
// (x64_sys_call, ia32_sys_call: 6.9+) exist, so their call sites are checked too.
import { beforeAll, describe, expect, it } from "vitest";
import { severityRank } from "../../src/core/detect/rule";
import { runRules, type DetectResult } from "../../src/core/detect/run";
import type { Finding } from "../../src/core/detect/finding";
import type { Session } from "../../src/core/session/session";
import { sampleManifest, sampleSession } from "../sample-session";
import { expectEvidenceReadsBack } from "../unit/detect/readback";

const atLeast = (f: Finding, s: Finding["severity"]) => severityRank(f.severity) >= severityRank(s);
const taskPid = (f: Finding) => (f.subject.kind === "task" ? f.subject.pid : undefined);

describe("findings on the sample (6.12, no vmlinux; against samples/manifest.json)", () => {
  let session: Session;
  let result: DetectResult;
  beforeAll(async () => {
    session = await sampleSession();
    const ctx = session.context;
    result = runRules(ctx.prog, { symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
  }, 120_000);

  it("every planted process (all but the trigger) has a finding at medium or above on one of its pids", () => {
    const decoys = sampleManifest().decoys.filter((d) => !d.trigger_only);
    expect(decoys.length).toBeGreaterThan(4);
    for (const d of decoys) {
      const hit = result.findings.filter((f) => atLeast(f, "medium") && d.pids.includes(taskPid(f) ?? -1));
      expect(hit, `decoy ${d.name} (pids ${d.pids.join(", ")})`).not.toEqual([]);
    }
  });

  it("no benign process, and not the trigger, is flagged at medium or above", () => {
    const m = sampleManifest();
    for (const b of [...m.benign_userland, ...m.decoys.filter((d) => d.trigger_only)]) {
      const hit = result.findings.filter((f) => atLeast(f, "medium") && b.pids.includes(taskPid(f) ?? -1));
      expect(hit.map((f) => `${f.rule}: ${f.summary}`), `${b.name} (pids ${b.pids.join(", ")})`).toEqual([]);
    }
  });

  it("the module that hid itself is found through mod_tree and the carve, at critical", () => {
    const name = sampleManifest().module.name;
    const hidden = result.findings.filter((f) => f.rule === "hidden-module" && f.subject.kind === "module" && f.subject.name === name);
    expect(hidden).toHaveLength(1);
    expect(hidden[0]!.severity).toBe("critical");
    expect(hidden[0]!.seenBy).toContain("mod_tree");
    expect(hidden[0]!.seenBy).not.toContain("module-list");
  });

  it("both of its hooks are reported at critical, each handler named from the hidden module's own symbols", () => {
    const m = sampleManifest();
    const rip = /^([\w.]+)\+/.exec(m.panic.kernel_rip)![1]!; // the ftrace callback that oopsed
    const mine = result.findings.filter((f) => /^hook-/.test(f.rule) && f.subject.kind === "address" && f.subject.owner === m.module.name);
    expect(mine.map((f) => f.rule).sort()).toEqual(["hook-ftrace", "hook-kprobe"]);
    for (const f of mine) expect(f.severity).toBe("critical");
    expect(mine.find((f) => f.rule === "hook-ftrace")!.subject).toMatchObject({ symbol: `${rip} [${m.module.name}]` });
    const hooks = result.hooks.filter((h) => h.owner === m.module.name);
    expect(hooks.every((h) => h.ownerHidden && !h.kernelOwned)).toBe(true);
    expect(hooks.map((h) => h.kind).sort()).toEqual(["ftrace", "kprobe"]);
  });

  it("nothing of the kernel's own is flagged above info, and its syscall dispatchers were checked", () => {
    for (const f of result.findings.filter((x) => x.subject.kind === "address" && x.subject.owner === "kernel")) {
      expect(`${f.severity} ${f.rule}: ${f.summary}`).toMatch(/^info /);
    }
    expect(result.findings.filter((f) => /^hook-(syscall|idt|proc)/.test(f.rule))).toEqual([]);
    // The dispatch rule ran (this kernel has x64_sys_call) instead of being skipped for want of it.
    expect(result.skipped.map((x) => x.rule)).not.toContain("hook-syscall-dispatch");
  });

  it("the triage names the panic in the hidden module and the unflagged trigger", () => {
    const m = sampleManifest();
    const p = result.triage.panic!;
    expect(p.cpu).toBe(m.panic.cpu);
    expect(p).toMatchObject({ module: m.module.name, moduleHidden: true, hooksOwned: 2 });
    expect(p.task).toEqual({ pid: m.panic.pid, comm: m.panic.comm, flagged: false });
    expect(result.triage.taints).toBe("OE");
    expect(result.problems).toEqual([]);
  });

  it("every evidence address reads back the stated value through the console's rd", () => {
    expect(expectEvidenceReadsBack((line) => session.run(line), result.findings)).toBeGreaterThan(30);
  });
});
