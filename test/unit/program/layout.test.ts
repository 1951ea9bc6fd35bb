// Layouts declared once (program/layout.ts, struct-view.ts) and the Program's cache and interruption
// checkpoint, on a struct built in BTF: required, optional and variant members, members inside anonymous
// unions and nested structs, bitfields and arrays; one MissingDebugInfo naming struct.member, kept; one read
// per span; a cancelled walk that stops at the next checkpoint instead of becoming a partial result.
import { describe, expect, it } from "vitest";
import { Btf } from "../../../src/core/debuginfo/btf";
import { CombinedTypeSystem } from "../../../src/core/debuginfo/combined-types";
import { MissingDebugInfo, TruncatedError, WalkAborted } from "../../../src/core/io/errors";
import { layout, members, optional, variants } from "../../../src/core/program/layout";
import { listForEachEntry } from "../../../src/core/program/list";
import { INTERRUPT_INTERVAL, perProgram, perProgramKeyed, Program } from "../../../src/core/program/program";
import { BtfBuilder } from "../../fixtures/btf-builder";
import { SparseSpace } from "../../fixtures/maple-builder";
import { SyntheticMemory } from "../../fixtures/memory-builder";

const DEMO = 0xffff888000001000n;

/**
 * struct demo (64 bytes): int pid @0; unsigned int __state @4; union { unsigned long a; struct list_head
 * list; } @8; char comm[16] @24; unsigned int flags:5, level:3 @40; struct qstr d_name @48 { u32 len; const
 * char *name @8 }.
 */
function demoTypes(): Btf {
  const b = new BtfBuilder();
  const int = b.int("int", 4, { signed: true });
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const char = b.int("char", 1, { char: true, signed: true });
  const listHead = b.reserve();
  const listPtr = b.ptr(listHead);
  b.struct("list_head", 16, [{ name: "next", type: listPtr, bitOffset: 0 }, { name: "prev", type: listPtr, bitOffset: 64 }], { at: listHead });
  const anon = b.struct(undefined, 16, [{ name: "a", type: ulong, bitOffset: 0 }, { name: "list", type: listHead, bitOffset: 0 }], { union: true });
  const qstr = b.struct("qstr", 16, [{ name: "len", type: uint, bitOffset: 0 }, { name: "name", type: b.ptr(char), bitOffset: 64 }]);
  b.struct("demo", 64, [
    { name: "pid", type: int, bitOffset: 0 },
    { name: "__state", type: uint, bitOffset: 32 },
    { type: anon, bitOffset: 64 },
    { name: "comm", type: b.array(char, 16, uint), bitOffset: 24 * 8 },
    { name: "flags", type: uint, bitOffset: 40 * 8, bitSize: 5 },
    { name: "level", type: uint, bitOffset: 40 * 8 + 5, bitSize: 3 },
    { name: "d_name", type: qstr, bitOffset: 48 * 8 },
  ]);
  return new Btf(b.build(), { file: "demo.btf" });
}

/** A SparseSpace that counts reads. */
class CountingSpace extends SparseSpace {
  reads = 0;
  override read(vaddr: bigint, length: number): Uint8Array {
    this.reads++;
    return super.read(vaddr, length);
  }
}

function program(): { prog: Program; mem: CountingSpace } {
  const mem = new CountingSpace();
  const bytes = new Uint8Array(64);
  const dv = new DataView(bytes.buffer);
  dv.setInt32(0, -7, true); // pid
  dv.setUint32(4, 0x402, true); // __state
  dv.setBigUint64(8, 0xffff888000002000n, true); // a / list.next
  bytes.set([0x6b, 0x74, 0x68, 0xe9, 0x00, 0x41], 24); // comm "kth\xe9", then a byte after the NUL
  bytes[40] = (6 << 5) | 0x13; // level 6, flags 0x13
  dv.setUint32(48, 5, true); // d_name.len
  mem.write(DEMO, bytes);
  const prog = new Program({ dump: new SyntheticMemory(16), types: demoTypes(), symbols: { addressOf: () => undefined }, kernel: mem, vmcoreinfo: null });
  return { prog, mem };
}

const DEMO_LAYOUT = layout(
  {
    pid: "demo.pid",
    state: ["demo.state", "demo.__state"],
    exitState: optional("demo.exit_state"),
    a: "demo.a",
    listNext: "demo.list.next",
    comm: "demo.comm",
    flags: "demo.flags",
    level: "demo.level",
    nameLen: "demo.d_name.len",
    namePtr: ["demo.d_name.name", "demo.d_iname"],
    where: variants({ v6_8: "demo.mounts", old: "demo.list" }),
    elsewhere: optional("nosuch.member"),
  },
  (_o, m) => ({ commLen: m.comm.size }),
);

