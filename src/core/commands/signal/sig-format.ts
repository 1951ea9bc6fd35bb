// crash's sig text (task.c dump_signal_data, sigqueue_list, signame_list, translate_sigset).
import type { SigAction, PendingSignals } from "../../kernel/signal/signal";
import { center, UVADDR_PRLEN, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { SigResult, TaskSignalsRow } from "./sig";

/** x86 sa_flags (arch/x86/include/uapi/asm/signal.h), in the order crash names them. */
const SA_FLAGS: readonly (readonly [bigint, string])[] = [
  [0x00000001n, "SA_NOCLDSTOP"],
  [0x04000000n, "SA_RESTORER"],
  [0x00000002n, "SA_NOCLDWAIT"],
  [0x00000004n, "SA_SIGINFO"],
  [0x08000000n, "SA_ONSTACK"],
  [0x10000000n, "SA_RESTART"],
  [0x40000000n, "SA_NODEFER"],
  [0x80000000n, "SA_RESETHAND"],
];

const hex16 = (v: bigint): string => v.toString(16).padStart(16, "0");

const ACTION_HEADER = ` SIG ${center("SIGACTION", VADDR_PRLEN)} ${"HANDLER".padStart(UVADDR_PRLEN)} ${center("MASK", 16)} ${"FLAGS".padEnd(VADDR_PRLEN)}`;
const QUEUE_HEADER = `  SIGQUEUE:  SIG  ${center("SIGINFO", VADDR_PRLEN)}`;

function handlerText(h: bigint): string {
  if (h === 0xffffffffffffffffn) return "SIG_ERR";
  if (h === 0n) return "SIG_DFL";
  if (h === 1n) return "SIG_IGN";
  return h.toString(16);
}

function actionLine(a: SigAction): string {
  const names = SA_FLAGS.filter(([bit]) => a.flags & bit).map(([, n]) => n);
  const flags = names.length ? `(${names.join("|")})` : "";
  return `${a.sig < 10 ? " " : ""}[${a.sig}] ${a.address.toString(16).padEnd(UVADDR_PRLEN)} ${handlerText(a.handler).padStart(UVADDR_PRLEN)} ${hex16(a.mask)} ${a.flags.toString(16)} ${flags}`;
}

function queueLines(p: PendingSignals, indent: string): string[] {
  if (p.queue.length === 0) return [`${indent}  SIGQUEUE: (empty)`];
  return [indent + QUEUE_HEADER, ...p.queue.map((q) => `             ${String(q.sig).padStart(3)}  ${q.siginfo.toString(16)}`)];
}

/** dump_signal_data with THREAD_GROUP_LEVEL: signal_struct, the dispositions, the shared pending set. */
function groupLines(row: TaskSignalsRow, withThread: boolean): string[] {
  const g = row.group;
  if (!g) return [];
  if (g.signalStruct === 0n) return ["SIGNAL_STRUCT: 0  "];
  const lines = [`SIGNAL_STRUCT: ${g.signalStruct.toString(16)}  ${g.threads ? `${g.threads.name}: ${g.threads.value}` : ""}`, ACTION_HEADER, ...g.actions.map(actionLine)];
  if (withThread && row.thread) lines.push(...threadLines(row, ""));
  if (g.shared) lines.push("SHARED_PENDING", `    SIGNAL: ${hex16(g.shared.signal)}`, ...queueLines(g.shared, ""));
  return lines;
}

/** dump_signal_data with TASK_LEVEL: TIF_SIGPENDING, blocked, the private pending set. */
function threadLines(row: TaskSignalsRow, indent: string): string[] {
  const t = row.thread;
  if (!t) return [];
  return [`${indent}SIGPENDING: ${t.sigpending ? "yes" : "no"}`, `${indent}   BLOCKED: ${hex16(t.blocked)}`, `${indent}PRIVATE_PENDING`, `${indent}    SIGNAL: ${hex16(t.pending.signal)}`, ...queueLines(t.pending, indent)];
}

/** translate_sigset: the names, a line broken before one that would pass 80 columns. */
function translateLines(names: readonly string[]): string {
  if (names.length === 0) return "(none)";
  let out = "";
  let len = 0;
  names.forEach((name, i) => {
    let word = i ? ` ${name}` : name;
    if (len + word.length > 80) {
      word = word.slice(1);
      out += "\n";
      len = 0;
    }
    len += word.length;
    out += word;
  });
  return out;
}

export function formatSig(r: SigResult): string {
  switch (r.kind) {
    case "list":
      return r.signals.map((s) => `${s.sig < 10 ? " " : ""}[${s.sig}] ${s.name}${s.altname ? `/${s.altname}` : ""}`).join("\n") + "\n";
    case "translate":
      return translateLines(r.names) + "\n";
    case "tasks":
      return r.tasks.map((row) => [formatTaskHeader(row.task), ...groupLines(row, true)].join("\n") + "\n\n").join("");
    case "groups":
      return r.groups
        .map((g) => {
          const lines = [formatTaskHeader(g.leader.task), ...groupLines(g.leader, false)];
          for (const t of g.threads) lines.push("", `  ${formatTaskHeader(t.task)}`, ...threadLines(t, "  "));
          return lines.join("\n") + "\n\n";
        })
        .join("");
  }
}
