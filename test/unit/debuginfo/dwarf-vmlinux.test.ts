// The DWARF reader on the fixture vmlinux (Debian 6.1.176 cloud kernel, DWARF 5, 2,170 units), checked
// against crash's own output in reference/. Kernel addresses there include the KASLR offset (manifest.json).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { buildIndex } from "../../../src/core/debuginfo/dwarf/index-build";
import { DwarfLines } from "../../../src/core/debuginfo/dwarf/line";
import { DwarfIndex, IK_FUNCTION, IK_STRUCT, IK_VARIABLE, mergeIndexes } from "../../../src/core/debuginfo/dwarf/name-index";
import type { DwarfSections } from "../../../src/core/debuginfo/dwarf/reader";
import { DwarfTypeSystem } from "../../../src/core/debuginfo/dwarf/type-system";
import { findMember, resolveType, sizeOf, type StructType, type Type } from "../../../src/core/debuginfo/types";
import { ElfFile } from "../../../src/core/dump/elf";
import { fixture, haveFixtures, manifest, reference } from "../../fixtures";

/** `whatis` prints members at 4 spaces; nested anonymous struct/union bodies deeper; returns the top-level names. */
function whatisMembers(text: string): { name: string | undefined; bits: number | undefined }[] {
  const out: { name: string | undefined; bits: number | undefined }[] = [];
  let depth = 0;
  for (const line of text.split("\n").slice(1)) {
    if (line.startsWith("}")) break;
    const opens = line.trimEnd().endsWith("{");
    const closes = /^\s*}.*;$/.test(line);
    if (depth === 0 && !opens) {
      const bits = /: (\d+);$/.exec(line);
      const name = /\(\*(\w+)\)\(|(\w+)(?:\[\d*\])*(?: : \d+)?;$/.exec(line);
      out.push({ name: name?.[1] ?? name?.[2], bits: bits ? Number(bits[1]) : undefined });
    }
    if (opens) depth++;
    if (closes) {
      depth--;
      if (depth === 0) out.push({ name: /}\s*(\w+)?;$/.exec(line)?.[1], bits: undefined });
    }
  }
  return out;
}

function asStruct(t: Type | undefined): StructType {
  const s = t && resolveType(t);
  if (!s || (s.kind !== "struct" && s.kind !== "union")) throw new Error("not a struct");
  return s;
}

