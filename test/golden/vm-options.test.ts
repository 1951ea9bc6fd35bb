// vm -p, -P, -m, -v, -x, -f, -R and -M against crash 8.0.6 on the fixture (test/golden/options-reference/
// vm-*.txt), value by value.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

/** Cases whose comparison is written out below (each says why). */
const APART = new Set(["vm-f", "vm-exclusive"]);

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("vm options (golden)", () => {
  for (const c of optionCases("vm-").filter((c) => !APART.has(c.name))) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(fixtureSession()!.run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("vm -f 8100073: crash names 0x08000000 CAN_NONLINEAR, a 2.6 flag; the kernel's vmaflag_names says softdirty", () => {
    // crash's do_vm_flags is a table frozen in the 2.6 era; 6.1 reuses bit 27 for VM_SOFTDIRTY
    // (include/linux/mm.h) and names it "softdirty" in mm/debug.c vmaflag_names[], which the dump holds.
    const s = fixtureSession()!;
    expect(optionReference("vm-f").trim()).toBe("8100073: (READ|WRITE|MAYREAD|MAYWRITE|MAYEXEC|ACCOUNT|CAN_NONLINEAR)");
    const r = s.run("vm -f 8100073");
    expect(r.text).toBe("8100073: (READ|WRITE|MAYREAD|MAYWRITE|MAYEXEC|ACCOUNT|SOFTDIRTY)\n");
    // The kernel's own table, read here as plain data: struct trace_print_flags {unsigned long mask; const
    // char *name;} entries up to {0, NULL}; the entry of 0x08000000 is "softdirty".
    const prog = s.context.prog;
    const base = prog.symbolAddress("vmaflag_names");
    let name = "";
    for (let i = 0; i < 64; i++) {
      if (prog.readU64(base + BigInt(16 * i)) !== 0x8000000n) continue;
      name = new TextDecoder().decode(prog.readCString(prog.readU64(base + BigInt(16 * i + 8)), 32));
      break;
    }
    expect(name).toBe("softdirty");
    expect(dataOf(s.run("vm -f 8000000").data, "flags").names).toEqual(["SOFTDIRTY"]);
  });

  it("vm -p -m: crash prints its usage (four lines), kdw the same synopsis on one line", () => {
    const want = optionReference("vm-exclusive");
    expect(want).toMatch(/^Usage:\n {2}vm \[-p \| -P vma/);
    expect(fixtureSession()!.run("vm -p -m 140").errors).toEqual(["vm: usage: vm [-p | -P vma | -M mm | -v | -m | -x | -d | [-R reference] [pid | task]] [-f vm_flags]"]);
  });

  it("vm -p's pages are values: mapped, in the file, not mapped", () => {
    const t = dataOf(fixtureSession()!.run("vm -p 140").data, "tasks").tasks[0]!;
    const text = t.vmas.find((v) => v.start === 0x401000n)!.pages!;
    expect(text[0]).toEqual({ vaddr: 0x401000n, kind: "mapped", phys: 0x3eb7000 });
    expect(text.find((p) => p.vaddr === 0x411000n)).toEqual({ vaddr: 0x411000n, kind: "file", path: "/usr/sbin/echod", offset: 0x11000n });
    expect(t.vmas.flatMap((v) => v.pages!).length).toBe(Number(t.vmas.reduce((n, v) => n + (v.end - v.start) / 4096n, 0n)));
  });

  it("bad words are one line", () => {
    const s = fixtureSession()!;
    expect(s.run("vm -x -d -m 140").errors).toEqual(["vm: -d and -x are mutually exclusive"]);
    expect(s.run("vm -P zz 140").errors).toEqual(["vm: invalid hexadecimal argument to -P: zz"]);
    expect(s.run("vm -M 1000 2").errors).toEqual(["vm: invalid mm_struct address: 1000"]);
    expect(s.run("vm -f").errors).toEqual(["vm: option -f needs a value"]);
    expect(s.run("vm -R a -R b").errors).toEqual(["vm: only one -R option allowed"]);
    expect(s.run("vm -q").errors).toEqual(["vm: invalid option: -q"]);
  });
});
