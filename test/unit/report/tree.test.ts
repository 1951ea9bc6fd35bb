import { describe, expect, it } from "vitest";
import { buildProcessTree, kernelStem, type TreeNode } from "../../../src/core/report/tree";
import { syntheticTasks, task } from "../../fixtures/report-data";

function find(nodes: TreeNode[], label: string): TreeNode | undefined {
  for (const n of nodes) {
    if (n.label === label) return n;
    const hit = find(n.children, label);
    if (hit) return hit;
  }
  return undefined;
}

function count(nodes: TreeNode[]): number {
  return nodes.reduce((s, n) => s + n.rows.length + count(n.children), 0);
}

describe("buildProcessTree", () => {
  const rows = syntheticTasks();

  it("puts every process once under its parent, idle tasks at the root", () => {
    const tree = buildProcessTree(rows, []);
    expect(tree.roots).toHaveLength(1);
    const idle = tree.roots[0]!;
    expect(idle.idle).toBe(true);
    expect(idle.rows).toHaveLength(4);
    expect(idle.label).toBe("swapper/*");
    expect(idle.children.map((c) => c.label)).toEqual(["init", "kthreadd"]);
    // 4 idle + init, kthreadd, 3 kernel threads, httpd, 3 postcated, mountinfo, agent: threads are not nodes.
    expect(count(tree.roots)).toBe(15);
    expect(tree.threads).toBe(rows.length);
  });

  it("counts threads on their process and carries the panic and flags up to it", () => {
    const tree = buildProcessTree(rows, [{ pid: 202, severity: "high", findings: ["f"], rules: ["f"] }]);
    const miner = find(tree.roots, "mountinfo")!;
    expect(miner.threads).toBe(3);
    expect(miner.severity).toBe("high");
    expect(miner.flaggedPids).toEqual([202]);
    const agent = find(tree.roots, "agent")!;
    expect(agent.panic).toBe(true);
    expect(agent.rows[0]!.pid).toBe(300);
    expect(tree.roots[0]!.marked).toBe(true);
    expect(find(tree.roots, "httpd")!.marked).toBe(false);
  });

  it("groups same-name siblings without children, kernel threads by stem", () => {
    const tree = buildProcessTree(rows, [{ pid: 103, severity: "medium", findings: ["s"], rules: ["s"] }, { pid: 101, severity: "critical", findings: ["s"], rules: ["s"] }]);
    const swarm = find(tree.roots, "postcated")!;
    expect(swarm.rows.map((r) => r.pid)).toEqual([101, 102, 103]);
    expect(swarm.severity).toBe("critical");
    expect(swarm.flaggedPids).toEqual([101, 103]);
    const kthreadd = find(tree.roots, "kthreadd")!;
    expect(kthreadd.children.map((c) => [c.label, c.rows.length])).toEqual([
      ["kworker/*:*", 2],
      ["ksoftirqd/0", 1],
    ]);
  });

  it("keeps a process with children out of its same-name group", () => {
    const r = [...rows, task(400, "sh"), task(401, "sh"), task(402, "sh"), task(403, "sleep", { ppid: 401 })];
    const init = find(buildProcessTree(r, []).roots, "init")!;
    const shells = init.children.filter((c) => c.label === "sh");
    expect(shells.map((c) => c.rows.map((x) => x.pid))).toEqual([[400, 402], [401]]);
    expect(shells[1]!.children[0]!.label).toBe("sleep");
  });

  it("survives a parent loop and a missing parent: every process still appears once", () => {
    const r = [task(10, "a", { ppid: 11 }), task(11, "b", { ppid: 10 }), task(12, "orphan", { ppid: 999 }), task(13, "c", { ppid: 13 })];
    const tree = buildProcessTree(r, []);
    expect(count(tree.roots)).toBe(4);
  });

  it("bounds depth: a 10,000-long parent chain neither overflows the stack nor loses a process", () => {
    const r = Array.from({ length: 10_000 }, (_, i) => task(1000 + i, `p${i}`, { ppid: i ? 999 + i : 1 }));
    const tree = buildProcessTree(r, []);
    expect(count(tree.roots)).toBe(10_000);
  });

  it("names kernel thread stems", () => {
    expect(kernelStem("kworker/0:1H")).toBe("kworker/*:*H");
    expect(kernelStem("kworker/u8:2")).toBe("kworker/u*:*");
  });
});
