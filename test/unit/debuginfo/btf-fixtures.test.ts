// The fixture vmlinux's .BTF against crash's output (reference/whatis-task_struct.txt,
// struct-o-list_head.txt, struct-task_struct-pid-comm.txt) and against init_task in the dump's memory.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { Btf, openBtf } from "../../../src/core/debuginfo/btf";
import { findMember, resolveType, sizeOf, type Member, type Type } from "../../../src/core/debuginfo/types";
import { ElfFile } from "../../../src/core/dump/elf";
import { openDump } from "../../../src/core/dump/open";
import { fixture, haveFixtures, reference } from "../../fixtures";

/** gdb prints GCC's base type names in their short form. */
const GDB_NAMES: Record<string, string> = {
  "long unsigned int": "unsigned long",
  "long int": "long",
  "long long unsigned int": "unsigned long long",
  "long long int": "long long",
  "short unsigned int": "unsigned short",
  "short int": "short",
};

/** A member declaration the way crash's `whatis` (gdb's ptype) writes it; enough for task_struct. */
function declare(t: Type, inner: string, indent: string): string {
  switch (t.kind) {
    case "void":
      return `void ${inner}`.trimEnd();
    case "int":
    case "float":
      return `${GDB_NAMES[t.name] ?? t.name} ${inner}`.trimEnd();
    case "typedef":
      return `${t.name} ${inner}`.trimEnd();
    case "struct":
    case "union":
    case "enum":
      if (t.name !== undefined) return `${t.kind} ${t.name} ${inner}`.trimEnd();
      if (t.kind === "enum") throw new Error("anonymous enum member");
      return `${t.kind} {\n${t.members.map((m) => `${indent}    ${member(m, indent + "    ")};\n`).join("")}${indent}} ${inner}`.trimEnd();
    case "pointer":
      return declare(t.target, `*${inner}`, indent);
    case "const":
    case "volatile":
      return `${t.kind} ${declare(t.target, inner, indent)}`;
    case "array":
      return declare(t.element, `${inner}[${t.count ?? ""}]`, indent);
    default:
      throw new Error(`cannot declare a ${t.kind} member`);
  }
}

function member(m: Member, indent: string): string {
  return declare(m.type, m.name ?? "", indent) + (m.bitSize !== undefined ? ` : ${m.bitSize}` : "");
}

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo", "reference/whatis-task_struct.txt"))("vmlinux .BTF", () => {
  if (!haveFixtures("vmlinux", "dump.lzo", "reference/whatis-task_struct.txt")) return; // skipped: nothing to open while collecting
  const open = (): { btf: Btf; offset: number; size: number } => {
    const elf = ElfFile.open(new NodeFileSource(fixture("vmlinux")!));
    const header = elf.sectionHeader(".BTF")!;
    return { btf: openBtf(elf.section(header)!, { file: "vmlinux .BTF", fileOffset: header.offset }), offset: header.offset, size: header.size };
  };
  const { btf, size } = open();

  it("opens the section and indexes it", () => {
    expect(size).toBeGreaterThan(3_900_000);
    expect(btf.lastId).toBeGreaterThan(50_000);
    expect(btf.findType("int", "base")).toEqual({ kind: "int", name: "int", size: 4, signed: true });
    expect(btf.findType("char", "base")).toMatchObject({ size: 1, char: true });
    expect(btf.findType("_Bool", "base")).toMatchObject({ size: 1, bool: true });
  });

  it("declares struct task_struct exactly as crash's whatis does", () => {
    const lines = reference("whatis-task_struct.txt").trimEnd().split("\n");
    const t = btf.findType("task_struct", "struct")!;
    expect(t.kind).toBe("struct");
    if (t.kind !== "struct") return;
    const ours = ["struct task_struct {", ...t.members.flatMap((m) => `    ${member(m, "    ")};`.split("\n")), "}", `SIZE: ${t.size}`];
    expect(ours).toEqual(lines);
    expect(t.size).toBe(9728);
    expect(sizeOf(t)).toBe(9728);
  });

  it("lays out struct list_head as crash's struct -o", () => {
    // reference/struct-o-list_head.txt: [0] next, [8] prev, SIZE: 16
    const ref = reference("struct-o-list_head.txt");
    const t = btf.findType("list_head", "struct")!;
    if (t.kind !== "struct") throw new Error("not a struct");
    const rows = t.members.map((m) => `   [${m.bitOffset / 8}] ${member(m, "")};`);
    expect(["struct list_head {", ...rows, "}", `SIZE: ${t.size}`].join("\n")).toBe(ref.trimEnd());
    const next = t.members[0]!.type;
    expect(next.kind === "pointer" && next.target).toBe(t);
  });

  it("places pid and comm where init_task holds pid 0 and \"swapper/0\" in the dump", () => {
    // reference/struct-task_struct-pid-comm.txt: pid = 0, comm = "swapper/0\000..."; init_task is at
    // physical 0x2001aa40 (fixtures README).
    const t = btf.findType("task_struct", "struct")!;
    const pid = findMember(t, "pid")!;
    const tgid = findMember(t, "tgid")!;
    const comm = findMember(t, "comm")!;
    expect(resolveType(pid.member.type)).toMatchObject({ kind: "int", size: 4, signed: true });
    expect(sizeOf(comm.member.type)).toBe(16);
    const dump = openDump(new NodeFileSource(fixture("dump.lzo")!));
    const INIT_TASK_PHYS = 0x2001aa40;
    const bytes = dump.readPhys(INIT_TASK_PHYS, 9728);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getInt32(pid.bitOffset / 8, true)).toBe(0);
    expect(view.getInt32(tgid.bitOffset / 8, true)).toBe(0);
    const commBytes = bytes.subarray(comm.bitOffset / 8, comm.bitOffset / 8 + 16);
    expect(String.fromCharCode(...commBytes)).toBe("swapper/0\0\0\0\0\0\0\0");
    const ref = reference("struct-task_struct-pid-comm.txt");
    expect(ref).toContain('comm = "swapper/0\\000');
    // a cross-check that the offsets are not trivially right: the member before comm is a pointer
    const idx = (t as { members: readonly Member[] }).members.findIndex((m) => m.name === "comm");
    expect((t as { members: readonly Member[] }).members[idx - 1]!.name).toBe("cached_requested_key");
  });

  it("answers the other questions: enumerators, per-CPU variables, functions", () => {
    expect(btf.findEnumerator("PIDTYPE_PID")).toMatchObject({ value: 0n, type: { kind: "enum", name: "pid_type" } });
    expect(btf.findEnumerator("PIDTYPE_MAX")?.value).toBe(4n);
    // runqueues is per-CPU at 0x31980 (crash: `31980 (D) runqueues` in sym -l)
    expect(btf.findVariable("runqueues")).toMatchObject({ address: 0x31980n, perCpu: true, type: { kind: "struct", name: "rq" } });
    expect(btf.findVariable("init_task")).toBeUndefined(); // not per-CPU: BTF has no VAR for it
    const f = btf.findFunction("crash_kexec");
    expect(f?.type.params.map((p) => p.name)).toEqual(["regs"]);
    expect(f?.type.returnType).toEqual({ kind: "void" });
    expect(btf.findFunction("__x64_sys_getdents64")).toBeDefined();
  });
});
