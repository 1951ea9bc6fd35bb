// search, ascii, btop, ptob, pte, mach, *, alias and repeat against crash 8.0.6: every command of
// search-reference/commands.txt (made by make-crash-references.sh search-reference) is run in one session in
// the file's order, as crash ran them (aliases and `set` carry over), and its text and error lines equal
// crash's output. Where kdw answers in one line what crash answers with its usage text, the line is crash's
// own message, or crash's synopsis after "usage:"; the few places where crash is wrong are said below.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";
import { dataOf } from "../data-of";
import { moduleViews } from "../../src/core/kernel/modules/views";
import type { SearchResult } from "../../src/core/commands/memory/search";
import { CancelledError } from "../../src/core/session/problems";

const DIR = join(__dirname, "search-reference");
const COMMANDS = readFileSync(join(DIR, "commands.txt"), "utf8")
  .split("\n")
  .filter((l) => l.includes("|"))
  .map((l) => [l.slice(0, l.indexOf("|")), l.slice(l.indexOf("|") + 1)] as const);

function crashOutput(name: string): string {
  return readFileSync(join(DIR, `${name}.txt`), "latin1");
}

/** crash's help as kdw shows it: without the blank lines around it, the prompt as "crash>", the rc file as .crashrc. */
function helpText(text: string): string {
  return text.replace(/^\n+/, "").replace(/\n+$/, "").replaceAll("crash-8.0.6>", "crash>").replaceAll(".crash-8.0.6rc", ".crashrc");
}

/**
 * What kdw prints where crash prints its usage: crash's message line before the usage, else one line with
 * crash's synopsis (its two lines joined) after "search: usage:".
 */
function oneLineUsage(crash: string): string {
  const at = crash.indexOf("Usage:\n");
  if (at < 0) return crash;
  if (at > 0) return crash.slice(0, at);
  const synopsis = crash.split("\n").slice(1, 3).join(" ").trim().replace(/\s+/g, " ");
  return `search: usage: ${synopsis}\n`;
}

/** Why a few outputs differ from crash's, and what kdw prints there instead. */
const DIFFERENT: Record<string, { why: string; crash: string; kdw: string }> = {
  // crash's stdout has only its usage: getopt wrote the reason to stderr (session-stderr.txt).
  "search-bad-option": { why: "getopt's message went to crash's stderr", crash: crashOutput("search-bad-option"), kdw: crashStderrLine("search: invalid option -- 'z'") },
  // crash 8.0.6 cannot decode a swap entry on this kernel (no swap device: swap_location fails) and prints a
  // broken header; kdw does not decode swap entries and says so.
  "pte-swap": { why: "crash fails", crash: " PTE    pte: cannot determine swap location\n", kdw: "pte: 13f600 is a swap entry: kdw does not decode swap entries\n" },
  // crash's `*` on a union prints no newline after the closing brace (its next prompt follows on the line).
  "pointer-union": { why: "crash omits the last newline", crash: crashOutput("pointer-union"), kdw: crashOutput("pointer-union") + "\n" },
};

