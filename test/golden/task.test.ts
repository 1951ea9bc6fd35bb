import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("task (golden)", () => {
  it("task 304 equals crash's task-panic.txt line for line", () => {
    const r = fixtureSession()!.run("task 304");
    expect(r.errors).toEqual([]);
    const ours = normalize(r.text).split("\n");
    const theirs = normalize(reference("task-panic.txt")).split("\n");
    expect(ours.length).toBe(theirs.length);
    ours.forEach((l, i) => expect(l, `line ${i + 1}`).toBe(theirs[i]));
  });
  it("task -R picks members; a bad pid is crash's error", () => {
    const s = fixtureSession()!;
    expect(s.run("task -R pid,comm 304").text).toBe('PID: 304      TASK: ff16e6832ff6c180  CPU: 0    COMMAND: "AliYunDun"\n  pid = 304,\n  comm = "AliYunDun\\000\\000\\000\\000\\000\\000",\n');
    expect(s.run("task 99999").errors).toEqual(["task: invalid task or pid value: 99999"]);
  });
});
