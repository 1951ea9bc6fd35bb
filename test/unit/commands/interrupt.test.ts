// Long commands call the caller's checkpoint (ctx.interrupt) once per task or record, and a cancel thrown
// there ends the whole command — foreach does not turn it into one task's error line.
import { describe, expect, it } from "vitest";
import { CancelledError } from "../../../src/core/session/problems";
import { taskTable } from "../../../src/core/kernel/tasks/tasks";
import { haveFixtures } from "../../fixtures";
import { fixtureSession } from "../../session-fixture";

/** Runs a console line with a checkpoint that counts its calls and cancels at call `cancelAt`. */
function withCheckpoint(line: string, cancelAt = Infinity): { calls: number; cancelled: boolean } {
  const s = fixtureSession()!;
  let calls = 0;
  s.context.interrupt = () => {
    if (++calls >= cancelAt) throw new CancelledError();
  };
  try {
    s.run(line);
    return { calls, cancelled: false };
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    return { calls, cancelled: true };
  } finally {
    s.context.interrupt = undefined;
  }
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("cancel checkpoints", () => {
  const tasks = () => taskTable(fixtureSession()!.context.prog).tasks.length;

  it("ps, bt -a and foreach call the checkpoint once per task (foreach: once more inside each task's bt)", () => {
    expect(withCheckpoint("ps").calls).toBe(tasks());
    expect(withCheckpoint("bt -a").calls).toBe(4);
    expect(withCheckpoint("foreach bt").calls).toBe(2 * tasks());
    expect(withCheckpoint("foreach vm").calls).toBe(2 * tasks());
  });

  it("a cancel ends foreach bt where it is thrown: no further task is walked", () => {
    const r = withCheckpoint("foreach bt", 7);
    expect(r).toEqual({ calls: 7, cancelled: true });
    const p = withCheckpoint("ps", 3);
    expect(p).toEqual({ calls: 3, cancelled: true });
  });

  it("without a checkpoint the commands run as before", () => {
    expect(fixtureSession()!.run("bt -a").errors).toEqual([]);
  });
});
