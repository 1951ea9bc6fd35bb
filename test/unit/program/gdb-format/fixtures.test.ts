// The real kernel's types (the vmlinux's .BTF) and memory (dump.lzo) against crash 8.0.6's output.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../../src/cli/node-file-source";
import { formatMemberValues, formatPrint, formatStructValue, formatTypeDefinition } from "../../../../src/core/program/gdb-format/gdb-format";
import { findMember, type Type } from "../../../../src/core/debuginfo/types";
import { ElfFile } from "../../../../src/core/dump/elf";
import { openDump } from "../../../../src/core/dump/open";
import { openKernel, type OpenedKernel } from "../../../../src/core/program/open-kernel";
import { fixture, haveFixtures, manifest, reference } from "../../../fixtures";

let opened: OpenedKernel | undefined;
function kernel(): OpenedKernel {
  opened ??= openKernel(openDump(new NodeFileSource("dump.lzo", fixture("dump.lzo")!)), ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!)));
  return opened;
}

function valueOptions(k: OpenedKernel, address: bigint) {
  return {
    name: "task_struct",
    address,
    readMemory: (a: bigint, n: number): Uint8Array | undefined => {
      try {
        return k.program.read(a, n);
      } catch {
        return undefined;
      }
    },
    symbolize: (a: bigint): string | undefined => {
      const s = k.symbolTable.symbolAt(a);
      return s === undefined ? undefined : s.offset === 0 ? s.symbol.name : `${s.symbol.name}+${s.offset}`;
    },
  };
}

function taskStruct(k: OpenedKernel): Type {
  const t = k.btf!.findType("task_struct", "struct");
  if (!t) throw new Error("no struct task_struct in the BTF");
  return t;
}

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo", "reference/whatis-task_struct.txt"))("gdb-format on the fixture kernel", () => {
  it("whatis task_struct matches crash byte for byte", () => {
    expect(formatTypeDefinition(taskStruct(kernel()))).toBe(reference("whatis-task_struct.txt"));
  });

  it("struct -o list_head matches crash", () => {
    const t = kernel().btf!.findType("list_head", "struct")!;
    expect(formatTypeDefinition(t, { offsets: true })).toBe(reference("struct-o-list_head.txt"));
  });

  it("task PID's task_struct matches crash's `task` output line for line", () => {
    const k = kernel();
    const addr = BigInt("0x" + manifest().panic.task);
    const text = formatStructValue(taskStruct(k), k.program.read(addr, 9728), valueOptions(k, addr));
    // task-panic.txt: the PID header, the task_struct, a blank line, then struct thread_info (not ours).
    const ref = reference("task-panic.txt").split("\n");
    const end = ref.indexOf("", 1);
    expect(end).toBeGreaterThan(1000);
    expect(text.split("\n").slice(0, -1)).toEqual(ref.slice(1, end));
  });

  it("struct task_struct.pid,comm of init_task, p init_task.comm, p -x init_task.flags, p jiffies", () => {
    const k = kernel();
    const t = taskStruct(k);
    const initTask = k.program.symbolAddress("init_task");
    const bytes = k.program.read(initTask, 9728);
    expect(formatMemberValues(t, bytes, ["pid", "comm"], valueOptions(k, initTask))).toBe(reference("struct-task_struct-pid-comm.txt"));

    const comm = findMember(t, "comm")!;
    const commOff = comm.bitOffset / 8;
    expect(formatPrint(comm.member.type, bytes.subarray(commOff, commOff + 16), { history: 2 })).toBe(reference("p-init_task.comm.txt"));

    const flags = findMember(t, "flags")!;
    const flagsOff = flags.bitOffset / 8;
    expect(formatPrint(flags.member.type, bytes.subarray(flagsOff, flagsOff + 4), { history: 3, radix: 16 })).toBe(reference("p-x-init_task.flags.txt"));

    // BTF has no jiffies variable (it keeps only per-CPU ones); DWARF says `volatile unsigned long`.
    const jiffiesType: Type = { kind: "volatile", target: k.btf!.findType("long unsigned int", "base")! };
    const jiffies = k.program.read(k.program.symbolAddress("jiffies"), 8);
    expect(formatPrint(jiffiesType, jiffies, { history: 1, leader: "jiffies" })).toBe(reference("p-jiffies.txt"));
  });
});
