// The codecs against the real fixture dumps: every LZO page of dump.lzo decodes to 4096 bytes, and each is
// byte-identical to the same page of dump.zlib. The mini-parser below reads only what this needs; the real
// reader is src/core/dump/diskdump.ts. Layout: makedumpfile diskdump_mod.h (struct disk_dump_header,
// page_desc_t) and crash diskdump.c: header block, sub-header blocks, bitmap blocks (first half: memory that
// exists, second half: pages dumped), then one page_desc per dumped page in pfn order, then page data.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decompressPage, type CodecName } from "../../../src/core/codec/index";
import { fixture, haveFixtures } from "../../fixtures";

const SIGNATURE = "KDUMP   "; // disk_dump_header.signature
const STATUS_OFF = 0x1a8; // disk_dump_header.status (after the 8-aligned struct timeval at 0x198)
const BLOCK_SIZE_OFF = 0x1ac; // disk_dump_header.block_size
const SUB_HDR_SIZE_OFF = 0x1b0; // disk_dump_header.sub_hdr_size (in blocks)
const BITMAP_BLOCKS_OFF = 0x1b4; // disk_dump_header.bitmap_blocks
const MAX_MAPNR_OFF = 0x1b8; // disk_dump_header.max_mapnr
const PAGE_DESC_SIZE = 24; // page_desc_t: offset (off_t), size (u32), flags (u32), page_flags (u64)
const DUMP_DH_COMPRESSED_ZLIB = 0x1;
const DUMP_DH_COMPRESSED_LZO = 0x2;
const DUMP_DH_COMPRESSED_SNAPPY = 0x4;
const DUMP_DH_COMPRESSED_ZSTD = 0x20;

interface PageDesc {
  offset: number;
  size: number;
  flags: number;
}

interface MiniDump {
  file: Uint8Array;
  status: number;
  blockSize: number;
  dumpedBitmap: Uint8Array;
  descs: PageDesc[];
}

function readMiniDump(path: string): MiniDump {
  const file = new Uint8Array(readFileSync(path));
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect(new TextDecoder().decode(file.subarray(0, 8))).toBe(SIGNATURE);
  const blockSize = dv.getInt32(BLOCK_SIZE_OFF, true);
  const subHdrSize = dv.getInt32(SUB_HDR_SIZE_OFF, true);
  const bitmapBlocks = dv.getUint32(BITMAP_BLOCKS_OFF, true);
  const maxMapnr = dv.getUint32(MAX_MAPNR_OFF, true);
  const bitmapStart = (1 + subHdrSize) * blockSize;
  const half = (bitmapBlocks * blockSize) / 2;
  const dumpedBitmap = file.subarray(bitmapStart + half, bitmapStart + 2 * half);
  let dumped = 0;
  for (let pfn = 0; pfn < maxMapnr; pfn++) if (dumpedBitmap[pfn >> 3]! & (1 << (pfn & 7))) dumped++;
  const descStart = (1 + subHdrSize + bitmapBlocks) * blockSize;
  const descs: PageDesc[] = [];
  for (let i = 0; i < dumped; i++) {
    const at = descStart + i * PAGE_DESC_SIZE;
    descs.push({
      offset: dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32,
      size: dv.getUint32(at + 8, true),
      flags: dv.getUint32(at + 12, true),
    });
  }
  return { file, status: dv.getUint32(STATUS_OFF, true), blockSize, dumpedBitmap, descs };
}

function codecOf(flags: number): CodecName | undefined {
  if (flags & DUMP_DH_COMPRESSED_ZLIB) return "zlib";
  if (flags & DUMP_DH_COMPRESSED_LZO) return "lzo";
  if (flags & DUMP_DH_COMPRESSED_SNAPPY) return "snappy";
  if (flags & DUMP_DH_COMPRESSED_ZSTD) return "zstd";
  return undefined;
}

