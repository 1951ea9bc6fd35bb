// set: crash's context block (task.c show_context) for the panic task, the task `set` chooses, and errors.
// There is no `set` reference file; the values are checked against the manifest's panic task and against
// crash's ps/bt references (bt.txt's header names the same panic task).
import { describe, expect, it } from "vitest";
import { taskContext } from "../../src/core/commands/tasks/set";
import { formatContext } from "../../src/core/commands/tasks/set-format";
import { panicTask, taskCount } from "../../src/core/kernel/tasks/tasks";
import { haveFixtures, manifest, reference } from "../fixtures";
import { fixtureSession } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("set (golden)", () => {
  it("shows the panic task's context at start", () => {
    const s = fixtureSession()!;
    s.state.currentTask = undefined;
    const p = manifest().panic;
    expect(s.run("set").text).toBe(
      [`    PID: ${p.pid}`, `COMMAND: "${p.comm}"`, `   TASK: ${p.task}  [THREAD_INFO: ${p.task}]`, `    CPU: ${p.cpu}`, "  STATE: TASK_RUNNING (PANIC)", ""].join("\n"),
    );
    // bt's header (crash 8.0.6) names the same task.
    expect(reference("bt.txt").split("\n")[0]).toBe(`PID: ${p.pid}      TASK: ${p.task}  CPU: ${p.cpu}    COMMAND: "${p.comm}"`);
  });

  it("switches to a pid or a task address, and back with -p", () => {
    const s = fixtureSession()!;
    const r = s.run("set 1");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe('    PID: 1\nCOMMAND: "init"\n   TASK: ff16e683011f0000  [THREAD_INFO: ff16e683011f0000]\n    CPU: 0\n  STATE: TASK_INTERRUPTIBLE \n');
    expect(s.state.currentTask).toBe(0xff16e683011f0000n);
    expect(s.run("set").text).toBe(r.text);
    expect(s.run("set ff16e6831ff00000").text).toContain("  STATE: TASK_RUNNING (ACTIVE)");
    expect(s.run("set -p").text).toContain("    PID: 304\n");
    expect(s.state.currentTask).toBe(BigInt("0x" + manifest().panic.task));
  });

  it("counts the tasks sharing pid 0, and takes -c CPU", () => {
    const s = fixtureSession()!;
    expect(s.run("set 0").text).toContain("   TASK: ffffffffa141aa40  (1 of 4)  [THREAD_INFO: ffffffffa141aa40]");
    expect(s.run("set -c 2").text).toContain("    PID: 324\n");
    s.run("set -p");
  });

  it("rejects what is neither a pid nor a task", () => {
    const s = fixtureSession()!;
    expect(s.run("set 99999").errors).toEqual(["set: invalid task or pid value: 99999"]);
    expect(s.run("set -c 9").errors).toEqual(["set: invalid cpu: 9"]);
  });

  it("formats the start-up block indented by 5, and exports the panic task and TASKS count", () => {
    const prog = fixtureSession()!.kernel.program;
    const task = panicTask(prog)!;
    expect(formatContext(taskContext(prog, task), { indent: 5 }).split("\n")[0]).toBe("         PID: 304");
    expect(taskCount(prog)).toBe(110);
  });
});
