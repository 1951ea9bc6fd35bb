import { describe, expect, it } from "vitest";
import { cpuRunqueues } from "../../src/core/kernel/tasks/runq";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("runq (golden)", () => {
  it("runq equals crash's runq.txt", () => {
    const r = fixtureSession()!.run("runq");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("runq.txt")));
  });
  it("runq -c 2 shows that CPU's block alone", () => {
    const block = normalize(reference("runq.txt")).split("\n\n")[2];
    expect(normalize(fixtureSession()!.run("runq -c 2").text)).toBe(block);
  });
  it("runs again the same from the queues walked once per program", () => {
    const s = fixtureSession()!;
    const prog = s.context.prog;
    expect(cpuRunqueues(prog)).toBe(cpuRunqueues(prog));
    expect(normalize(s.run("runq").text)).toBe(normalize(reference("runq.txt")));
    expect(normalize(s.run("runq").text)).toBe(normalize(reference("runq.txt")));
  });
});
