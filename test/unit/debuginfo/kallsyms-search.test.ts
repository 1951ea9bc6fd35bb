// Finding kallsyms by the tables' shape, on images laid out as scripts/kallsyms.c writes them (both orders,
// both marker widths, with and without kallsyms_seqs_of_names), past a decoy, and on damaged images. The
// fixture's own tables are found the same way in test/unit/program/open-from-dump.test.ts.
import { describe, expect, it } from "vitest";
import { searchKallsyms } from "../../../src/core/debuginfo/kallsyms-search";
import type { ReadVirtual } from "../../../src/core/debuginfo/kallsyms";
import { InvalidAddressError } from "../../../src/core/io/errors";
import { buildKallsymsImage, someSymbols, type KallsymsImageOptions } from "../../fixtures/kallsyms-image";

const TEXT = 0xffffffff81000000n;
const accept = (t: { addressOf(n: string): bigint | undefined }) => t.addressOf("_stext") === TEXT;

describe("kallsyms found by shape", () => {
  const layouts: KallsymsImageOptions[] = [
    { order: "6.1", markerWidth: 8, relativeBase: TEXT },
    { order: "6.1", markerWidth: 4, relativeBase: TEXT },
    { order: "6.1", markerWidth: 4, seqs: true, relativeBase: TEXT },
    { order: "6.4", markerWidth: 4, relativeBase: TEXT },
  ];
  for (const l of layouts) {
    it(`finds and decodes the tables in ${l.order} order, ${l.markerWidth}-byte markers${l.seqs ? ", seqs_of_names" : ""}`, () => {
      const syms = someSymbols(1500, TEXT);
      const img = buildKallsymsImage(syms, l);
      const found = searchKallsyms(img.read, img.base, img.mem.length, accept);
      expect(found?.location).toEqual({ numSyms: img.at.numSyms, names: img.at.names, tokenTable: img.at.tokenTable, tokenIndex: img.at.tokenIndex, offsets: img.at.offsets, relativeBase: img.at.relativeBase });
      expect(found!.image.count).toBe(syms.length);
      for (const s of [syms[0]!, syms[1]!, syms[700]!, syms[1499]!]) expect(found!.image.symbolTable().lookup(s.name)?.address).toBe(s.address);
    });
  }

  it("answers undefined where there are no tables, and when the decoded table is not accepted", () => {
    const img = buildKallsymsImage(someSymbols(600, TEXT), { order: "6.1", markerWidth: 8, relativeBase: TEXT });
    expect(searchKallsyms(img.read, img.base, 0x3000, accept)).toBeUndefined(); // only the lead and the decoy
    expect(searchKallsyms(img.read, img.base, img.mem.length, () => false)).toBeUndefined();
  });

  it("survives damage: unreadable pages, a broken token index, a count that does not fit, markers that disagree", () => {
    const syms = someSymbols(900, TEXT);
    const damage: [string, (m: Uint8Array, at: ReturnType<typeof buildKallsymsImage>["at"], base: bigint) => void][] = [
      ["token index not increasing", (m, at, base) => m.fill(0, Number(at.tokenIndex - base) + 40, Number(at.tokenIndex - base) + 44)],
      ["num_syms off by one", (m, at, base) => new DataView(m.buffer).setUint32(Number(at.numSyms - base), syms.length + 1, true)],
      ["a marker moved", (m, at, base) => new DataView(m.buffer).setUint32(Number(at.markers - base) + 8, 7, true)],
      ["the first name's length zeroed", (m, at, base) => (m[Number(at.names - base)] = 0)],
    ];
    for (const [what, f] of damage) {
      const img = buildKallsymsImage(syms, { order: "6.1", markerWidth: 8, relativeBase: TEXT });
      f(img.mem, img.at, img.base);
      expect(searchKallsyms(img.read, img.base, img.mem.length, accept), what).toBeUndefined();
    }
    const img = buildKallsymsImage(syms, { order: "6.1", markerWidth: 8, relativeBase: TEXT });
    const holes: ReadVirtual = (addr, length) => {
      if ((addr - img.base) / 4096n === (img.at.names - img.base) / 4096n + 1n) throw new InvalidAddressError(addr, "page excluded");
      return img.read(addr, length);
    };
    expect(searchKallsyms(holes, img.base, img.mem.length, accept)).toBeUndefined();
  });
});
