// rd against crash 8.0.6's reference outputs (reference/commands.resolved.txt gives the command lines).
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

const CASES: [string, string][] = [
  ["rd-64-linux_banner", "rd -64 ffffffffa0b1fa00 16"],
  ["rd-64-init_task", "rd -64 ffffffffa141aa40 8"],
  ["rd-p-64-linux_banner", "rd -p -64 1f71fa00 16"],
  ["rd-p-64-init_task", "rd -p -64 2001aa40 8"],
  ["rd-a-linux_banner", "rd -a linux_banner"],
];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("rd (golden)", () => {
  for (const [file, cmd] of CASES) {
    it(`${cmd} equals crash's ${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(reference(`${file}.txt`)));
    });
  }
  it("a zero page stored through makedumpfile's shared zero page reads as zeros, as crash shows it", () => {
    const r = fixtureSession()!.run("rd -p 100000 2");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe("          100000:  0000000000000000 0000000000000000   ................\n");
  });
  it("an address in an excluded page gives crash's error line after what was readable", () => {
    // In dump.elf, 0x100000 lies in a PT_LOAD tail that makedumpfile -E filtered out (p_filesz 0).
    const r = fixtureSession("elf")!.run("rd -p 100000 2");
    expect(r.text).toBe("");
    expect(r.errors).toEqual(['rd: page excluded: physical address: 100000  type: "64-bit PHYSADDR"']);
  });
  it("rd -u reads the current task's user space: a filtered page is excluded, an unfaulted one unmapped", () => {
    const s = fixtureSession()!;
    expect(s.run("set 324").errors).toEqual([]);
    // Dump level 31 dropped user data: the miner's stack page is mapped but excluded (ps -a fails there too),
    // and its vDSO (vm 324: the 8040075 VMA) was never faulted in by the static binary.
    expect(s.run("rd -u 7ffd22278f66 2").errors).toEqual(['rd: page excluded: user virtual address: 7ffd22278f66  type: "64-bit UVADDR"']);
    expect(s.run("rd -u -8 7ffd223da000 4").errors).toEqual(['rd: invalid user virtual address: 7ffd223da000  type: "8-bit UVADDR"']);
    expect(s.run("rd -u -p 1000").errors).toEqual(["rd: -u and -p are mutually exclusive"]);
    s.run("set -p");
  });
  it("an unknown symbol is a one-line error", () => {
    const r = fixtureSession()!.run("rd no_such_symbol_here");
    expect(r.errors).toEqual(["rd: symbol not found: no_such_symbol_here"]);
  });
});
