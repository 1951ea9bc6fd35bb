import { describe, expect, it } from "vitest";
import { buildReportData, MAX_RESOURCE_TASKS, type ReportMeta } from "../../../src/core/report/build";
import { logExcerpt, panicLine } from "../../../src/core/report/log-excerpt";
import type { BacktraceReply, Call, Finding, Instruction, LogRecord, MethodName, OpenReply, Params, Problem, Result } from "../../../src/core/session/contract";
import { syntheticTasks, task } from "../../fixtures/report-data";

type Handlers = { [M in MethodName]?: (p: Params<M>) => Result<M> };

/** A contract over canned replies; a method without a handler answers as the service does without detectors. */
function fakeCall(handlers: Handlers, calls: { method: string; params: unknown }[] = []): Call {
  return (async (method: MethodName, params: unknown) => {
    calls.push({ method, params });
    const handler = handlers[method] as ((p: unknown) => unknown) | undefined;
    if (!handler) throw Object.assign(new Error(`${method}: unsupported`), { problem: { code: "unsupported", message: `${method}: the detectors are not built yet` } satisfies Problem });
    return handler(params);
  }) as Call;
}

const opened: OpenReply = { version: 1, dump: { path: "/e/dump", name: "dump", size: 100 }, vmlinux: { path: "/e/vmlinux", name: "vmlinux", size: 200 }, debuginfo: "vmlinux", warnings: [] };
const rows = syntheticTasks();
const panicTask = rows.find((r) => r.panic)!;

const log: LogRecord[] = [
  { seq: "0", timeNs: "1", text: "Linux version 6.1" },
  { seq: "1", timeNs: "2", text: "BUG: an older one", caller: "T9" },
  { seq: "2", timeNs: "3", text: "BUG: kernel NULL pointer dereference, address: 0000000000000074", caller: "T301" },
  { seq: "3", timeNs: "4", text: "#PF: supervisor read access in kernel mode", caller: "T301" },
  { seq: "4", timeNs: "5", text: "Oops: 0000 [#1] PREEMPT SMP NOPTI", caller: "T301" },
  { seq: "5", timeNs: "6", text: "RIP: 0010:evil_fn+0x5e/0x1000 [evilmod]", caller: "T301" },
  { seq: "6", timeNs: "7", text: "---[ end trace 0000000000000000 ]---", caller: "T301" },
  ...Array.from({ length: 20 }, (_, i) => ({ seq: String(7 + i), timeNs: String(8 + i), text: `after ${i}` })),
];

const bt: BacktraceReply = {
  task: panicTask,
  frames: [
    { level: 0, pc: "0xffffffff81000010", sp: "0xffffc90000003a18", symbol: "machine_kexec", offset: 16 },
    { level: 1, pc: "0xffffffffc0000040", sp: "0xffffc90000003cb8", symbol: "evil_fn", offset: 64, module: "evilmod", exception: { rip: "0xffffffffc0000040", registers: { ip: "0xffffffffc0000040" } } },
  ],
  text: "bt",
  incomplete: false,
  problems: [],
};

/** One byte per instruction from `start`: instruction i is at start + i. */
function instructions(start: bigint, count: number): Instruction[] {
  return Array.from({ length: count }, (_, i) => ({ address: `0x${(start + BigInt(i)).toString(16)}`, location: `<evil_fn+${i}>`, bytes: "90", mnemonic: "nop", operands: "" }));
}

