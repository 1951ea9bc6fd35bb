// The task tree: threads under their leader, children under their parent, same-name siblings grouped with
// a count, idle tasks last, filters keep matches and their ancestors, damaged parent links terminate.
import { describe, expect, it } from "vitest";
import type { TaskRow } from "../../../src/core/session/contract";
import { buildTree, flatten, pathTo } from "../../../src/renderer/lib/tasktree";

let n = 0;
function row(pid: number, ppid: number, comm: string, extra: Partial<TaskRow> = {}): TaskRow {
  n++;
  return { task: `0xffff${(0x1000 + n).toString(16)}` as `0x${string}`, pid, tgid: extra.tgid ?? pid, ppid, comm, state: "IN", cpu: 0, flags: 0, kernelThread: false, idle: pid === 0, active: false, panic: false, threads: 1, rss: 0, vsz: 0, startTime: "0", ...extra };
}

const rows = [
  row(0, 0, "swapper/0"),
  row(1, 0, "init"),
  row(2, 0, "kthreadd", { kernelThread: true }),
  row(3, 2, "kworker/0:0", { kernelThread: true }),
  row(10, 1, "postcated"),
  row(11, 1, "postcated"),
  row(12, 1, "postcated"),
  row(20, 1, "mountinfo", { threads: 3 }),
  row(21, 1, "mountinfo", { tgid: 20 }),
  row(22, 1, "mountinfo", { tgid: 20 }),
  row(30, 12, "child"),
];
const opts = { expanded: new Set<string>(), collapsed: new Set<string>(), query: "", flaggedOnly: false, userOnly: false, severityOf: (pid: number) => (pid === 20 ? ("high" as const) : undefined) };

describe("task tree", () => {
  const tree = buildTree(rows);

  it("roots: init and kthreadd first, the idle task last; kernel threads collapsed under kthreadd", () => {
    const flat = flatten(tree, opts);
    expect(flat.filter((r) => r.depth === 0).map((r) => r.comm)).toEqual(["init", "kthreadd", "swapper/0"]);
    expect(flat.some((r) => r.comm === "kworker/0:0")).toBe(false);
  });

  it("groups same-name children with a count; a multi-threaded process counts its threads", () => {
    const flat = flatten(tree, opts);
    const g = flat.find((r) => r.kind === "group")!;
    expect([g.comm, g.count, g.expanded]).toEqual(["postcated", 3, false]);
    const miner = flat.find((r) => r.comm === "mountinfo")!;
    expect([miner.kind, miner.count, miner.severity]).toEqual(["proc", 3, "high"]);
  });

  it("a filter shows the matches with their ancestors, expanded", () => {
    const flat = flatten(tree, { ...opts, query: "child" });
    expect(flat.map((r) => [r.comm, r.match])).toEqual([
      ["init", false],
      ["postcated", false],
      ["postcated", false],
      ["child", true],
    ]);
    expect(flatten(tree, { ...opts, flaggedOnly: true }).map((r) => [r.comm, r.kind])).toEqual([
      ["init", "proc"],
      ["mountinfo", "proc"],
      ["mountinfo", "thread"],
      ["mountinfo", "thread"],
    ]);
  });

  it("pathTo names the row and the groups/parents to open", () => {
    const p = pathTo(tree, 30)!;
    expect(p.ancestors.length).toBe(3);
    const flat = flatten(tree, { ...opts, expanded: new Set(p.ancestors) });
    expect(flat.some((r) => r.key === p.key && r.comm === "child")).toBe(true);
    expect(pathTo(tree, 21)!.key).toBe(`t:${rows[8]!.task}`);
  });

  it("a parent loop in a damaged dump ends (both tasks still shown)", () => {
    const loop = buildTree([row(40, 41, "a"), row(41, 40, "b")]);
    const flat = flatten(loop, { ...opts, expanded: new Set(["*"]) });
    expect(flat.length).toBeGreaterThanOrEqual(1);
    expect(flat.length).toBeLessThanOrEqual(2);
    const all = flatten(loop, { ...opts, query: "b" });
    expect(all.some((r) => r.comm === "b")).toBe(true);
  });
});
