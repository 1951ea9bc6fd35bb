// bt against crash 8.0.6's reference outputs (bt, bt -a, bt -f, bt -l), value by value. The frame-size
// fallback (crash's gdb push count, for return addresses whose ORC entry is the null one: __crash_kexec
// after its call to machine_kexec) needs an x86-64 decoder: the CLI's iced-x86 one is given to the session.
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { haveFixtures, reference } from "../fixtures";
import { dwarfOnlyError, fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

function session() {
  const s = fixtureSession()!;
  s.context.decoder ??= new IcedDecoder();
  return s;
}

/** crash 8.0.6's `bt -a` stops on CPU 1 (pid 325) after sync_regs: these are its lines, kdw goes on. */
const CRASH_325_FAILURE = [
  "bt: cannot transition from exception stack to current process stack:",
  "    exception stack pointer: fffffe0000048ea8",
  "      process stack pointer: fffffe000003df48",
  "         current stack base: ff7701ff00558000",
].join("\n");

/**
 * What kdw prints instead: the stack pointer fffffe000003df48 is on CPU 1's entry trampoline stack
 * (cpu_entry_area, fffffe000003d000-fffffe000003e000, whose top is cpu_tss_rw.x86_tss.sp0); the task had
 * come in from user mode and error_entry was calling sync_regs(pt_regs at fffffe000003df58, RDI) to move
 * to the task stack when the NMI hit. The user registers saved there end the trace.
 */
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

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("bt (golden)", () => {
  it("bt (the panic task) equals crash's bt.txt", () => {
    const r = session().run("bt");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("bt.txt")));
  });

  it("bt -f equals crash's bt-f.txt", () => {
    expect(normalize(session().run("bt -f").text)).toBe(normalize(reference("bt-f.txt")));
  });

  it("bt -l equals crash's bt-l.txt (when the session has line tables)", () => {
    const s = session();
    const noLines = dwarfOnlyError("bt", "-l needs DWARF line tables");
    if (noLines) {
      expect(s.run("bt -l").errors).toEqual([noLines]);
      return;
    }
    if (!s.context.lineAt) {
      expect(s.run("bt -l").errors[0]).toMatch(/no line number information/);
      return;
    }
    expect(normalize(s.run("bt -l").text)).toBe(normalize(reference("bt-l.txt")));
  });

  it("bt -a equals crash's bt-a.txt except where crash fails on CPU 1 (pid 325)", () => {
    const r = session().run("bt -a");
    const ref = normalize(reference("bt-a.txt"));
    expect(ref).toContain(normalize(CRASH_325_FAILURE));
    expect(normalize(r.text)).toBe(ref.replace(normalize(CRASH_325_FAILURE), normalize(KDW_325_INSTEAD)));
    const data = dataOf(r.data);
    expect(data.tasks.map((t) => t.pid)).toEqual([304, 325, 324, 327]);
    expect(data.tasks.every((t) => t.backtrace && !t.backtrace.incomplete)).toBe(true);
  });

  it("bt by pid and by task address give the same trace; bad arguments are crash-like errors", () => {
    const s = session();
    expect(s.run("bt 304").text).toBe(s.run("bt ff16e6832ff6c180").text);
    expect(s.run("bt 99999").errors).toEqual(["bt: invalid task or pid value: 99999"]);
    expect(s.run("bt -Q").errors).toEqual(["bt: invalid option: -Q"]);
    // foreach says a bad option once and runs no task (crash's foreach: one usage error), not once per task.
    const each = s.run("foreach bt -Q");
    expect(each.errors).toEqual(["foreach: bt: invalid option: -Q"]);
    expect(each.text).toBe("");
  });

  it("bt -s names frames with offsets (decimal; hex with -x)", () => {
    const s = session();
    expect(s.run("bt -s").text).toContain(" #0 [ff7701ff007d3a18] machine_kexec+");
    expect(s.run("bt -x").text).toMatch(/ #0 \[ff7701ff007d3a18\] machine_kexec\+0x[0-9a-f]+ at ffffffff9fa6c53f/);
  });

  it("bt -t lists every text address from the starting point", () => {
    const t = session().run("bt -t").text;
    expect(t).toContain("START: machine_kexec at ffffffff9fa6c53f");
    expect(t).toContain("  [ff7701ff007d3cc0] __x64_sys_getdents64 at ffffffff9fd64fe1");
  });
});
