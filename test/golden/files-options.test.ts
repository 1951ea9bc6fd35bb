// files -d, -p, -c and -R against crash 8.0.6 on the fixture (test/golden/options-reference/files-*.txt),
// value by value.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("files options (golden)", () => {
  for (const c of optionCases("files-")) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(fixtureSession()!.run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("the results are values: the miner's log file in the page cache, its dentry's place", () => {
    const s = fixtureSession()!;
    const p = dataOf(s.run("files -p ff16e68301bf8fe0").data, "inodePages");
    expect([p.nrpages, p.pages.length, p.pages[0]!.pfn.toString(16), p.pages[0]!.flagNames]).toEqual([1n, 1, "4d99", ["referenced", "uptodate", "dirty", "lru", "swapbacked"]]);
    const d = dataOf(s.run("files -d ff16e68301455d80").data, "dentry");
    expect([d.place?.inode.toString(16), d.place?.type, d.place?.path.path]).toEqual(["ff16e68301bf8fe0", "REG", "/var/tmp/.xmr.log"]);
    const c = dataOf(s.run("files -c 324").data, "tasks");
    expect(c.tasks[0]!.pageCache?.[3]).toEqual({ mapping: 0xff16e68301bf9158n, nrpages: 1n });
  });

  it("files -R through foreach: only the tasks that have the miner's log open (its six threads share the table)", () => {
    const r = fixtureSession()!.run("foreach files -R .xmr.log");
    expect(r.errors).toEqual([]);
    expect(r.text.match(/^PID: +\d+/gm)).toEqual([324, 325, 326, 327, 328, 329].map((p) => `PID: ${p}`));
  });

  it("bad words are one line", () => {
    const s = fixtureSession()!;
    expect(s.run("files -d xyz").errors).toEqual(["files: invalid hexadecimal argument to -d: xyz"]);
    expect(s.run("files -p").errors).toEqual(["files: option -p needs a value"]);
    expect(s.run("files -R a -R b").errors).toEqual(["files: only one -R option allowed"]);
    expect(s.run("files -z").errors).toEqual(["files: invalid option: -z"]);
  });
});
