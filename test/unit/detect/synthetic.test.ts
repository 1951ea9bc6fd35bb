// Every rule the fixture dump does not exercise, made to fire on a synthetic kernel (test/fixtures/
// kernel-image.ts: its own structure layout, unlike 6.1's) by one planted change each — a changed
// sys_call_table entry, a patched x64_sys_call call site, an ftrace_ops callback in an unlisted module, a
// kretprobe behind a kernel kprobe in one hash chain, an IDT vector, a hooked seq_ops, a task missing from
// the task list but in the pid IDR, a pid missing from the IDR, shared credentials, netfilter and
// tracepoint hooks — while the clean image fires nothing. Every evidence word reads back through rd.
import { describe, expect, it } from "vitest";
import { IcedDecoder } from "../../../src/cli/iced-decoder";
import type { CommandContext } from "../../../src/core/commands/command";
import { rdCommand } from "../../../src/core/commands/memory/rd";
import { CommandRegistry } from "../../../src/core/commands/registry";
import { runRules, type DetectResult } from "../../../src/core/detect/run";
import { buildKernelImage, FN, H, KP, KRET, linkList, M, MOD, OPS, SYM, T, writeModule, LAYOUT, type KernelImage } from "../../fixtures/kernel-image";
import { expectEvidenceReadsBack } from "./readback";

const decoder = new IcedDecoder();

function detect(img: KernelImage): DetectResult {
  return runRules(img.program(), { symbols: () => img.table, decoder });
}

/** (rule, severity) of every finding, sorted, for exact comparison. */
function fired(r: DetectResult): string[] {
  return r.findings.map((f) => `${f.rule} ${f.severity}`).sort();
}

function rd(img: KernelImage) {
  const ctx = { prog: img.program(), state: { valueHistory: 0 }, commands: new CommandRegistry([rdCommand]) } as unknown as CommandContext;
  return (line: string) => {
    const out = rdCommand.run(ctx, line.split(" ").slice(1));
    return { text: out.text, errors: out.errors ?? [] };
  };
}

/** A second module, only in mod_tree (both copies, right of the clean one) and sysfs: hidden from the list. */
function plantHiddenModule(img: KernelImage): { address: bigint; fn: bigint } {
  const address = M + 0x13000n;
  const text = M + 0x11000n;
  writeModule(img.space, address, "hide_me", text, 0x4000, (1n << 12n) | (1n << 13n));
  img.space.u64(address + BigInt(MOD.list), 0xdead000000000100n);
  img.space.u64(address + BigInt(MOD.list) + 8n, 0xdead000000000122n);
  const rb = (mod: bigint, t: number) => mod + BigInt(MOD.core + LAYOUT.mtn + 8 + 24 * t);
  for (const t of [0, 1]) img.space.u64(rb(img.module.address, t) + 8n, rb(address, t));
  const kset = img.space.readU64(SYM.module_kset!);
  const builtin = H + 0xc100n;
  linkList(img.space, kset, [builtin + 8n, img.module.address + BigInt(MOD.mkobj) + 8n, address + BigInt(MOD.mkobj) + 8n]);
  return { address, fn: text + 0x100n };
}

function check(img: KernelImage, expected: string[]): DetectResult {
  const r = detect(img);
  expect(fired(r)).toEqual([...expected].sort());
  expect(r.problems).toEqual([]);
  expect(expectEvidenceReadsBack(rd(img), r.findings)).toBeGreaterThanOrEqual(r.findings.length);
  return r;
}

