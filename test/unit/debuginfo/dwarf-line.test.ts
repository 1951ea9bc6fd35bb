import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { DwarfLines, readLineHeader } from "../../../src/core/debuginfo/dwarf/line";
import { DumpFormatError } from "../../../src/core/io/errors";
import { buildLineTable, ByteWriter, type LineSpec } from "../../fixtures/dwarf-builder";
import { sampleDwarf } from "../../fixtures/dwarf-sample";

const BASE = 0xffffffff81001000n;

function lineSpec(version: 4 | 5): LineSpec {
  return {
    version,
    dirs: ["/src", "include/linux", "/abs/dir"],
    files: [
      { name: "sample.c", dir: 0 },
      { name: "sample.c", dir: 0 },
      { name: "list.h", dir: 1 },
      { name: "abs.h", dir: 2 },
    ],
    sequences: [
      {
        start: BASE,
        rows: [
          { addrDelta: 0, line: 10, file: 1 },
          { addrDelta: 0x10, line: 20, file: 2 },
          { addrDelta: 0x8, line: 30, file: 3 },
          { addrDelta: 0x8, line: 11, file: 1 },
        ],
        end: BASE + 0x100n,
      },
    ],
  };
}

/** .debug_aranges with one set for the unit at offset 0 (DWARF 5 6.1.2). */
function aranges(start: bigint, length: bigint): Uint8Array {
  const w = new ByteWriter();
  w.u32(0).u16(2).u32(0).u8(8).u8(0).u32(0); // header + padding to 16
  w.u64(start).u64(length).u64(0n).u64(0n);
  w.patch32(0, w.length - 4);
  return w.out();
}

describe.each([4, 5] as const)("DWARF %i line table", (version) => {
  const s = sampleDwarf(version);
  const line = buildLineTable(lineSpec(version));

  it.each([true, false])("maps addresses to file:line (aranges: %s)", (withAranges) => {
    const lines = new DwarfLines(new Dwarf({ ...s, line, aranges: withAranges ? aranges(BASE, 0x100n) : undefined }));
    expect(lines.lineFor(BASE)).toMatchObject({ file: "/src/sample.c", line: 10, address: BASE });
    expect(lines.lineFor(BASE + 0x17n)).toMatchObject({ file: "/src/include/linux/list.h", line: 20, address: BASE + 0x10n });
    expect(lines.lineFor(BASE + 0x18n)).toMatchObject({ file: "/abs/dir/abs.h", line: 30 });
    expect(lines.lineFor(BASE + 0xffn)).toMatchObject({ file: "/src/sample.c", line: 11 });
    expect(lines.lineFor(BASE + 0x100n)).toBeUndefined();
    expect(lines.lineFor(BASE - 1n)).toBeUndefined();
    expect(lines.linesFor(BASE + 0x10n, BASE + 0x20n).map((r) => r.line)).toEqual([20, 30]);
  });

  it("refuses bad headers and truncated programs with format errors", () => {
    const dwarf = new Dwarf({ ...s, line: line.subarray(0, line.length - 5) });
    expect(() => readLineHeader(dwarf, 0, "/src", 8)).toThrow(/runs past the end/);
    const badVersion = line.slice();
    badVersion[4] = 9;
    expect(() => readLineHeader(new Dwarf({ ...s, line: badVersion }), 0, "/src", 8)).toThrow(/unsupported line table version 9/);
    // A program cut short inside an opcode: the length says less than the program holds.
    const cut = line.slice();
    new DataView(cut.buffer).setUint32(0, line.length - 4 - 2, true);
    expect(() => new DwarfLines(new Dwarf({ ...s, line: cut })).lineFor(BASE + 0xffn)).toThrow(DumpFormatError);
    // Without its end_sequence the last sequence covers nothing: no answer rather than a guess.
    new DataView(cut.buffer).setUint32(0, line.length - 4 - 3, true);
    expect(new DwarfLines(new Dwarf({ ...s, line: cut })).lineFor(BASE + 0xffn)).toBeUndefined();
    expect(() => new DwarfLines(new Dwarf({ ...s, line: undefined })).lineFor(BASE)).toThrow(/section needed but absent/);
  });
});

describe("DWARF line table corruption", () => {
  it("never throws anything but DumpFormatError on corrupted line programs, and always ends", () => {
    const s = sampleDwarf(5);
    const line = buildLineTable(lineSpec(5));
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(line.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), fc.bigInt({ min: 0n, max: 0x200n }), (flips, delta) => {
        const bytes = line.slice();
        for (const f of flips) bytes[f.at] = f.value;
        try {
          const lines = new DwarfLines(new Dwarf({ ...s, line: bytes }));
          void lines.lineFor(BASE + delta);
          void lines.linesFor(BASE, BASE + 0x100n);
        } catch (e) {
          if (!(e instanceof DumpFormatError)) throw e;
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
