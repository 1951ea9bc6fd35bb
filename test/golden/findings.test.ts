// The detectors on every variant of the fixture dump, judged against its ground truth (manifest.json: the
// planted processes in `decoys`, the `benign_userland` controls, the `module` and its hook, the `panic`).
// The rules know none of these names or pids: the test reads them from the manifest and from the kernel's
// own oops line (reference/console.txt), and every evidence address is read back through the console's rd.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { severityRank } from "../../src/core/detect/rule";
import { runRules, type DetectResult } from "../../src/core/detect/run";
import type { Finding } from "../../src/core/detect/finding";
import type { Session } from "../../src/core/session/session";
import { fixturesDir, haveFixtures, reference } from "../fixtures";
import { fixtureSession } from "../session-fixture";
import { expectEvidenceReadsBack } from "../unit/detect/readback";

interface Truth {
  panic: { string: string; pid: number; comm: string; cpu: number };
  module: { name: string; out_of_tree: boolean; signed: boolean; hook: string };
  decoys: { name: string; pids: number[]; trigger_only?: boolean }[];
  benign_userland: { name: string; pids: number[] }[];
}

const truth = (): Truth => JSON.parse(readFileSync(join(fixturesDir, "manifest.json"), "utf8")) as Truth;

/** The kernel's own words for the faulting RIP: "RIP: 0010:mz_getdents_pre+0x5e/0x1000 [mzoneinfo]". */
function oopsFunction(): { name: string; module: string } {
  const m = /RIP: 0010:([\w.]+)\+0x[0-9a-f]+\/0x[0-9a-f]+ \[(\w+)\]/.exec(reference("console.txt"))!;
  return { name: m[1]!, module: m[2]! };
}

