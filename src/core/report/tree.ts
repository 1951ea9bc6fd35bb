// The process tree as a reader wants it: one node per process (threads counted on it), children under their
// parent, and siblings that are copies of each other — same name, no children of their own — folded into one
// group ("postcated ×5"), kernel threads by their name's stem ("kworker/*:*"). Flagged and panic tasks are
// carried up so a fold can say what it hides. Bounded: a host with 50,000 tasks still gives a tree of a
// readable size, and the rest is counted.
import type { Severity, TaskRow } from "../session/contract";
import type { FlaggedTask } from "./schema";

export interface TreeNode {
  /** The processes this node stands for: one, or a group of same-name siblings. */
  rows: TaskRow[];
  /** The name shown: the comm, or a kernel thread's stem for a group. */
  label: string;
  threads: number;
  kernel: boolean;
  idle: boolean;
  /** Most severe finding on any process of the node (threads included). */
  severity?: Severity;
  flaggedPids: number[];
  panic: boolean;
  children: TreeNode[];
  /** Processes in this node and under it. */
  size: number;
  /** Somewhere under this node (itself included) is a flagged or panic process. */
  marked: boolean;
}

export interface ProcessTree {
  roots: TreeNode[];
  processes: number;
  threads: number;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
/** Deepest nesting followed (a parent loop in a damaged dump ends here). */
const MAX_DEPTH = 64;

/** A kernel thread's name without its per-CPU and per-instance numbers: "kworker/0:1H" → "kworker/*:*H". */
export function kernelStem(comm: string): string {
  return comm.replace(/\d+/g, "*");
}

export function buildProcessTree(rows: readonly TaskRow[], flagged: readonly FlaggedTask[]): ProcessTree {
  const severityOf = new Map(flagged.map((f) => [f.pid, f.severity]));
  // One node per thread group (its leader; a thread whose leader is missing stands for itself).
  const leaders = new Map<number, TaskRow>();
  for (const r of rows) if (r.pid === r.tgid || r.idle) leaders.set(r.idle ? -1 - r.cpu : r.pid, r);
  for (const r of rows) if (!r.idle && !leaders.has(r.tgid)) leaders.set(r.tgid, r);
  const groupOf = (r: TaskRow) => (r.idle ? -1 - r.cpu : leaders.has(r.tgid) ? r.tgid : r.pid);

  const threads = new Map<number, number>();
  const severity = new Map<number, Severity>();
  const panic = new Set<number>();
  const flaggedPids = new Map<number, number[]>();
  for (const r of rows) {
    const g = groupOf(r);
    threads.set(g, (threads.get(g) ?? 0) + 1);
    const s = severityOf.get(r.pid);
    if (s) {
      const was = severity.get(g);
      if (!was || RANK[s] > RANK[was]) severity.set(g, s);
      const list = flaggedPids.get(g);
      if (list) list.push(r.pid);
      else flaggedPids.set(g, [r.pid]);
    }
    if (r.panic) panic.add(g);
  }

  // Children by parent process; the idle tasks (pid 0, one per CPU) are the roots, as in crash's ps.
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  const idleKeys = [...leaders.keys()].filter((k) => k < 0).sort((a, b) => b - a);
  for (const [key, r] of leaders) {
    if (key < 0) continue;
    const parent = r.ppid === 0 && idleKeys.length ? idleKeys[0]! : leaders.has(r.ppid) && r.ppid !== r.pid ? r.ppid : undefined;
    if (parent === undefined) roots.push(key);
    else {
      const list = children.get(parent);
      if (list) list.push(key);
      else children.set(parent, [key]);
    }
  }

  // Each process is placed once: a parent loop in a damaged dump cannot repeat it, and what a loop or the
  // depth bound leaves unplaced becomes a root of its own below.
  const reached = new Set<number>();
  const leaf = (key: number, depth: number): TreeNode => {
    reached.add(key);
    const r = leaders.get(key)!;
    const kids = depth < MAX_DEPTH ? (children.get(key) ?? []).filter((k) => !reached.has(k)) : [];
    for (const k of kids) reached.add(k);
    const childNodes = group(kids.map((k) => leaf(k, depth + 1)));
    const s = severity.get(key);
    const node: TreeNode = {
      rows: [r],
      label: r.comm,
      threads: threads.get(key) ?? 1,
      kernel: r.kernelThread,
      idle: r.idle,
      flaggedPids: flaggedPids.get(key) ?? [],
      panic: panic.has(key),
      children: childNodes,
      size: 1 + childNodes.reduce((n, c) => n + c.size, 0),
      marked: false,
    };
    if (s) node.severity = s;
    node.marked = node.severity !== undefined || node.panic || childNodes.some((c) => c.marked);
    return node;
  };

  const idleNodes = idleKeys.map((k) => leaf(k, 0));
  // The idle tasks share one node (one per CPU); what ppid 0 names hangs under it.
  const top: TreeNode[] = [];
  if (idleNodes.length) {
    const first = idleNodes[0]!;
    const idle: TreeNode = { ...first, rows: idleNodes.map((n) => n.rows[0]!), label: idleNodes.length > 1 ? kernelStem(first.label) : first.label, threads: idleNodes.length };
    top.push(idle);
  }
  for (const k of roots) if (!reached.has(k)) top.push(leaf(k, 0));
  for (const k of leaders.keys()) if (!reached.has(k)) top.push(leaf(k, 0));
  const processes = top.reduce((n, t) => n + t.size, 0) + Math.max(0, idleNodes.length - 1);
  return { roots: top, processes, threads: rows.length };
}

/** Same-name siblings without children of their own become one node (two or more of them). */
function group(nodes: TreeNode[]): TreeNode[] {
  const byKey = new Map<string, TreeNode[]>();
  const out: (TreeNode | string)[] = [];
  for (const n of nodes) {
    if (n.children.length) {
      out.push(n);
      continue;
    }
    const key = `${n.kernel ? "k" : "u"}\0${n.kernel ? kernelStem(n.label) : n.label}`;
    const list = byKey.get(key);
    if (list) list.push(n);
    else {
      byKey.set(key, [n]);
      out.push(key);
    }
  }
  return out.map((x) => {
    if (typeof x !== "string") return x;
    const members = byKey.get(x)!;
    if (members.length === 1) return members[0]!;
    const first = members[0]!;
    const node: TreeNode = {
      rows: members.flatMap((m) => m.rows),
      label: first.kernel && members.some((m) => m.label !== first.label) ? kernelStem(first.label) : first.label,
      threads: members.reduce((n, m) => n + m.threads, 0),
      kernel: first.kernel,
      idle: false,
      flaggedPids: members.flatMap((m) => m.flaggedPids),
      panic: members.some((m) => m.panic),
      children: [],
      size: members.length,
      marked: members.some((m) => m.marked),
    };
    const worst = members.map((m) => m.severity).filter((s): s is Severity => s !== undefined).sort((a, b) => RANK[b] - RANK[a])[0];
    if (worst) node.severity = worst;
    return node;
  });
}
