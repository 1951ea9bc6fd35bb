// Where a process runs from (MITRE T1036, T1070.004, T1564.001, T1620): an executable deleted while it runs
// (the kernel's "(deleted)"), one in a world-writable directory (/tmp, /var/tmp, /dev/shm) or in a hidden
// directory or file (a path component starting with "."), one that is an anonymous memfd (fileless
// execution), and mapped libraries with the same marks (an injected LD_PRELOAD library). Files it has open
// in hidden places of world-writable directories (a miner's log) add to it.
import type { Finding } from "../finding";
import { WORLD_WRITABLE_DIRS } from "../names";
import { finding, type Rule } from "../rule";
import { exeEvidence, parentEvidence } from "../task-evidence";
import { taskOpenFiles } from "../../kernel/fs/files";
import { KdwError } from "../../io/errors";
import { taskList } from "./requirements";

type Level = Finding["severity"];
const ORDER: Level[] = ["info", "low", "medium", "high", "critical"];
const max = (a: Level, b: Level): Level => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

function placeOf(path: string): { worldWritable: boolean; hidden: boolean; memfd: boolean } {
  return {
    worldWritable: WORLD_WRITABLE_DIRS.some((d) => path.startsWith(d)),
    hidden: path.split("/").some((c) => c.startsWith(".") && c !== "." && c !== ".."),
    memfd: /(^|\/)memfd:/.test(path),
  };
}

export const suspiciousExeRule: Rule = {
  id: "suspicious-exe",
  version: 1,
  title: "executables deleted, hidden, in world-writable places or in memory only",
  severity: "high",
  confidence: 0.6,
  mitre: ["T1036", "T1070.004", "T1564.001", "T1620"],
  requires: [taskList],
  falsePositives:
    "A package upgrade deletes the binaries of running daemons (a deleted executable in /usr is medium); browsers and language runtimes use memfd and /dev/shm legitimately; build and test jobs run from /tmp.",
  run(ctx) {
    const out: Finding[] = [];
    for (const p of ctx.processes) {
      const reasons: string[] = [];
      let severity: Level = "info";
      if (p.exe) {
        const at = placeOf(p.exe.path);
        if (at.memfd) {
          reasons.push(`it runs from an anonymous memory file (${p.exe.path}): fileless execution`);
          severity = max(severity, "high");
        }
        if (p.exe.deleted && !at.memfd) {
          reasons.push(`its executable ${p.exe.path} was deleted while it runs`);
          severity = max(severity, at.worldWritable || at.hidden ? "high" : "medium");
        }
        if (at.worldWritable) {
          reasons.push(`its executable is in a world-writable directory (${p.exe.path})`);
          severity = max(severity, "medium");
        }
        if (at.hidden && !at.memfd) {
          reasons.push(`its executable's path has a hidden component (${p.exe.path})`);
          severity = max(severity, "medium");
        }
      }
      for (const f of p.mappings?.files ?? []) {
        if (p.exe && f.path === p.exe.path) continue;
        const at = placeOf(f.path);
        if (f.deleted || at.worldWritable || at.memfd) {
          reasons.push(`it maps ${f.path}${f.deleted ? " (deleted)" : ""}`);
          severity = max(severity, f.deleted && (at.worldWritable || at.hidden) ? "high" : "medium");
        }
      }
      const opened: string[] = [];
      try {
        for (const f of taskOpenFiles(ctx.prog, p.leader.address)?.open ?? []) {
          const at = placeOf(f.path.path);
          if (at.worldWritable && at.hidden) opened.push(`${f.path.path}${f.deleted ? " (deleted)" : ""}`);
        }
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
      if (opened.length) {
        reasons.push(`it has ${opened.join(", ")} open: hidden in a world-writable directory`);
        severity = max(severity, reasons.length > 1 ? "medium" : "low");
      }
      if (severity === "info") continue;
      if (reasons.length >= 2 && severity === "medium") severity = "high";
      out.push(
        finding(this, {
          subject: ctx.taskSubject(p.leader),
          severity,
          confidence: severity === "high" ? 0.7 : 0.5,
          summary: `${p.leader.comm} (pid ${p.leader.pid}): ${reasons.join("; ")}`,
          evidence: [...exeEvidence(ctx, p), parentEvidence(ctx, p)],
          seenBy: p.view.seenBy,
        }),
      );
    }
    return out;
  },
};