function crashStderrLine(prefix: string): string {
  const line = readFileSync(join(DIR, "session-stderr.txt"), "latin1")
    .split("\n")
    .find((l) => l.startsWith(prefix));
  return (line ?? "") + "\n";
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("search and the small commands (golden, crash 8.0.6)", () => {
  for (const [name, command] of COMMANDS) {
    it(`${command} equals crash's search-reference/${name}.txt`, () => {
      const r = fixtureSession()!.run(command);
      const got = r.text + r.errors.map((e) => `${e}\n`).join("");
      const crash = crashOutput(name);
      const differs = DIFFERENT[name];
      if (differs) {
        expect(crash, differs.why).toBe(differs.crash);
        expect(got).toBe(differs.kdw);
      } else if (name.startsWith("help-")) {
        // kdw appends what it does differently to the help of pte and repeat, after crash's text.
        expect(helpText(got).startsWith(helpText(crash))).toBe(true);
        expect(helpText(got).slice(helpText(crash).length)).toMatch(/^(\n\n {2}kdw: [^]*)?$/);
      } else expect(got).toBe(oneLineUsage(crash));
    });
  }

  it("finds every reference to the hidden module's struct module that crash finds: the address searched is the module kdw finds off the module list", () => {
    const s = fixtureSession()!;
    const command = COMMANDS.find(([n]) => n === "search-module")![1];
    const searched = BigInt("0x" + command.split(" ")[1]);
    const hidden = moduleViews(s.context.prog).modules.filter((v) => !v.seenBy.includes("module-list"));
    expect(hidden.map((v) => v.module.address)).toEqual([searched]);
    const data = dataOf(s.run(command).data) as SearchResult;
    const hits = data.items.filter((i) => i.kind === "value");
    expect(hits.map((h) => `${h.address.toString(16)}: ${h.value.toString(16)} \n`).join("")).toBe(crashOutput("search-module"));
    expect(data.matches).toBe(hits.length);
  });

  it("hostile ranges and values are one-line errors or empty answers, never a hang", () => {
    const s = fixtureSession()!;
    // The references end in the context of a kernel thread (`set 2`): back to the panic task's.
    s.context.state.currentTask = undefined;
    expect(s.run("search -p -s fffffffffffff000 -e ffffffffffffffff 0")).toMatchObject({ text: "", errors: [] });
    // A length that runs past the end of the address space wraps, as crash's unsigned long does: below the start.
    expect(s.run("search -l 99999999999999999999 0").errors).toEqual([expect.stringMatching(/^search: ending address [0-9a-f]+ is below starting address [0-9a-f]+$/)]);
    expect(s.run('search -c ""').errors).toEqual([s.run("search").errors[0]]);
    expect(s.run(`search ${Array.from({ length: 101 }, (_, i) => (i + 1).toString(16)).join(" ")}`).errors).toEqual(["search: too many values: 101 (at most 100)"]);
    expect(s.run("search -s ffffffffffffff00 -e ffffffffffffffff 0")).toMatchObject({ errors: [] });
    expect(s.run("search -u -s ffffffffa141aa40 0").errors).toEqual(["search: invalid user virtual address: ffffffffa141aa40"]);
  });

  it("repeat runs a command a bounded number of times, and refuses nesting and absurd counts", () => {
    const s = fixtureSession()!;
    const one = s.run("ascii 41").text;
    const r = s.run("repeat -n 3 ascii 41");
    expect(r.text).toBe(one.repeat(3));
    expect(dataOf(r.data).runs).toHaveLength(3);
    expect(s.run("repeat -2 ascii 41").text).toBe(one.repeat(10));
    expect(s.run("repeat -n 1001 ascii 41").errors).toEqual(["repeat: invalid count: 1001 (1 to 1000)"]);
    expect(s.run("repeat -99999 ascii 41").errors).toEqual(["repeat: invalid delay: 99999 seconds (at most 3600)"]);
    expect(s.run("repeat repeat ascii 41").errors).toEqual(["repeat: repeat cannot be repeated"]);
    expect(s.run("repeat").errors).toEqual(["repeat: usage: repeat [-seconds] [-n count] command"]);
    expect(s.run("repeat -n 2 *list_head ffffffffa141aa40").text).toBe(s.run("struct list_head ffffffffa141aa40").text.repeat(2));
  });

  it("a cancel (the caller's checkpoint) ends repeat between two runs, and search between two pages", () => {
    const s = fixtureSession()!;
    for (const [line, cancelAt] of [["repeat -n 5 ascii 41", 2], ["search 0", 3]] as const) {
      let calls = 0;
      s.context.interrupt = () => {
        if (++calls >= cancelAt) throw new CancelledError();
      };
      try {
        expect(() => s.run(line), line).toThrow(CancelledError);
        expect(calls, line).toBe(cancelAt);
      } finally {
        s.context.interrupt = undefined;
      }
    }
  });
});
