// net -a, -S, -R, -x and -d against crash 8.0.6 on the fixture (test/golden/options-reference/net-*.txt),
// value by value.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

/** Cases whose comparison is written out below (each says why). */
const APART = new Set(["net-R-alone"]);

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("net options (golden)", () => {
  for (const c of optionCases("net-").filter((c) => !APART.has(c.name))) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(fixtureSession()!.run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("net -R without -s or -S: crash prints its usage (three lines), kdw the same synopsis on one line", () => {
    expect(optionReference("net-R-alone")).toMatch(/^Usage:\n {2}net \[\[-s \| -S\] \[-xd\] \[-R ref\] \[pid \| task\]\] \[-a\] \[ -n \[pid \| task\]\] \[-N addr\]\n/);
    expect(fixtureSession()!.run("net -R 3 132").errors).toEqual(["net: usage: net [[-s | -S] [-xd] [-R ref] [pid | task]] [-a] [ -n [pid | task]] [-N addr]"]);
  });

  it("the ARP cache and the sockets of -S are values", () => {
    const s = fixtureSession()!;
    const arp = dataOf(s.run("net -a").data, "arp");
    expect(arp.neighbours.map((n) => [n.ip, n.deviceName, n.deviceType, n.state, n.hardwareAddress.length])).toEqual([["0.0.0.0", "lo", 772, 0x40, 6]]);
    const full = dataOf(s.run("net -S 132").data, "sockets");
    expect(full.tasks[0]!.sockets.map((k) => k.sock.toString(16))).toEqual(["ff16e6831fe62d00"]);
    expect(full.tasks[0]!.structs![0]!.socket).toMatch(/^struct socket \{\n {2}state = SS_CONNECTED,/);
  });

  it("foreach net -s -R SOCK: only the task that holds that sock", () => {
    const r = fixtureSession()!.run("foreach net -s -R ff16e6831fe62d00");
    expect(r.text.match(/^PID: +\d+/gm)).toEqual(["PID: 132"]);
  });

  it("bad words are one line", () => {
    const s = fixtureSession()!;
    expect(s.run("net -s -S 132").errors).toEqual(["net: only one -s or -S option allowed"]);
    expect(s.run("net -S -x -d 132").errors).toEqual(["net: -d and -x are mutually exclusive"]);
    expect(s.run("net -s -R 1 -R 2").errors).toEqual(["net: only one -R option allowed"]);
    expect(s.run("net -q").errors).toEqual(["net: invalid option: -q"]);
  });
});
