// The lockless ring at scale, on the fixture's kernel with a synthetic ring of its own records repeated
// (test/fixtures/synthetic-log.ts: several laps in, wrapped blocks stored at the start of the ring). What is
// checked is that the walk gives back exactly what was laid out, in order, and the log text for it.
import { describe, expect, it } from "vitest";
import { readPrintkLog } from "../../../../src/core/kernel/printk/printk";
import { logCommand } from "../../../../src/core/commands/system/log";
import { withSyntheticLog } from "../../../fixtures/synthetic-log";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("lockless ring at scale (2^18 bytes of text)", () => {
  it("reads every record laid out, in order, with its text, level and caller", () => {
    const base = fixtureSession()!.context.prog;
    const real = readPrintkLog(base).records;
    const syn = withSyntheticLog(base, 18);
    const log = readPrintkLog(syn.fresh());
    expect(log.stopped).toBeUndefined();
    expect(log.zeroFilledPages).toBe(0);
    expect(log.records).toHaveLength(syn.records);
    expect(syn.records).toBeGreaterThan(real.length * 2);
    log.records.forEach((r, k) => {
      const t = real[k % real.length]!;
      expect(r.seq).toBe(1_000_000n + BigInt(k));
      expect([r.text, r.level, r.facility, r.callerId, r.dataless]).toEqual([t.text, t.level, t.facility, t.callerId, t.dataless]);
    });
    expect(log.records.reduce((n, r) => n + r.text.length, 0)).toBe(syn.textBytes);
  });

  it("prints the synthetic log as crash would: each record's time and text", () => {
    const session = fixtureSession()!;
    const syn = withSyntheticLog(session.context.prog, 18);
    const prog = syn.fresh();
    const out = logCommand.run({ ...session.context, prog, state: { valueHistory: 0 } }, []);
    const lines = out.text.split("\n");
    const first = readPrintkLog(prog).records[0]!;
    expect(lines[0]).toBe(`[    5.000000] ${first.text}`);
    expect(out.errors ?? []).toEqual([]);
  });
});