describe("layout declarations", () => {
  it("resolves offsets, through anonymous unions and nested structs, with the first variant present", () => {
    const l = DEMO_LAYOUT.of(program().prog);
    expect(l).toEqual({ pid: 0, state: 4, exitState: undefined, a: 8, listNext: 8, comm: 24, flags: 40, level: 40, nameLen: 48, namePtr: 56, where: 8, elsewhere: undefined, commLen: 16 });
    const m = DEMO_LAYOUT.members(program().prog);
    expect(m.state.variant).toBe("demo.__state");
    expect(m.where.variant).toBe("old");
    expect(m.comm).toMatchObject({ size: 16, kind: "array", count: 16 });
    expect(m.level).toMatchObject({ offset: 40, bitOffset: 325, bitSize: 3 });
    expect(m.namePtr).toMatchObject({ kind: "pointer", size: 8 });
    expect(m.exitState).toBeUndefined();
  });

  it("asks BTF alone for the structs of other kernels while DWARF is closed", () => {
    let opened = 0;
    const types = new CombinedTypeSystem(demoTypes(), () => {
      opened++;
      return null;
    });
    const prog = new Program({ dump: new SyntheticMemory(16), types, symbols: { addressOf: () => undefined }, kernel: new SparseSpace(), vmcoreinfo: null });
    const l = layout({ pid: "demo.pid", memBase: optional("module_memory.base"), len: optional("printk_log.len", "log.len") }).of(prog);
    expect(l).toEqual({ pid: 0, memBase: undefined, len: undefined });
    expect(opened).toBe(0);
    expect(() => layout({ x: "module_memory.base" }).of(prog)).toThrow('no type "struct module_memory" in the debug information');
    expect(opened).toBe(0);
  });

  it("looks each struct a layout names up once, a missing one too", () => {
    const types = demoTypes();
    const asked: string[] = [];
    const counting = new Proxy(types, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        return key === "findType" && typeof v === "function" ? (name: string, kind?: string) => (asked.push(`${kind} ${name}`), v.call(target, name, kind)) : v;
      },
    });
    // As a kernel's program has them: BTF, DWARF closed (its lookups are the ones a layout makes by name).
    const prog = new Program({ dump: new SyntheticMemory(16), types: new CombinedTypeSystem(counting, () => null), symbols: { addressOf: () => undefined }, kernel: new SparseSpace(), vmcoreinfo: null });
    const l = layout({ pid: "demo.pid", comm: "demo.comm", level: "demo.level", a: optional("gone.a"), b: optional("gone.b", "demo.nosuch") }).of(prog);
    expect(l).toMatchObject({ pid: 0, a: undefined, b: undefined });
    // Once per struct for the five members (nine lookups when each member looked its struct up): demo is
    // checked in BTF, then found through the program; gone is asked as a struct and as a union, in BTF only.
    expect(asked.sort()).toEqual(["struct demo", "struct demo", "struct gone", "union gone"]);
  });

  it("members() prefixes one struct's part of a spec", () => {
    expect(members("demo", { pid: "pid", s: ["__state", "state"], x: optional("exit_state"), w: variants({ old: "list" }) })).toEqual({
      pid: "demo.pid",
      s: ["demo.__state", "demo.state"],
      x: { optional: true, variants: [{ name: "demo.exit_state", path: "demo.exit_state" }] },
      w: { optional: false, variants: [{ name: "old", path: "demo.list" }] },
    });
  });

  it("a required member the kernel lacks is one MissingDebugInfo naming struct.member, kept for the program", () => {
    const { prog } = program();
    let derived = 0;
    const missing = layout({ pid: "demo.pid", gone: ["demo.rss_stat", "demo.rss"] }, () => ({ n: ++derived }));
    const err = (() => {
      try {
        missing.of(prog);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingDebugInfo);
    expect((err as Error).message).toBe("struct demo has no member rss_stat or rss");
    expect(() => missing.of(prog)).toThrow(err as Error);
    expect(() => layout({ x: "nosuch.member" }).of(prog)).toThrow('no type "struct nosuch" in the debug information');
    expect(() => layout({ x: ["nosuch.member", "demo.nosuch"] }).of(prog)).toThrow("no member nosuch.member or demo.nosuch in the debug information");
    expect(derived).toBe(0);
  });

  it("is resolved once per program; a failure that is not the debuginfo's is asked again", () => {
    let calls = 0;
    const counted = layout({ pid: "demo.pid" }, () => ({ call: ++calls }));
    const a = program().prog;
    const b = program().prog;
    expect(counted.of(a).call).toBe(1);
    expect(counted.of(a).call).toBe(1);
    expect(counted.of(b).call).toBe(2);
    let tries = 0;
    const flaky = perProgram(() => {
      if (++tries === 1) throw new Error("cancelled");
      return tries;
    });
    expect(() => flaky.of(a)).toThrow("cancelled");
    expect(flaky.of(a)).toBe(2);
    expect(flaky.of(a)).toBe(2);
  });

  it("a value per key is computed once per program and key, an undefined one kept too; a failure is asked again", () => {
    const asked: string[] = [];
    const keyed = perProgramKeyed((_prog, key: bigint) => {
      asked.push(key.toString(16));
      if (key === 0xbadn && asked.filter((k) => k === "bad").length === 1) throw new Error("cancelled");
      return key === 0n ? undefined : { key };
    });
    const a = program().prog;
    const b = program().prog;
    const one = keyed.get(a, 1n);
    expect(keyed.get(a, 1n)).toBe(one);
    expect(keyed.get(b, 1n)).not.toBe(one);
    expect(keyed.get(a, 0n)).toBeUndefined();
    expect(keyed.get(a, 0n)).toBeUndefined();
    expect(() => keyed.get(a, 0xbadn)).toThrow("cancelled");
    expect(keyed.get(a, 0xbadn)).toEqual({ key: 0xbadn });
    expect(asked).toEqual(["1", "1", "0", "bad", "bad"]);
  });
});

