// The printk safe buffers of 4.11-5.14 (per-CPU nmi_print_seq / safe_print_seq) and crash's `log -s` layout
// (kernel.c __dump_printk_safe_seq_buf) on a synthetic image: the header per buffer and CPU, SOH-led messages
// indented by 2, -m's <level>, a length past the buffer cut to its size, an unreadable CPU copy reported in
// one line; and after a plain log, the same messages prefixed "[name] ".
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { logCommand } from "../../../../src/core/commands/system/log";
import { formatSafeBuffers } from "../../../../src/core/commands/system/log-format";
import { printkSafeBuffers } from "../../../../src/core/kernel/printk/safe";
import { array, BASE, FlatSpace, HandSymbols, HandTypes, program, struct, u8 } from "./image";
import type { IntType, TypedefType } from "../../../../src/core/debuginfo/types";

const s32: IntType = { kind: "int", name: "int", size: 4, signed: true };
const atomicT: TypedefType = { kind: "typedef", name: "atomic_t", target: struct(undefined, 4, [["counter", s32, 0]]) };
const BUF = 64;
const safeSeqBuf = struct("printk_safe_seq_buf", 40 + BUF, [
  ["len", atomicT, 0],
  ["message_lost", atomicT, 4],
  ["work", array(u8, 32), 8],
  ["buffer", array(u8, BUF), 40],
]);

/** Each CPU's per-CPU area (the image's last page is CPU 1's, so a copy near its end runs out of memory). */
const AREA0 = BASE + 0x2000n;
const AREA1 = BASE + 0x7000n;
/** Per-CPU symbols are offsets into each CPU's area: safe_print_seq's copy on CPU 1 crosses the image's end. */
const NMI = 0n;
const SAFE = 0x1000n;

/** Two CPUs; nmi_print_seq holds `cpu0` on CPU 0 and nothing on CPU 1; safe_print_seq is empty on CPU 0. */
function image(cpu0: string, len = cpu0.length, lost = 0) {
  const space = new FlatSpace(0x8000);
  const symbols = new HandSymbols();
  const mask = space.alloc(32); // cpuCount reads the first 256 bits
  space.u64(mask, 3n);
  symbols.set("__cpu_online_mask", space.addr(mask));
  const offsets = space.alloc(16);
  symbols.set("__per_cpu_offset", space.addr(offsets));
  space.u64(offsets, AREA0);
  space.u64(offsets + 8, AREA1);
  symbols.set("nmi_print_seq", NMI);
  symbols.set("safe_print_seq", SAFE);
  const at = Number(AREA0 - BASE);
  space.u32(at, len);
  space.u32(at + 4, lost);
  space.text(at + 40, cpu0);
  const types = new HandTypes().add(safeSeqBuf, atomicT);
  return program(space, types, symbols);
}

const run = (prog: ReturnType<typeof image>, ...args: string[]) => logCommand.run({ prog } as unknown as CommandContext, args);

describe("printk safe buffers (log -s)", () => {
  it("reads each buffer per CPU: length, lost count, the text up to the buffer's size", () => {
    const bufs = printkSafeBuffers(image("\x014NMI backtrace\n", 200, 3));
    expect(bufs.map((b) => b.name)).toEqual(["nmi_print_seq", "safe_print_seq"]);
    const c0 = bufs[0]!.cpus[0]!;
    expect([c0.cpu, c0.address, c0.len, c0.messageLost, c0.bytes.length]).toEqual([0, AREA0 + NMI, 200, 3, BUF]);
    expect(bufs[1]!.cpus[1]!.problem).toMatch(/outside the test image/);
  });

  it("log -s prints crash's layout; -m shows the level", () => {
    const text = "\x014NMI backtrace for cpu 0\n\x016second\x07line\n";
    const prog = image(text);
    const r = run(prog, "-s");
    expect(r.text.split("\n").slice(0, 7)).toEqual([
      "PRINTK_SAFE_SEQ_BUF: nmi_print_seq",
      `CPU: 0  ADDR: ${(AREA0 + NMI).toString(16)} LEN: ${text.length}  MESSAGE_LOST: 0`,
      "  NMI backtrace for cpu 0",
      "  second.line",
      "",
      `CPU: 1  ADDR: ${(AREA1 + NMI).toString(16)} LEN: 0  MESSAGE_LOST: 0`,
      "  (empty)",
    ]);
    expect(r.text).toContain("  (empty)\n\n");
    expect(r.errors).toEqual([expect.stringMatching(/^log: safe_print_seq CPU 1: .*outside the test image/)]);
    expect(run(prog, "-s", "-m").text.split("\n").slice(2, 4)).toEqual(["  <4>NMI backtrace for cpu 0", "  <6>second.line"]);
  });

  it("after a plain log the messages carry their buffer's name; -t drops it", () => {
    const bufs = printkSafeBuffers(image("\x014one\n\x014two\n"));
    expect(formatSafeBuffers(bufs, false, {})).toBe("[nmi_print_seq] one\n[nmi_print_seq] two\n");
    expect(formatSafeBuffers(bufs, false, { noTime: true })).toBe("one\ntwo\n");
  });
});