const results = new Map<string, DetectResult>();
function detect(variant: "lzo" | "zlib" | "flat" | "elf"): { session: Session; result: DetectResult } {
  const session = fixtureSession(variant)!;
  let result = results.get(variant);
  if (!result) {
    const ctx = session.context;
    result = runRules(ctx.prog, { symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
    results.set(variant, result);
  }
  return { session, result };
}

const atLeast = (f: Finding, s: Finding["severity"]) => severityRank(f.severity) >= severityRank(s);
const taskPid = (f: Finding) => (f.subject.kind === "task" ? f.subject.pid : undefined);

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux", "manifest.json"))("findings on the fixture (golden, against manifest.json)", () => {
  for (const variant of ["lzo", "zlib", "flat", "elf"] as const) {
    describe(`dump.${variant}`, () => {
      it("every planted process (all but the trigger) has a finding at medium or above on one of its pids", () => {
        const { session, result } = detect(variant);
        // The detectors ask BTF alone: nothing of theirs indexes the vmlinux's DWARF.
        expect(session.kernel.types.dwarfOpened).toBe(false);
        const decoys = truth().decoys.filter((d) => !d.trigger_only);
        expect(decoys.length).toBeGreaterThan(5);
        for (const d of decoys) {
          const hit = result.findings.filter((f) => atLeast(f, "medium") && d.pids.includes(taskPid(f) ?? -1));
          expect(hit, `decoy ${d.name} (pids ${d.pids.join(", ")})`).not.toEqual([]);
        }
      });

      it("no benign process, and not the trigger, is flagged at medium or above", () => {
        const { result } = detect(variant);
        const benign = [...truth().benign_userland, ...truth().decoys.filter((d) => d.trigger_only)];
        for (const b of benign) {
          const hit = result.findings.filter((f) => atLeast(f, "medium") && b.pids.includes(taskPid(f) ?? -1));
          expect(hit.map((f) => `${f.rule}: ${f.summary}`), `${b.name} (pids ${b.pids.join(", ")})`).toEqual([]);
        }
      });

      it("the module is found hidden through mod_tree and sysfs, at critical", () => {
        const { result } = detect(variant);
        const name = truth().module.name;
        const hidden = result.findings.filter((f) => f.rule === "hidden-module" && f.subject.kind === "module" && f.subject.name === name);
        expect(hidden).toHaveLength(1);
        expect(hidden[0]!.severity).toBe("critical");
        expect(hidden[0]!.subject).toMatchObject({ hidden: true });
        expect(hidden[0]!.seenBy).toEqual(expect.arrayContaining(["mod_tree", "kset"]));
        expect(hidden[0]!.seenBy).not.toContain("module-list");
      });

      it("its kprobe is reported with the pre-handler named as the oops names it, at critical", () => {
        const { result } = detect(variant);
        const target = /kprobe on (\S+)/.exec(truth().module.hook)![1]!;
        const fn = oopsFunction();
        const kp = result.findings.filter((f) => f.rule === "hook-kprobe" && f.summary.includes(target));
        expect(kp).toHaveLength(1);
        expect(kp[0]!.severity).toBe("critical");
        expect(kp[0]!.subject).toMatchObject({ kind: "address", symbol: `${fn.name} [${fn.module}]`, owner: fn.module });
        const hook = result.hooks.find((h) => h.kind === "kprobe" && h.target === target)!;
        expect(hook).toMatchObject({ handlerSymbol: `${fn.name} [${fn.module}]`, owner: fn.module, ownerHidden: true, kernelOwned: false });
      });

      it("the kernel's own kprobe and ftrace machinery is not flagged", () => {
        const { result } = detect(variant);
        const own = result.hooks.filter((h) => h.kernelOwned);
        expect(own.map((h) => h.kind)).toContain("ftrace");
        for (const f of result.findings.filter((x) => x.subject.kind === "address" && x.subject.owner === "kernel")) expect(f.severity).toBe("info");
        // Nothing about the fixture's syscall table, x64_sys_call, IDT or /proc operations (untouched, per the README).
        expect(result.findings.filter((f) => /^hook-(syscall|idt|proc)/.test(f.rule))).toEqual([]);
      });

      it("the triage names the panic, the hidden out-of-tree unsigned module with its hook, and the unflagged trigger", () => {
        const { result } = detect(variant);
        const t = truth();
        const p = result.triage.panic!;
        expect(p.message).toBe(t.panic.string);
        expect(p.cpu).toBe(t.panic.cpu);
        expect(p.function).toMatch(new RegExp(`^${oopsFunction().name}\\+0x`));
        expect(p).toMatchObject({ module: t.module.name, moduleHidden: true, moduleOutOfTree: t.module.out_of_tree, moduleUnsigned: !t.module.signed, hooksOwned: 1 });
        expect(p.task).toEqual({ pid: t.panic.pid, comm: t.panic.comm, flagged: false });
        expect(result.triage.taints).toBe("OE");
        expect(result.skipped).toEqual([]);
        expect(result.problems).toEqual([]);
      });
    });
  }

  it("every evidence address reads back the stated value through the console's rd", () => {
    const { session, result } = detect("lzo");
    const checked = expectEvidenceReadsBack((line) => session.run(line), result.findings);
    expect(checked).toBeGreaterThan(50);
  });

  it("findings and hooks in the console: the triage first, the hidden module's hook in the table", () => {
    const s = fixtureSession()!;
    const f = s.run("findings -s critical");
    expect(f.errors).toEqual([]);
    expect(f.text.split("\n")[0]).toBe("TRIAGE");
    expect(f.text).toContain(`== module ${truth().module.name}`);
    const h = s.run("hooks");
    expect(h.errors).toEqual([]);
    expect(h.text).toMatch(new RegExp(`^kprobe +\\S+ +[0-9a-f]{16} +${oopsFunction().name} \\[${truth().module.name}\\] +${truth().module.name} \\(hidden\\)`, "m"));
    const j = JSON.parse(s.run("findings -j").text) as { schema: string; version: number; findings: Finding[] };
    expect([j.schema, j.version]).toEqual(["kdw-findings", 1]);
    expect(j.findings.length).toBe(detect("lzo").result.findings.length);
  });
});
