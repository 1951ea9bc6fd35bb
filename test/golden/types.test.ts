// whatis, struct, union, p against crash 8.0.6's reference outputs (reference/commands.resolved.txt).
// The `p` references come from one crash session, numbered $1, $2, $3 in the order of that file: the
// session here runs them in the same order, so the value-history numbers are compared too.
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

const CASES: [string, string][] = [
  ["whatis-task_struct", "whatis task_struct"],
  ["struct-o-list_head", "struct -o list_head"],
  ["struct-task_struct-pid-comm", "struct task_struct.pid,comm ffffffffa141aa40"],
  ["p-jiffies", "p jiffies"],
  ["p-init_task.comm", "p init_task.comm"],
  ["p-x-init_task.flags", "p -x init_task.flags"],
];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("type and print commands (golden)", () => {
  it("each equals crash's reference, in session order", () => {
    const s = fixtureSession()!;
    for (const [file, cmd] of CASES) {
      const r = s.run(cmd);
      expect(r.errors, cmd).toEqual([]);
      expect(normalize(r.text), cmd).toBe(normalize(reference(`${file}.txt`)));
    }
  });
  it("struct NAME ADDR prints the whole structure; union and ptype answer", () => {
    const s = fixtureSession()!;
    const r = s.run("struct list_head ffffffffa141aa40");
    expect(r.errors).toEqual([]);
    expect(r.text).toMatch(/^struct list_head \{\n {2}next = 0x[0-9a-f]+,\n {2}prev = 0x[0-9a-f]+\n\}\n$/);
    expect(s.run("whatis no_such_type_here").errors).toEqual(["whatis: invalid data structure reference: no_such_type_here"]);
    expect(s.run("p no_such_symbol_here").errors).toEqual(['p: No symbol "no_such_symbol_here" in current context.']);
  });
  it("p/x prints gdb's /x (char arrays as hex bytes); an unknown format is one line", () => {
    const s = fixtureSession()!;
    const r = s.run("p/x init_task.comm");
    expect(r.errors).toEqual([]);
    expect(r.text).toMatch(/^\$\d+ = \{0x73, 0x77, 0x61, 0x70, 0x70, 0x65, 0x72, 0x2f, 0x30, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0\}\n$/);
    expect(s.run("p/x init_task.flags").text).toMatch(/^\$\d+ = 0x4200002\n$/);
    expect(s.run("p/z jiffies").errors).toEqual(["p: unsupported print format: /z (kdw knows /x and /d)"]);
  });
  it("eval shows hex, decimal, octal and binary", () => {
    const r = fixtureSession()!.run("eval 0x100000 + 4096");
    expect(r.text).toBe("hexadecimal: 101000  (1028KB)\n    decimal: 1052672  \n      octal: 4010000\n     binary: " + (0x101000).toString(2).padStart(64, "0") + "\n");
  });
});