function pageBytes(d: MiniDump, desc: PageDesc): Uint8Array {
  const codec = codecOf(desc.flags);
  const data = d.file.subarray(desc.offset, desc.offset + desc.size);
  return codec ? decompressPage(codec, data, d.blockSize) : data;
}

describe.skipIf(!haveFixtures("dump.lzo", "dump.zlib"))("codecs on the fixture dumps", () => {
  it("decodes every LZO page of dump.lzo to 4096 bytes, identical to dump.zlib's page", () => {
    const lzo = readMiniDump(fixture("dump.lzo")!);
    const zlib = readMiniDump(fixture("dump.zlib")!);
    expect(lzo.status & DUMP_DH_COMPRESSED_LZO).toBeTruthy();
    expect(zlib.status & DUMP_DH_COMPRESSED_ZLIB).toBeTruthy();
    expect(lzo.blockSize).toBe(4096);
    expect(zlib.dumpedBitmap).toEqual(lzo.dumpedBitmap);
    expect(zlib.descs.length).toBe(lzo.descs.length);

    let lzoPages = 0;
    let zlibPages = 0;
    for (let i = 0; i < lzo.descs.length; i++) {
      const a = lzo.descs[i]!;
      const b = zlib.descs[i]!;
      if (codecOf(a.flags) === "lzo") lzoPages++;
      else expect(a.size).toBe(4096); // stored raw: did not compress
      if (codecOf(b.flags) === "zlib") zlibPages++;
      const pa = pageBytes(lzo, a);
      const pb = pageBytes(zlib, b);
      expect(pa.length).toBe(4096);
      if (!equalBytes(pa, pb)) expect.fail(`page descriptor ${i} differs between dump.lzo and dump.zlib`);
    }
    // Most pages compress: the test must have exercised both codecs on the bulk of the dump.
    expect(lzoPages).toBeGreaterThan(lzo.descs.length / 2);
    expect(zlibPages).toBeGreaterThan(zlib.descs.length / 2);
    console.log(`dump.lzo: ${lzo.descs.length} dumped pages, ${lzoPages} LZO; dump.zlib: ${zlibPages} zlib`);
  });

  it("a truncated or bit-flipped real LZO page throws CodecError or decodes to 4096 bytes", () => {
    const lzo = readMiniDump(fixture("dump.lzo")!);
    const descs = lzo.descs.filter((d) => codecOf(d.flags) === "lzo").slice(0, 200);
    for (const [k, d] of descs.entries()) {
      const data = lzo.file.slice(d.offset, d.offset + d.size);
      expect(() => decompressPage("lzo", data.subarray(0, (k * 7919) % data.length), 4096)).toThrow(/^lzo: /);
      data[(k * 104729) % data.length]! ^= 1 << (k & 7);
      try {
        expect(decompressPage("lzo", data, 4096).length).toBe(4096);
      } catch (e) {
        expect((e as Error).name).toBe("CodecError");
      }
    }
  });

  it("throughput (printed, not asserted)", () => {
    for (const [name, codec] of [["dump.lzo", "lzo"], ["dump.zlib", "zlib"]] as const) {
      const d = readMiniDump(fixture(name)!);
      const pages = d.descs.filter((x) => codecOf(x.flags) === codec).map((x) => d.file.subarray(x.offset, x.offset + x.size));
      const out = new Uint8Array(4096);
      let inBytes = 0;
      for (const p of pages) inBytes += p.length;
      decompressPage(codec, pages[0]!, 4096); // warm up the code path once
      const t0 = performance.now();
      for (const p of pages) out.set(decompressPage(codec, p, 4096));
      const ms = performance.now() - t0;
      console.log(
        `${codec}: ${pages.length} pages in ${ms.toFixed(0)} ms = ${Math.round((pages.length / ms) * 1000)} pages/s, ` +
          `${((pages.length * 4096) / 1e6 / (ms / 1000)).toFixed(0)} MB/s out (${(inBytes / 1e6).toFixed(1)} MB in)`,
      );
    }
  });
});

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