function handlers(extra: Handlers = {}): Handlers {
  return {
    info: () => ({ file: "dump", fileSize: 100, format: "ELF64 core", kind: "elf", compressions: [], dumpLevel: 31, pageSize: 4096, cpus: 4, memoryRanges: [], memoryBytes: 0, pagesPresent: 10, pagesExcluded: 5, pagesByCompression: {}, vmcoreinfo: { OSRELEASE: "6.1.0-test", "BUILD-ID": "abcd" }, crashTime: "2026-11-26T03:41:41.000Z", details: {} }),
    sys: () => ({ kernel: "vmlinux", dumpfile: "dump", cpus: 4, uptime: "00:00:15", loadAverage: "0", tasks: rows.length, nodename: "web-01", release: "6.1.0-test", version: "#1", machine: "x86_64", panic: "Oops: 0000 [#1] PREEMPT SMP NOPTI", panicTask, problems: [] }),
    tasks: (p) => ({ items: rows.slice(p.offset ?? 0, (p.offset ?? 0) + (p.limit ?? 1000)), problems: [], offset: p.offset ?? 0, total: rows.length }),
    modules: () => ({ items: [{ address: "0xffffffffc0002000", name: "evilmod", base: "0xffffffffc0000000", size: 8192, seenBy: ["mod_tree", "kset"], hidden: true, taints: "OE", outOfTree: true, state: "MODULE_STATE_LIVE" }], problems: [] }),
    backtrace: () => bt,
    symbolAt: (p) => ({ address: p.address, symbol: { name: "evil_fn", address: "0xffffffffc0000000", module: "evilmod", hiddenModule: true }, offset: Number(BigInt(p.address) - 0xffffffffc0000000n) }),
    disassemble: (p) => ({ instructions: instructions(BigInt(p.target), p.count ?? 16), text: "", problems: [] }),
    log: () => ({ items: log, problems: [], offset: 0, total: log.length, layout: "printk_ringbuffer", panicIndex: 4 }),
    files: (p) => ({ task: rows.find((r) => "pid" in p && r.pid === p.pid) ?? panicTask, items: [], problems: [], root: "/", cwd: "/" }),
    net: (p) => ({ task: rows.find((r) => "pid" in p && r.pid === p.pid) ?? panicTask, items: [], problems: [] }),
    ...extra,
  };
}

const clock = () => {
  let t = Date.UTC(2026, 11, 1, 10, 0, 0);
  return () => new Date((t += 1500));
};

function meta(extra: Partial<ReportMeta> = {}): ReportMeta {
  return { opened, tool: { version: "0.1.0", commit: "abc" }, hashes: { dump: "d".repeat(64), vmlinux: "e".repeat(64) }, now: clock(), ...extra };
}

