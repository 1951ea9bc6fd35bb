// bt -F / -FF and rd -S / -SS against crash 8.0.6 on the fixture (test/golden/symbolic-reference/, made by
// make-crash-references.sh from its commands.txt), byte for byte: each stack word or memory entry shown as
// symbol+offset where it falls in the kernel's symbol range, else as the slab cache of the object it points
// into ("[cache]", or "[address:cache]" when the letter is doubled), else in hexadecimal.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

const DIR = join(__dirname, "symbolic-reference");
const cases = readFileSync(join(DIR, "commands.txt"), "latin1")
  .split("\n")
  .filter(Boolean)
  .map((l) => l.split("|") as [string, string]);
const ref = (name: string) => readFileSync(join(DIR, `${name}.txt`), "latin1");

/** crash 8.0.6 stops its trace of pid 325 (CPU 1) at the entry trampoline stack (test/golden/bt.test.ts says why). */
const CRASH_325_FAILURE = /bt: cannot transition from exception stack to current process stack:\n(?: {4,}.*\n)+/;

function session() {
  const s = fixtureSession()!;
  s.context.decoder ??= new IcedDecoder();
  return s;
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("symbolic stack and memory words (bt -F, rd -S)", () => {
  for (const [name, command] of cases) {
    if (name === "bt-a-F") continue;
    it(`${command} is crash's`, () => {
      const r = session().run(command);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(ref(name));
    });
  }

  it("bt -a -F is crash's for every CPU; for the CPU where crash gives up, kdw goes on", () => {
    const kdw = session().run("bt -a -F").text.split(/\n(?=PID: )/);
    const crash = ref("bt-a-F").split(/\n(?=PID: )/);
    expect(kdw.length).toBe(crash.length);
    for (let i = 0; i < crash.length; i++) {
      const c = crash[i]!;
      if (!CRASH_325_FAILURE.test(c)) {
        expect(kdw[i]).toBe(c);
        continue;
      }
      // Up to crash's failure the words are the same; kdw then shows the user registers of the trampoline.
      const before = c.slice(0, c.search(CRASH_325_FAILURE));
      expect(kdw[i]!.startsWith(before)).toBe(true);
      expect(kdw[i]!.slice(before.length)).toMatch(/^ {4}RIP: [0-9a-f]{16} {2}RSP: /);
    }
  });

  it("-FF differs from -F only in its slab words, which add the word's value", () => {
    const f = session().run("bt -F").text.split("\n");
    const ff = session().run("bt -FF").text.split("\n");
    expect(ff.length).toBe(f.length);
    const word = /^ {4}[0-9a-f]{16}: /;
    let slabLines = 0;
    for (let i = 0; i < f.length; i++) {
      if (!word.test(f[i]!) || !f[i]!.includes("[")) {
        expect(ff[i]).toBe(f[i]);
        continue;
      }
      slabLines++;
      expect(f[i]).toMatch(/\[[\w-]+\]/);
      expect(ff[i]).toMatch(/\[[0-9a-f]{16}:[\w-]+\]/);
    }
    expect(slabLines).toBeGreaterThan(0);
  });

  it("rd -s/-S need a 64-bit display when they are read, as crash's option loop does", () => {
    const s = session();
    expect(s.run("rd -32 -S init_task 4").errors).toEqual(["rd: -S option is only allowed with 64-bit display"]);
    expect(s.run("rd -16 -s init_task 4").errors).toEqual(["rd: -s option is only allowed with 64-bit display"]);
  });
});
