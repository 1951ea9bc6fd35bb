// `irq -s` against crash 8.0.6 on the fixture (reference/irq-s.txt), value by value.
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("irq -s (golden)", () => {
  it("irq -s equals crash's irq-s.txt", () => {
    const r = fixtureSession()!.run("irq -s");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("irq-s.txt")));
  });

  it("irq -s -c 1,3 keeps those CPUs' columns", () => {
    const r = fixtureSession()!.run("irq -s -c 1,3");
    const want = normalize(reference("irq-s.txt"))
      .split("\n")
      .map((line, i) => {
        const f = line.trim().split(" ");
        return i === 0 ? `${f[1]} ${f[3]}` : [f[0], f[2], f[4], ...f.slice(5)].join(" ");
      });
    expect(normalize(r.text).split("\n").map((l) => l.trim())).toEqual(want);
  });

  it("rejects a bad CPU list, a bad IRQ number and a second -c in one line each", () => {
    expect(fixtureSession()!.run("irq -s -c 9").errors).toEqual(["irq: invalid cpu specification: 9"]);
    expect(fixtureSession()!.run("irq x1").errors).toEqual(['irq: x1: "x" is not a digit 0 - 9']);
    expect(fixtureSession()!.run("irq -s -c 1 -c 2").errors).toEqual(["irq: only one -c option allowed"]);
    expect(fixtureSession()!.run("irq -z").errors).toEqual(["irq: invalid option: -z"]);
  });
});
