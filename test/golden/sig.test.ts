// `sig` against crash 8.0.6 on the fixture (cmds-reference/sig-*.txt), value by value; then queued signals,
// which the fixture has none of, on sigqueues built in an overlay of the real kernel (its 6.1 layouts), and
// hostile queues (a loop, a bad pointer): bounded, the rest of the answer kept.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { overlayProgram } from "../fixtures/overlay-program";
import { fixtureSession, normalize } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import type { CommandContext } from "../../src/core/commands/command";
import { sigCommand } from "../../src/core/commands/signal/sig";
import { taskTable } from "../../src/core/kernel/tasks/tasks";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("sig (golden)", () => {
  for (const name of ["sig", "sig-324", "sig-g-303", "sig-l", "sig-s", "sig-s-zero", "sig-136", "sig-task-193", "sig-two", "sig-kthread"]) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} equals crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(cmdsRef(name)));
    });
  }

  it("keeps crash's columns byte for byte (trailing spaces included)", () => {
    expect(fixtureSession()!.run("sig 324").text).toBe(cmdsRef("sig-324"));
  });

  it("names bad words as crash does and shows the current task when no word was a task", () => {
    const s = fixtureSession()!;
    expect(s.run("sig 99999").errors).toEqual(["sig: invalid task or pid value: 99999"]);
    expect(s.run("sig 99999").text).toBe("");
    const r = s.run("sig nonsense");
    expect(r.errors).toEqual(["sig: invalid task or pid value: nonsense"]);
    expect(r.text).toBe(cmdsRef("sig"));
    expect(s.run("sig pid,comm").errors).toEqual(["sig: -R not supported yet"]);
  });

  it("gives the thread group's leader for any of its threads under -g", () => {
    expect(fixtureSession()!.run("sig -g 306").text).toBe(cmdsRef("sig-g-303"));
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("sig: queued signals (overlay of the fixture's kernel)", () => {
  /** Task 324's private pending list holding the sigqueues given (signal numbers), in order. */
  function queued(signals: number[], tail?: "loop" | "bad") {
    const base = fixtureSession()!.context;
    const { prog, space } = overlayProgram(base.prog);
    const task = taskTable(base.prog).tasks.find((t) => t.pid === 324)!;
    const off = (t: string, m: string): bigint => BigInt(prog.memberOffset(t, m)!);
    const head = task.address + off("struct task_struct", "pending") + off("struct sigpending", "list");
    const size = prog.sizeOf("struct sigqueue");
    const entries = signals.map((sig) => {
      const q = space.alloc(size);
      space.writeU32(q + off("struct sigqueue", "info") + off("struct kernel_siginfo", "si_signo"), sig);
      return q;
    });
    const links = entries.map((q) => q + off("struct sigqueue", "list"));
    space.patch(head, links[0] ?? head);
    links.forEach((l, i) => space.writeU64(l, links[i + 1] ?? (tail === "loop" ? links[0]! : tail === "bad" ? 0xdead000000000100n : head)));
    let set = 0n;
    for (const s of signals) set |= 1n << BigInt(s - 1);
    space.patch(task.address + off("struct task_struct", "pending") + off("struct sigpending", "signal"), set);
    const ctx: CommandContext = { ...base, prog, state: { valueHistory: 0 } };
    const infos = entries.map((q) => q + off("struct sigqueue", "info"));
    return { out: sigCommand.run(ctx, ["324"]), infos, set };
  }

  it("lists each queued signal and its siginfo under PRIVATE_PENDING, and the pending set", () => {
    const { out, infos, set } = queued([10, 34]);
    expect(out.errors).toBeUndefined();
    const lines = out.text.split("\n");
    const at = lines.indexOf("PRIVATE_PENDING");
    expect(lines.slice(at, at + 5)).toEqual([
      "PRIVATE_PENDING",
      `    SIGNAL: ${set.toString(16).padStart(16, "0")}`,
      "  SIGQUEUE:  SIG      SIGINFO     ",
      `              10  ${infos[0]!.toString(16)}`,
      `              34  ${infos[1]!.toString(16)}`,
    ]);
    expect(lines[at + 5]).toBe("SHARED_PENDING");
    const data = out.data;
    expect(data.kind === "tasks" && data.tasks[0]!.thread!.pending.queue.map((q) => q.sig)).toEqual([10, 34]);
  });

  it("stops a looping queue after one round and a wild pointer at once, keeping the entries read", () => {
    const loop = queued([2, 3, 4], "loop");
    expect(loop.out.errors).toEqual([expect.stringMatching(/^sig: sigpending [0-9a-f]+: sigqueue list: loop at [0-9a-f]+ \(after 3 steps\)$|^sig: sigpending .*loop/)]);
    expect(loop.out.data.kind === "tasks" && loop.out.data.tasks[0]!.thread!.pending.queue.map((q) => q.sig)).toEqual([2, 3, 4]);
    const bad = queued([9], "bad");
    expect(bad.out.errors).toEqual([expect.stringContaining("sigqueue dead000000000100")]);
    expect(bad.out.data.kind === "tasks" && bad.out.data.tasks[0]!.thread!.pending.queue.map((q) => q.sig)).toEqual([9]);
    expect(normalize(bad.out.text)).toContain("SHARED_PENDING");
  });
});
