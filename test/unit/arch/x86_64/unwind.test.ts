// The backtracer on a synthetic stack: frames found by scanning, ORC frame sizes skipping stale words,
// exception frames, the user registers at the top, and marked stops on bad input.
import { describe, expect, it } from "vitest";
import { ORC_REG_SP, type OrcEntry } from "../../../../src/core/arch/x86_64/orc";
import { backtrace } from "../../../../src/core/arch/x86_64/unwind";
import { DEFAULT_PT_REGS, PT_REGS_NAMES, type UnwindEnv, type UnwindTask } from "../../../../src/core/arch/x86_64/unwind-types";
import { ExcludedPageError } from "../../../../src/core/io/errors";

const TEXT = 0xffffffff81000000n;
const FUNCS = [
  { name: "alpha", start: TEXT, sp: 24 }, // frame of 16 bytes
  { name: "beta", start: TEXT + 0x100n, sp: 8 },
  { name: "gamma", start: TEXT + 0x200n, sp: 8 },
  { name: "asm_exc_page_fault", start: TEXT + 0x300n, sp: 8 },
  { name: "entry_SYSCALL_64_after_hwframe", start: TEXT + 0x400n, sp: 8 },
];
const BASE = 0xff7701ff00010000n;
const TOP = BASE + 0x4000n;

function image(excludedPage?: bigint) {
  const mem = new DataView(new ArrayBuffer(0x4000));
  const put = (addr: bigint, v: bigint) => mem.setBigUint64(Number(addr - BASE), v, true);
  const env: UnwindEnv = {
    read(addr, len) {
      if (addr < BASE || addr + BigInt(len) > TOP) throw new ExcludedPageError("synthetic", Number(addr & 0xffffffffn));
      if (excludedPage !== undefined && addr <= excludedPage + 0xfffn && addr + BigInt(len) > excludedPage) throw new ExcludedPageError("synthetic", Number(excludedPage & 0xffffffffn));
      return new Uint8Array(mem.buffer, Number(addr - BASE), len);
    },
    symbolAt(a) {
      for (const f of [...FUNCS].reverse()) if (a >= f.start && a < f.start + 0x100n) return { name: f.name, offset: Number(a - f.start) };
      return undefined;
    },
    isKernelText: (a) => a >= TEXT && a < TEXT + 0x500n,
    isModuleAddr: () => false,
    isMappedVmalloc: () => false,
    orcFind(ip): OrcEntry | undefined {
      const f = FUNCS.find((x) => ip >= x.start && ip < x.start + 0x100n);
      return f && { spOffset: f.sp, bpOffset: 0, spReg: ORC_REG_SP, bpReg: 0, type: "call", end: false, signal: false };
    },
    symbolAddress: (n) => FUNCS.find((f) => f.name === n)?.start,
    ptRegs: DEFAULT_PT_REGS,
    cpus: [],
    exceptionFunctions: new Set(["asm_exc_page_fault"]),
    nestedNmi: false,
  };
  return { env, put };
}

const task = (kernelThread: boolean): UnwindTask => ({ address: 0xff16e6832ff6c180n, pid: 42, cpu: 0, kernelThread, stack: { base: BASE, top: TOP } });
const start = (rsp: bigint) => ({ rip: 0n, rsp, bp: 0n, source: "stack search" as const });

describe("x86_64 backtrace (crash's ORC scan)", () => {
  it("finds frames, skips stale text inside a frame by its ORC size, ends with the user registers", () => {
    const { env, put } = image();
    const sp = TOP - 0x200n;
    put(sp, TEXT + 5n); // alpha+5, frame 16 bytes above it
    put(sp + 8n, TEXT + 0x201n); // stale gamma+1 inside alpha's frame: skipped
    put(sp + 24n, TEXT + 0x107n); // beta+7
    put(sp + 32n, TEXT + 0x200n); // gamma+0: offset 0 is not a return address
    put(sp + 40n, TEXT + 0x209n); // gamma+9
    const regs = TOP - 168n;
    put(regs + BigInt(PT_REGS_NAMES.indexOf("ip") * 8), 0x461623n);
    put(regs + BigInt(PT_REGS_NAMES.indexOf("cs") * 8), 0x33n);
    put(regs + BigInt(PT_REGS_NAMES.indexOf("ss") * 8), 0x2bn);
    put(regs + BigInt(PT_REGS_NAMES.indexOf("sp") * 8), 0x7ffe0000n);
    put(regs + BigInt(PT_REGS_NAMES.indexOf("flags") * 8), 0x246n);
    const bt = backtrace(env, task(false), start(sp));
    const frames = bt.lines.filter((l) => l.kind === "frame");
    expect(frames.map((f) => [f.level, f.name, f.sp])).toEqual([
      [0, "alpha", sp],
      [1, "beta", sp + 24n],
      [2, "gamma", sp + 40n],
    ]);
    const last = bt.lines.at(-1)!;
    expect(last.kind === "exception" && !last.kernelMode && last.regs.ip).toBe(0x461623n);
    expect(bt.incomplete).toBe(false);

    expect(backtrace(env, task(true), start(sp)).lines.some((l) => l.kind === "exception")).toBe(false);
  });

  it("prints a kernel exception frame after an entry point that leaves one, and -f words", () => {
    const { env, put } = image();
    const sp = TOP - 0x400n;
    put(sp, TEXT + 0x305n); // asm_exc_page_fault+5: pt_regs at sp + 8
    const r = sp + 8n;
    const set = (n: (typeof PT_REGS_NAMES)[number], v: bigint) => put(r + BigInt(PT_REGS_NAMES.indexOf(n) * 8), v);
    set("ip", TEXT + 0x110n);
    set("cs", 0x10n);
    set("ss", 0x18n);
    set("flags", 0x246n);
    set("sp", r + 168n);
    put(r + 168n, TEXT + 0x20an); // gamma+10 right after the frame
    const bt = backtrace(env, task(true), start(sp), { full: true });
    const ex = bt.lines.find((l) => l.kind === "exception");
    expect(ex && ex.kind === "exception" && ex.rip).toEqual({ name: "beta", offset: 0x10 });
    expect(bt.lines.filter((l) => l.kind === "frame").map((f) => f.name)).toEqual(["asm_exc_page_fault", "gamma"]);
    expect(bt.lines.some((l) => l.kind === "words" && l.addr === sp + 8n)).toBe(true);
  });

  it("stops with a marked line at a stack page the dump left out, keeping the frames before it", () => {
    const { env, put } = image(BASE + 0x3000n);
    const sp = BASE + 0x2ff0n;
    put(sp, TEXT + 0x105n);
    const bt = backtrace(env, task(true), start(sp));
    expect(bt.lines[0]).toMatchObject({ kind: "frame", name: "beta" });
    expect(bt.lines.at(-1)).toMatchObject({ kind: "stop" });
    expect(bt.incomplete).toBe(true);
  });

  it("a stack pointer outside the task's stack stops the trace with a reason", () => {
    const { env } = image();
    const bt = backtrace(env, task(true), start(BASE - 0x100n));
    expect(bt.lines).toEqual([{ kind: "stop", text: expect.stringMatching(/below its stack/) }]);
  });

  it("an unreadable stack gives one marked line, not an exception", () => {
    const { env } = image();
    const bt = backtrace(env, { ...task(true), stack: { base: 0x1000n, top: 0x5000n } }, start(0x1100n));
    expect(bt.incomplete).toBe(true);
    expect(bt.lines.at(-1)?.kind).toBe("stop");
  });
});
