// Input a user types controls recursion and allocation: 100,000 parentheses, signs, stars or casts, member
// chains, huge numbers, regular expressions too large to compile. Each is one clear error line (its quote
// of the input clipped), never "internal error" or a stack overflow; modest nesting still evaluates.
import { describe, expect, it } from "vitest";
import { MAX_EXPRESSION_DEPTH } from "../../src/core/commands/shared/c-expr";
import { MAX_ERROR_LINE } from "../../src/core/session/session";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

const N = 100_000;

const hostile: [string, RegExp][] = [
  [`p ${"(".repeat(N)}1${")".repeat(N)}`, /^p: expression nested too deeply \(more than 1000 levels\)$/],
  [`eval ${"-".repeat(N)}1`, /^eval: expression nested too deeply/],
  [`eval ${"~".repeat(N)}1`, /^eval: expression nested too deeply/],
  [`eval ${"(1+".repeat(N)}1${")".repeat(N)}`, /^eval: expression nested too deeply/],
  [`p ${"*".repeat(N)}init_task`, /^p: expression nested too deeply/],
  [`p ${"&".repeat(N)}init_task`, /^p: expression nested too deeply/],
  [`p ${"(struct task_struct *)".repeat(5000)}init_task`, /^p: expression nested too deeply/],
  [`p init_task${".se".repeat(N)}`, /^p: struct sched_entity has no member "se"$/],
  [`p init_task${"[0]".repeat(N)}`, /^p: cannot index struct task_struct$/],
  [`p ${"9".repeat(60)}`, /^p: Numeric constant too large\.$/],
  [`struct task_struct${".se".repeat(N)} init_task`, /^struct: invalid data structure reference: task_struct\.se\.se.*\.\.\. \(\d+ more characters\)$/],
  [`list -o ${"9".repeat(30)} init_task`, /^list: number too large: 9+$/],
  [`list -h ${"f".repeat(20)}`, /^list: input string too large: "f{20}" \(20 vs 16\)$/],
  [`log | grep '${"(".repeat(N)}'`, /^grep: invalid pattern: \(+\.\.\.$/],
  [`log | grep -E '${"(".repeat(N)}a${")".repeat(N)}'`, /^grep: invalid pattern: /],
  [`${"x".repeat(N)}`, /^kdw: command not found: x+\.\.\. \(\d+ more characters\)$/],
];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("bounded input", () => {
  for (const [line, error] of hostile) {
    it(`${line.slice(0, 40)}… (${line.length} characters)`, () => {
      const r = fixtureSession()!.run(line);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.length).toBeLessThan(MAX_ERROR_LINE + 100);
      expect(r.errors[0]).toMatch(error);
      expect(r.errors[0]).not.toMatch(/internal error|call stack/);
    });
  }

  it("nesting a person writes still evaluates, up to the bound", () => {
    const s = fixtureSession()!;
    expect(s.run("p (((((1)))))").text).toMatch(/^\$\d+ = 1\n$/);
    expect(s.run(`eval ${"-".repeat(100)}5`).text).toMatch(/decimal: 5\b/);
    const deep = MAX_EXPRESSION_DEPTH / 2 - 1;
    expect(s.run(`eval ${"(".repeat(deep)}2${")".repeat(deep)}`).errors).toEqual([]);
    expect(s.run(`eval ${"1+".repeat(N)}1`).text).toMatch(/decimal: 100001\b/);
    expect(s.run("struct task_struct.se.load init_task").text).toMatch(/^ {2}se\.load = \{\n {4}weight = /);
  });
});
