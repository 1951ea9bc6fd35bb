// `timer` against crash 8.0.6 on the fixture (reference/timer.txt), value by value: timers sorted by expiry
// within each base, TTE = expires - jiffies, the TTE column as wide as each base's largest value.
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("timer (golden)", () => {
  it("timer equals crash's timer.txt", () => {
    const r = fixtureSession()!.run("timer");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("timer.txt")));
  });

  it("keeps crash's column widths per base (byte for byte before normalisation)", () => {
    expect(fixtureSession()!.run("timer").text.trimEnd()).toBe(reference("timer.txt").trimEnd());
  });

  it("timer -C 2 shows jiffies and CPU 2's bases alone", () => {
    const blocks = normalize(reference("timer.txt")).split("\n\n");
    expect(normalize(fixtureSession()!.run("timer -C 2").text)).toBe([blocks[0], blocks[3]].join("\n\n"));
  });
});
