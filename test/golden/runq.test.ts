import { describe, expect, it } from "vitest";
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
});
