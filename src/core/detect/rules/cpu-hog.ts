// Resource hijacking (cryptominers): a process whose threads were running or queued on several CPUs at the
// crash, that used more than a CPU's worth of time since it started, often with a large reserved but
// untouched address space (a miner's dataset or huge-page reservation), detached from any terminal under
// init. The CPU share is CPU time over time since start (task utime+stime, rq clock - start_time).
import type { DetectContext } from "../context";
import type { Evidence, Finding } from "../finding";
import type { ProcessFacts } from "../processes";
import { finding, hex, type Rule } from "../rule";
import { detached, exeEvidence, parentEvidence, ttyEvidence } from "../task-evidence";
import { taskLayout } from "../../kernel/tasks/layout";
import { runqueues, taskList } from "./requirements";

const GIB = 1024 * 1024;

export const cpuHogRule: Rule = {
  id: "cpu-hog",
  version: 1,
  title: "CPU hogs and miners",
  severity: "high",
  confidence: 0.6,
  mitre: ["T1496"],
  requires: [taskList, runqueues],
  falsePositives: "Busy legitimate multi-threaded work (compilers, databases, batch jobs, a benchmark) looks the same on the CPU side; the memory shape and being detached under init weigh in but decide nothing alone.",
  run(ctx) {
    const out: Finding[] = [];
    const currOff = ctx.prog.memberOffset("struct rq", "curr");
    const rqs = new Map(taskRunqueues(ctx));
    for (const p of ctx.processes) {
      const onCpu = p.running + p.queued;
      const share = p.elapsedSeconds >= 1 ? p.cpuSeconds / p.elapsedSeconds : 0;
      const busy = (onCpu >= 2 && p.cpus.length >= 2 && share >= 0.5) || share >= 1.5;
      if (!busy) continue;
      const reasons = [`${onCpu} of its ${p.threads.length} threads were running or queued at the crash on CPUs ${p.cpus.join(", ") || "none"}`, `it used ${share.toFixed(2)} CPUs on average over its ${p.elapsedSeconds.toFixed(1)} s`];
      let score = 0;
      const reserved = p.vszKiB >= GIB && p.rssKiB * 100 < p.vszKiB;
      if (reserved) {
        reasons.push(`VSZ ${p.vszKiB} KiB with RSS ${p.rssKiB} KiB: a large reservation it barely touches`);
        score++;
      }
      if (p.mappings && p.mappings.protNoneBytes >= 256n << 20n) reasons.push(`${p.mappings.protNoneBytes >> 20n} MiB mapped PROT_NONE`);
      const isDetached = detached(p);
      if (isDetached) {
        reasons.push("detached: no controlling terminal, parent is init");
        score++;
      }
      const severity: Finding["severity"] = isDetached || score >= 1 ? "high" : "medium";
      const evidence = [...runningEvidence(ctx, p, currOff, rqs), ...timeEvidence(ctx, p), ...ttyEvidence(ctx, p), parentEvidence(ctx, p), ...exeEvidence(ctx, p)];
      const total = taskLayout(ctx.prog).mmTotalVm;
      if (total !== undefined && p.leader.mm !== 0n) evidence.push(ctx.word(`mm_struct.total_vm of pid ${p.leader.pid} (pages)`, p.leader.mm + BigInt(total), 8));
      out.push(
        finding(this, {
          subject: ctx.taskSubject(p.leader),
          severity,
          confidence: 0.5 + 0.1 * score,
          summary: `${p.leader.comm} (pid ${p.leader.pid}) hogs the CPUs: ${reasons.join("; ")}`,
          evidence,
          seenBy: p.view.seenBy,
        }),
      );
    }
    return out;
  },
};

/** struct rq of each CPU that ran or queued a task (runqueues + __per_cpu_offset[cpu]). */
function taskRunqueues(ctx: DetectContext): [number, bigint][] {
  const sym = ctx.prog.symbolAddress("runqueues");
  const out: [number, bigint][] = [];
  for (const v of ctx.tasks.tasks) {
    if (v.runqueueCpu === undefined || out.some(([c]) => c === v.runqueueCpu)) continue;
    out.push([v.runqueueCpu, BigInt.asUintN(64, sym + ctx.prog.perCpuOffset(v.runqueueCpu))]);
  }
  return out;
}

/** rq->curr of each CPU running one of its threads. */
function runningEvidence(ctx: DetectContext, p: ProcessFacts, currOff: number | undefined, rqs: Map<number, bigint>) {
  const ev: Evidence[] = [];
  for (const v of p.threads) {
    if (!v.running || v.runqueueCpu === undefined || currOff === undefined) continue;
    const rq = rqs.get(v.runqueueCpu);
    if (rq !== undefined) ev.push(ctx.word(`rq->curr of CPU ${v.runqueueCpu}: pid ${v.task.pid} (${hex(v.task.address)})`, rq + BigInt(currOff), 8));
  }
  return ev;
}

function timeEvidence(ctx: DetectContext, p: ProcessFacts) {
  const l = taskLayout(ctx.prog);
  const ev: Evidence[] = [];
  if (l.utime !== undefined) ev.push(ctx.word(`task_struct.utime of pid ${p.leader.pid} (ns)`, p.leader.address + BigInt(l.utime), 8));
  if (l.startTime !== undefined) ev.push(ctx.word(`task_struct.start_time of pid ${p.leader.pid} (ns since boot)`, p.leader.address + BigInt(l.startTime), 8));
  return ev;
}
