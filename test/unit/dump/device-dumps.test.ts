// Device dumps (NT_VMCOREDD notes) as crash's dev -V and dev -v show them: the data's file offset is 64 bytes
// past the note's start (struct vmcoredd_header), the size the descriptor's less the 44-byte name.
import { describe, expect, it } from "vitest";
import { deviceDumps, NT_VMCOREDD } from "../../../src/core/dump/device-dumps";
import { parseNotes } from "../../../src/core/dump/elf-notes";
import { formatDev } from "../../../src/core/commands/system/dev-format";

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name + "\0");
  const pad = (n: number): number => (n + 3) & ~3;
  const out = new Uint8Array(12 + pad(nameBytes.length) + pad(desc.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, nameBytes.length, true);
  dv.setUint32(4, desc.length, true);
  dv.setUint32(8, type, true);
  out.set(nameBytes, 12);
  out.set(desc, 12 + pad(nameBytes.length));
  return out;
}

function vmcoredd(dumpName: string, data: number[]): Uint8Array {
  const desc = new Uint8Array(44 + data.length);
  desc.set(new TextEncoder().encode(dumpName));
  desc.set(data, 44);
  return note("LINUX", NT_VMCOREDD, desc);
}

describe("device dumps", () => {
  const first = vmcoredd("nic-regs", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const other = note("CORE", 1, new Uint8Array(16));
  const short = note("LINUX", NT_VMCOREDD, new Uint8Array(10));
  const second = vmcoredd("fw", [0x41, 0x42]);
  const bytes = new Uint8Array([...first, ...other, ...short, ...second]);
  const notes = parseNotes(bytes, "vmcore", 0x1000);

  it("finds each NT_VMCOREDD note, its name, its data's offset and size; leaves out one too short for a name", () => {
    const dumps = deviceDumps(notes);
    expect(dumps.map((d) => [d.index, d.name, d.offset, d.size])).toEqual([
      [0, "nic-regs", 0x1000 + 64, 12],
      [1, "fw", 0x1000 + first.length + other.length + short.length + 64, 2],
    ]);
    expect([...dumps[0]!.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("dev -V's table and dev -v's words are crash's layout", () => {
    expect(formatDev({ kind: "deviceDumps", dumps: [{ index: 0, name: "nic-regs", offset: 0x1040, size: 12 }], problems: [] })).toBe(
      "INDEX  OFFSET             SIZE             NAME\n  0    0x1040             12               nic-regs\n",
    );
    const text = formatDev({ kind: "deviceDump", name: "fw", offset: 0x1040, bytes: new Uint8Array([0x41, 0x42, 0, 0, 0, 0, 0, 0]), problems: [] });
    expect(text.split("\n")[0]).toBe("DEVICE: fw");
    expect(text.split("\n")[1]).toMatch(/^ {12}1040: {2}0000000000004241 +AB\.{6}$/);
  });
});
