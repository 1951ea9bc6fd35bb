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

  it("needs -s, and rejects a bad CPU list", () => {
    expect(fixtureSession()!.run("irq").errors[0]).toMatch(/^irq: /);
    expect(fixtureSession()!.run("irq -s -c 9").errors[0]).toMatch(/^irq: invalid cpu/);
  });
});
