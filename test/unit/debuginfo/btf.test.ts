import { describe, expect, it } from "vitest";
import { Btf, openBtf } from "../../../src/core/debuginfo/btf";
import { findMember, resolveType, sizeOf, type StructType, type Type } from "../../../src/core/debuginfo/types";
import { BytesSource } from "../../../src/core/io/byte-source";
import { BtfBuilder } from "../../fixtures/btf-builder";

function asStruct(t: Type | undefined): StructType {
  if (!t || (t.kind !== "struct" && t.kind !== "union")) throw new Error(`not a struct: ${t?.kind}`);
  return t;
}

/** A small kernel-like set of types; returns the builder and named ids. */
function sample() {
  const b = new BtfBuilder();
  const int = b.int("int", 4, { signed: true });
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const char = b.int("char", 1, { signed: true });
  const bool = b.int("_Bool", 1, { bool: true });
  const listHead = b.reserve();
  const listPtr = b.ptr(listHead);
  b.struct("list_head", 16, [
    { name: "next", type: listPtr, bitOffset: 0 },
    { name: "prev", type: listPtr, bitOffset: 64 },
  ], { at: listHead });
  const pidT = b.typedef("pid_t", int);
  const comm = b.array(char, 16, int);
  // union { unsigned int rcu_users; long unsigned int rcu; } (anonymous, at byte 48)
  const anon = b.struct(undefined, 8, [
    { name: "rcu_users", type: uint, bitOffset: 0 },
    { name: "rcu", type: ulong, bitOffset: 0 },
  ], { union: true });
  const task = b.struct("task_struct", 64, [
    { name: "tasks", type: listHead, bitOffset: 0 },
    { name: "pid", type: pidT, bitOffset: 128 },
    { name: "in_execve", type: uint, bitOffset: 160, bitSize: 1 },
    { name: "in_iowait", type: uint, bitOffset: 161, bitSize: 1 },
    { name: "comm", type: comm, bitOffset: 256 },
    { name: undefined, type: anon, bitOffset: 384 },
  ]);
  const state = b.enum("pid_type", 4, [
    ["PIDTYPE_PID", 0n],
    ["PIDTYPE_TGID", 1n],
    ["PIDTYPE_MAX", 4n],
  ]);
  const neg = b.enum("neg", 4, [["NEG_ONE", -1n]], { signed: true });
  const big = b.enum(undefined, 8, [["BIG", 0xffff_ffff_0000_0001n]], { enum64: true });
  const constChar = b.qualifier("const", char);
  const strPtr = b.ptr(constChar);
  const proto = b.funcProto(int, [{ name: "fmt", type: strPtr }], true);
  const printk = b.func("_printk", proto);
  const rq = b.struct("rq", 128, [{ name: "nr_running", type: uint, bitOffset: 0 }]);
  const runqueues = b.variable("runqueues", rq);
  const jiffies = b.variable("some_data", ulong);
  b.datasec(".data..percpu", 4096, [{ type: runqueues, offset: 0x31980, size: 128 }]);
  b.datasec(".data", 8, [{ type: jiffies, offset: 0, size: 8 }]);
  const dbl = b.float("double", 8);
  b.declTag("tagged", printk, -1);
  return { b, int, uint, ulong, char, bool, listHead, listPtr, pidT, comm, anon, task, state, neg, big, proto, printk, rq, dbl };
}

