import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { BytesSource } from "../../../src/core/io/byte-source";
import { DumpFormatError, TruncatedError } from "../../../src/core/io/errors";
import { FlattenedSource, isFlattened } from "../../../src/core/dump/flattened";
import { DiskdumpVmcore } from "../../../src/core/dump/diskdump";
import { buildDiskdump, flatten, initBuilderCodecs, testPage, firstDifference } from "../../fixtures/diskdump-builder";

function source(bytes: Uint8Array, name = "test.flat"): FlattenedSource {
  return new FlattenedSource(new BytesSource(name, bytes));
}

/** A plain file with recognisable bytes and a run of zeros in the middle. */
function plainFile(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 9)) & 0xff;
  b.fill(0, Math.floor(size / 3), Math.floor(size / 3) + 9000);
  return b;
}

/** Sets a record header field (big-endian int64) in a flattened file. */
function setField(bytes: Uint8Array, at: number, value: bigint): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setBigInt64(at, value, false);
  return copy;
}

describe("FlattenedSource", () => {
  const plain = plainFile(50_000);

  for (const options of [{}, { recordSize: 1000, shuffleSeed: 3 }, { recordSize: 777, shuffleSeed: 9, skipZero: true }, { recordSize: 65536 }]) {
    it(`reads the rearranged file in place (${JSON.stringify(options)})`, () => {
      const flat = flatten(plain, options);
      const src = source(flat.bytes);
      expect(isFlattened(flat.bytes)).toBe(true);
      expect(src.size).toBe(plain.length);
      expect(src.recordCount).toBe(flat.recordHeaders.length);
      expect(firstDifference(src.read(0, plain.length), plain)).toBe(-1);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: plain.length }), fc.integer({ min: 0, max: 9000 }), (off, len) => {
          const n = Math.min(len, plain.length - off);
          expect(firstDifference(src.read(off, n), plain.subarray(off, off + n))).toBe(-1);
        }),
        { seed: 42, numRuns: 300 },
      );
    });
  }

  it("maps logical offsets to the physical offsets of the records", () => {
    const flat = flatten(plain, { recordSize: 1000 });
    const src = source(flat.bytes);
    expect(src.physicalOffset(0)).toBe(4096 + 16);
    expect(src.physicalOffset(1500)).toBe(flat.recordHeaders[1]! + 16 + 500);
    expect(src.segmentCount).toBe(50);
  });

  it("reads holes no record covers as zeros", () => {
    const flat = flatten(plain, { recordSize: 1000, skipZero: true });
    const src = source(flat.bytes);
    const hole = Math.floor(50_000 / 3) + 2000;
    expect(src.physicalOffset(hole)).toBeNull();
    expect(src.read(hole - 100, 200)).toEqual(plain.subarray(hole - 100, hole + 100));
  });

  it("lets a later record rewrite an earlier one, as makedumpfile -R does", () => {
    const patch = new Uint8Array(300).fill(0xab);
    const flat = flatten(plain, { recordSize: 1000, shuffleSeed: 5, rewrites: [{ offset: 1900, bytes: patch }, { offset: 2000, bytes: new Uint8Array([1, 2, 3]) }] });
    const src = source(flat.bytes);
    const want = plain.slice();
    want.set(patch, 1900);
    want.set([1, 2, 3], 2000);
    expect(firstDifference(src.read(0, plain.length), want)).toBe(-1);
    // [1900,2200) overlaps [1000,2000); [2000,3000) and [2000,2003) start before 2200.
    expect(src.overlaps).toBe(3);
  });

  it("indexes a file of many small records quickly and correctly", () => {
    const big = plainFile(400_000);
    const flat = flatten(big, { recordSize: 64, shuffleSeed: 11 });
    const src = source(flat.bytes);
    expect(src.recordCount).toBe(6250);
    expect(firstDifference(src.read(123_457, 100_000), big.subarray(123_457, 223_457))).toBe(-1);
  });

  describe("bad input", () => {
    const flat = flatten(plain, { recordSize: 1000 });

    it("a file cut anywhere gives TruncatedError naming the file and offset", () => {
      const cuts = [4095, 4096, 4100, 4111, 4112, 4500, ...flat.recordHeaders.slice(1, 6), flat.recordHeaders[7]! + 8, flat.bytes.length - 1, flat.bytes.length - 16];
      for (let c = 4096; c < flat.bytes.length; c += 997) cuts.push(c);
      for (const cut of cuts) {
        const f = () => source(flat.bytes.subarray(0, cut), "cut.flat");
        expect(f, `cut at ${cut}`).toThrow(TruncatedError);
        expect(f).toThrow(/^cut\.flat: offset 0x[0-9a-f]+: truncated/);
      }
    });

    it("rejects negative, zero and absurd record fields", () => {
      const h = flat.recordHeaders[3]!;
      const cases: Array<[number, bigint, RegExp]> = [
        [h, -5n, /offset 0x[0-9a-f]+: record offset -5 is invalid/],
        [h, -1n, /record offset -1 is invalid/],
        [h, 1n << 62n, /record offset out of range/],
        [h + 8, 0n, /record buf_size 0 is invalid/],
        [h + 8, -1000n, /record buf_size -1000 is invalid/],
        [h + 8, 1n << 40n, /truncated/],
        [h + 8, 1n << 60n, /record buf_size out of range/],
      ];
      for (const [at, value, message] of cases) {
        const f = () => source(setField(flat.bytes, at, value));
        expect(f).toThrow(DumpFormatError);
        expect(f).toThrow(message);
      }
      const nearEnd = setField(setField(flat.bytes, h, (1n << 53n) - 10n), h + 8, 1000n);
      expect(() => source(nearEnd)).toThrow(/ends past 2\^53/);
    });

    it("rejects a missing end marker, a bad type or version, and files that are not flattened", () => {
      expect(() => source(flatten(plain, { noEndMarker: true }).bytes)).toThrow(TruncatedError);
      expect(() => source(setField(flat.bytes, 16, 2n))).toThrow(/makedumpfile_header\.type is 2/);
      expect(() => source(setField(flat.bytes, 24, 7n))).toThrow(/version 7 is not supported/);
      const notFlat = plain.slice(0, 8192);
      expect(isFlattened(notFlat)).toBe(false);
      expect(() => source(notFlat)).toThrow(/not a flattened dump/);
      expect(() => source(new Uint8Array(10))).toThrow(TruncatedError);
    });

    it("random corruption of record headers gives only DumpFormatError, never another exception or a hang", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 255 }), (rec, byte, value) => {
          const bytes = flat.bytes.slice();
          bytes[flat.recordHeaders[rec]! + byte] = value;
          try {
            const src = source(bytes);
            src.read(0, Math.min(src.size, 60_000));
          } catch (e) {
            expect(e).toBeInstanceOf(DumpFormatError);
          }
        }),
        { seed: 1234, numRuns: 400 },
      );
    });
  });
});

