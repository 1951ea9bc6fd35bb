// The process tree of the task tree panel, from the contract's task rows (crash's ps order, threads
// included): processes under their parents, threads under their leader, and processes of one name under one
// parent gathered into a group with a count (a swarm reads at a glance). Flattened to rows for a
// virtualised list; filtering keeps the matches and their ancestors.
import type { Severity, TaskRow } from "../../core/session/contract";
import { severityRank } from "./format";

export interface ProcNode {
  kind: "proc";
  key: string;
  row: TaskRow;
  threads: TaskRow[];
  children: TreeNode[];
}

export interface GroupNode {
  kind: "group";
  key: string;
  comm: string;
  members: ProcNode[];
}

export type TreeNode = ProcNode | GroupNode;

export interface FlatRow {
  key: string;
  depth: number;
  kind: "proc" | "group" | "thread";
  /** The task (the group's first member for a group). */
  row: TaskRow;
  comm: string;
  /** Members of a group; threads of a process. */
  count: number;
  expandable: boolean;
  expanded: boolean;
  severity?: Severity;
  /** The row matched the filter (its ancestors are shown dimmer). */
  match: boolean;
}

/** Most nested levels walked (a parent loop in a damaged dump must not recurse forever). */
const MAX_DEPTH = 64;

export function buildTree(rows: readonly TaskRow[]): TreeNode[] {
  const leaders = new Map<string, ProcNode>();
  const leaderByPid = new Map<number, ProcNode>();
  const tgidOfPid = new Map<number, number>();
  for (const row of rows) {
    if (row.pid > 0) tgidOfPid.set(row.pid, row.tgid);
    if (row.pid === row.tgid) {
      const node: ProcNode = { kind: "proc", key: `t:${row.task}`, row, threads: [], children: [] };
      leaders.set(row.task, node);
      if (row.pid > 0 && !leaderByPid.has(row.pid)) leaderByPid.set(row.pid, node);
    }
  }
  for (const row of rows) {
    if (row.pid === row.tgid) continue;
    const leader = leaderByPid.get(row.tgid);
    if (leader) leader.threads.push(row);
    else {
      // A thread whose leader is gone (or unreadable): shown as a process of its own.
      const node: ProcNode = { kind: "proc", key: `t:${row.task}`, row, threads: [], children: [] };
      leaders.set(row.task, node);
    }
  }
  const roots: ProcNode[] = [];
  const kids = new Map<ProcNode, ProcNode[]>();
  for (const node of leaders.values()) {
    const { pid, ppid } = node.row;
    const parentTgid = tgidOfPid.get(ppid) ?? ppid;
    const parent = pid === 0 || ppid === pid ? undefined : leaderByPid.get(parentTgid);
    if (!parent || parent === node) roots.push(node);
    else {
      const list = kids.get(parent) ?? [];
      list.push(node);
      kids.set(parent, list);
    }
  }
  const byPid = (a: ProcNode, b: ProcNode): number => a.row.pid - b.row.pid || (a.row.task < b.row.task ? -1 : 1);
  // Parent loops (a damaged dump) leave nodes unreachable from the roots: they become roots.
  const reached = new Set<ProcNode>();
  const attach = (node: ProcNode, depth: number): void => {
    reached.add(node);
    const list = (kids.get(node) ?? []).filter((c) => !reached.has(c)).sort(byPid);
    if (depth >= MAX_DEPTH) return;
    for (const c of list) attach(c, depth + 1);
    node.children = group(list, node.key);
    node.threads.sort((a, b) => a.pid - b.pid);
  };
  // The idle tasks (pid 0, one per CPU) after the real roots: init and kthreadd come first.
  roots.sort((a, b) => Number(a.row.pid === 0) - Number(b.row.pid === 0) || (a.row.pid === 0 ? a.row.cpu - b.row.cpu : byPid(a, b)));
  for (const r of roots) attach(r, 0);
  for (const node of leaders.values()) {
    if (!reached.has(node)) {
      roots.push(node);
      attach(node, 0);
    }
  }
  return group(roots, "root");
}

function group(list: ProcNode[], parentKey: string): TreeNode[] {
  const byComm = new Map<string, ProcNode[]>();
  for (const n of list) {
    if (n.row.pid === 0) continue;
    const same = byComm.get(n.row.comm) ?? [];
    same.push(n);
    byComm.set(n.row.comm, same);
  }
  const out: TreeNode[] = [];
  const done = new Set<string>();
  for (const n of list) {
    const same = n.row.pid === 0 ? undefined : byComm.get(n.row.comm);
    if (!same || same.length < 2) out.push(n);
    else if (!done.has(n.row.comm)) {
      done.add(n.row.comm);
      out.push({ kind: "group", key: `g:${parentKey}:${n.row.comm}`, comm: n.row.comm, members: same });
    }
  }
  return out;
}