describe("BTF types", () => {
  const s = sample();
  const btf = new Btf(s.b.build());

  it("counts types and reads ints with their encoding", () => {
    expect(btf.lastId).toBe(s.b.nextId - 1);
    expect(btf.findType("int", "base")).toEqual({ kind: "int", name: "int", size: 4, signed: true });
    expect(btf.findType("long unsigned int")).toEqual({ kind: "int", name: "long unsigned int", size: 8, signed: false });
    expect(btf.findType("char")).toMatchObject({ kind: "int", char: true, signed: true });
    expect(btf.findType("_Bool")).toMatchObject({ kind: "int", bool: true, signed: false });
    expect(btf.findType("double")).toEqual({ kind: "float", name: "double", size: 8 });
  });

  it("reads a struct's members, bitfields and anonymous union", () => {
    const t = asStruct(btf.findType("task_struct", "struct"));
    expect(t.size).toBe(64);
    expect(t.members.map((m) => [m.name, m.bitOffset, m.bitSize])).toEqual([
      ["tasks", 0, undefined],
      ["pid", 128, undefined],
      ["in_execve", 160, 1],
      ["in_iowait", 161, 1],
      ["comm", 256, undefined],
      [undefined, 384, undefined],
    ]);
    const pid = t.members[1]!.type;
    expect(pid).toMatchObject({ kind: "typedef", name: "pid_t" });
    expect(resolveType(pid)).toMatchObject({ kind: "int", name: "int" });
    const comm = t.members[4]!.type;
    expect(comm.kind === "array" && comm.count).toBe(16);
    expect(sizeOf(comm)).toBe(16);
    const rcu = findMember(t, "rcu");
    expect(rcu?.bitOffset).toBe(384);
    expect(rcu?.member.type).toMatchObject({ kind: "int", size: 8 });
    expect(asStruct(t.members[5]!.type)).toMatchObject({ kind: "union", size: 8 });
    expect(asStruct(t.members[5]!.type).name).toBeUndefined();
  });

  it("builds each type once and follows pointer cycles lazily", () => {
    const lh = asStruct(btf.findType("list_head", "struct"));
    expect(btf.typeById(s.listHead)).toBe(lh);
    const next = lh.members[0]!.type;
    expect(next.kind === "pointer" && next.target).toBe(lh);
    expect(next.kind === "pointer" && next.size).toBe(8);
    expect(lh.members[1]!.type).toBe(next);
  });

  it("reads enums, signed enums, enum64 and enumerators", () => {
    const e = btf.findType("pid_type", "enum");
    expect(e).toMatchObject({ kind: "enum", name: "pid_type", size: 4, signed: false });
    expect(e?.kind === "enum" && e.enumerators.map((x) => [x.name, x.value])).toEqual([
      ["PIDTYPE_PID", 0n],
      ["PIDTYPE_TGID", 1n],
      ["PIDTYPE_MAX", 4n],
    ]);
    expect(btf.findEnumerator("PIDTYPE_MAX")?.value).toBe(4n);
    expect(btf.findEnumerator("PIDTYPE_MAX")?.type).toBe(e);
    expect(btf.findEnumerator("NEG_ONE")?.value).toBe(-1n);
    expect(btf.findEnumerator("BIG")).toMatchObject({ value: 0xffff_ffff_0000_0001n, type: { kind: "enum", size: 8 } });
    expect(btf.findEnumerator("NOPE")).toBeUndefined();
  });

  it("finds functions with their prototypes", () => {
    const f = btf.findFunction("_printk");
    expect(f?.name).toBe("_printk");
    expect(f?.lowPc).toBeUndefined();
    expect(f?.type.variadic).toBe(true);
    expect(f?.type.returnType).toMatchObject({ kind: "int", name: "int" });
    expect(f?.type.params.map((p) => p.name)).toEqual(["fmt"]);
    const fmt = f!.type.params[0]!.type;
    expect(fmt.kind === "pointer" && fmt.target).toMatchObject({ kind: "const", target: { kind: "int", name: "char" } });
    expect(btf.findFunction("task_struct")).toBeUndefined();
    expect(btf.findType("_printk")).toBeUndefined();
  });

  it("gives per-CPU variables their offset and others no address", () => {
    expect(btf.findVariable("runqueues")).toMatchObject({ name: "runqueues", address: 0x31980n, perCpu: true, type: { kind: "struct", name: "rq" } });
    const other = btf.findVariable("some_data");
    expect(other?.type).toMatchObject({ kind: "int", size: 8 });
    expect(other?.address).toBeUndefined();
    expect(other?.perCpu).toBeUndefined();
    expect(btf.findVariable("nothing")).toBeUndefined();
  });

  it("honours the kind filter and prefers typedefs for 'any'", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, { signed: true });
    const st = b.struct("foo", 4, [{ name: "x", type: int, bitOffset: 0 }]);
    b.typedef("foo", st);
    const t = new Btf(b.build());
    expect(t.findType("foo")?.kind).toBe("typedef");
    expect(t.findType("foo", "struct")?.kind).toBe("struct");
    expect(t.findType("foo", "union")).toBeUndefined();
    expect(t.findType("foo", "base")).toBeUndefined();
    expect(t.findType("int", "struct")).toBeUndefined();
  });

  it("resolves a FWD to the definition, and keeps a lone FWD as a declaration", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, { signed: true });
    const fwd = b.fwd("file");
    const p = b.ptr(fwd);
    const lone = b.fwd("opaque", true);
    const file = b.struct("file", 4, [{ name: "f_count", type: int, bitOffset: 0 }]);
    const t = new Btf(b.build());
    const def = t.typeById(file);
    expect(t.typeById(fwd)).toBe(def);
    const ptr = t.typeById(p);
    expect(ptr.kind === "pointer" && ptr.target).toBe(def);
    expect(t.findType("file", "struct")).toBe(def);
    expect(t.typeById(lone)).toEqual({ kind: "union", name: "opaque", size: 0, members: [], declaration: true });
    expect(t.findType("opaque", "union")).toMatchObject({ declaration: true });
    expect(t.findType("opaque", "struct")).toBeUndefined();
  });

  it("reads old-style bitfields (no kind_flag: the int carries width and offset)", () => {
    const b = new BtfBuilder();
    const bf = b.int("unsigned int", 4, { bits: 3, offset: 2 });
    const st = b.struct("flags", 4, [{ name: "mode", type: bf, bitOffset: 8 }], { kindFlag: false });
    const t = asStruct(new Btf(b.build()).typeById(st));
    expect(t.members[0]).toMatchObject({ name: "mode", bitOffset: 10, bitSize: 3 });
  });

  it("makes type tags, FUNCs and VARs transparent and rejects sections as types", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, { signed: true });
    const tag = b.typeTag("rcu", int);
    const p = b.ptr(tag);
    const v = b.variable("x", int);
    const sec = b.datasec(".bss", 4, [{ type: v, offset: 0, size: 4 }]);
    const t = new Btf(b.build());
    const ptr = t.typeById(p);
    expect(ptr.kind === "pointer" && ptr.target).toBe(t.typeById(int));
    expect(() => t.typeById(sec)).toThrow(/not a type/);
    expect(() => t.typeById(t.lastId + 1)).toThrow(/out of range/);
    expect(() => t.kindOf(t.lastId + 1)).toThrow(/out of range/);
    expect(() => t.nameOf(-1)).toThrow(/out of range/);
    expect(t.kindOf(p)).toBe(2); // BTF_KIND_PTR
    expect(t.nameOf(int)).toBe("int");
  });

  it("opens through a ByteSource and names it in errors", () => {
    const t = openBtf(new BytesSource("vmlinux.btf", s.b.build()));
    expect(t.findType("task_struct", "struct")).toBeDefined();
    expect(() => openBtf(new BytesSource("mod.btf", new Uint8Array(10)))).toThrow(/^mod\.btf: /);
  });
});

