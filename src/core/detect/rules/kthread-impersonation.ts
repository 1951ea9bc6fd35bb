// A user process dressed as a kernel thread (MITRE T1036.004): its name (comm, or argv[0] when readable) has
// a kernel thread's shape — kworker/…, ksoftirqd/N, kthreadd, a name in brackets as ps shows kernel
// threads — while it has a user address space (mm) and lacks PF_KTHREAD. Real kernel threads have neither.
import type { Finding } from "../finding";
import { looksLikeKernelThread } from "../names";
import { finding, type Rule } from "../rule";
import { commEvidence, exeEvidence, flagsEvidence, mmEvidence, parentEvidence } from "../task-evidence";
import { taskList } from "./requirements";

export const kthreadImpersonationRule: Rule = {
  id: "kthread-impersonation",
  version: 1,
  title: "user processes named like kernel threads",
  severity: "high",
  confidence: 0.85,
  mitre: ["T1036.004"],
  requires: [taskList],
  falsePositives: "Very few: some user-space daemons name threads after kernel conventions (rare); a process in the middle of exec for a kernel helper has not changed its name yet.",
  run(ctx) {
    const out: Finding[] = [];
    for (const p of ctx.processes) {
      for (const v of p.threads) {
        const t = v.task;
        const byComm = looksLikeKernelThread(t.comm);
        const byArgv = t === p.leader && p.argv0 !== undefined && looksLikeKernelThread(p.argv0);
        if ((!byComm && !byArgv) || t.mm === 0n) continue;
        const what = byComm ? `its name "${t.comm}"` : `its argv[0] "${p.argv0}"`;
        out.push(
          finding(this, {
            subject: ctx.taskSubject(t),
            severity: "high",
            confidence: 0.85,
            summary: `${t.comm} (pid ${t.pid}) poses as a kernel thread: ${what} has a kernel thread's shape, yet it has a user address space and no PF_KTHREAD${p.exe ? `; it runs ${p.exe.path}` : ""}`,
            evidence: [commEvidence(ctx, t), flagsEvidence(ctx, t, "PF_KTHREAD 0x00200000 clear"), mmEvidence(ctx, t), parentEvidence(ctx, p), ...exeEvidence(ctx, p)],
            seenBy: v.seenBy,
            notes: p.argv0 === undefined ? `argv[0] not read: ${ctx.userPages.excluded ? ctx.userPages.note : (p.argv0Problem ?? "unreadable")}` : undefined,
          }),
        );
      }
    }
    return out;
  },
};
