// The paragraph an analyst writes first: what the kernel said when it died (the first oops or panic line of
// the log), where (the faulting function and whose code it is: a module, out-of-tree, unsigned, hidden, and
// the hooks it owns), who (the task that triggered it, and whether any rule flagged it) and the kernel's
// taint flags; then how many findings of each severity.
import { KdwError } from "../io/errors";
import { readPrintkLog, logLines, logPanic } from "../kernel/printk/printk";
import { taints } from "../kernel/system/sysinfo";
import { stackContext, taskBacktrace } from "../kernel/tasks/stack";
import { taskTable, type Task } from "../kernel/tasks/tasks";
import type { DetectContext } from "./context";
import type { Finding, Severity, TriageSummary } from "./finding";
import { severityRank, SEVERITIES } from "./rule";

/** The lines that open an oops or a panic, in the kernel's words. */
const PANIC_MARKERS = [/^BUG: /, /^kernel BUG at /, /^general protection fault/, /^Unable to handle kernel /, /^Kernel panic - not syncing: /, /^Oops: /, /^divide error: /, /^invalid opcode: /, /^stack segment: /, /^double fault: /];
const LOG_RIP = /RIP: [0-9a-f]{4}:([\w.]+)\+0x([0-9a-f]+)\/0x[0-9a-f]+(?: \[([\w-]+)\])?/;

export function triage(ctx: DetectContext, findings: readonly Finding[]): TriageSummary {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  const summary: TriageSummary = { text: "", counts };
  const guard = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return undefined;
    }
  };
  const letters = guard(() => taints(ctx.prog).letters);
  if (letters !== undefined) summary.taints = letters;
  const lines = guard(() => logLines(readPrintkLog(ctx.prog))) ?? [];
  const table = guard(() => taskTable(ctx.prog));
  const task = table?.panicTask;
  const message = lines.find((l) => PANIC_MARKERS.some((re) => re.test(l.trim())))?.trim() ?? guard(() => logPanic(readPrintkLog(ctx.prog))?.line);
  const parts: string[] = [];
  if (message || task) {
    const panic: NonNullable<TriageSummary["panic"]> = { message: message ?? "(no panic message in the log)", hooksOwned: 0 };
    if (table?.panicCpu !== undefined) panic.cpu = table.panicCpu;
    const rip = task ? guard(() => exceptionRip(ctx, task)) : undefined;
    let where = "";
    if (rip !== undefined) {
      const o = ctx.owner(rip);
      const fn = o.symbol?.replace(/ \[[^\]]*\]$/, "") ?? `0x${rip.toString(16)}`;
      panic.function = fn;
      where = ` in ${fn}`;
      if (o.kind === "module") {
        panic.module = o.name;
        panic.moduleOutOfTree = o.outOfTree === true;
        panic.moduleUnsigned = o.unsigned === true;
        panic.moduleHidden = o.hidden;
        const owned = ctx.hooks.hooks.filter((h) => h.owner.kind === "module" && h.owner.module?.module.address === o.module?.module.address);
        panic.hooksOwned = owned.length;
        const traits = [o.outOfTree ? "out-of-tree" : "", o.unsigned ? "unsigned" : "", o.hidden ? `hidden (off the module list; seen in ${o.seenBy.join(", ")})` : ""].filter((x) => x);
        where += ` of module ${o.name}${traits.length ? `, which is ${traits.join(", ")}` : ""}`;
        if (owned.length) where += `, and which owns ${owned.length} hook${owned.length > 1 ? "s" : ""} (${owned.map((h) => `${h.site.kind} on ${h.targetSymbol ?? h.site.target}`).join(", ")})`;
      } else if (o.kind === "kernel") where += " (core kernel text)";
      else where += ` (${o.kind} code)`;
    } else {
      const m = lines.map((l) => LOG_RIP.exec(l)).find((x) => x);
      if (m) {
        panic.function = `${m[1]}+0x${m[2]}`;
        where = ` in ${panic.function}`;
        if (m[3]) {
          panic.module = m[3];
          where += ` of module ${m[3]} (as the kernel's oops names it)`;
        }
      }
    }
    parts.push(`The kernel died with "${panic.message}"${panic.cpu !== undefined ? ` on CPU ${panic.cpu}` : ""}${where}.`);
    if (task) {
      const flagged = findings.some((f) => f.subject.kind === "task" && severityRank(f.severity) >= severityRank("medium") && sameGroup(table!, f.subject.pid, task));
      panic.task = { pid: task.pid, comm: task.comm, flagged };
      parts.push(`The task running it was ${task.comm} (pid ${task.pid}), ${flagged ? "itself flagged by the rules below" : "not itself flagged by any rule"}.`);
    }
    summary.panic = panic;
  } else parts.push("The log holds no oops or panic message and no panic task was found: the dump may have been taken on demand.");
  if (letters !== undefined) parts.push(letters ? `Taint flags: ${letters}.` : "The kernel was not tainted.");
  const flaggedCount = counts.critical + counts.high + counts.medium;
  parts.push(`${flaggedCount} finding${flaggedCount === 1 ? "" : "s"} at medium or above (${counts.critical} critical, ${counts.high} high, ${counts.medium} medium), ${counts.low} low, ${counts.info} info.`);
  summary.text = parts.join(" ");
  return summary;
}

/** The RIP of the panic task's first kernel-mode exception frame (the oops), from its backtrace. */
function exceptionRip(ctx: DetectContext, task: Task): bigint | undefined {
  const symbols = ctx.options.symbols?.();
  if (!symbols) return undefined;
  const bt = taskBacktrace(ctx.prog, stackContext(ctx.prog, symbols, ctx.options.vmlinux, ctx.options.decoder), task);
  for (const l of bt.lines) if (l.kind === "exception" && l.kernelMode) return l.regs.ip;
  return undefined;
}

function sameGroup(table: { tasks: readonly Task[] }, pid: number, task: Task): boolean {
  return pid === task.pid || table.tasks.some((t) => t.pid === pid && t.tgid === task.tgid);
}