describe("split BTF (a module's types after the base's)", () => {
  it("continues type ids and string offsets from the base", () => {
    const s = sample();
    const base = new Btf(s.b.build());
    const m = new BtfBuilder({ lastId: base.lastId, strLen: s.b.strLen });
    const ptr = m.ptr(s.listHead);
    const mod = m.struct("mz_hook", 24, [
      { name: "list", type: s.listHead, bitOffset: 0 },
      { name: "owner", type: ptr, bitOffset: 128 },
    ]);
    m.enum("mz_state", 4, [["MZ_ARMED", 7n]]);
    const split = new Btf(m.build(), { base, file: "mzoneinfo.btf" });
    expect(split.firstId).toBe(base.lastId + 1);
    expect(mod).toBe(base.lastId + 2);
    const st = asStruct(split.findType("mz_hook", "struct"));
    expect(st.members[0]!.type).toBe(base.typeById(s.listHead));
    expect(split.findType("task_struct", "struct")).toBe(base.findType("task_struct", "struct"));
    expect(split.findEnumerator("MZ_ARMED")?.value).toBe(7n);
    expect(split.findEnumerator("PIDTYPE_TGID")?.value).toBe(1n);
    expect(split.findFunction("_printk")).toBeDefined();
    expect(base.findType("mz_hook")).toBeUndefined();
  });
});