describe("struct views", () => {
  it("read a span once and decode fields by name", () => {
    const { prog, mem } = program();
    const span = DEMO_LAYOUT.span("pid", "state", "exitState", "comm", "flags", "level", "nameLen");
    const before = mem.reads;
    const v = span.read(prog, DEMO);
    expect(mem.reads - before).toBe(1);
    expect(v.bytes.length).toBe(52); // pid .. d_name.len
    expect(v.s32("pid")).toBe(-7);
    expect(v.u32("pid")).toBe(0xfffffff9);
    expect(v.u32("state")).toBe(0x402);
    expect(v.u16("state")).toBe(0x402);
    expect(v.u8("state")).toBe(2);
    expect(v.uint("state")).toBe(0x402);
    expect(v.has("exitState")).toBe(false);
    expect(v.u32("exitState")).toBe(0);
    expect(v.u64("exitState")).toBe(0n);
    expect(v.chars("comm")).toBe("kth\xe9");
    expect(v.memberBytes("comm")[5]).toBe(0x41);
    expect(v.bitfield("flags")).toBe(0x13);
    expect(v.bitfield("level")).toBe(6);
    expect(v.u32("nameLen")).toBe(5);
    expect(v.u64(8)).toBe(0xffff888000002000n);
  });

  it("a view over bytes already read decodes at the struct's offsets; outside them is a TruncatedError", () => {
    const { prog } = program();
    const whole = prog.read(DEMO, 64);
    const v = DEMO_LAYOUT.view(prog, whole.subarray(8), 8);
    expect(v.pointer("a")).toBe(0xffff888000002000n);
    expect(v.u64("listNext")).toBe(0xffff888000002000n);
    expect(() => v.u32("pid")).toThrow(TruncatedError);
    expect(() => v.u32("pid")).toThrow(/struct demo: offset 0x0: truncated/);
  });

  it("a span must stay inside one struct", () => {
    const two = layout({ a: "demo.pid", b: "qstr.len" });
    expect(() => two.span("a", "b")).toThrow(/not members of one struct/);
  });
});

class Cancelled extends Error {}

describe("the interruption checkpoint", () => {
  it("calls prog.interrupt once every INTERRUPT_INTERVAL reads, whichever read it is", () => {
    const { prog } = program();
    let calls = 0;
    prog.interrupt = () => void calls++;
    for (let i = 0; i < INTERRUPT_INTERVAL * 3 - 1; i++) {
      if (i % 4 === 0) prog.readU64(DEMO);
      else if (i % 4 === 1) prog.readU32(DEMO);
      else if (i % 4 === 2) prog.readS32(DEMO);
      else prog.read(DEMO, 16);
    }
    expect(calls).toBe(2);
    prog.readU32(DEMO);
    expect(calls).toBe(3);
  });

  it("stops a long walk with what the interrupt throws, not a partial result", () => {
    const { prog, mem } = program();
    // A circular list of 20,000 entries through list_head at offset 8.
    const n = 20_000;
    const at = (i: number): bigint => 0xffff888100000000n + BigInt(i) * 0x40n;
    const head = 0xffff888000003000n;
    mem.writeU64(head, at(0) + 8n);
    for (let i = 0; i < n; i++) mem.writeU64(at(i) + 8n, i + 1 < n ? at(i + 1) + 8n : head);
    let cancel = false;
    prog.interrupt = () => {
      if (cancel) throw new Cancelled("cancelled by the caller");
    };
    const type = prog.type("struct demo");
    let seen = 0;
    expect(() => {
      for (const _ of listForEachEntry(prog, head, type, "list", { budget: 2 * n })) {
        if (++seen === 5000) cancel = true;
      }
    }).toThrow(Cancelled);
    expect(seen).toBeLessThan(5000 + INTERRUPT_INTERVAL + 1);
    cancel = false;
    seen = 0;
    for (const _ of listForEachEntry(prog, head, type, "list", { budget: 2 * n })) seen++;
    expect(seen).toBe(n);
    expect(() => [...listForEachEntry(prog, head, type, "list", { budget: 10 })]).toThrow(WalkAborted);
  });
});
