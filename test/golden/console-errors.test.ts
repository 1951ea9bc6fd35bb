// crash 8.0.6's `list` (every form and option, and its errors), `struct`/`union` member errors and the other
// errors crash prints where kdw printed nothing, against references made with crash on dump.lzo
// (test/golden/console-reference/, made by make-crash-references.sh from its commands.txt). crash prints
// its error lines on stdout among the output; kdw prints its output and, apart, its error lines: so kdw's
// error lines must be crash's error lines, in crash's order, and the rest of crash's output must be kdw's
// output — value by value, after the one normalisation of session-fixture.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

const DIR = join(__dirname, "console-reference");

const cases = readFileSync(join(DIR, "commands.txt"), "latin1")
  .split("\n")
  .filter(Boolean)
  .map((l) => {
    const bar = l.indexOf("|");
    return { name: l.slice(0, bar), command: l.slice(bar + 1) };
  });

const crash = (name: string) => readFileSync(join(DIR, `${name}.txt`), "latin1");

/** crash's lines for a case; getopt's "invalid option" went to stderr (session-stderr.txt), before them. */
function crashLines(name: string): string[] {
  const lines = normalize(crash(name)).split("\n");
  if (name === "err-list-bad-option") return ["list: invalid option -- 'z'", ...lines];
  return lines;
}

/** Takes `errors` out of `lines` as an ordered subsequence; undefined when they are not all there in order. */
function withoutErrors(lines: readonly string[], errors: readonly string[]): string[] | undefined {
  const rest: string[] = [];
  let e = 0;
  for (const l of lines) {
    if (e < errors.length && l === errors[e]) e++;
    else rest.push(l);
  }
  return e === errors.length ? rest : undefined;
}

/** A line crash printed as an error of the command (its name and a colon). */
const isErrorLine = (command: string, line: string) => line.startsWith(`${command.split(" ")[0]}: `);

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("console commands against crash's references", () => {
  for (const { name, command } of cases.filter((c) => !c.name.startsWith("help-"))) {
    it(`${command} (${name})`, () => {
      const r = fixtureSession()!.run(command);
      const errors = r.errors.flatMap((e) => normalize(e).split("\n"));
      const expected = crashLines(name);
      const rest = withoutErrors(expected, errors);
      expect(rest, `kdw's errors ${JSON.stringify(errors)} are not crash's lines in order`).toBeDefined();
      // Every error line crash printed is one of kdw's error lines, not in its output.
      expect(rest!.filter((l) => isErrorLine(command, l))).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(rest!.join("\n")));
      // What failed in crash fails in kdw (exit status of -c); what did not, does not.
      expect(r.errors.length > 0).toBe(expected.some((l) => isErrorLine(command, l) || l === "symbol not found: " + command.split(" ").at(-1)));
    });
  }
});
