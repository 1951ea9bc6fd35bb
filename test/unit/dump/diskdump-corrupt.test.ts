// Hostile input: every damaged file gives DumpFormatError (TruncatedError is one) or CorruptPageError naming
// the file and the offset or page, never another exception and never a hang.
import { Buffer } from "node:buffer";
import { ExcludedPageError } from "../../../src/core/io/errors";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { BytesSource } from "../../../src/core/io/byte-source";
import { CorruptPageError, DumpFormatError, TruncatedError } from "../../../src/core/io/errors";
import { DiskdumpVmcore } from "../../../src/core/dump/diskdump";
import { buildDiskdump, flatten, initBuilderCodecs, testPage, CODEC_FLAG, type BuildCodec, type BuiltDiskdump } from "../../fixtures/diskdump-builder";
import { lzoTestCompress } from "../codec/lzo-encoder";

const NAME = "bad.kdump";
type Outcome = "ok" | "format" | "truncated" | "corrupt";

/** Opens the file and reads everything it claims to hold; returns what happened or fails on a wrong error. */
function exercise(bytes: Uint8Array, name = NAME): Outcome {
  try {
    const dump = DiskdumpVmcore.open(new BytesSource(name, bytes));
    void dump.memoryRanges;
    dump.pageStats();
    // A scan's read (readPageTransient, on an instance of its own): the same bytes or the same error as readPage.
    const scan = DiskdumpVmcore.open(new BytesSource(name, bytes));
    let corrupt = false;
    for (let pfn = 0; pfn < Math.min(dump.maxPfn, 1 << 16); pfn++) {
      if (dump.pageState(pfn) !== "present") continue;
      let page: Uint8Array | undefined;
      let error: CorruptPageError | undefined;
      try {
        page = dump.readPage(pfn);
      } catch (e) {
        if (!(e instanceof CorruptPageError)) throw e;
        expect(e.message.startsWith(`${dump.source.name}: page 0x${pfn.toString(16)} `), e.message).toBe(true);
        error = e;
        corrupt = true;
      }
      if (error) expect(() => scan.readPageTransient(pfn)).toThrow(error.message);
      else {
        // Compared as bytes (toEqual walks a typed array element by element: minutes over the fuzz runs).
        if (Buffer.compare(scan.readPageTransient(pfn), page!) !== 0) expect.fail(`pfn 0x${pfn.toString(16)}: readPageTransient's bytes differ from readPage's`);
      }
    }
    return corrupt ? "corrupt" : "ok";
  } catch (e) {
    if (!(e instanceof DumpFormatError)) throw new Error(`unexpected ${String(e)}`, { cause: e });
    // A flattened file's own errors give physical offsets; errors inside it, logical ones ("(rearranged)").
    expect(e.message).toMatch(new RegExp(`^${name.replace(/[.()]/g, "\\$&")}( \\(rearranged\\))?: offset 0x[0-9a-f]+: `));
    return e instanceof TruncatedError ? "truncated" : "format";
  }
}

function sample(codec: BuildCodec = "zlib"): BuiltDiskdump {
  const pages = new Map<number, Uint8Array>();
  for (let p = 0; p < 24; p++) if (p % 5 !== 2) pages.set(p, testPage(p));
  for (let p = 100; p < 110; p++) pages.set(p, testPage(p));
  return buildDiskdump({ pages, excluded: [2, 7, 12], maxMapnr: 128, compression: codec, cpus: 2, vmcoreinfo: "OSRELEASE=6.1.0-x\n" });
}

function withU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(at, value >>> 0, true);
  return copy;
}

function withU64(bytes: Uint8Array, at: number, value: bigint): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setBigUint64(at, BigInt.asUintN(64, value), true);
  return copy;
}

beforeAll(async () => {
  await initBuilderCodecs();
});