describe("detectors on a synthetic kernel", () => {
  it("the clean image fires nothing, and every rule ran", () => {
    const img = buildKernelImage();
    const r = detect(img);
    expect(r.findings).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.problems).toEqual([]);
    // It saw the kernel's own hooks, and checked the tables.
    expect(r.hooks.map((h) => [h.kind, h.handlerSymbol, h.kernelOwned])).toEqual([
      ["netfilter", "ipv4_conntrack_in", true],
      ["tracepoint", "perf_trace_sched_switch", true],
    ]);
    expect(r.triage.counts).toEqual({ info: 0, low: 0, medium: 0, high: 0, critical: 0 });
  });

  it("a sys_call_table entry on a listed module's code (medium) and one on code nobody owns (high)", () => {
    const img = buildKernelImage();
    img.space.u64(SYM.sys_call_table! + 8n, img.module.fn);
    img.space.bytes(M + 0x50000n, new Uint8Array([0xc3]));
    img.space.u64(SYM.sys_call_table! + 16n, M + 0x50000n);
    const r = check(img, ["hook-syscall-table medium", "hook-syscall-table high"]);
    const listed = r.findings.find((f) => f.severity === "medium")!;
    expect(listed.subject).toMatchObject({ kind: "address", symbol: "good_mod_fn [good_mod]", owner: "good_mod" });
    expect(listed.evidence[0]).toMatchObject({ address: `0x${(SYM.sys_call_table! + 8n).toString(16)}`, value: `0x${img.module.fn.toString(16)}`, size: 8 });
    expect(r.hooks.map((h) => h.target)).toEqual(["ipv4 PRE_ROUTING (init_net)", "sched_switch", "sys_call_table[1]", "sys_call_table[2]"]);
  });

  it("a patched x64_sys_call call site into a hidden module's code, while the table stays clean: critical", () => {
    const img = buildKernelImage();
    const hidden = plantHiddenModule(img);
    const site = FN.x64_sys_call! + 10n; // the third jmp
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, Number(hidden.fn - (site + 5n)), true);
    img.space.bytes(site + 1n, b);
    const r = check(img, ["hook-syscall-dispatch critical", "hidden-module critical", "tainting-module medium"]);
    const hook = r.findings.find((f) => f.rule === "hook-syscall-dispatch")!;
    expect(hook.subject).toMatchObject({ symbol: "hide_me_fn2 [hide_me]", owner: "hide_me" });
    expect(hook.evidence[0]).toMatchObject({ address: `0x${(site + 1n).toString(16)}`, size: 4 });
    expect(r.findings.find((f) => f.rule === "hidden-module")!.seenBy).toEqual(["mod_tree", "kset", "carve"]);
  });

  it("an ftrace_ops whose callback lies in an unlisted module, with its filter function", () => {
    const img = buildKernelImage();
    const hidden = plantHiddenModule(img);
    const ops = H + 0xd000n;
    img.space.zero(ops, OPS.size);
    img.space.u64(ops + BigInt(OPS.func), hidden.fn);
    img.space.u64(ops + BigInt(OPS.next), SYM.ftrace_list_end!);
    img.space.u64(ops + BigInt(OPS.flags), (1n << 0n) | (1n << 12n));
    // func_hash -> local_hash; its filter hash: one bucket with the entry for __x64_sys_read.
    img.space.u64(ops + BigInt(OPS.funcHash), ops + 40n);
    const hash = H + 0xd200n;
    img.space.u64(ops + 48n, hash);
    img.space.zero(hash, 48);
    img.space.u64(hash + 8n, H + 0xd300n);
    img.space.u64(hash + 16n, 1n);
    img.space.u64(H + 0xd300n, H + 0xd400n);
    img.space.zero(H + 0xd400n, 32);
    img.space.u64(H + 0xd400n + 16n, FN.__x64_sys_read!);
    img.space.u64(SYM.ftrace_ops_list!, ops);
    const r = check(img, ["hook-ftrace critical", "hidden-module critical", "tainting-module medium"]);
    expect(r.findings.find((f) => f.rule === "hook-ftrace")!.summary).toMatch(/^ftrace_ops on __x64_sys_read: func hide_me_fn2 \[hide_me\]/);
    expect(r.hooks.find((h) => h.kind === "ftrace")!.details).toContain("ENABLED|IPMODIFY");
  });

  it("a kretprobe behind the kernel's own kprobe in one hash chain: both found, only the kretprobe flagged", () => {
    const img = buildKernelImage();
    const first = H + 0xe000n;
    const ret = H + 0xe100n;
    img.space.zero(first, KP.size);
    img.space.zero(ret, KRET.size);
    img.space.u64(first + BigInt(KP.addr), FN.__x64_sys_write!);
    img.space.u64(first + BigInt(KP.pre), FN.kprobe_dispatcher!);
    img.space.u64(ret + BigInt(KP.addr), FN.__x64_sys_open!);
    img.space.u64(ret + BigInt(KP.pre), FN.pre_handler_kretprobe!);
    img.space.u64(ret + BigInt(KRET.handler), img.module.fn);
    // kprobe_table[5] -> first -> ret
    img.space.u64(SYM.kprobe_table! + 40n, first);
    img.space.u64(first, ret);
    img.space.u64(first + 8n, SYM.kprobe_table! + 40n);
    img.space.u64(ret + 8n, first);
    const r = check(img, ["hook-kprobe info", "hook-kprobe medium"]);
    expect(r.findings.find((f) => f.severity === "medium")!.summary).toBe(`kretprobe on __x64_sys_open: handler good_mod_fn [good_mod] (0x${img.module.fn.toString(16)}) is code of the listed module good_mod, outside core kernel text`);
  });

  it("a loop in a kprobe chain ends that walk with a problem, and the rest is checked", () => {
    const img = buildKernelImage();
    const kp = H + 0xe000n;
    img.space.zero(kp, KP.size);
    img.space.u64(kp + BigInt(KP.pre), img.module.fn);
    img.space.u64(SYM.kprobe_table! + 8n, kp);
    img.space.u64(kp, kp);
    const r = detect(img);
    expect(fired(r)).toEqual(["hook-kprobe medium"]);
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^kprobe_table\[1\]: walk stopped after 1 steps: loop at /)]);
  });

  it("an IDT vector into module code", () => {
    const img = buildKernelImage();
    const g = SYM.idt_table! + 0x80n * 16n;
    const h = img.module.fn;
    img.space.u16(g, Number(h & 0xffffn));
    img.space.u16(g + 2n, 0x10);
    img.space.u16(g + 4n, 0xee00);
    img.space.u16(g + 6n, Number((h >> 16n) & 0xffffn));
    img.space.u32(g + 8n, Number(h >> 32n));
    const r = check(img, ["hook-idt medium"]);
    expect(r.findings[0]!.summary).toMatch(/^IDT vector 128 \(0x80\): gate good_mod_fn \[good_mod\]/);
  });

  it("a hooked seq_ops: tcp4_seq_ops.show overwritten in place with code no module owns", () => {
    const img = buildKernelImage();
    img.space.bytes(M + 0x50000n, new Uint8Array([0xc3]));
    img.space.u64(SYM.tcp4_seq_ops! + 24n, M + 0x50000n);
    const r = check(img, ["hook-proc-ops high"]);
    expect(r.findings[0]!.summary).toBe("tcp4_seq_ops show: show 0xffffffffc0050000 is code outside core kernel text and outside every known module");
    expect(r.hooks.find((h) => h.kind === "seq_ops")!.details).toContain("a table in the kernel image points outside core kernel text");
  });

  it("a task missing from the task list but in the pid IDR: critical", () => {
    const img = buildKernelImage();
    const sshd = img.tasks.get(100)!;
    const init = SYM.init_task!;
    img.space.u64(sshd.address + BigInt(T.tasks), init + BigInt(T.tasks));
    img.space.u64(init + BigInt(T.tasks) + 8n, sshd.address + BigInt(T.tasks));
    const r = check(img, ["hidden-task critical"]);
    expect(r.findings[0]!.subject).toMatchObject({ kind: "task", pid: 200, comm: "bash" });
    expect(r.findings[0]!.seenBy).toEqual(["thread-group", "pid-idr"]);
  });

  it("a task on the task list whose pid is missing from the IDR: high", () => {
    const img = buildKernelImage();
    // The leaf holding pids 64..127 loses sshd's slot (100 & 63 = 36).
    const root = img.space.readU64(SYM.init_pid_ns! + 8n) - 2n;
    const leaf = img.space.readU64(root + 40n + 8n) - 2n;
    img.space.u64(leaf + 40n + 36n * 8n, 0n);
    const r = check(img, ["hidden-task high"]);
    expect(r.findings[0]!.subject).toMatchObject({ pid: 100 });
  });

  it("two processes on one struct cred: both flagged", () => {
    const img = buildKernelImage();
    img.space.u64(img.tasks.get(100)!.address + BigInt(T.cred), img.tasks.get(200)!.cred);
    const r = check(img, ["shared-creds high", "shared-creds high"]);
    expect(r.findings.map((f) => (f.subject.kind === "task" ? f.subject.pid : 0)).sort()).toEqual([100, 200]);
  });

  it("a user process on init_cred: high", () => {
    const img = buildKernelImage();
    img.space.u64(img.tasks.get(200)!.address + BigInt(T.cred), SYM.init_cred!);
    const r = check(img, ["shared-creds high"]);
    expect(r.findings[0]!.summary).toMatch(/init_cred/);
  });

  it("netfilter and tracepoint hooks: a listed in-tree module is low, a hidden one critical", () => {
    const img = buildKernelImage();
    const hidden = plantHiddenModule(img);
    img.space.u64(H + 0x9208n, img.module.fn); // the ipv4 hook
    img.space.u64(H + 0x9100n, hidden.fn); // the tracepoint probe
    check(img, ["hook-netfilter low", "hook-tracepoint critical", "hidden-module critical", "tainting-module medium"]);
  });

  it("a user process named like a kernel thread, and a look-alike of a daemon's name detached under init (medium)", () => {
    const img = buildKernelImage();
    img.space.str(img.tasks.get(200)!.address + BigInt(T.comm), "[kworker/1:1]");
    img.space.str(img.tasks.get(100)!.address + BigInt(T.comm), "sysllogd");
    const r = check(img, ["kthread-impersonation high", "name-masquerade medium"]);
    expect(r.findings.find((f) => f.rule === "name-masquerade")!.summary).toContain('the well-known "syslogd" with letter "l" doubled');
  });

  it("a name one edit from a well-known one of four letters is not a look-alike (sshd, cron)", () => {
    const img = buildKernelImage();
    img.space.str(img.tasks.get(100)!.address + BigInt(T.comm), "sshdd");
    expect(fired(detect(img))).toEqual([]);
  });

  it("swarms under init: an unknown name is medium, a look-alike high; interpreters are not a swarm", () => {
    const under = (comm: string, pids: number[]) => pids.map((pid) => ({ pid, comm, parent: 1 }));
    expect(fired(detect(buildKernelImage(under("python3", [300, 340, 390]))))).toEqual([]);
    expect(fired(detect(buildKernelImage(under("syncagent", [300, 340, 390]))))).toEqual(["respawn-swarm medium", "respawn-swarm medium", "respawn-swarm medium"]);
    const r = check(buildKernelImage(under("crontabd", [300, 340, 390])), [...Array(3).fill("respawn-swarm high"), ...Array(3).fill("name-masquerade medium")]);
    expect(r.findings[0]!.summary).toContain('one of 3 processes named crontabd under init, pids 300, 340, 390; the name is "crontab" with "d" added');
    // Three in a row (a worker pool started together) are not spread over time.
    expect(fired(detect(buildKernelImage(under("syncagent", [300, 301, 302]))))).toEqual([]);
  });
});
