// The task walker on corrupted memory: the fixture's Program read through an AddressSpace that rewrites or
// hides chosen pointers (real types from the fixture's BTF, real layout), so the walk meets a loop, a pointer
// into unmapped memory, and a broken thread list. The walk keeps what it read and says where it stopped.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { psCommand } from "../../../../src/core/commands/tasks/ps";
import { CommandRegistry } from "../../../../src/core/commands/registry";
import { buildTaskTable, taskTable, type TaskTable } from "../../../../src/core/kernel/tasks/tasks";
import { taskLayout } from "../../../../src/core/kernel/tasks/layout";
import { listForEachEntry } from "../../../../src/core/program/list";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


function patched(prog: Program, patches: Map<bigint, bigint | null>): Program {
  return patchedProgram(prog, patches);
}

function context(prog: Program): CommandContext {
  const base = fixtureSession()!.context;
  return { ...base, prog, state: { valueHistory: 0 }, commands: new CommandRegistry([psCommand]) };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("task walker on corrupted lists", () => {
  const good = () => fixtureSession()!.kernel.program;
  /** The process leaders in init_task.tasks order, as the good dump has them. */
  const leaders = (): bigint[] => {
    const prog = good();
    const head = prog.symbolAddress("init_task") + BigInt(taskLayout(prog).tasks);
    return [...listForEachEntry(prog, head, prog.type("struct task_struct"), "tasks")].map((o) => o.address!);
  };
  const groupOf = (table: TaskTable, leader: bigint) => table.tasks.filter((t) => t.tgid === table.byAddress.get(leader)!.tgid);

  it("the good dump walks clean", () => {
    const table = taskTable(good());
    expect(table.tasks).toHaveLength(110);
    expect(table.problems).toEqual([]);
  });

  it("a loop in the process list stops the walk there and keeps every task before it", () => {
    const prog = good();
    const l = taskLayout(prog);
    const order = leaders();
    const k = 70; // make the 71st leader's tasks.next point back to the 3rd leader's node
    const bad = patched(prog, new Map([[order[k]! + BigInt(l.tasks), order[2]! + BigInt(l.tasks)]]));
    const table = buildTaskTable(bad);
    expect(table.problems).toHaveLength(1);
    expect(table.problems[0]!.message).toMatch(/^task list \(init_task\.tasks\): walk stopped after \d+ steps: loop at /);
    const full = taskTable(prog);
    const expected = 4 + order.slice(0, k + 1).reduce((n, a) => n + groupOf(full, a).length, 0);
    expect(table.tasks).toHaveLength(expected);
    expect(table.byAddress.has(order[k]!)).toBe(true);
    expect(table.byAddress.has(order[k + 1]!)).toBe(false);
  });

  it("a pointer into unmapped memory ends the process list with the address in the marker", () => {
    const prog = good();
    const l = taskLayout(prog);
    const order = leaders();
    const wild = 0xffffc90fdead0000n;
    const bad = patched(prog, new Map([[order[10]! + BigInt(l.tasks), wild]]));
    const table = buildTaskTable(bad);
    expect(table.problems).toHaveLength(1);
    expect(table.problems[0]!.message).toContain(`node ${wild.toString(16)}`);
    expect(table.tasks.length).toBe(4 + 11 + order.slice(0, 11).reduce((n, a) => n + groupOf(taskTable(prog), a).length - 1, 0));
  });

  it("a broken thread list loses only that group's other threads", () => {
    const prog = good();
    const l = taskLayout(prog);
    const full = taskTable(prog);
    const miner = full.tasks.find((t) => t.pid === t.tgid && groupOf(full, t.address).length === 6)!;
    const signal = prog.readU64(miner.address + BigInt(l.signal));
    // signal->thread_head.next unreadable: the group's leader stays (it is on the process list).
    const bad = patched(prog, new Map([[signal + BigInt(l.signalThreadHead!), null]]));
    const table = buildTaskTable(bad);
    expect(table.problems).toHaveLength(1);
    expect(table.problems[0]!.what).toBe(`thread list of pid ${miner.pid} (task ${miner.address.toString(16)})`);
    expect(table.tasks).toHaveLength(110 - 5);
    expect(table.byAddress.has(miner.address)).toBe(true);
  });

  it("ps prints the rows it has, then a line saying where the walk stopped", () => {
    const prog = good();
    const l = taskLayout(prog);
    const order = leaders();
    const bad = patched(prog, new Map([[order[5]! + BigInt(l.tasks), 0n]]));
    const out = psCommand.run(context(bad), []);
    const lines = out.text.trimEnd().split("\n");
    const data = out.data;
    expect(lines[0]).toMatch(/^ +PID +PPID +CPU +TASK +ST/);
    expect(data.rows.length).toBe(lines.length - 1);
    expect(data.rows.length).toBe(4 + order.slice(0, 6).reduce((n, a) => n + groupOf(taskTable(prog), a).length, 0));
    expect(out.errors).toEqual(["ps: task list incomplete: task list (init_task.tasks): walk stopped after 6 steps: NULL next pointer"]);
    expect(data.problems).toHaveLength(1);
  });

  it("an unreadable task_struct on the list is reported and the walk stops at it", () => {
    const prog = good();
    const l = taskLayout(prog);
    const order = leaders();
    // The 9th leader's pid word cannot be read: the list pointer is fine, the task is not.
    const bad = patched(prog, new Map([[order[8]! + BigInt(l.pid), null]]));
    const table = buildTaskTable(bad);
    expect(table.byAddress.has(order[8]!)).toBe(false);
    expect(table.problems.map((p) => p.what)).toEqual([`task ${order[8]!.toString(16)}`, "task list (init_task.tasks)"]);
  });
});
