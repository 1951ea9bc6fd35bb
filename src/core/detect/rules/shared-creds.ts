// Shared credentials (volatility3's check_creds): each process gets its own struct cred at fork and exec;
// only the threads of one process share one. A rootkit that gives a process root by pointing task->cred at
// another task's credentials (init's, a kernel thread's) leaves two processes on one struct cred; pointing
// it at init_cred (the credentials of the boot task) shows by address.
import type { Finding } from "../finding";
import { taskLayout } from "../../kernel/tasks/layout";
import type { TaskView } from "../../kernel/tasks/views";
import { finding, hex, type Rule } from "../rule";
import { taskList } from "./requirements";

export const sharedCredsRule: Rule = {
  id: "shared-creds",
  version: 1,
  title: "processes sharing credentials",
  severity: "high",
  confidence: 0.7,
  mitre: ["T1068", "T1548"],
  requires: [taskList],
  falsePositives: "A task caught between fork and commit_creds at the crash. Kernel threads created before the credentials of the boot task were copied can share init_cred (not reported: only user processes are).",
  run(ctx) {
    const out: Finding[] = [];
    const credOff = taskLayout(ctx.prog).cred;
    if (credOff === undefined) return out;
    const initCred = ctx.prog.symbols.addressOf("init_cred");
    const byCred = new Map<bigint, TaskView[]>();
    for (const v of ctx.tasks.tasks) {
      if (v.task.cred === 0n) continue;
      const g = byCred.get(v.task.cred) ?? [];
      g.push(v);
      byCred.set(v.task.cred, g);
    }
    for (const [cred, views] of byCred) {
      const groups = new Set(views.map((v) => v.task.tgid));
      const users = views.filter((v) => !v.task.kernelThread && v.task.pid === v.task.tgid);
      const isInit = initCred !== undefined && cred === initCred;
      if ((groups.size < 2 && !isInit) || users.length === 0) continue;
      const others = views.filter((v) => v.task.pid === v.task.tgid).map((v) => `${v.task.comm} (pid ${v.task.pid})`);
      for (const v of users) {
        const t = v.task;
        out.push(
          finding(this, {
            subject: ctx.taskSubject(t),
            severity: "high",
            confidence: isInit ? 0.8 : 0.7,
            summary: isInit
              ? `${t.comm} (pid ${t.pid}) runs with init_cred, the boot task's credentials (root), which no user process is given`
              : `${t.comm} (pid ${t.pid}) shares its struct cred ${hex(cred)} with ${others.filter((o) => !o.endsWith(`(pid ${t.pid})`)).join(", ")}: processes never share credentials`,
            evidence: [ctx.word(`task_struct.cred of pid ${t.pid}`, t.address + BigInt(credOff), 8)],
            seenBy: v.seenBy,
          }),
        );
      }
    }
    return out;
  },
};
