// ps's options beyond reference/ (-s, -r, -y, -A, -S, -m, -C, regular expressions, their errors) against
// crash 8.0.6 on the fixture (test/golden/options-reference/ps-*.txt), value by value.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

const CASES = optionCases("ps-");

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("ps options (golden)", () => {
  for (const c of CASES) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(fixtureSession()!.run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("the cases cover every option letter of crash's ps and a quoted regular expression", () => {
    const words = CASES.flatMap((c) => c.command.split(" "));
    for (const letter of "sryASmCG") expect(words.some((w) => /^-[a-zA-Z]+$/.test(w) && w.includes(letter)), letter).toBe(true);
    expect(words.some((w) => w.startsWith("'"))).toBe(true);
  });

  it("ps -s keeps the rows' values and adds thread.sp: the idle task of CPU 0 and '--' for a running task", () => {
    const rows = dataOf(fixtureSession()!.run("ps -s 0 324").data).rows;
    expect(rows.map((r) => [r.pid, r.cpu, r.kstackp?.toString(16)])).toEqual([
      [0, 0, "ffffffffa1403e08"],
      [0, 1, "ff7701ff0009be50"],
      [0, 2, "ff7701ff000a3e50"],
      [0, 3, "ff7701ff000abe50"],
      [324, 2, "0"],
    ]);
  });

  it("ps -r gives the limits as values (null: RLIM_INFINITY)", () => {
    const e = dataOf(fixtureSession()!.run("ps -r 324").data).entries[0];
    if (e?.kind !== "rlimits") throw new Error("no rlimits entry");
    expect(e.limits.find((l) => l.name === "NOFILE")).toEqual({ name: "NOFILE", cur: 1024n, max: 4096n });
    expect(e.limits.find((l) => l.name === "CPU")).toEqual({ name: "CPU", cur: null, max: null });
  });

  it("bad words are one line each", () => {
    const s = fixtureSession()!;
    expect(s.run("ps -y").errors).toEqual(["ps: option -y needs a value"]);
    expect(s.run("ps -y 7").errors).toEqual(["ps: 7: invalid scheduling policy"]);
    expect(s.run("ps -l -C 4").errors).toEqual(["ps: invalid cpu specification: 4"]);
    expect(s.run("ps -l -C x-").errors).toEqual(["ps: invalid cpu specification: x-"]);
    expect(s.run("ps -Z").errors).toEqual(["ps: invalid option: -Z"]);
    expect(s.run("ps '[a-'").errors).toEqual(["ps: invalid regular expression: [a-"]);
  });
});
