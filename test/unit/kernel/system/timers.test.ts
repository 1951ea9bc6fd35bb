// The timer wheel on the fixture (every base's timers, sorted, TTE signed), then on patched memory: a timer
// hlist that loops back on itself or runs into a bad pointer keeps the timers read and adds an error line,
// an unreadable vectors[] array gives "(none)" and an error line, a timer past jiffies has a negative TTE.
import { describe, expect, it } from "vitest";
import { timerCommand } from "../../../../src/core/commands/system/timer";
import { hrtimerClockBases, nrTimerBases, timerBaseAddress, timerBases, timerJiffies } from "../../../../src/core/kernel/system/timers";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


const TIMER_LIST_EXPIRES = 16n; // struct timer_list.expires (entry is the hlist_node at 0)

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("timer wheel (fixture)", () => {
  const session = () => fixtureSession()!;
  const prog = () => session().kernel.program;
  const patched = (patches: Map<bigint, bigint | null>): Program => {
    const p = prog();
    return patchedProgram(p, patches);
  };
  const ctxWith = (p: Program) => ({ ...session().context, prog: p });
  /** CPU 1's BASE_STD: five timers, each alone in its bucket. */
  const cpu1Std = () => timerBases(prog(), [1])[0]!;

  it("walks two bases per CPU, sorted by expiry, with TTE = expires - jiffies", () => {
    const p = prog();
    expect(nrTimerBases(p)).toBe(2);
    const jiffies = timerJiffies(p);
    expect(jiffies).toBe(4294896151n);
    const bases = timerBases(p, [0, 1, 2, 3]);
    expect(bases.map((b) => b.timers.length)).toEqual([1, 1, 5, 3, 1, 5, 2, 2]);
    expect(bases[1]!.address - bases[0]!.address).toBe(BigInt(prog().sizeOf("struct timer_base")));
    expect(bases[0]!.address).toBe(timerBaseAddress(p, 0, 0));
    for (const b of bases) {
      expect(b.problems).toEqual([]);
      for (let i = 1; i < b.timers.length; i++) expect(b.timers[i]!.expires >= b.timers[i - 1]!.expires).toBe(true);
      for (const t of b.timers) expect(t.tte).toBe(t.expires - jiffies);
    }
    expect(cpu1Std().timers.map((t) => t.tte)).toEqual([47n, 26330n, 27346n, 71695n, 10796436n]);
  });

  it("a timer whose entry.next points at itself: the timer is kept once, the loop is an error line", () => {
    const t = cpu1Std().timers[2]!;
    const p = patched(new Map([[t.address, t.address]]));
    const out = timerCommand.run(ctxWith(p), ["-C", "1"]);
    expect(out.text).toContain(t.address.toString(16));
    expect(out.text.split(t.address.toString(16))).toHaveLength(2);
    expect(out.errors).toEqual([expect.stringMatching(/^timer: timer_bases\[1\]\[0\]\.vectors\[\d+\]: walk stopped after 1 steps: loop at/)]);
  });

  it("a bad next pointer keeps the timers before it; the other buckets are still read", () => {
    const b = cpu1Std();
    const t = b.timers[0]!;
    const p = patched(new Map([[t.address, 0xffff888066660000n]]));
    const again = timerBases(p, [1])[0]!;
    expect(again.timers.map((x) => x.address)).toEqual(b.timers.map((x) => x.address));
    expect(again.problems).toHaveLength(1);
    expect(again.problems[0]!.message).toMatch(/node ffff888066660000/);
  });

  it("an unreadable timer_list is skipped (as crash does) with an error line", () => {
    const b = cpu1Std();
    const t = b.timers[1]!;
    const p = patched(new Map([[t.address + TIMER_LIST_EXPIRES, null]]));
    const again = timerBases(p, [1])[0]!;
    expect(again.timers).toHaveLength(4);
    expect(again.problems[0]!.message).toMatch(new RegExp(`timer_list ${t.address.toString(16)}`));
  });

  it("an unreadable vectors[] array prints (none) and an error line", () => {
    const base = timerBaseAddress(prog(), 2, 0);
    const vectors = BigInt(prog().memberOffset("struct timer_base", "vectors")!);
    const p = patched(new Map([[base + vectors + 8n, null]])); // timer_base.vectors[1]
    const out = timerCommand.run(ctxWith(p), ["-C", "2"]);
    expect(out.text).toMatch(/TIMER_BASES\[2\]\[BASE_STD\]: [0-9a-f]+\n.*\n {2}\(none\)/);
    expect(out.errors?.[0]).toMatch(/^timer: timer_bases\[2\]\[0\]\.vectors/);
  });

  it("an overdue timer has a negative TTE and widens the column by its sign", () => {
    const t = cpu1Std().timers[4]!;
    const p = patched(new Map([[t.address + TIMER_LIST_EXPIRES, 4294896151n - 20000000n]]));
    const b = timerBases(p, [1])[0]!;
    expect(b.timers[0]!.tte).toBe(-20000000n);
    const out = timerCommand.run(ctxWith(p), ["-C", "1"]).text;
    expect(out).toContain("  4274896151  -20000000  ");
  });

  it("hrtimers: a loop in a clock base's timerqueue is an error line, the other bases are still shown", () => {
    const base = hrtimerClockBases(prog(), 0)[0]!;
    expect(base.timers).toHaveLength(10);
    const root = prog().readU64(base.address + BigInt(prog().memberOffset("struct hrtimer_clock_base", "active")!));
    const p = patched(new Map([[root + 16n, root]])); // rb_node.rb_left -> itself
    const out = timerCommand.run(ctxWith(p), ["-r", "-C", "0"]);
    expect(out.errors).toEqual([expect.stringMatching(/^timer: hrtimer_bases\[0\]\.clock_base\[0\]: walk stopped .*loop at/)]);
    expect(out.text).toContain("CLOCK: 7");
  });

  it("hrtimers: an unreadable hrtimer prints (destroyed timer), the others keep their rows", () => {
    const t = hrtimerClockBases(prog(), 2)[0]!.timers[1]!;
    const p = patched(new Map([[t.address + BigInt(prog().memberOffset("struct hrtimer", "node.expires")!), null]]));
    const lines = timerCommand.run(ctxWith(p), ["-r", "-C", "2"]).text.split("\n");
    expect(lines.filter((l) => l.includes("<"))).toHaveLength(2);
    expect(lines).toContain("  (destroyed timer)");
  });

  it("rejects an unknown option and a bad CPU list", () => {
    expect(session().run("timer -x").errors[0]).toMatch(/^timer: /);
    expect(session().run("timer -C 7").errors[0]).toMatch(/^timer: invalid cpu/);
  });
});