describe.skipIf(!haveFixtures("vmlinux", "reference"))("DWARF on the fixture vmlinux", () => {
  let sections: DwarfSections;
  let dwarf: Dwarf;
  let index: DwarfIndex;
  let ts: DwarfTypeSystem;
  let kaslr: bigint;
  let src: NodeFileSource | undefined;

  beforeAll(() => {
    // .debug_info and .debug_line stay in the file (read by ranges): the source stays open.
    src = new NodeFileSource("vmlinux", fixture("vmlinux")!);
    sections = dwarfSectionsFromElf(ElfFile.open(src))!;
    dwarf = new Dwarf(sections);
    index = buildIndex(dwarf);
    // [__per_cpu_start, __per_cpu_end) of this vmlinux's .symtab: .data..percpu is linked at 0 on x86_64.
    ts = new DwarfTypeSystem(dwarf, index, { perCpu: { start: 0n, end: 0x34000n } });
    kaslr = BigInt("0x" + manifest().kernel.kernel_offset);
  });
  afterAll(() => src?.close());

  it("has 2,170 DWARF 5 units", () => {
    const units = dwarf.units();
    expect(units).toHaveLength(2170);
    expect(units.every((u) => u.version === 5 && u.addrSize === 8)).toBe(true);
  });

  it("reads struct task_struct as `whatis task_struct` shows it", () => {
    const t = asStruct(ts.findType("task_struct", "struct"));
    const ref = reference("whatis-task_struct.txt");
    expect(t.size).toBe(Number(/SIZE: (\d+)/.exec(ref)![1]));
    expect(t.size).toBe(9728);
    expect(t.declaration).toBeUndefined();
    const expected = whatisMembers(ref);
    expect(t.members.map((m) => m.name)).toEqual(expected.map((m) => m.name));
    expect(t.members.map((m) => m.bitSize)).toEqual(expected.map((m) => m.bits));
    const comm = findMember(t, "comm")!;
    expect(comm.member.type).toMatchObject({ kind: "array", count: 16, element: { kind: "int", name: "char", char: true } });
    const pid = findMember(t, "pid")!;
    expect(pid.member.type).toMatchObject({ kind: "typedef", name: "pid_t", target: { kind: "typedef", name: "__kernel_pid_t" } });
    expect(resolveType(pid.member.type)).toEqual({ kind: "int", name: "int", size: 4, signed: true });
    expect(sizeOf(findMember(t, "tasks")!.member.type)).toBe(16);
  });

  it("reads struct list_head as `struct -o list_head` shows it", () => {
    const t = asStruct(ts.findType("list_head", "struct"));
    const ref = reference("struct-o-list_head.txt");
    const rows = [...ref.matchAll(/\[(\d+)\] struct list_head \*(\w+);/g)].map((m) => [m[2], Number(m[1]) * 8]);
    expect(rows).toHaveLength(2);
    expect(t.members.map((m) => [m.name, m.bitOffset])).toEqual(rows);
    expect(t.size).toBe(Number(/SIZE: (\d+)/.exec(ref)![1]));
    const next = t.members[0]!.type;
    expect(next.kind === "pointer" && next.target).toBe(t);
  });

  it("finds init_task and jiffies with their types and link-time addresses", () => {
    const init = ts.findVariable("init_task")!;
    const symAddr = BigInt("0x" + reference("sym-init_task.txt").split(" ")[0]);
    expect(init.address).toBe(symAddr - kaslr);
    expect(asStruct(init.type).name).toBe("task_struct");
    // jiffies is an alias made by the linker script (jiffies = jiffies_64): DWARF has only its declaration.
    const j = ts.findVariable("jiffies")!;
    expect(j.address).toBeUndefined();
    expect(j.type).toMatchObject({ kind: "volatile", target: { kind: "int", name: "long unsigned int", size: 8, signed: false } });
    const rq = ts.findVariable("runqueues")!;
    expect(rq).toMatchObject({ address: 0x31980n, perCpu: true }); // .symtab: runqueues = 0x31980
    expect(asStruct(rq.type).name).toBe("rq");
    expect(ts.findVariable("init_task")!.perCpu).toBeUndefined();
  });

  it("finds crash_kexec's address range as `dis crash_kexec` shows it", () => {
    const f = ts.findFunction("crash_kexec")!;
    const lines = reference("dis-crash_kexec.txt").trim().split("\n");
    const first = BigInt(lines[0]!.split(" ")[0]!);
    const last = BigInt(lines.at(-1)!.split(" ")[0]!);
    expect(f.lowPc).toBe(first - kaslr);
    expect(f.highPc).toBe(last + 1n - kaslr); // the last instruction is a 1-byte int3
    expect(f.type.params.map((p) => p.name)).toEqual(["regs"]);
    expect(f.type.returnType.kind).toBe("void");
  });

  it("finds enumerators", () => {
    expect(ts.findEnumerator("PIDTYPE_PID")?.value).toBe(0n);
    expect(ts.findEnumerator("PIDTYPE_PID")?.type.name).toBe("pid_type");
    expect(ts.findEnumerator("TASK_COMM_LEN")?.value).toBe(16n);
  });

  it("gives the file:line that `dis -l` and `bt -l` print", () => {
    const lines = new DwarfLines(dwarf);
    for (const n of [1, 2, 3, 4]) {
      const cmd = reference("commands.resolved.txt").split("\n").find((l) => l.startsWith(`dis-l-ra${n}|`))!;
      const addr = BigInt("0x" + /dis -l ([0-9a-f]+)/.exec(cmd)![1]);
      const row = lines.lineFor(addr - kaslr)!;
      expect(`${row.file}: ${row.line}`).toBe(reference(`dis-l-ra${n}.txt`).split("\n")[0]);
    }
    const bt = reference("bt-l.txt").split("\n");
    let checked = 0;
    bt.forEach((l, i) => {
      const m = / at ([0-9a-f]{16})$/.exec(l);
      if (!m || !/^\s+\S+: \d+$/.test(bt[i + 1] ?? "")) return;
      const row = lines.lineFor(BigInt("0x" + m[1]) - kaslr)!;
      expect(`    ${row.file}: ${row.line}`).toBe(bt[i + 1]);
      checked++;
    });
    expect(checked).toBeGreaterThan(10);
  });

  it("loads a serialized index back, and a split build merges to the same index", () => {
    const back = DwarfIndex.deserialize(sections, index.serialize());
    expect(back.count).toBe(index.count);
    for (const [n, k] of [["task_struct", IK_STRUCT], ["init_task", IK_VARIABLE], ["crash_kexec", IK_FUNCTION], ["page", IK_STRUCT]] as const) {
      expect(back.lookup(n, k)).toEqual(index.lookup(n, k));
    }
    // Split the first 300 units (a full second build would double the test's time) in 3 and merge.
    const head = { start: 0, end: dwarf.units()[300]!.offset };
    const whole = buildIndex(dwarf, head);
    // Byte ranges that cut through units: each unit belongs to the range its header starts in.
    const sub = [0, 1, 2].map((i) => ({ start: Math.floor((head.end * i) / 3), end: Math.floor((head.end * (i + 1)) / 3) }));
    const merged = mergeIndexes(sections, sub.map((r) => buildIndex(dwarf, r)));
    expect(merged.serialize()).toEqual(whole.serialize());
    for (let i = 0; i < whole.count; i += 97) {
      const name = whole.name(i);
      expect(merged.lookup(name, whole.kind[i]!)).toEqual(whole.lookup(name, whole.kind[i]!));
    }
  });
});
