// Writable and executable user memory (MITRE T1055, T1620): a mapping both writable and executable, or
// executable with no file behind it (the vDSO excepted), is where injected or unpacked code runs.
// JIT runtimes (Java, JavaScript engines, LuaJIT) make such mappings legitimately (low). The mappings are
// kernel data (VMAs); their contents are user pages, which the dump may have left out: then the contents
// cannot be checked, and the finding says so.
import type { Finding } from "../finding";
import { vmaLayout } from "../../kernel/mm/vma";
import { isJitRuntime } from "../names";
import { basename, VM_EXEC, VM_WRITE } from "../processes";
import { finding, hex, type Rule } from "../rule";
import { exeEvidence } from "../task-evidence";
import { taskList } from "./requirements";

const MAX_CITED = 4;

export const wxMappingsRule: Rule = {
  id: "wx-mappings",
  version: 1,
  title: "writable-and-executable or anonymous executable user memory",
  severity: "medium",
  confidence: 0.45,
  mitre: ["T1055", "T1620"],
  requires: [taskList],
  falsePositives: "JIT compilers (Java, Node.js, browsers, LuaJIT, QEMU's TCG), uprobes' [uprobes] page, and old binaries with executable stacks or data.",
  run(ctx) {
    const out: Finding[] = [];
    const l = vmaLayout(ctx.prog);
    for (const p of ctx.processes) {
      const m = p.mappings;
      if (!m || (m.writableExecutable.length === 0 && m.anonymousExecutable.length === 0)) continue;
      const jit = isJitRuntime(p.leader.comm) || (p.exe !== undefined && isJitRuntime(basename(p.exe.path)));
      const vmas = [...new Map([...m.writableExecutable, ...m.anonymousExecutable].map((v) => [v.address, v])).values()];
      const describe = (v: (typeof vmas)[number]) => `${hex(v.start)}-${hex(v.end)} ${v.flags & VM_WRITE ? "w" : "-"}${v.flags & VM_EXEC ? "x" : "-"}${v.file === 0n ? " anonymous" : ""}`;
      const evidence = vmas.slice(0, MAX_CITED).map((v) => ctx.word(`vm_area_struct.vm_flags of ${describe(v)}`, v.address + BigInt(l.vmFlags), 8));
      evidence.push(...exeEvidence(ctx, p));
      const notes = [ctx.userPages.excluded ? `${ctx.userPages.note}: the mappings' contents cannot be checked` : "", vmas.length > MAX_CITED ? `${vmas.length - MAX_CITED} more mappings not cited` : ""].filter((x) => x).join("; ");
      out.push(
        finding(this, {
          subject: ctx.taskSubject(p.leader),
          severity: jit ? "low" : "medium",
          confidence: jit ? 0.2 : 0.45,
          summary: `${p.leader.comm} (pid ${p.leader.pid}) has ${m.writableExecutable.length} writable-and-executable and ${m.anonymousExecutable.length} anonymous executable mappings${jit ? " (a JIT runtime)" : ""}: ${vmas.slice(0, MAX_CITED).map(describe).join(", ")}`,
          evidence,
          seenBy: p.view.seenBy,
          notes: notes || undefined,
        }),
      );
    }
    return out;
  },
};