describe("diskdump: bad input", () => {
  it("a file cut at any offset fails with the file and offset, or reads what is left", () => {
    const built = sample();
    const len = built.bytes.length;
    const cuts = new Set([0, 1, 7, 8, 100, 0x1cf, 0x1d0, 4095, 4096, 4096 + 0x67, built.noteOffset + 5, built.bitmap1Offset, built.bitmap2Offset + 3, built.dataOffset - 1]);
    for (let c = 0; c < len; c += 211) cuts.add(c);
    for (const off of built.pageOffset.values()) cuts.add(off + 1);
    for (const off of built.descOffset.values()) cuts.add(off + 10);
    const seen = new Set<Outcome>();
    for (const cut of cuts) {
      const outcome = exercise(built.bytes.subarray(0, cut));
      seen.add(outcome);
      // Cut in the headers, bitmaps or descriptors' start: an error naming the offset. Cut later: the file is
      // read as cut short, the pages whose data is gone are excluded and every other page reads.
      if (cut < built.dataOffset) expect(["format", "truncated"], `cut at ${cut}`).toContain(outcome);
      else expect(outcome, `cut at ${cut}`).toBe("ok");
    }
    expect([...seen].sort()).toEqual(["format", "ok", "truncated"]);
  });

  it("zeroed header fields give a typed error or a dump that still reads", () => {
    const built = sample();
    // disk_dump_header fields, then kdump_sub_header fields (block 1).
    const fields: Array<[number, number]> = [[0, 8], [8, 4], [0x0c, 65], [0x198, 16], [0x1a8, 4], [0x1ac, 4], [0x1b0, 4], [0x1b4, 4], [0x1b8, 4], [0x1cc, 4]];
    for (let f = 0; f < 0x68; f += 8) fields.push([4096 + f, 8]);
    const seen = new Set<Outcome>();
    for (const [at, n] of fields) {
      const bytes = built.bytes.slice();
      bytes.fill(0, at, at + n);
      seen.add(exercise(bytes));
    }
    expect(seen.has("format")).toBe(true);
    expect(seen.has("ok")).toBe(true);
  });

  it("rejects out-of-range header fields with the field's offset", () => {
    const b = sample().bytes;
    const cases: Array<[Uint8Array, RegExp]> = [
      [withU32(b, 0x08, 7), /offset 0x8: unsupported header_version 7/],
      [withU32(b, 0x08, -1), /offset 0x8: unsupported header_version -1/],
      [withU32(b, 0x1ac, 0), /offset 0x1ac: block_size 0 is not a page size/],
      [withU32(b, 0x1ac, 3000), /block_size 3000/],
      [withU32(b, 0x1ac, 1 << 24), /block_size 16777216/],
      [withU32(b, 0x1b0, 0), /offset 0x1b0: sub_hdr_size 0 blocks/],
      [withU32(b, 0x1b4, 0), /offset 0x1b4: bitmap_blocks 0/],
      [withU32(b, 0x1b4, 0xffffffff), /bitmap_blocks 4294967295/],
      [withU32(b, 0x1b4, 64), /truncated/],
      [withU64(b, 4096 + 0x60, 1_000_000n), /offset 0x1060: max_mapnr 1000000 needs more than the 32768 bits/],
      [withU64(b, 4096 + 0x60, 1n << 60n), /offset 0x1060: max_mapnr_64 too large/],
      [withU64(b, 4096 + 0x30, BigInt(b.length)), /truncated/],
      [withU64(b, 4096 + 0x38, 1n << 40n), /offset 0x1038: ELF notes size 1099511627776 is larger/],
      [withU64(b, 4096 + 0x28, 5_000_000n), /offset 0x1028: VMCOREINFO size 5000000 is larger/],
      [withU64(b, 4096 + 0x20, -1n), /offset_vmcoreinfo too large/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => DiskdumpVmcore.open(new BytesSource(NAME, bytes))).toThrow(message);
      expect(exercise(bytes)).not.toBe("ok");
    }
  });

  it("random bit flips in headers, notes, bitmaps and descriptors never escape as other exceptions", () => {
    const built = sample("snappy");
    const end = built.dataOffset + built.descOffset.size * 24;
    const seen = new Set<Outcome>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: end - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
        const bytes = built.bytes.slice();
        bytes[at]! ^= 1 << bit;
        seen.add(exercise(bytes));
      }),
      { seed: 20240601, numRuns: 400 },
    );
    expect(seen.has("ok")).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  it("random byte damage anywhere in a flattened dump never escapes as other exceptions", () => {
    const flat = flatten(sample("zstd").bytes, { recordSize: 2048, shuffleSeed: 4 }).bytes;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: flat.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const bytes = flat.slice();
        bytes[at] = value;
        exercise(bytes, "bad.flat");
      }),
      { seed: 77, numRuns: 300 },
    );
  });

  for (const codec of ["zlib", "snappy", "zstd", "lzo"] as BuildCodec[]) {
    it(`a damaged ${codec} page gives CorruptPageError with the pfn and the page's offset`, () => {
      const pages = new Map<number, Uint8Array>([[5, testPage(5)], [6, testPage(6)]]);
      const precompressed = codec === "lzo" ? new Map([...pages].map(([p, d]) => [p, { flags: CODEC_FLAG.lzo, bytes: lzoTestCompress(d) }])) : undefined;
      const built = buildDiskdump({ pages, compression: codec, precompressed });
      const off = built.pageOffset.get(5)!;
      const desc = built.descOffset.get(5)!;
      const size = new DataView(built.bytes.buffer).getUint32(desc + 8, true);
      expect(built.pageFlags.get(5)).toBe(CODEC_FLAG[codec]);
      // The compressed stream cut in half.
      const halved = withU32(built.bytes, desc + 8, size >> 1);
      const open = (b: Uint8Array) => DiskdumpVmcore.open(new BytesSource(NAME, b));
      expect(() => open(halved).readPage(5)).toThrow(CorruptPageError);
      expect(() => open(halved).readPage(5)).toThrow(new RegExp(`^bad\\.kdump: page 0x5 \\(physical 0x5000\\) at offset 0x${off.toString(16)}: ${codec} page`));
      expect(() => open(halved).readPageTransient(5)).toThrow(CorruptPageError);
      expect(() => open(halved).readPageTransient(5)).toThrow(new RegExp(`^bad\\.kdump: page 0x5 \\(physical 0x5000\\) at offset 0x${off.toString(16)}: ${codec} page`));
      // The stream overwritten with garbage: an error, or (snappy/lzo have no checksum) bytes that are not the page.
      const garbage = built.bytes.slice();
      garbage.fill(0xa5, off, off + size);
      try {
        expect(open(garbage).readPage(5)).not.toEqual(testPage(5));
      } catch (e) {
        expect(e).toBeInstanceOf(CorruptPageError);
      }
      expect(open(built.bytes).readPage(6)).toEqual(testPage(6));
    });
  }

  it("rejects page descriptors that point outside the file or make no sense", () => {
    const built = sample();
    const d = built.descOffset.get(5)!;
    const len = built.bytes.length;
    const cases: Array<[Uint8Array, RegExp]> = [
      [withU64(built.bytes, d, BigInt(len)), /page 0x5 .*: page data \[0x[0-9a-f]+, \+\d+\) lies past the end of the file/],
      [withU64(built.bytes, d, BigInt(len - 10)), /lies past the end of the file/],
      [withU64(built.bytes, d, -4096n), /lies past the end of the file/],
      [withU64(built.bytes, d, 0n), /page descriptor has offset 0/],
      [withU32(built.bytes, d + 8, 0), /page descriptor size 0 is not in 1\.\.4096/],
      [withU32(built.bytes, d + 8, 5000), /page descriptor size 5000/],
      [withU32(built.bytes, d + 12, 3), /flags 0x3 name more than one codec/],
      [withU32(built.bytes, d + 12, 0), /raw page is \d+ bytes, not 4096/],
    ];
    for (const [bytes, message] of cases) {
      const dump = DiskdumpVmcore.open(new BytesSource(NAME, bytes));
      expect(() => dump.readPage(5)).toThrow(CorruptPageError);
      expect(() => dump.readPage(5)).toThrow(message);
      expect(() => dump.readPage(5)).toThrow(new RegExp(`^bad\\.kdump: page 0x5 \\(physical 0x5000\\) at offset 0x${d.toString(16)}: `));
      const scan = DiskdumpVmcore.open(new BytesSource(NAME, bytes));
      expect(() => scan.readPageTransient(5)).toThrow(CorruptPageError);
      expect(() => scan.readPageTransient(5)).toThrow(message);
      expect(dump.readPage(4)).toEqual(testPage(4));
    }
  });

  it("names the descriptor when the descriptor table itself is cut off", () => {
    const built = sample();
    const d = built.descOffset.get(104)!;
    const dump = DiskdumpVmcore.open(new BytesSource(NAME, built.bytes.subarray(0, d + 5)));
    expect(dump.format.details.descriptors_truncated).toBe(true);
    expect(dump.truncated).toBe(true);
    expect(dump.format.description).toMatch(/file cut short/);
    expect(dump.exclusionReason(104)).toBe("unwritten");
    expect(() => dump.readPage(104)).toThrow(ExcludedPageError);
    expect(dump.pageStats().byCompression.unreadable).toBeUndefined();
  });

  it("a 2nd bitmap claiming a million pages with no descriptors is counted, not walked", () => {
    const built = buildDiskdump({ pages: new Map([[3, testPage(3)]]), maxMapnr: 1 << 20 });
    const bytes = built.bytes.slice();
    bytes.fill(0xff, built.bitmap2Offset, built.dataOffset);
    const dump = DiskdumpVmcore.open(new BytesSource(NAME, bytes));
    const stats = dump.pageStats();
    // Read as a file cut short: the few "descriptors" the file holds (the real one, then page bytes read as
    // descriptors) count as present, the rest as missing.
    expect(dump.truncated).toBe(true);
    expect(stats.present).toBeLessThan(300);
    expect(stats.present + stats.excluded).toBe(1 << 20);
    expect(() => dump.readPage(1 << 19)).toThrow(ExcludedPageError);
  });

  it("refuses files that are not dumps", () => {
    let x = 12345;
    const random = new Uint8Array(65536).map(() => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x >>> 24));
    const elf = new Uint8Array(4096);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    const samples = [new Uint8Array(0), new Uint8Array(7), random, elf, new TextEncoder().encode("KDUMP"), new TextEncoder().encode("hello, this is text\n".repeat(100))];
    for (const bytes of samples) {
      expect(() => DiskdumpVmcore.open(new BytesSource(NAME, bytes))).toThrow(DumpFormatError);
      expect(() => DiskdumpVmcore.open(new BytesSource(NAME, bytes))).toThrow(/^bad\.kdump: offset 0x0: not a kdump-compressed dump/);
    }
    // A flattened file whose rearranged content is not a dump.
    const flat = flatten(random, { recordSize: 5000 }).bytes;
    expect(() => DiskdumpVmcore.open(new BytesSource(NAME, flat))).toThrow(/^bad\.kdump \(rearranged\): offset 0x0: not a kdump-compressed dump/);
  });
});
