// Tasks hidden from some of the kernel's views of them (volatility3's psxview for Linux): the task list
// (what ps and crash show), the pid IDR (what /proc and kill(2) see), the runqueues and the thread groups.
// Unlinking a task from init_task.tasks hides it from ps but not from the scheduler or the pid allocator;
// unhashing its pid hides it from /proc. Both directions are checked. A task on its way out (exiting,
// zombie, dead) can be between views at the crash, and is low.
import type { Evidence, Finding } from "../finding";
import { taskLayout } from "../../kernel/tasks/layout";
import { PF_EXITING } from "../../kernel/tasks/tasks";
import type { TaskView } from "../../kernel/tasks/views";
import type { DetectContext } from "../context";
import { finding, type Rule } from "../rule";
import { commEvidence } from "../task-evidence";
import { taskList } from "./requirements";

export const hiddenTaskRule: Rule = {
  id: "hidden-task",
  version: 1,
  title: "tasks hidden from the task list, the pid IDR or their thread group",
  severity: "critical",
  confidence: 0.85,
  mitre: ["T1014", "T1564"],
  requires: [taskList],
  falsePositives: "A task in fork or exit on another CPU at the moment of the crash can be in one view and not yet (or no longer) in another; those are reported low when the task is marked exiting.",
  run(ctx) {
    const out: Finding[] = [];
    const views = ctx.tasks;
    const haveIdr = !views.absent.some((a) => a.view === "pid-idr");
    for (const v of views.tasks) {
      const t = v.task;
      const seen = new Set(v.seenBy);
      const exiting = (t.flags & PF_EXITING) !== 0 || /ZO|DE|EX/.test(t.stateString);
      let problem: string | undefined;
      let severity: Finding["severity"] = "high";
      if (!seen.has("task-list")) {
        problem = `not on the task list (ps and crash do not show it) but seen in ${v.seenBy.join(", ")}`;
        severity = "critical";
      } else if (haveIdr && !seen.has("pid-idr")) {
        problem = "on the task list but its pid is not in the pid IDR: /proc, kill(2) and ptrace(2) do not find it";
      } else if (!seen.has("thread-group") && !views.absent.some((a) => a.view === "thread-group")) {
        problem = "not on its thread group's list";
      }
      if (!problem) continue;
      if (exiting) severity = "low";
      out.push(
        finding(this, {
          subject: ctx.taskSubject(t),
          severity,
          confidence: exiting ? 0.3 : 0.85,
          summary: `${t.comm} (pid ${t.pid}) is ${problem}`,
          evidence: taskViewEvidence(ctx, v),
          seenBy: v.seenBy,
          notes: exiting ? `the task is exiting (state ${t.stateString}): it may have been between views at the crash` : undefined,
        }),
      );
    }
    return out;
  },
};

/** Its list links and its pid link: the words that put a task in each view. */
function taskViewEvidence(ctx: DetectContext, v: TaskView): Evidence[] {
  const l = taskLayout(ctx.prog);
  const t = v.task;
  const ev: Evidence[] = [commEvidence(ctx, t)];
  ev.push(ctx.word(`task_struct.tasks.next of pid ${t.pid}`, t.address + BigInt(l.tasks), 8));
  ev.push(ctx.word(`task_struct.tasks.prev of pid ${t.pid}`, t.address + BigInt(l.tasks) + 8n, 8));
  const pidLinks = ctx.prog.memberOffset("struct task_struct", "pid_links");
  if (pidLinks !== undefined) ev.push(ctx.word(`task_struct.pid_links[PIDTYPE_PID].pprev of pid ${t.pid}`, t.address + BigInt(pidLinks) + 8n, 8));
  if (v.idrPid !== undefined) ev.push({ label: "pid number in the pid IDR", value: String(v.idrPid) });
  if (v.runqueueCpu !== undefined) ev.push({ label: `${v.running ? "running on" : "queued on"} CPU`, value: String(v.runqueueCpu) });
  return ev;
}
