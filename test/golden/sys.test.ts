// sys against crash 8.0.6 on every variant (reference/variants/sys-VARIANT.txt, all made by crash on the
// same dump) and sys -t. The KERNEL and DUMPFILE lines are compared too: the session is opened with the
// names crash was given.
import { describe, expect, it } from "vitest";
import { DUMP_VARIANTS, haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "dump.zlib", "dump.flat", "dump.elf", "vmlinux"))("sys (golden)", () => {
  it("sys on dump.lzo equals reference/sys.txt, field by field", () => {
    const r = fixtureSession("lzo")!.run("sys");
    expect(r.errors).toEqual([]);
    const ours = normalize(r.text).split("\n");
    const theirs = normalize(reference("sys.txt")).split("\n");
    expect(ours.length).toBe(theirs.length);
    ours.forEach((line, i) => expect(line).toBe(theirs[i]));
  });
  for (const v of DUMP_VARIANTS) {
    it(`sys on dump.${v} equals reference/variants/sys-${v}.txt`, () => {
      const r = fixtureSession(v)!.run("sys");
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(reference(`variants/sys-${v}.txt`)));
    });
  }
  it("sys -t equals reference/sys-t.txt", () => {
    expect(normalize(fixtureSession("lzo")!.run("sys -t").text)).toBe(normalize(reference("sys-t.txt")));
  });
  it("a bad option is a one-line error", () => {
    expect(fixtureSession("lzo")!.run("sys -q").errors).toEqual(["sys: invalid option: -q"]);
  });
});
