// A task's backtrace from its own starting point is traced once per program and options, then given again:
// the dump does not change, and bt, foreach bt, the workbench and the detectors ask for the same traces.
import { describe, expect, it } from "vitest";
import { stackContext, taskBacktrace } from "../../../../src/core/kernel/tasks/stack";
import { panicTask, taskTable } from "../../../../src/core/kernel/tasks/tasks";
import { haveFixtures } from "../../../fixtures";
import { withSyntheticTasks } from "../../../fixtures/synthetic-tasks";
import { fixtureSession } from "../../../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("backtraces kept per program", () => {
  it("gives the same trace again for the same task and options, a new one for other options or another start", () => {
    const ctx = fixtureSession()!.context;
    const sc = stackContext(ctx.prog, ctx.symbols, ctx.vmlinux, ctx.decoder);
    const task = panicTask(ctx.prog)!;
    const bt = taskBacktrace(ctx.prog, sc, task);
    expect(bt.lines.length).toBeGreaterThan(3);
    expect(taskBacktrace(ctx.prog, sc, task)).toBe(bt);
    const full = taskBacktrace(ctx.prog, sc, task, { full: true });
    expect(full).not.toBe(bt);
    expect(full.lines.some((l) => l.kind === "words")).toBe(true);
    expect(taskBacktrace(ctx.prog, sc, task, { full: true })).toBe(full);
    // bt -S: traced from the address given, every time.
    const from = { rsp: bt.start.rsp };
    const fromSp = taskBacktrace(ctx.prog, sc, task, {}, from);
    expect(fromSp).not.toBe(bt);
    expect(taskBacktrace(ctx.prog, sc, task, {}, from)).not.toBe(fromSp);
    const other = taskTable(ctx.prog).tasks.find((t) => t.address !== task.address)!;
    expect(taskBacktrace(ctx.prog, sc, other)).not.toBe(bt);
  });

  it("keeps none on a program of more than 4,096 tasks (they would only pass through, into the old generation)", () => {
    const ctx = fixtureSession()!.context;
    const prog = withSyntheticTasks(ctx.prog, 5000).fresh();
    const sc = stackContext(prog, ctx.symbols, ctx.vmlinux, ctx.decoder);
    const task = panicTask(prog)!;
    const bt = taskBacktrace(prog, sc, task);
    const again = taskBacktrace(prog, sc, task);
    expect(again).not.toBe(bt);
    expect(again).toEqual(bt);
  });

  it("foreach bt prints the same the second time, from the kept traces", () => {
    const s = fixtureSession()!;
    const first = s.run("foreach bt");
    const again = s.run("foreach bt");
    expect(again.errors).toEqual(first.errors);
    expect(again.text).toBe(first.text);
    expect(first.text.split("\n").filter((l) => l.startsWith("PID:")).length).toBe(taskTable(s.context.prog).tasks.length);
  });
});
