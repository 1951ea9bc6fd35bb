// bt -e, -E, -v, -t, -T, -o, -O, -r, -R, -c, -g, -p and -S against crash 8.0.6 on the fixture
// (test/golden/options-reference/bt-*.txt), value by value; where crash fails, what it printed is kept and
// the right answer is checked from the kernel's data.
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import type { BtResult } from "../../src/core/commands/bt/bt";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { STACK_END_MAGIC } from "../../src/core/kernel/tasks/stack-overflow";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, hasDwarf, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { asCrashPrints, optionCase, optionCases, optionReference } from "./options-reference";

function session() {
  const s = fixtureSession()!;
  s.context.decoder ??= new IcedDecoder();
  return s;
}

/** crash 8.0.6 stops its trace of pid 325 (CPU 1) after sync_regs, as in bt -a (test/golden/bt.test.ts says why). */
const CRASH_325_FAILURE = [
  "bt: cannot transition from exception stack to current process stack:",
  "    exception stack pointer: fffffe0000048ea8",
  "      process stack pointer: fffffe000003df48",
  "         current stack base: ff7701ff00558000",
].join("\n");
/** What kdw prints instead: the user registers the entry trampoline stack holds. */
const KDW_325_INSTEAD = [
  "    RIP: 00000000004017f7  RSP: 00007f2033f8e258  RFLAGS: 00000a03",
  "    RAX: 00000000004bc320  RBX: 00007f2033f8e6c0  RCX: 0000000000412906",
  "    RDX: 9e3779b97f4a7c15  RSI: 00007f2033f8efb0  RDI: 0000000000000008",
  "    RBP: 0000000000000000   R8: 0000000000000000   R9: 00007ffd22276c37",
  "    R10: 0000000000000008  R11: 0000000000000246  R12: ffffffffffffffb0",
  "    R13: 0000000000000000  R14: 00007ffd22276b50  R15: 00007ffd22276c38",
  "    ORIG_RAX: ffffffffffffffff  CS: 0033  SS: 002b",
  "--- <entry trampoline stack> ---",
].join("\n");