describe("DiskdumpVmcore over a flattened file", () => {
  beforeAll(async () => {
    await initBuilderCodecs();
  });

  it("reads the same pages as the plain file it flattens, with kind 'flattened'", () => {
    const pages = new Map<number, Uint8Array>();
    for (let p = 0; p < 300; p++) if (p % 7 !== 3) pages.set(p, testPage(p));
    const built = buildDiskdump({ pages, excluded: [3, 10], compression: "zstd", vmcoreinfo: "OSRELEASE=x\n", cpus: 1 });
    const flat = flatten(built.bytes, { recordSize: 3000, shuffleSeed: 1, skipZero: true });
    const dump = DiskdumpVmcore.open(new BytesSource("d.flat", flat.bytes));
    expect(dump.format.kind).toBe("flattened");
    expect(dump.format.description).toBe("makedumpfile flattened format of kdump-compressed (diskdump) version 6");
    expect(dump.source.name).toBe("d.flat (rearranged)");
    expect(dump.container.name).toBe("d.flat");
    for (const [pfn, page] of pages) expect(firstDifference(dump.readPage(pfn), page)).toBe(-1);
    expect(dump.pageState(3)).toBe("excluded");
    expect(dump.pageState(17)).toBe("absent");
    expect(dump.pageStats()).toMatchObject({ present: pages.size, excluded: 2, byCompression: { zstd: pages.size } });
  });
});
