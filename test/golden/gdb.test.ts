// `gdb` against crash 8.0.6 on the fixture (cmds-reference/gdb-*.txt), value by value, run in the order of
// the reference session (gdb's value history $N and its "No such file" / "in FILE" memory depend on it).
// Where gdb refused, crash prints only "gdb request failed"; kdw prints that line and then the reason.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, hasDwarf } from "../session-fixture";
import { cmdsRef } from "./cmds-ref";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ORDER = readFileSync(join(__dirname, "cmds-reference", "commands.txt"), "latin1")
  .split("\n")
  .filter((l) => l.startsWith("gdb-"))
  .map((l) => [l.slice(0, l.indexOf("|")), l.slice(l.indexOf("|") + 1)] as const);

/** Need DWARF: line tables (list, info line), a global's declared type, a function's prototype. */
const NEEDS_DWARF = /^gdb-(list|info-line|whatis(-expr|-func)?$|ptype-(var|func)|p(-comm|-x|-expr|-addr|-elem|-cast|-struct|-d)?$)/;

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("gdb (golden)", () => {
  it("answers each of crash's gdb commands as the reference session did, in its order", () => {
    const s = fixtureSession()!;
    expect(s.context.state.valueHistory).toBe(0);
    for (const [name, cmd] of ORDER) {
      const r = s.run(cmd);
      if (!hasDwarf && NEEDS_DWARF.test(name)) continue;
      const want = cmdsRef(name);
      if (want.startsWith("gdb: gdb request failed") || want.startsWith("Usage:")) {
        // crash's line, then (when kdw knows it) why gdb refused.
        expect(r.text, cmd).toBe("");
        expect(r.errors.join("\n").split("\n").slice(0, want.split("\n").length - 1).join("\n") + "\n", cmd).toBe(want);
        continue;
      }
      expect(r.errors, cmd).toEqual([]);
      expect(r.text, cmd).toBe(want);
    }
  });

  it("gives the reason gdb refused", () => {
    const s = fixtureSession()!;
    expect(s.run("gdb p nosuchsym").errors).toEqual(['gdb: gdb request failed: p nosuchsym\ngdb: No symbol "nosuchsym" in current context.']);
    expect(s.run("gdb frobnicate").errors[0]).toMatch(/\ngdb: kdw's gdb does not know "frobnicate"$/);
  });

  it.skipIf(!hasDwarf)("info line and list agree on a function's line, and list shows the source with --src", () => {
    const s = fixtureSession()!;
    const line = s.run("gdb info line crash_kexec").text;
    const start = s.context.prog.symbolAddress("crash_kexec").toString(16);
    expect(line).toMatch(new RegExp(`^Line (\\d+) of "kernel/kexec_core\\.c" starts at address 0x${start} <crash_kexec> and ends at 0x[0-9a-f]+ <crash_kexec\\+\\d+>\\.\\n$`));
    const n = Number(/^Line (\d+)/.exec(line)![1]);
    const ctx = s.context;
    const saved = ctx.readSource;
    ctx.readSource = (path) => (path === "kernel/kexec_core.c" ? Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`).join("\n") + "\n" : undefined);
    try {
      expect(s.run("gdb list crash_kexec").text.split("\n").slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `${n - 5 + i}\tline ${n - 5 + i}`));
      expect(s.run(`gdb list *0x${start}`).text.split("\n")[0]).toBe(`0x${start} is in crash_kexec (kernel/kexec_core.c:${n}).`);
    } finally {
      ctx.readSource = saved;
    }
  });
});
