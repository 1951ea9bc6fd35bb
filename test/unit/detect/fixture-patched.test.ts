// The same plants on the real 6.1 layout: the fixture's memory with chosen words rewritten
// (test/fixtures/patched-program.ts). What the dump itself does not have — a changed sys_call_table entry,
// a patched x64_sys_call call site, a process unlinked from the task list, shared credentials — must be
// found there too, named by the hidden module's own symbols. Names come from the dump, not from the test.
import { describe, expect, it } from "vitest";
import { syscallDispatchers } from "../../../src/core/kernel/hooks/dispatch";
import { taskLayout } from "../../../src/core/kernel/tasks/layout";
import { taskTable } from "../../../src/core/kernel/tasks/tasks";
import { moduleViews } from "../../../src/core/kernel/modules/views";
import { runRules, HOOK_RULES, PROCESS_RULES, type DetectResult } from "../../../src/core/detect/run";
import type { Rule } from "../../../src/core/detect/rule";
import type { Program } from "../../../src/core/program/program";
import { haveFixtures } from "../../fixtures";
import { patchedProgram } from "../../fixtures/patched-program";
import { fixtureSession } from "../../session-fixture";

function detect(prog: Program, rules: readonly Rule[]): DetectResult {
  const ctx = fixtureSession()!.context;
  return runRules(prog, { rules, symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
}

const ids = (r: DetectResult) => new Set(r.findings.map((f) => f.id));

/** The hidden module's first function (the fixture's only module off the list) and its name. */
function hiddenFunction(prog: Program): { address: bigint; module: string } {
  const v = moduleViews(prog).modules.find((m) => !m.seenBy.includes("module-list"))!;
  return { address: v.module.base, module: v.module.name };
}

/** A patch map writing `bytes` at `addr` (8-byte words, keeping the bytes around them). */
function patchBytes(prog: Program, addr: bigint, bytes: Uint8Array): Map<bigint, bigint> {
  const base = addr & ~7n;
  const words = Math.ceil((Number(addr - base) + bytes.length) / 8);
  const buf = prog.read(base, words * 8).slice();
  buf.set(bytes, Number(addr - base));
  const dv = new DataView(buf.buffer);
  return new Map(Array.from({ length: words }, (_, i) => [base + BigInt(i * 8), dv.getBigUint64(i * 8, true)] as [bigint, bigint]));
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("detectors on the fixture with planted changes", () => {
  const prog = () => fixtureSession()!.kernel.program;

  it("a sys_call_table entry pointing into the hidden module: critical, named from its kallsyms", () => {
    const p = prog();
    const h = hiddenFunction(p);
    const slot = p.symbolAddress("sys_call_table") + 217n * 8n;
    const before = detect(p, HOOK_RULES);
    const after = detect(patchedProgram(p, new Map([[slot, h.address]])), HOOK_RULES);
    const added = after.findings.filter((f) => !ids(before).has(f.id));
    expect(added.map((f) => [f.rule, f.severity])).toEqual([["hook-syscall-table", "critical"]]);
    expect(added[0]!.subject).toMatchObject({ owner: h.module, symbol: expect.stringMatching(new RegExp(` \\[${h.module}\\]$`)) });
    // Compared with the vmlinux's own table: the original entry is named.
    const getdents = p.symbolAddress("__x64_sys_getdents64");
    expect(after.hooks.find((x) => x.kind === "syscall-table")!.details).toContain(`differs from the vmlinux's sys_call_table[217] (0x${getdents.toString(16)} __x64_sys_getdents64)`);
    // x64_sys_call still calls the original function: only the table changed.
    expect(after.findings.filter((f) => f.rule === "hook-syscall-dispatch")).toEqual([]);
  });

  it("a patched x64_sys_call call site (table clean): critical", () => {
    const p = prog();
    const h = hiddenFunction(p);
    const d = syscallDispatchers(p, fixtureSession()!.context.decoder).dispatchers.find((x) => x.symbol === "x64_sys_call")!;
    const getdents = p.symbolAddress("__x64_sys_getdents64");
    const site = d.sites.find((s) => s.target === getdents)!;
    const rel = new Uint8Array(4);
    new DataView(rel.buffer).setInt32(0, Number(h.address - (site.address + BigInt(site.length))), true);
    const after = detect(patchedProgram(p, patchBytes(p, site.slot, rel)), HOOK_RULES);
    const hits = after.findings.filter((f) => f.rule === "hook-syscall-dispatch");
    expect(hits.map((f) => f.severity)).toEqual(["critical"]);
    expect(hits[0]!.evidence[0]).toMatchObject({ address: `0x${site.slot.toString(16)}`, size: 4 });
    expect(after.findings.filter((f) => f.rule === "hook-syscall-table")).toEqual([]);
  });

  it("a process unlinked from the task list is found through the pid IDR and its thread group: critical", () => {
    const p = prog();
    const l = taskLayout(p);
    const table = taskTable(p);
    // The process with the most threads, unlinked as a rootkit would: prev->next = next, next->prev = prev.
    const leader = [...table.tasks].filter((t) => t.pid === t.tgid && !t.kernelThread).sort((a, b) => table.tasks.filter((t) => t.tgid === b.tgid).length - table.tasks.filter((t) => t.tgid === a.tgid).length)[0]!;
    const node = leader.address + BigInt(l.tasks);
    const next = p.readU64(node);
    const prev = p.readU64(node + 8n);
    const after = detect(patchedProgram(p, new Map([[prev, next], [next + 8n, prev]])), [PROCESS_RULES.find((r) => r.id === "hidden-task")!]);
    const group = table.tasks.filter((t) => t.tgid === leader.tgid).map((t) => t.pid).sort((a, b) => a - b);
    expect(after.findings.map((f) => (f.subject.kind === "task" ? f.subject.pid : -1)).sort((a, b) => a - b)).toEqual(group);
    for (const f of after.findings) {
      expect(f.severity).toBe("critical");
      expect(f.seenBy).toEqual(expect.arrayContaining(["pid-idr", "thread-group"]));
    }
  });

  it("two processes on one struct cred", () => {
    const p = prog();
    const l = taskLayout(p);
    const users = taskTable(p).tasks.filter((t) => t.pid === t.tgid && !t.kernelThread);
    const [a, b] = [users[users.length - 1]!, users[users.length - 2]!];
    const after = detect(patchedProgram(p, new Map([[a.address + BigInt(l.cred!), b.cred]])), [PROCESS_RULES.find((r) => r.id === "shared-creds")!]);
    expect(after.findings.map((f) => [f.subject.kind === "task" ? f.subject.pid : -1, f.severity]).sort()).toEqual([[a.pid, "high"], [b.pid, "high"]].sort());
  });
});
