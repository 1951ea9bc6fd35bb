// `waitq` against crash 8.0.6 on the fixture (cmds-reference/waitq-*.txt), value by value; then queues built
// in an overlay of the real kernel: an entry that is not a task, a poll waiter, a loop and a wild pointer.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { overlayProgram } from "../fixtures/overlay-program";
import { fixtureSession } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import type { CommandContext } from "../../src/core/commands/command";
import { waitqCommand } from "../../src/core/commands/sched/waitq";
import { taskTable } from "../../src/core/kernel/tasks/tasks";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("waitq (golden)", () => {
  for (const name of ["waitq-log_wait", "waitq-chldexit", "waitq-pipe", "waitq-pipe-member", "waitq-kauditd"]) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} equals crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(cmdsRef(name));
    });
  }

  it("prints crash's usage for a missing argument", () => {
    expect(fixtureSession()!.run("waitq").errors.join("\n") + "\n").toBe(cmdsRef("waitq-noarg"));
  });

  it("calls a head whose list is NULL empty, as crash does, and says it is no wait queue", () => {
    // jiffies is no wait_queue_head: the word after it (its "head.next") is 0. crash's do_list stops at the
    // NULL and counts the queue empty; kdw prints the same line and an error line with the reason.
    const r = fixtureSession()!.run("waitq jiffies");
    expect(r.text).toBe(cmdsRef("waitq-badsym"));
    expect(r.errors).toEqual(["waitq: wait queue: walk stopped after 0 steps: NULL next pointer"]);
  });

  it("prints crash's notes for a struct.member without an address or that is no member", () => {
    const s = fixtureSession()!;
    expect(s.run("waitq signal_struct.wait_chldexit").text).toBe("must supply an address for signal_struct\n");
    expect(s.run("waitq signal_struct.nosuch ff16e68301361200").text).toBe("nosuch is not a member of signal_struct\n");
    expect(s.run("waitq no_such_symbol").errors).toEqual(["waitq: symbol not found: no_such_symbol"]);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("waitq: queues built in an overlay of the fixture's kernel", () => {
  /** log_wait's list rewritten to hold entries with these privates (and wake functions), then `tail`. */
  function queue(entries: { private: bigint; func?: string }[], tail?: "loop" | "bad") {
    const base = fixtureSession()!.context;
    const { prog, space } = overlayProgram(base.prog);
    const off = (t: string, m: string): bigint => BigInt(prog.memberOffset(t, m)!);
    const head = prog.symbolAddress("log_wait") + off("struct wait_queue_head", "head");
    const size = prog.sizeOf("struct wait_queue_entry");
    const nodes = entries.map((e) => {
      const at = space.alloc(size);
      space.writeU64(at + off("struct wait_queue_entry", "private"), e.private);
      if (e.func) space.writeU64(at + off("struct wait_queue_entry", "func"), prog.symbolAddress(e.func));
      return at + off("struct wait_queue_entry", "entry");
    });
    space.patch(head, nodes[0] ?? head);
    nodes.forEach((n, i) => space.writeU64(n, nodes[i + 1] ?? (tail === "loop" ? nodes[0]! : tail === "bad" ? 0x10n : head)));
    const ctx: CommandContext = { ...base, prog, state: { valueHistory: 0 } };
    return { out: waitqCommand.run(ctx, ["log_wait"]), prog, space, nodes };
  }
  const task = (pid: number) => taskTable(fixtureSession()!.context.prog).tasks.find((t) => t.pid === pid)!;

  it("shows each waiting task, names an entry that is not a task, and follows a poll waiter to its task", () => {
    const base = fixtureSession()!.context;
    const { prog, space } = overlayProgram(base.prog);
    // A struct poll_wqueues whose polling_task is pid 128.
    const pwq = space.alloc(prog.sizeOf("struct poll_wqueues"));
    space.writeU64(pwq + BigInt(prog.memberOffset("struct poll_wqueues", "polling_task")!), task(128).address);
    const off = (t: string, m: string): bigint => BigInt(prog.memberOffset(t, m)!);
    const head = prog.symbolAddress("log_wait") + off("struct wait_queue_head", "head");
    const mk = (priv: bigint, func: string): bigint => {
      const at = space.alloc(prog.sizeOf("struct wait_queue_entry"));
      space.writeU64(at + off("struct wait_queue_entry", "private"), priv);
      space.writeU64(at + off("struct wait_queue_entry", "func"), prog.symbolAddress(func));
      return at;
    };
    const a = mk(task(126).address, "autoremove_wake_function");
    const b = mk(0xff16e68300000000n, "default_wake_function");
    const c = mk(pwq, "pollwake");
    const links = [a, b, c].map((e) => e + off("struct wait_queue_entry", "entry"));
    space.patch(head, links[0]!);
    links.forEach((l, i) => space.writeU64(l, links[i + 1] ?? head));
    const out = waitqCommand.run({ ...base, prog, state: { valueHistory: 0 } }, ["log_wait"]);
    expect(out.text.split("\n").filter(Boolean).map((l) => l.slice(0, 14))).toEqual(["PID: 126      ", "PID: 128      "]);
    expect(out.errors).toEqual([`waitq: entry ${b.toString(16)}: private ff16e68300000000 is not a task (func default_wake_function)`]);
    expect(out.data.kind === "queue" && out.data.entries.map((e) => e.via)).toEqual(["private", undefined, "poll"]);
  });

  it("stops a looping queue after one round and a wild pointer at once, keeping the tasks read", () => {
    const loop = queue([{ private: task(126).address }, { private: task(38).address }], "loop");
    expect(loop.out.text.split("\n").filter(Boolean).length).toBe(2);
    expect(loop.out.errors).toEqual([expect.stringMatching(/^waitq: wait queue: walk stopped after 2 steps: loop at /)]);
    const bad = queue([{ private: task(126).address }], "bad");
    expect(bad.out.text.split("\n").filter(Boolean).length).toBe(1);
    expect(bad.out.errors).toEqual([expect.stringMatching(/^waitq: wait queue: walk stopped after 1 steps: entry at 10: /)]);
  });
});
