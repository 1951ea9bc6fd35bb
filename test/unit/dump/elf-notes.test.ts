import { describe, expect, it } from "vitest";
import { interpretNotes, MAX_NOTES, NT_PRSTATUS, NT_VMCOREINFO_TYPE, parseNotes } from "../../../src/core/dump/elf-notes";
import { DumpFormatError } from "../../../src/core/io/errors";
import { buildNotes, concat, prstatusDesc, vmcoreinfoDesc } from "../../fixtures/elf-builder";

const FILE = "core.elf";
const BASE = 0x4d8;

function expectFormatError(f: () => unknown, offset: number, reason: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DumpFormatError);
    const err = e as DumpFormatError;
    expect(err.file).toBe(FILE);
    expect(err.offset).toBe(offset);
    expect(err.message).toMatch(new RegExp(`^${FILE}: offset 0x${offset.toString(16)}: `));
    expect(err.reason).toMatch(reason);
    return;
  }
  throw new Error("expected a DumpFormatError");
}

describe("parseNotes", () => {
  const bytes = buildNotes([
    { name: "CORE", type: NT_PRSTATUS, desc: new Uint8Array([1, 2, 3, 4, 5]) },
    { name: "VMCOREINFO", type: 0, desc: vmcoreinfoDesc("OSRELEASE=6.1.0\n") },
    { name: "QEMU", type: 0, desc: new Uint8Array(0) },
  ]);

  it("reads names, types, descriptors (as views) and the file offset of each descriptor", () => {
    const notes = parseNotes(bytes, FILE, BASE);
    expect(notes.map((n) => [n.name, n.type, n.desc.length])).toEqual([
      ["CORE", 1, 5],
      ["VMCOREINFO", 0, 16],
      ["QEMU", 0, 0],
    ]);
    // CORE\0 pads to 8: desc at 12 + 8; the second note starts at 20 + 8 (5 padded to 8).
    expect(notes[0]!.offset).toBe(BASE + 20);
    expect(Array.from(notes[0]!.desc)).toEqual([1, 2, 3, 4, 5]);
    expect(notes[1]!.offset).toBe(BASE + 28 + 12 + 12);
    expect(notes[0]!.desc.buffer).toBe(bytes.buffer);
  });

  it("stops at an all-zero header (the kernel's per-CPU terminator) and at trailing zero padding", () => {
    const withTerm = concat([bytes, new Uint8Array(12), buildNotes([{ name: "X", type: 9, desc: new Uint8Array(4) }])]);
    expect(parseNotes(withTerm, FILE, 0)).toHaveLength(3);
    expect(parseNotes(concat([bytes, new Uint8Array(7)]), FILE, 0)).toHaveLength(3);
  });

  it("honours 8-byte alignment when asked", () => {
    const a = new Uint8Array(12 + 8 + 8 + 12 + 4 + 4);
    const v = new DataView(a.buffer);
    v.setUint32(0, 4, true); // "GNU\0"
    v.setUint32(4, 3, true);
    v.setUint32(8, 5, true);
    a.set([0x47, 0x4e, 0x55, 0], 12);
    a.set([7, 7, 7], 20);
    v.setUint32(28, 2, true);
    v.setUint32(32, 0, true);
    v.setUint32(36, 6, true);
    a.set([0x41, 0], 40);
    const notes = parseNotes(a, FILE, 0, { align: 8 });
    expect(notes.map((n) => [n.name, n.type, n.offset])).toEqual([
      ["GNU", 5, 20],
      ["A", 6, 48],
    ]);
  });

  it("reads big-endian headers", () => {
    const be = buildNotes([{ name: "GNU", type: 3, desc: new Uint8Array([0xab]) }], false);
    expect(parseNotes(be, FILE, 0, { littleEndian: false })[0]).toMatchObject({ name: "GNU", type: 3 });
  });

  it("rejects a truncated header that is not zero padding", () => {
    expectFormatError(() => parseNotes(concat([bytes, new Uint8Array([1, 0, 0])]), FILE, BASE), BASE + bytes.length, /note header truncated/);
  });

  it("rejects a name size that is absurd or runs past the end", () => {
    const big = bytes.slice();
    new DataView(big.buffer).setUint32(0, 0x10000, true);
    expectFormatError(() => parseNotes(big, FILE, BASE), BASE, /name size/);
    const past = bytes.slice(0, 40);
    new DataView(past.buffer).setUint32(28 + 0, 200, true);
    expectFormatError(() => parseNotes(past, FILE, BASE), BASE + 28, /name .* runs past/);
  });

  it("rejects a descriptor that runs past the end, including sizes near 2^32", () => {
    for (const descsz of [100, 0xffffffff, 0x80000000]) {
      const b = bytes.slice();
      new DataView(b.buffer).setUint32(4, descsz, true);
      expectFormatError(() => parseNotes(b, FILE, BASE), BASE + 4, /descriptor .* runs past/);
    }
  });

  it("caps the number of notes", () => {
    const one = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]); // namesz 0, descsz 0, type 1
    const many = new Uint8Array(12 * (MAX_NOTES + 1));
    for (let i = 0; i <= MAX_NOTES; i++) many.set(one, i * 12);
    expectFormatError(() => parseNotes(many, FILE, 0), 12 * MAX_NOTES, /more than/);
    expect(parseNotes(many.subarray(12), FILE, 0)).toHaveLength(MAX_NOTES);
  });

  it("never throws anything but DumpFormatError on corrupted input", () => {
    let errors = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0, 3, 7]) {
        const b = bytes.slice();
        b[i]! ^= 1 << bit;
        try {
          parseNotes(b, FILE, BASE);
        } catch (e) {
          expect(e).toBeInstanceOf(DumpFormatError);
          errors++;
        }
      }
      try {
        parseNotes(bytes.subarray(0, i), FILE, BASE);
      } catch (e) {
        expect(e).toBeInstanceOf(DumpFormatError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(10);
  });
});

