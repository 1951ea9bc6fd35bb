// panicMessage(): crash's get_panicmsg() search order (task.c panic_msg[]): each string in priority order
// over the whole log, the first line holding it wins, whatever comes earlier in the log.
import { describe, expect, it } from "vitest";
import { logTextLines, PANIC_MESSAGES, panicMessage, type PrintkRecord } from "../../../../src/core/kernel/printk/printk";

const rec = (text: string, extra: Partial<PrintkRecord> = {}): PrintkRecord => ({ seq: 0n, tsNsec: 0n, text, ...extra });

describe("panicMessage", () => {
  it("finds the Oops line of an oops-triggered panic", () => {
    const records = [rec("BUG: kernel NULL pointer dereference, address: 0000000000000074"), rec("#PF: supervisor read access in kernel mode"), rec("Oops: 0000 [#1] PREEMPT SMP NOPTI"), rec("CPU: 2 PID: 304 Comm: getdents")];
    expect(panicMessage(records)).toBe("Oops: 0000 [#1] PREEMPT SMP NOPTI");
  });

  it("prefers a higher-priority string that comes later in the log", () => {
    const records = [rec("Oops: 0002 [#1] SMP"), rec("general protection fault: 0000 [#2] SMP"), rec("Kernel panic - not syncing: Fatal exception")];
    expect(panicMessage(records)).toBe("Kernel panic - not syncing: Fatal exception");
    expect(panicMessage(records.slice(0, 2))).toBe("general protection fault: 0000 [#2] SMP");
  });

  it("puts a SysRq crash above everything", () => {
    const records = [rec("Kernel panic - not syncing: x"), rec("sysrq: SysRq : Trigger a crash")];
    expect(panicMessage(records)).toBe("sysrq: SysRq : Trigger a crash");
    expect(PANIC_MESSAGES[0]).toBe("SysRq : Crash");
  });

  it("takes the first of several lines with the same string", () => {
    expect(panicMessage([rec("Oops: first"), rec("Oops: second")])).toBe("Oops: first");
  });

  it("returns the matching line of a multi-line record, not the record", () => {
    expect(panicMessage([rec("a preamble\nkernel BUG at mm/slub.c:123!\ninvalid opcode")])).toBe("kernel BUG at mm/slub.c:123!");
  });

  it("matches on the line as crash prints it: non-printable bytes are '.'", () => {
    expect(panicMessage([rec("\x1b[31mOops: 0000\x7f")])).toBe(".[31mOops: 0000.");
  });

  it("is case-sensitive and needs the whole string (\"Kernel panic: \" with its space)", () => {
    expect(panicMessage([rec("kernel panic - lower case"), rec("Kernel panic:no space"), rec("oops: 1")])).toBeUndefined();
    expect(panicMessage([])).toBeUndefined();
  });

  it("searches fgets-sized pieces of very long lines, as crash's BUFSIZE buffer does", () => {
    const long = "x".repeat(1497) + "Oops: across the 1499-byte boundary";
    const lines = logTextLines([rec(long)]);
    expect(lines.map((l) => l.length)).toEqual([1499, long.length - 1499]);
    expect(panicMessage([rec(long)])).toBeUndefined();
    expect(panicMessage([rec("y".repeat(2000) + "Oops: late")])).toBe("y".repeat(2000 - 1499) + "Oops: late");
  });

  it("finds a string that begins inside another one's match (the search does not skip past matches)", () => {
    // "BUG: unable to handle kernel " ends where "kernel BUG at" (higher priority) begins.
    const records = [rec("BUG: unable to handle kernel BUG at first"), rec("kernel BUG at second")];
    expect(panicMessage(records)).toBe("BUG: unable to handle kernel BUG at first");
  });

  it("a data-less record is an empty line", () => {
    expect(logTextLines([rec("a"), rec("", { dataless: true }), rec("b")])).toEqual(["a", "", "b"]);
  });
});
