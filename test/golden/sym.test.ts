// sym against crash 8.0.6's reference outputs. `sym ADDR` of kernel text ends with the source line, which
// needs the vmlinux's line tables: that part is compared once DWARF line lookup is wired in (lineAt).
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, hasDwarf, normalize } from "../session-fixture";

const CASES: [string, string][] = [
  ["sym-init_task", "sym init_task"],
  ["sym-jiffies", "sym jiffies"],
  ["sym-linux_banner", "sym linux_banner"],
  ["sym-addr-banner", "sym ffffffffa0b1fa00"],
  ["sym-addr-ra1", "sym ffffffff9fb64067"],
];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("sym (golden)", () => {
  for (const [file, cmd] of CASES) {
    it(`${cmd} equals crash's ${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      // `sym ADDR` of kernel text ends with its source line, from DWARF: with no vmlinux, the line is left out.
      const want = hasDwarf ? reference(`${file}.txt`) : reference(`${file}.txt`).replace(/^(\S+ \(\w\) \S+\+\d+) .*: \d+$/m, "$1");
      expect(normalize(r.text)).toBe(normalize(want));
    });
  }
  it("an unknown name lists alternatives; a bad address is an error line", () => {
    const s = fixtureSession()!;
    expect(s.run("sym zzz_no_such_symbol").text).toBe("symbol not found: zzz_no_such_symbol\npossible alternatives:\n  (none found)\n");
    expect(s.run("sym 1234").errors).toEqual(["sym: invalid address: 1234"]);
    expect(s.run("sym -q init_task").text).toContain("ffffffffa141aa40 (D) init_task\n");
  });
});
