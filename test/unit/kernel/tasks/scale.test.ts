// The task walk at scale, on the fixture's kernel with thousands more tasks (test/fixtures/synthetic-tasks.ts:
// copies of its own task_structs, user thread groups with their own signal_struct). What is checked is
// agreement: the task index and the rows read per page (the task tree's path) against the whole table read
// in one pass (ps's path), and both against what the overlay put in memory. Timing is in the bench.
import { describe, expect, it } from "vitest";
import { psCommand } from "../../../../src/core/commands/tasks/ps";
import { CommandRegistry } from "../../../../src/core/commands/registry";
import { buildTaskTable, taskIndex, taskOf, taskTable } from "../../../../src/core/kernel/tasks/tasks";
import { TaskAddressMap } from "../../../../src/core/kernel/tasks/task-index";
import { taskMemUsage } from "../../../../src/core/kernel/tasks/mem";
import { tasksPage, taskRow } from "../../../../src/core/session/queries/tasks";
import { withSyntheticTasks } from "../../../fixtures/synthetic-tasks";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";

const COUNT = 3000;

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("task walk at scale (3,000 synthetic tasks)", () => {
  const setup = () => {
    const base = fixtureSession()!.context.prog;
    return { base, syn: withSyntheticTasks(base, COUNT, { threadsPerGroup: 8 }) };
  };

  it("finds every copy once, in pid order, each user thread in its group", () => {
    const { base, syn } = setup();
    const baseCount = taskTable(base).tasks.length;
    const table = taskTable(syn.fresh());
    expect(table.problems).toEqual([]);
    expect(table.tasks).toHaveLength(baseCount + COUNT);
    const copies = table.tasks.filter((t) => t.pid >= syn.firstPid);
    expect(copies.map((t) => t.pid)).toEqual(Array.from({ length: COUNT }, (_, i) => syn.firstPid + i));
    const user = copies.filter((t) => !t.kernelThread);
    expect(user).toHaveLength(syn.userTasks);
    const groups = new Map<number, number>();
    for (const t of user) groups.set(t.tgid, (groups.get(t.tgid) ?? 0) + 1);
    expect([...groups.values()].every((n) => n === syn.threadsPerGroup || n === syn.userTasks % syn.threadsPerGroup)).toBe(true);
    expect(new Set(table.tasks.map((t) => t.address)).size).toBe(table.tasks.length);
    // The kernel's count of its tasks (the walk's sizing hint) counts the copies, as on a real host.
    const nrThreads = (p: typeof base) => p.readS32(p.symbolAddress("nr_threads"));
    expect(nrThreads(syn.fresh())).toBe(nrThreads(base) + COUNT);
  });

  it("the task address map finds what was added whatever size it was told to expect", () => {
    const { syn } = setup();
    const tasks = taskIndex(syn.fresh()).tasks;
    for (const expected of [0, -5, 10, 4096, 70_000, 1e9, NaN]) {
      const map = new TaskAddressMap(expected);
      for (const t of tasks) map.add(t);
      expect(map.size).toBe(tasks.length);
      expect(tasks.every((t) => map.get(t.address) === t)).toBe(true);
      expect(map.get(0xffff888000000000n)).toBeUndefined();
    }
  });

  it("the index and the rows read per page equal the table read in one pass", () => {
    const { syn } = setup();
    const lazy = syn.fresh();
    const index = taskIndex(lazy);
    const whole = buildTaskTable(syn.fresh());
    expect(index.tasks.map((t) => t.address)).toEqual(whole.tasks.map((t) => t.address));
    // Rows read one by one, out of order, as pages would.
    const rows = [...index.tasks].reverse().map((links) => taskOf(lazy, links)).reverse();
    expect(rows).toEqual(whole.tasks);
    // The table made after the index reuses the rows already read.
    expect(taskTable(lazy).tasks.every((t, i) => t === rows[i])).toBe(true);
  });

  it("pages of the task tree are the table's rows, cut in order", () => {
    const { syn } = setup();
    const paged = syn.fresh();
    const items = [];
    const totals = new Set<number>();
    for (let offset = 0; ; offset += 700) {
      const page = tasksPage(paged, { offset, limit: 700 });
      totals.add(page.total);
      items.push(...page.items);
      if (page.items.length === 0) break;
    }
    const whole = syn.fresh();
    const table = taskTable(whole);
    expect([...totals]).toEqual([table.tasks.length]);
    expect(items).toEqual(table.tasks.map((t) => taskRow(whole, table, t)));
  });

  it("a user group's threads share its RSS (the mm's counts plus every thread's split counts)", () => {
    const { syn } = setup();
    const prog = syn.fresh();
    const table = taskTable(prog);
    const leader = table.tasks.find((t) => t.pid >= syn.firstPid && !t.kernelThread && t.pid === t.tgid)!;
    const threads = table.tasks.filter((t) => t.tgid === leader.tgid);
    expect(threads).toHaveLength(syn.threadsPerGroup);
    const rss = threads.map((t) => taskMemUsage(prog, table, t).rss);
    expect(new Set(rss).size).toBe(1);
    expect(rss[0]).toBeGreaterThan(0);
    const ctx = { ...fixtureSession()!.context, prog, state: { valueHistory: 0 }, commands: new CommandRegistry([psCommand]) };
    const ps = psCommand.run(ctx, ["-G"]).data;
    expect(ps.rows.filter((r) => r.pid >= syn.firstPid)).toHaveLength(COUNT - syn.userTasks + Math.ceil(syn.userTasks / syn.threadsPerGroup));
  });
});
