// irq (no option, IRQ numbers, -u -d -b -a, -s -c), timer -C and dev -p -D -V -v -i against crash 8.0.6 on the
// fixture (test/golden/options-reference/irq-*.txt, timer-*.txt, dev-*.txt), value by value.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

const CASES = [...optionCases("irq"), ...optionCases("timer-"), ...optionCases("dev-")];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("irq, timer and dev options (golden)", () => {
  for (const c of CASES) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(fixtureSession()!.run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("irq's results are values: descriptors with their actions, softirq handlers, affinities", () => {
    const s = fixtureSession()!;
    const d = dataOf(s.run("irq 11").data, "descriptors");
    expect(d.rows.map((r) => [r.irq, r.desc?.toString(16), r.actions.map((a) => [a.address.toString(16), a.name])])).toEqual([[11, "ff16e683011a7800", [["ff16e68320fa3300", "virtio0"]]]]);
    const b = dataOf(s.run("irq -b").data, "softirqs");
    expect(b.vectors.map((v) => v.symbol)).toEqual(["tasklet_hi_action", "run_timer_softirq", "net_tx_action", "net_rx_action", "blk_done_softirq", "irq_poll_softirq", "tasklet_action", "run_rebalance_domains", "hrtimer_run_softirq", "rcu_core_si"]);
    const a = dataOf(s.run("irq -a").data, "affinity");
    expect(a.rows.find((r) => r.irq === 26)).toEqual({ irq: 26, names: ["virtio1-req.1"], cpus: [1], ncpus: 4 });
  });

  it("dev -p and dev -i results are values: the PCI tree and the resource trees", () => {
    const s = fixtureSession()!;
    const p = dataOf(s.run("dev -p").data, "pci");
    expect(p.roots.map((b) => [b.name, b.devices.length, b.children.length])).toEqual([["0000:00", 7, 0]]);
    const nic = p.roots[0]!.devices.find((d) => d.name === "0000:00:03.0")!;
    expect([nic.vendor, nic.device, nic.classCode]).toEqual([0x1af4, 0x1000, 0x0200]);
    const io = dataOf(s.run("dev -i").data, "io");
    expect(io.iomem.entries.filter((e) => e.name === "System RAM").length).toBeGreaterThan(0);
    expect(io.ioport.entries[0]).toMatchObject({ start: 0n, end: 0xffffn, name: "PCI IO", depth: 0 });
  });

  it("bad words are one line", () => {
    const s = fixtureSession()!;
    expect(s.run("dev -v").errors).toEqual(["dev: option -v needs a value"]);
    expect(s.run("dev x").errors).toEqual(["dev: usage: dev [-i | -p | -d | -D ] [-V | -v index [file]]"]);
    expect(s.run("dev -q").errors).toEqual(["dev: invalid option: -q"]);
    expect(s.run("timer -C 0-9").errors).toEqual(["timer: invalid cpu specification: 0-9"]);
  });
});
