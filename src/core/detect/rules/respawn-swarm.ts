// A swarm: several processes of one name, each a child of init, with pids spread over time (started, or
// restarted, at different moments: respawned by an inittab or service entry, or double-forked away from a
// launcher). A legitimate daemon forks its workers under itself, not under init. Names that legitimately
// run several times under init (gettys, shells) are not reported; look-alikes of well-known names are high.
import type { Finding } from "../finding";
import { imitationOf } from "../imitation";
import { isInterpreter, isWellKnownName, MULTI_INSTANCE_NAMES } from "../names";
import type { ProcessFacts } from "../processes";
import { finding, type Rule } from "../rule";
import { commEvidence, exeEvidence, parentEvidence } from "../task-evidence";
import { taskList } from "./requirements";

const MIN_INSTANCES = 3;

export const respawnSwarmRule: Rule = {
  id: "respawn-swarm",
  version: 1,
  title: "swarms of one name under init",
  severity: "high",
  confidence: 0.6,
  mitre: ["T1036.004", "T1543"],
  requires: [taskList],
  falsePositives: "Worker pools that re-parent to init (some daemons double-fork each worker), several instances of an agent started by a service manager, gettys on many terminals (not reported).",
  run(ctx) {
    const out: Finding[] = [];
    const byName = new Map<string, ProcessFacts[]>();
    for (const p of ctx.processes) {
      if (p.leader.ppid !== 1) continue;
      const g = byName.get(p.leader.comm) ?? [];
      g.push(p);
      byName.set(p.leader.comm, g);
    }
    for (const [name, members] of byName) {
      // Interpreters run many unrelated services under init (python3 a.py, python3 b.py).
      if (members.length < MIN_INSTANCES || MULTI_INSTANCE_NAMES.includes(name) || isInterpreter(name)) continue;
      const pids = members.map((m) => m.leader.pid).sort((a, b) => a - b);
      const spread = pids[pids.length - 1]! - pids[0]! >= 2 * pids.length;
      if (!spread) continue;
      const imit = imitationOf(name);
      const exes = new Set(members.map((m) => m.exe?.path ?? "?"));
      const small = members.every((m) => m.rssKiB > 0 && m.rssKiB < 4096);
      const staticBinary = members.every((m) => m.mappings !== undefined && m.mappings.files.every((f) => f.path === m.exe?.path));
      let severity: Finding["severity"] = isWellKnownName(name) ? "low" : "medium";
      if (imit) severity = "high";
      const traits = [small ? "each with under 4 MiB resident" : "", staticBinary ? "statically linked (no shared library mapped)" : "", exes.size === 1 ? `all running ${[...exes][0]}` : `running ${[...exes].join(", ")}`].filter((x) => x);
      for (const p of members) {
        out.push(
          finding(this, {
            subject: ctx.taskSubject(p.leader),
            severity,
            confidence: imit ? 0.75 : 0.55,
            summary: `${name} (pid ${p.leader.pid}) is one of ${members.length} processes named ${name} under init, pids ${pids.join(", ")}${imit ? `; the name is "${imit.base}" with ${imit.edit}` : ""}; ${traits.join("; ")}`,
            evidence: [commEvidence(ctx, p.leader), parentEvidence(ctx, p), ...exeEvidence(ctx, p)],
            seenBy: p.view.seenBy,
          }),
        );
      }
    }
    return out;
  },
};