describe("interpretNotes", () => {
  it("finds VMCOREINFO and numbers PRSTATUS notes as CPUs, keeping other notes out", () => {
    const bytes = buildNotes([
      { name: "CORE", type: NT_PRSTATUS, desc: prstatusDesc(304, { rip: 0xffffffffc05dc05en, rsp: 0x1000n }) },
      { name: "QEMU", type: 0, desc: new Uint8Array(0x1b0) },
      { name: "CORE", type: 2, desc: new Uint8Array(512) },
      { name: "CORE", type: NT_PRSTATUS, desc: new Uint8Array(100) }, // too short: skipped
      { name: "CORE", type: NT_PRSTATUS, desc: prstatusDesc(0, { rip: 0xffffffff81000000n }) },
      { name: "VMCOREINFO", type: NT_VMCOREINFO_TYPE, desc: vmcoreinfoDesc("OSRELEASE=6.1.0-50-cloud-amd64\nPAGESIZE=4096\n") },
      { name: "VMCOREINFO", type: NT_VMCOREINFO_TYPE, desc: vmcoreinfoDesc("OSRELEASE=second\n") },
    ]);
    const { vmcoreinfo, cpus } = interpretNotes(parseNotes(bytes, FILE, 0));
    expect(vmcoreinfo?.osrelease).toBe("6.1.0-50-cloud-amd64");
    expect(vmcoreinfo?.pageSize).toBe(4096);
    expect(cpus.map((c) => [c.cpu, c.pid, c.regs.rip])).toEqual([
      [0, 304, 0xffffffffc05dc05en],
      [1, 0, 0xffffffff81000000n],
    ]);
    expect(cpus[0]!.regs.rsp).toBe(0x1000n);
  });

  it("gives null VMCOREINFO and no CPUs when the notes have none", () => {
    expect(interpretNotes([])).toEqual({ vmcoreinfo: null, cpus: [] });
  });
});