describe("buildReportData", () => {
  it("without detectors: says so, flags nothing, and still reads the panic, the fault and its code", async () => {
    const calls: { method: string; params: unknown }[] = [];
    const d = await buildReportData(fakeCall(handlers(), calls), meta({ analyst: "J. Doe", caseId: "IR-1", notes: "n" }));
    expect(d.format).toBe("kdw-report");
    expect(d.custody.detectors).toEqual({ available: false, reason: "findings: the detectors are not built yet" });
    expect(d.findings).toEqual({ available: false, reason: "findings: the detectors are not built yet", items: [] });
    expect(d.hooks.available).toBe(false);
    expect(d.custody.warnings).toEqual([]);
    expect(d.triage.counts).toEqual({ info: 0, low: 0, medium: 0, high: 0, critical: 0 });
    expect(d.panic.message).toBe("BUG: kernel NULL pointer dereference, address: 0000000000000074");
    expect(d.panic.faultingFrame).toBe(1);
    expect(d.panic.fault).toEqual({ address: "0xffffffffc0000040", symbol: "evil_fn", offset: 64, module: "evilmod", moduleHidden: true, moduleOutOfTree: true, moduleTaints: "OE" });
    // Decoded from the function's start, 12 instructions before the fault and 8 after.
    const dis = d.panic.disassembly!;
    expect(dis.instructions).toHaveLength(21);
    expect(dis.instructions[dis.faultIndex]!.address).toBe("0xffffffffc0000040");
    expect(calls.find((c) => c.method === "disassemble")!.params).toEqual({ target: "0xffffffffc0000000", count: 73, lines: false });
    expect(d.resources.map((r) => [r.pid, r.reason])).toEqual([[301, "panic task"]]);
    expect(d.custody).toMatchObject({ format: "ELF64 core", dumpLevel: 31, release: "6.1.0-test", buildId: "abcd", analyst: "J. Doe", caseId: "IR-1", startedAt: "2026-12-01T10:00:01.500Z", finishedAt: "2026-12-01T10:00:03.000Z" });
    expect(d.custody.dump.sha256).toBe("d".repeat(64));
    expect(d.custody.vmlinux!.sha256).toBe("e".repeat(64));
    expect(d.analyst).toEqual({ name: "J. Doe", caseId: "IR-1", notes: "n", tags: [] });
    expect(d.log.excerpt).toEqual({ from: 0, to: 12 });
    expect(d.overview.cpus.find((c) => c.cpu === 0)).toMatchObject({ panic: true, active: { pid: 301, comm: "agent" } });
    expect(d.overview.states).toEqual({ RU: 8, IN: 7, ID: 3 });
  });

  it("with detectors: findings, triage, and the files of each flagged process once per thread group", async () => {
    const finding = (pid: number, severity: Finding["severity"], id: string): Finding => ({ id, rule: id, ruleVersion: 1, severity, confidence: 1, mitre: ["T1496"], subject: { kind: "task", pid, comm: "x", task: "0x1" }, summary: id, evidence: [], seenBy: ["task-list"] });
    const items = [finding(201, "medium", "a"), finding(202, "high", "b"), finding(101, "low", "c")];
    const calls: { method: string; params: unknown }[] = [];
    const d = await buildReportData(
      fakeCall(handlers({ findings: () => ({ items, problems: [], rulesVersion: "r7", triage: { text: "t", counts: { info: 0, low: 1, medium: 1, high: 1, critical: 0 } } }), hooks: () => ({ items: [], problems: [] }) }), calls),
      meta(),
    );
    expect(d.custody.detectors).toEqual({ available: true, rulesVersion: "r7" });
    expect(d.triage.summary?.text).toBe("t");
    expect(d.processes.flagged).toEqual([
      { pid: 202, severity: "high", findings: ["b"], rules: ["b"] },
      { pid: 201, severity: "medium", findings: ["a"], rules: ["a"] },
      { pid: 101, severity: "low", findings: ["c"], rules: ["c"] },
    ]);
    // 201 and 202 are threads of 200: listed once, as the first flagged one.
    expect(d.resources.map((r) => r.pid)).toEqual([301, 202, 101]);
    expect(calls.filter((c) => c.method === "files").map((c) => c.params)).toEqual([{ pid: 301 }, { pid: 202 }, { pid: 101 }]);
    expect(d.resources[1]!.reason).toBe("flagged: b; flagged: a");
  });

  it("bounds the processes whose files are read", async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: `f${i}`, rule: "r", ruleVersion: 1, severity: "low" as const, confidence: 1, mitre: [], subject: { kind: "task" as const, pid: 1000 + i, comm: "x", task: "0x1" as const }, summary: "", evidence: [], seenBy: [] }));
    const d = await buildReportData(fakeCall(handlers({ findings: () => ({ items: many, problems: [], rulesVersion: "r", triage: { text: "", counts: { info: 0, low: 100, medium: 0, high: 0, critical: 0 } } }) })), meta());
    expect(d.resources).toHaveLength(MAX_RESOURCE_TASKS);
  });

  it("turns every failed query into a warning of its section and goes on", async () => {
    const d = await buildReportData(
      fakeCall(
        handlers({
          modules: () => {
            throw Object.assign(new Error("x"), { problem: { code: "walk-aborted", message: "module list: loop at 0xffff", address: "0xffff" } });
          },
          log: () => {
            throw new TypeError("boom");
          },
          tasks: (p) => ({ items: rows.slice(p.offset ?? 0), problems: [{ code: "excluded", message: "page excluded", address: "0x1000" }], offset: 0, total: rows.length }),
        }),
      ),
      meta({ hashes: Promise.reject(new Error("EIO reading vmlinux")) }),
    );
    expect(d.custody.warnings).toEqual([
      { section: "processes", code: "excluded", message: "page excluded", address: "0x1000" },
      { section: "modules", code: "walk-aborted", message: "module list: loop at 0xffff", address: "0xffff" },
      { section: "log", code: "internal", message: "boom" },
      { section: "custody", code: "io", message: "EIO reading vmlinux" },
      { section: "custody", code: "io", message: "the dump's SHA-256 was not computed" },
      { section: "custody", code: "io", message: "the vmlinux's SHA-256 was not computed" },
    ]);
    expect(d.modules.items).toEqual([]);
    expect(d.log).toEqual({ total: 0, records: [], truncated: false });
    // The message falls back to sys's PANIC when there is no log.
    expect(d.panic.message).toBe("Oops: 0000 [#1] PREEMPT SMP NOPTI");
    expect(d.custody.dump.sha256).toBeUndefined();
  });

  it("pages through many tasks", async () => {
    const big = Array.from({ length: 25_000 }, (_, i) => task(i + 1, "t"));
    const calls: { method: string; params: unknown }[] = [];
    const d = await buildReportData(fakeCall(handlers({ tasks: (p) => ({ items: big.slice(p.offset ?? 0, (p.offset ?? 0) + (p.limit ?? 1000)), problems: [], offset: p.offset ?? 0, total: big.length }) }), calls), meta());
    expect(d.processes.tasks).toHaveLength(25_000);
    expect(d.processes.truncated).toBe(false);
    expect(calls.filter((c) => c.method === "tasks").map((c) => c.params)).toEqual([
      { offset: 0, limit: 10_000 },
      { offset: 10_000, limit: 10_000 },
      { offset: 20_000, limit: 10_000 },
    ]);
  });

  it("decodes from the fault itself when the function's decode does not land on it", async () => {
    const calls: { method: string; params: unknown }[] = [];
    const d = await buildReportData(
      fakeCall(handlers({ disassemble: (p) => ({ instructions: p.target === "0xffffffffc0000000" ? instructions(0xffffffffc0000001n, 80).filter((_, i) => i % 2 === 0) : instructions(BigInt(p.target), p.count ?? 16), text: "", problems: [] }) }), calls),
      meta(),
    );
    expect(calls.filter((c) => c.method === "disassemble").map((c) => (c.params as { target: string }).target)).toEqual(["0xffffffffc0000000", "0xffffffffc0000040"]);
    expect(d.panic.disassembly!.faultIndex).toBe(0);
    expect(d.panic.disassembly!.instructions).toHaveLength(9);
  });

  it("has no fault section when the backtrace holds no exception frame (a dump taken on demand)", async () => {
    const d = await buildReportData(fakeCall(handlers({ backtrace: () => ({ ...bt, frames: [bt.frames[0]!] }) })), meta());
    expect(d.panic.fault).toBeUndefined();
    expect(d.panic.disassembly).toBeUndefined();
  });
});

describe("log excerpt", () => {
  it("starts at the oops's first line from the same caller and ends after its end marker", () => {
    expect(panicLine(log, 4)).toBe("BUG: kernel NULL pointer dereference, address: 0000000000000074");
    expect(logExcerpt(log, 4)).toEqual({ from: 0, to: 12 });
  });

  it("without a panic index: the first marker line, else the log's end", () => {
    expect(panicLine(log, undefined)).toBe("BUG: an older one");
    const quiet = Array.from({ length: 100 }, (_, i) => ({ seq: String(i), timeNs: "0", text: `line ${i}` }));
    expect(panicLine(quiet, undefined)).toBeUndefined();
    expect(logExcerpt(quiet, undefined)).toEqual({ from: 60, to: 100 });
    expect(logExcerpt([], undefined)).toBeUndefined();
  });
});
