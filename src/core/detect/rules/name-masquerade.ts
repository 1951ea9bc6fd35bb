// Name masquerading (volatility3's process_spoofing, MITRE T1036.004/.005): a process whose name is a small
// edit of a well-known daemon or tool (irqbalance → irqbalanced), or that carries a well-known name while its
// executable is something else; comm, the executable's basename and argv[0] (when the dump kept user
// pages) are compared. Multi-call binaries (busybox) and interpreters (a script's process is named after
// the script) legitimately differ and are not reported for that alone.
import type { Finding } from "../finding";
import { imitationOf } from "../imitation";
import { isInterpreter, isWellKnownName, looksLikeKernelThread, MULTI_CALL_BINARIES } from "../names";
import { basename } from "../processes";
import { finding, type Rule } from "../rule";
import { commEvidence, detached, exeEvidence, parentEvidence, ttyEvidence } from "../task-evidence";
import { taskList } from "./requirements";

const COMM_LEN = 15;

export const nameMasqueradeRule: Rule = {
  id: "name-masquerade",
  version: 1,
  title: "processes imitating well-known names",
  severity: "high",
  confidence: 0.55,
  mitre: ["T1036.004", "T1036.005"],
  requires: [taskList],
  falsePositives:
    "A legitimate program can be named one edit away from a well-known tool; renamed threads (prctl PR_SET_NAME) and symlinked executables make comm and the executable differ. A look-alike name alone, on a process with a terminal or a normal parent, is low.",
  run(ctx) {
    const out: Finding[] = [];
    for (const p of ctx.processes) {
      const comm = p.leader.comm;
      if (looksLikeKernelThread(comm)) continue; // kthread-impersonation says more
      const exeName = p.exe ? basename(p.exe.path) : undefined;
      const reasons: string[] = [];
      let severity: Finding["severity"] = "info";
      let confidence = 0.3;
      const imit = imitationOf(comm);
      const isDetached = detached(p);
      if (imit) {
        reasons.push(`its name "${comm}" is the well-known "${imit.base}" with ${imit.edit}`);
        severity = isDetached ? "medium" : "low";
        confidence = isDetached ? 0.55 : 0.35;
        if (isDetached) reasons.push("it runs detached under init, as a daemon would");
      }
      const exeDiffers = exeName !== undefined && exeName.slice(0, COMM_LEN) !== comm.slice(0, COMM_LEN) && !MULTI_CALL_BINARIES.includes(exeName) && !isInterpreter(exeName);
      if (exeDiffers) {
        // An alternatives-style link (awk -> mawk, nc -> nc.openbsd, vi -> vim.basic) keeps the name inside.
        const alternative = exeName!.includes(comm) || comm.includes(exeName!);
        if (isWellKnownName(comm) && !alternative) {
          reasons.push(`it is named "${comm}" but runs ${p.exe!.path}`);
          severity = "high";
          confidence = 0.7;
        } else {
          reasons.push(`its name "${comm}" is not its executable's (${p.exe!.path})`);
          if (severity === "info") severity = "low";
        }
      }
      if (p.argv0 !== undefined && p.argv0 !== "") {
        const a = basename(p.argv0.replace(/^\[|\]$/g, ""));
        if (a.slice(0, COMM_LEN) !== comm.slice(0, COMM_LEN) && (!exeName || a !== exeName)) reasons.push(`argv[0] "${p.argv0}" differs from its name`);
      }
      if (severity === "info" || reasons.length === 0) continue;
      const notes = p.argv0 === undefined ? `argv[0] not compared: ${ctx.userPages.excluded ? ctx.userPages.note : (p.argv0Problem ?? "unreadable")}` : undefined;
      out.push(
        finding(this, {
          subject: ctx.taskSubject(p.leader),
          severity,
          confidence,
          summary: `${comm} (pid ${p.leader.pid}) masquerades: ${reasons.join("; ")}`,
          evidence: [commEvidence(ctx, p.leader), ...exeEvidence(ctx, p), parentEvidence(ctx, p), ...ttyEvidence(ctx, p)],
          seenBy: p.view.seenBy,
          notes,
          mitre: imit ? ["T1036.004", "T1036.005"] : ["T1036.005"],
        }),
      );
    }
    return out;
  },
};