export interface FlattenOptions {
  expanded: ReadonlySet<string>;
  /** Keys explicitly collapsed (overrides the default expansion). */
  collapsed: ReadonlySet<string>;
  query: string;
  flaggedOnly: boolean;
  userOnly: boolean;
  severityOf: (pid: number) => Severity | undefined;
}

/** Processes shown expanded until the analyst says otherwise: the roots and init, not kthreadd's brood. */
export function defaultExpanded(node: TreeNode, depth: number): boolean {
  if (node.kind === "group") return false;
  if (node.row.kernelThread && depth > 0) return false;
  if (node.row.pid === 2) return false;
  return depth < 2 && node.row.pid !== 0;
}

export function flatten(tree: readonly TreeNode[], options: FlattenOptions): FlatRow[] {
  const q = options.query.trim().toLowerCase();
  const filtering = q !== "" || options.flaggedOnly || options.userOnly;
  const matches = (row: TaskRow): boolean => {
    if (options.userOnly && row.kernelThread) return false;
    if (options.flaggedOnly && !options.severityOf(row.pid)) return false;
    if (!q) return true;
    return row.comm.toLowerCase().includes(q) || String(row.pid) === q || (row.exe ?? "").toLowerCase().includes(q) || row.task.includes(q);
  };
  // Which subtrees hold a match (computed once, bounded by the tree's size).
  const holds = new Map<TreeNode, boolean>();
  const visit = (node: TreeNode, depth: number): boolean => {
    let any: boolean;
    if (node.kind === "group") {
      any = false;
      for (const m of node.members) any = visit(m, depth + 1) || any;
    } else {
      any = matches(node.row) || node.threads.some(matches);
      if (depth < MAX_DEPTH) for (const c of node.children) any = visit(c, depth + 1) || any;
    }
    holds.set(node, any);
    return any;
  };
  if (filtering) for (const n of tree) visit(n, 0);

  const out: FlatRow[] = [];
  const isExpanded = (node: TreeNode, depth: number): boolean => {
    if (filtering) return holds.get(node) === true;
    if (options.collapsed.has(node.key)) return false;
    return options.expanded.has(node.key) || defaultExpanded(node, depth);
  };
  const emit = (node: TreeNode, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (filtering && !holds.get(node)) return;
    if (node.kind === "group") {
      const expanded = isExpanded(node, depth);
      let severity: Severity | undefined;
      for (const m of node.members) severity = maxSeverity(severity, options.severityOf(m.row.pid));
      out.push({ key: node.key, depth, kind: "group", row: node.members[0]!.row, comm: node.comm, count: node.members.length, expandable: true, expanded, severity, match: !filtering || node.members.some((m) => matches(m.row)) });
      if (expanded) for (const m of node.members) emit(m, depth + 1);
      return;
    }
    const expandable = node.children.length > 0 || node.threads.length > 0;
    const expanded = expandable && isExpanded(node, depth);
    out.push({ key: node.key, depth, kind: "proc", row: node.row, comm: node.row.comm, count: node.threads.length + 1, expandable, expanded, severity: options.severityOf(node.row.pid), match: !filtering || matches(node.row) });
    if (!expanded) return;
    for (const t of node.threads) {
      if (filtering && !matches(t) && !matches(node.row)) continue;
      out.push({ key: `t:${t.task}`, depth: depth + 1, kind: "thread", row: t, comm: t.comm, count: 1, expandable: false, expanded: false, severity: options.severityOf(t.pid), match: !filtering || matches(t) });
    }
    for (const c of node.children) emit(c, depth + 1);
  };
  for (const n of tree) emit(n, 0);
  return out;
}

export function maxSeverity(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (!a) return b;
  if (!b) return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** The key of the row holding this pid and the keys to expand to reveal it. */
export function pathTo(tree: readonly TreeNode[], pid: number): { key: string; ancestors: string[] } | undefined {
  const stack: string[] = [];
  const find = (nodes: readonly TreeNode[], depth: number): string | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    for (const n of nodes) {
      if (n.kind === "group") {
        stack.push(n.key);
        const k = find(n.members, depth + 1);
        if (k) return k;
        stack.pop();
        continue;
      }
      if (n.row.pid === pid) return n.key;
      stack.push(n.key);
      const t = n.threads.find((t) => t.pid === pid);
      if (t) return `t:${t.task}`;
      const k = find(n.children, depth + 1);
      if (k) return k;
      stack.pop();
    }
    return undefined;
  };
  const key = find(tree, 0);
  return key ? { key, ancestors: [...stack] } : undefined;
}
