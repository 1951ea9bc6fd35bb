// task -x/-d/-R and log -s/-a against crash 8.0.6 on the fixture (test/golden/options-reference/task-*.txt,
// log-*.txt), value by value.
import { describe, expect, it } from "vitest";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { taskThreadSp } from "../../src/core/kernel/tasks/sched-policy";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

/** Cases whose comparison is written out below (each says why). */
const APART = new Set(["task-R-bad", "task-R-thread-sp", "task-R-array"]);

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("task and log options (golden)", () => {
  for (const c of [...optionCases("task-"), ...optionCases("log-")].filter((c) => !APART.has(c.name))) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(fixtureSession()!.run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("task -R with a name that is no member: crash's line, after the task's block instead of inside it", () => {
    // crash prints the INFO line where it meets the name, before do_task's closing blank line; kdw returns
    // it as an error line, printed after the text. Same lines, one place apart.
    const r = fixtureSession()!.run("task -R nosuchmember 304");
    expect(r.errors).toEqual(["task: nosuchmember: not a task_struct or thread_info member"]);
    const want = normalize(optionReference("task-R-bad")).split("\n");
    expect([...normalize(r.text).split("\n"), ...r.errors]).toEqual(want);
  });

  it("task -R thread.sp: crash 8.0.6 does not find it, kdw prints task_struct.thread.sp", () => {
    // crash reads its own printed task_struct back with fgets(BUFSIZE = 1500): the cpus_mask line (128
    // longs, about 2,800 characters) is cut into pieces that its parser takes for lines, and every member
    // after it (thread among them) is lost: "invalid data structure member reference: thread.sp".
    expect(normalize(optionReference("task-R-thread-sp"))).toContain("task: invalid data structure member reference: thread.sp");
    const s = fixtureSession()!;
    const task = taskTable(s.context.prog).tasks.find((t) => t.pid === 304)!;
    const sp = taskThreadSp(s.context.prog, task)!;
    const r = s.run("task -R thread.sp 304");
    expect(r.errors).toEqual([]);
    expect(r.text.split("\n")[1]).toBe(`  thread.sp = ${sp},`);
    expect(sp >> 14n).toBe(0xff7701ff007d0000n >> 14n); // in its own kernel stack (bt -r 304 starts there)
  });

  it("task -R pid_links[1]: crash 8.0.6 loses it the same way, kdw prints the second hlist_node", () => {
    expect(normalize(optionReference("task-R-array"))).toContain("task: invalid data structure member reference: pid_links[1]");
    const r = fixtureSession()!.run("task -R pid_links[1] 304");
    expect(r.errors).toEqual([]);
    // dump_node's layout for an element of an array of structs (its quirk kept: "=   {").
    expect(r.text.split("\n").slice(1)).toEqual(["  pid_links[1] =   {", "    next = 0x0,", "    pprev = 0x0", "  },", ""]);
  });

  it("task's result keeps each task's text apart and the errors", () => {
    const r = dataOf(fixtureSession()!.run("task -R pid 0 99999").data);
    expect(r.dumps.map((d) => [d.task.pid, d.task.cpu, d.taskStruct])).toEqual([0, 1, 2, 3].map((cpu) => [0, cpu, "  pid = 0,\n"]));
    expect(r.errors).toEqual(["task: invalid task or pid value: 99999"]);
  });

  it("bad words are one line", () => {
    const s = fixtureSession()!;
    expect(s.run("task -x -d 304").errors).toEqual(["task: -d and -x are mutually exclusive"]);
    expect(s.run("task -R").errors).toEqual(["task: option -R needs a value"]);
    expect(s.run("task -q").errors).toEqual(["task: invalid option: -q"]);
    expect(s.run("log -z").errors).toEqual(["log: invalid option: -z"]);
  });
});
