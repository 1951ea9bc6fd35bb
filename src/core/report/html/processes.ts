// The process tree drawn as nested lists: flagged processes marked with their severity, the panic task
// marked, same-name swarms as one line with their pids, kernel threads and long sibling lists folded (what
// is marked stays outside the fold). A budget bounds what is drawn; the JSON keeps every task.
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { buildProcessTree, type TreeNode } from "../tree";
import { badge, count, kib, plural, severityBadge, severityClass } from "./format";

/** Nodes drawn at most; the rest are counted. */
export const MAX_DRAWN = 1500;
/** Siblings beyond this many (unmarked ones) are folded. */
const FOLD_AT = 24;
/** Pids listed on a group's line. */
const GROUP_PIDS = 40;

class Budget {
  drawn = 0;
  constructor(readonly max: number) {}
}

function nodeLine(n: TreeNode): Html {
  const r = n.rows[0]!;
  const cls = `node${n.severity ? ` flagged ${severityClass(n.severity)}` : ""}${n.panic ? " panic" : ""}`;
  const marks = h`${n.severity ? h` ${severityBadge(n.severity)}` : ""}${n.panic ? h` ${badge("panic", "panic")}` : ""}`;
  if (n.rows.length > 1 && !n.idle) {
    const flagged = new Set(n.flaggedPids);
    const pids = n.rows.slice(0, GROUP_PIDS).map((x) => (flagged.has(x.pid) ? h`<span class="hit">${x.pid}</span>` : h`${x.pid}`));
    const more = n.rows.length > GROUP_PIDS ? ` … ${n.rows.length - GROUP_PIDS} more` : "";
    const states = [...new Set(n.rows.map((x) => x.state))].join("/");
    return h`<span class="${cls}"><span class="pid">×${n.rows.length}</span><span class="comm">${n.label}</span><span class="st">${states}</span><span class="info">${n.kernel ? "kernel threads" : `same-name processes · ${plural(n.threads, "task")}`}</span>${marks} <span class="pids">pids ${join(pids, ", ")}${more}</span></span>`;
  }
  if (n.idle) {
    return h`<span class="${cls}"><span class="pid">0</span><span class="comm">${n.label}</span><span class="info">idle task${n.rows.length > 1 ? `, one per CPU (${n.rows.length})` : ""}</span></span>`;
  }
  const info = [n.threads > 1 ? plural(n.threads, "thread") : "", r.kernelThread ? "kernel thread" : "", r.exe ?? "", !r.kernelThread && r.vsz ? `vsz ${kib(r.vsz)} rss ${kib(r.rss)}` : "", r.uid !== undefined && !r.kernelThread ? `uid ${r.uid}` : ""].filter((x) => x);
  return h`<span class="${cls}"><span class="pid">${r.pid}</span><span class="comm">${r.comm}</span><span class="st">${r.state}</span><span class="info">${info.join(" · ")}</span>${marks}</span>`;
}

/** Children, with kernel threads and long unmarked sibling lists folded (once: nothing folds inside a fold). */
function children(n: TreeNode, budget: Budget, inFold: boolean): Html {
  if (!n.children.length) return h``;
  const fold = inFold ? [] : n.kernel || n.idle ? n.children.filter((c) => !c.marked && c.kernel) : n.children.length > FOLD_AT ? n.children.filter((c) => !c.marked) : [];
  const folded = new Set(fold);
  const shown = n.children.filter((c) => !folded.has(c));
  const parts: Html[] = [list(shown, budget, inFold)];
  if (fold.length) {
    const processes = fold.reduce((s, c) => s + c.size, 0);
    const what = fold.every((c) => c.kernel) ? "kernel threads" : "processes";
    const lead = fold.length === 1 ? ` (${fold[0]!.rows[0]!.comm}, pid ${fold[0]!.rows[0]!.pid}, and those under it)` : "";
    parts.push(h`<li><details class="fold"><summary>${count(processes)} ${what}${lead}: nothing flagged among them</summary><ul>${list(fold, budget, true)}</ul></details></li>`);
  }
  return h`<ul>${join(parts)}</ul>`;
}

function list(nodes: TreeNode[], budget: Budget, inFold: boolean): Html {
  const out: Html[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (budget.drawn >= budget.max) {
      const rest = nodes.slice(i).reduce((s, c) => s + c.size, 0);
      out.push(h`<li class="muted small">… ${count(rest)} more processes not drawn (the JSON lists every task)</li>`);
      break;
    }
    const n = nodes[i]!;
    budget.drawn++;
    out.push(h`<li>${nodeLine(n)}${children(n, budget, inFold)}</li>`);
  }
  return join(out);
}

export function renderProcesses(data: ReportData): Html {
  const p = data.processes;
  if (!p.tasks.length) return h`<p class="notice">The task list could not be read (see the warnings).</p>`;
  const tree = buildProcessTree(p.tasks, p.flagged);
  const budget = new Budget(MAX_DRAWN);
  const flagged = p.flagged.length;
  const summary = h`<p>${plural(p.total, "task")} (${plural(tree.processes, "process", "processes")} and their threads)${
    p.truncated ? h`; the first ${count(p.tasks.length)} are in this report` : ""
  }. ${flagged ? h`${plural(flagged, "task")} flagged by the detectors are marked with their severity;` : data.findings.available ? "No task was flagged;" : "Without detectors no task is flagged;"} the panic task is underlined. Copies of one program under one parent are drawn as one line (×N); kernel threads are folded.</p>`;
  return h`${summary}<ul class="tree">${list(tree.roots, budget, false)}</ul>`;
}
