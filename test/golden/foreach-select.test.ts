// foreach's task selection and its per-command output against crash 8.0.6 on the fixture
// (test/golden/foreach-reference/, made by make-crash-references.sh from its commands.txt): a name written as
// '...' is a regular expression over task names, a selection that matches nothing runs nothing, `sig` runs
// per task, and a bad option is one error before any task runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

const DIR = join(__dirname, "foreach-reference");
const cases = readFileSync(join(DIR, "commands.txt"), "latin1")
  .split("\n")
  .filter(Boolean)
  .map((l) => [l.slice(0, l.indexOf("|")), l.slice(l.indexOf("|") + 1)] as [string, string]);
const ref = (name: string) => readFileSync(join(DIR, `${name}.txt`), "latin1");
/** Cases where crash prints an error (on stdout, in the reference file): compared apart. */
const ERRORS = new Set(["foreach-nosuch", "foreach-bt-Q"]);

function session() {
  const s = fixtureSession()!;
  s.context.decoder ??= new IcedDecoder();
  return s;
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("foreach: selection by name, regex, pid; sig per task", () => {
  for (const [name, command] of cases) {
    if (ERRORS.has(name)) continue;
    it(`${command} is crash's`, () => {
      const r = session().run(command);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(ref(name));
    });
  }

  it("a name no task has is crash's error, and runs nothing", () => {
    const r = session().run("foreach nosuch ps");
    expect(r.text).toBe("");
    expect(r.errors).toEqual([ref("foreach-nosuch").trim()]);
  });

  it("a bad option of the command is one error, before any task runs (crash: foreach's usage)", () => {
    expect(ref("foreach-bt-Q")).toMatch(/^Usage:\n {2}foreach /);
    const r = session().run("foreach bt -Q");
    expect(r.text).toBe("");
    expect(r.errors).toEqual(["foreach: bt: invalid option: -Q"]);
  });

  it("a bad regular expression is an error naming it", () => {
    const r = session().run("foreach 'ab(' ps");
    expect(r.text).toBe("");
    expect(r.errors).toEqual(["foreach: invalid regular expression: 'ab('"]);
  });
});