/** Cases whose comparison is written out below (each says why). */
const APART = new Set(["bt-c-1", "bt-c-range", "bt-g-324", "bt-E", "bt-E-c-1", "bt-R-active", "bt-r-304"]);
/** bt -O toggles the session's method: these three run in this order, as in crash's session. */
const TOGGLE = ["bt-O-on", "bt-O-304", "bt-O-off"];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("bt options (golden)", () => {
  for (const c of optionCases("bt-").filter((c) => !APART.has(c.name) && !TOGGLE.includes(c.name))) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(session().run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("bt -r 304 equals crash's bt-r-304.txt (without a vmlinux, .LC labels are not symbols: those words stay hex)", () => {
    const want = normalize(optionReference("bt-r-304"));
    const got = normalize(asCrashPrints(session().run("bt -r 304")));
    if (hasDwarf) {
      expect(got).toBe(want);
      return;
    }
    // kallsyms keeps no compiler-local labels (.LC24 is a string literal's label in the vmlinux's symtab): the
    // word is then named after the kallsyms symbol below it. Every other word is crash's.
    const w = want.split(/\s+/);
    const g = got.split(/\s+/);
    expect(g.length).toBe(w.length);
    w.forEach((tok, i) => {
      if (!/^\.LC\d+(\+\d+)?$/.test(tok)) expect(g[i]).toBe(tok);
    });
  });

  it("bt -O, bt 304, bt -O: the old method becomes the default, then the new one again (crash's three outputs)", () => {
    const s = session();
    for (const name of TOGGLE) {
      const c = optionCase(name);
      expect(normalize(asCrashPrints(s.run(c.command)))).toBe(normalize(optionReference(name)));
    }
    expect(s.context.state.btOldMethod).toBe(false);
  });

  it("bt -c 0-3: crash's output but where it fails on pid 325, where it stops; kdw goes on with CPUs 2 and 3 as bt -a shows them", () => {
    // A failure under -c is crash's FATAL: it ends the command, while bt -a catches it and goes on
    // (kernel.c cmd_bt). kdw's blocks for CPUs 2 and 3 are crash's own for those tasks in reference/bt-a.txt.
    const ref = normalize(optionReference("bt-c-range"));
    expect(ref.endsWith(normalize(CRASH_325_FAILURE))).toBe(true);
    const btA = normalize(reference("bt-a.txt")).split(/\n(?=PID: )/);
    const rest = btA.filter((b) => /^PID: (324|327) /.test(b)).join("\n");
    const r = session().run("bt -c 0-3");
    expect(normalize(asCrashPrints(r))).toBe(ref.replace(normalize(CRASH_325_FAILURE), normalize(KDW_325_INSTEAD)) + "\n\n" + rest);
  });

  for (const name of ["bt-c-1", "bt-g-324"]) {
    it(`${optionCase(name).command} equals crash's ${name}.txt but where crash fails on pid 325`, () => {
      const ref = normalize(optionReference(name));
      expect(ref).toContain(normalize(CRASH_325_FAILURE));
      expect(normalize(asCrashPrints(session().run(optionCase(name).command)))).toBe(ref.replace(normalize(CRASH_325_FAILURE), normalize(KDW_325_INSTEAD)));
    });
  }

  it("bt -a -R crash_kexec: the panic task alone; crash also prints its failure on pid 325, whose trace does not refer to it", () => {
    const ref = normalize(optionReference("bt-R-active"));
    const withoutFailure = ref.replace(normalize(CRASH_325_FAILURE), "").replace(/\n+$/, "");
    expect(ref).toContain(normalize(CRASH_325_FAILURE));
    const r = session().run("bt -a -R crash_kexec");
    expect(normalize(asCrashPrints(r))).toBe(withoutFailure);
    expect(dataOf(r.data).tasks.map((t) => t.pid)).toEqual([304]);
  });

  for (const name of ["bt-E", "bt-E-c-1"]) {
    it(`${optionCase(name).command}: crash's output up to CPU's "(unknown)" (MCE) exception stack, where crash fails; kdw goes on`, () => {
      // crash names the IST stacks from the IDT's handlers: the #MC gate of this QEMU guest has no IST, so the
      // fourth stack stays "(unknown)" and crash, not recognising an address on it, stops with a FATAL
      // "unrecognized stack address". The stack is IST slot 3, the MCE stack of arch/x86 (IST_INDEX_MCE);
      // kdw names it so and searches it, and every later stack, as crash would have.
      const ref = normalize(optionReference(name));
      const cut = ref.indexOf(" (unknown) EXCEPTION STACK:");
      const head = ref.slice(0, ref.lastIndexOf("\n", cut) + 1);
      expect(ref.slice(cut)).toMatch(/^ \(unknown\) EXCEPTION STACK:\nbt: unrecognized stack address for this task: fffffe00000[0-9a-f]+$/);
      const r = session().run(optionCase(name).command);
      expect(normalize(r.text).slice(0, head.length)).toBe(head);
      expect(normalize(r.text).slice(head.length)).toMatch(/^CPU \d MCE EXCEPTION STACK:\n\(none found\)/);
      const stacks = dataOf(r.data as BtResult | undefined).stacks!;
      expect(stacks.some((x) => x.name === "NMI" && x.frames.some((f) => f.rip?.name === "sync_regs"))).toBe(true);
    });
  }

  it("bt -S SP: crash 8.0.6 crashes; kdw's trace from SP is the task's own trace from that frame on", () => {
    // crash's back_trace hands x86_64_get_stack_frame a NULL stack pointer to fill when -S gave one, and dies
    // (exit 139, tried on pids 304, 324 and 136: options-reference/README.md). The frames of a trace started
    // at a frame's stack address are that frame and those after it, renumbered.
    const s = session();
    const frames = (text: string) => normalize(text).split("\n").slice(1).map((l) => l.replace(/^ ?#\d+ /, "#N "));
    const full = frames(s.run("bt 136").text);
    const from = frames(s.run("bt -S ff7701ff003c3e10 136").text);
    expect(full.slice(2)).toEqual(from);
    expect(from[0]).toBe("#N [ff7701ff003c3e10] do_nanosleep at ffffffffa040d6ab");
    expect(s.run("bt -S 1000 136").text).toMatch(/bt: non-process stack address for this task: 1000\n {4}\(valid range: ff7701ff003c0000 - ff7701ff003c4000\)/);
  });

  it("bt -v: every task's stack ends in STACK_END_MAGIC (read here as data), so crash's answer is the right one", () => {
    const s = session();
    const prog = s.context.prog;
    for (const t of taskTable(prog).tasks) {
      if (t.address === prog.symbolAddress("init_task")) continue;
      const base = BigInt(s.run(`task -R stack ${t.address.toString(16)}`).text.match(/stack = 0x([0-9a-f]+)/)![1]!.replace(/^/, "0x"));
      expect(prog.readU64(base)).toBe(STACK_END_MAGIC);
    }
    expect(dataOf(s.run("bt -v").data).overflows).toEqual([]);
  });

  it("the views are values: eframes of -e, the raw stack of -r", () => {
    const s = session();
    const e = dataOf(s.run("bt -e 304").data).tasks[0]!.eframes!;
    expect(e.map((f) => [f.at.toString(16), f.kernelMode])).toEqual([
      ["ff7701ff007d3a78", true],
      ["ff7701ff007d3c08", true],
      ["ff7701ff007d3d08", true],
      ["ff7701ff007d3f58", false],
    ]);
    const raw = dataOf(s.run("bt -r 304").data).tasks[0]!.raw!;
    expect([raw.base.toString(16), raw.bytes.length]).toEqual(["ff7701ff007d0000", 16384]);
  });

  it("bad words are one line", () => {
    const s = session();
    expect(s.run("bt -c 9").errors).toEqual(["bt: invalid cpu specification: 9"]);
    expect(s.run("bt -g -c 1").errors).toEqual(["bt: -c option cannot be used with the -g option"]);
    expect(s.run("bt -R a -R b").errors).toEqual(["bt: only one -R option allowed"]);
    expect(s.run("bt -S zz 304").errors).toEqual(["bt: invalid stack address: zz"]);
    expect(s.run("bt -S 0 304").errors).toEqual(["bt: invalid stack address for this task: 0"]);
  });
});
