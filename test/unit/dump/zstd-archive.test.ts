// A vmcore compressed as a whole with zstd: opened as what it holds, with the archive named in messages, and
// hostile archives refused in one line naming the file and the offset. The archives here are written by the
// test itself (raw blocks, RFC 8878 3.1.1.2: no compressor needed) around synthetic kdump-compressed files, and
// by the real zstd encoder (@bokuweb/zstd-wasm) where compressed blocks matter.
import { beforeAll, describe, expect, it } from "vitest";
import { compress, init as initZstdWasm } from "@bokuweb/zstd-wasm";
import { decompress } from "fzstd";
import { BytesSource } from "../../../src/core/io/byte-source";
import { DumpFormatError } from "../../../src/core/io/errors";
import { openDump } from "../../../src/core/dump/open";
import { isZstdArchive, unpackZstdArchive, unpackZstdPrefix, evidenceSource } from "../../../src/core/dump/zstd-archive";
import { buildDiskdump, initBuilderCodecs, testPage } from "../../fixtures/diskdump-builder";

const PS = 4096;
const VMCOREINFO = "OSRELEASE=6.12.0-test\nPAGESIZE=4096\nBUILD-ID=00112233445566778899aabbccddeeff00112233\n";
const RAW_BLOCK_MAX = 128 * 1024;

/** One zstd frame of raw blocks holding `data`, with its content size declared (8 bytes) or not. */
function rawFrame(data: Uint8Array, declareSize = true): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  // Frame header descriptor: FCS flag 3 (8 bytes) when declared; no single segment, so a window descriptor.
  parts.push(declareSize ? 0xc0 : 0x00);
  parts.push(0x58); // window descriptor: exponent 11 -> 2^21 = 2 MiB
  if (declareSize) for (let i = 0; i < 8; i++) parts.push(Number((BigInt(data.length) >> BigInt(8 * i)) & 0xffn));
  let at = 0;
  do {
    const n = Math.min(RAW_BLOCK_MAX, data.length - at);
    const last = at + n >= data.length ? 1 : 0;
    const header = (n << 3) | (0 << 1) | last;
    parts.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff);
    for (let i = 0; i < n; i++) parts.push(data[at + i]!);
    at += n;
  } while (at < data.length);
  return Uint8Array.from(parts);
}

function kdump(): Uint8Array {
  const pages = new Map<number, Uint8Array>();
  for (let p = 0; p < 12; p++) pages.set(p, testPage(p));
  return buildDiskdump({ pages, maxMapnr: 16, vmcoreinfo: VMCOREINFO, cpus: 1, compression: "none" }).bytes;
}

function refused(fn: () => unknown): DumpFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DumpFormatError);
    return e as DumpFormatError;
  }
  throw new Error("expected a DumpFormatError");
}

beforeAll(async () => {
  await initBuilderCodecs();
  await initZstdWasm();
});

describe("zstd archives of a vmcore", () => {
  it("opens what the archive holds: the same pages and VMCOREINFO, the archive named as the file", () => {
    const inner = kdump();
    const archive = new BytesSource("vmcore.zst", rawFrame(inner));
    expect(isZstdArchive(archive.read(0, 4))).toBe(true);
    const dump = openDump(archive);
    const plain = openDump(new BytesSource("vmcore", inner));
    for (let p = 0; p < 12; p++) expect(dump.readPage(p)).toEqual(plain.readPage(p));
    expect(dump.vmcoreinfo?.buildId).toBe("00112233445566778899aabbccddeeff00112233");
    expect(dump.format.description).toMatch(/^kdump-compressed .*, in a zstd archive of \d+ bytes \(unpacked in memory\)$/);
    expect(dump.format.details).toMatchObject({ archive: "zstd", unpacked_bytes: inner.length });
    expect(evidenceSource(dump.source).name).toBe("vmcore.zst");
    expect(dump.source.name).toBe("vmcore.zst (unpacked)");
  });

  it("unpacks compressed frames, several frames, and frames without a declared size, byte for byte", () => {
    const inner = kdump();
    const half = inner.length >> 1;
    const compressed = compress(inner, 19);
    const twoFrames = new Uint8Array([...compress(inner.subarray(0, half), 3), ...rawFrame(inner.subarray(half), false)]);
    for (const bytes of [compressed, twoFrames]) {
      const out = unpackZstdArchive(new BytesSource("x.zst", bytes));
      expect(out.size).toBe(inner.length);
      expect(out.read(0, out.size)).toEqual(inner);
    }
  });

  it("uses the adapter's decoder when every frame declares its size, and checks what it returns", () => {
    const inner = kdump();
    const bytes = compress(inner, 3);
    let calls = 0;
    const decoder = (input: Uint8Array, size: number) => {
      calls++;
      return decompress(input, new Uint8Array(size));
    };
    expect(unpackZstdArchive(new BytesSource("x.zst", bytes), { decoder }).read(0, inner.length)).toEqual(inner);
    expect(calls).toBe(1);
    const short = refused(() => unpackZstdArchive(new BytesSource("x.zst", bytes), { decoder: () => new Uint8Array(10) }));
    expect(short.message).toMatch(/^x\.zst: offset 0x0: zstd archive: unpacks to 10 bytes, its frames declare \d+$/);
  });

  it("reads a prefix (the header and VMCOREINFO) without unpacking the rest", () => {
    const inner = kdump();
    const prefix = unpackZstdPrefix(new BytesSource("x.zst", compress(inner, 3)), 8192);
    expect(prefix).toEqual(inner.subarray(0, 8192));
  });

  it("refuses a declared size beyond the limit before allocating it", () => {
    const e = refused(() => unpackZstdArchive(new BytesSource("big.zst", rawFrame(new Uint8Array(5000))), { limit: 4096 }));
    expect(e.message).toBe("big.zst: offset 0x0: zstd archive unpacks to 5000 bytes; kdw unpacks at most 4096 bytes in memory: unpack it first (zstd -d)");
    // Undeclared sizes are counted as they come.
    const u = refused(() => unpackZstdArchive(new BytesSource("big.zst", rawFrame(new Uint8Array(5000), false)), { limit: 4096 }));
    expect(u.message).toMatch(/^big\.zst: offset 0x0: zstd archive unpacks to more than 4096 bytes; /);
  });

  it("refuses cut, corrupt and nested archives in one line naming the file and the offset", () => {
    const whole = rawFrame(kdump());
    const cut = refused(() => openDump(new BytesSource("cut.zst", whole.subarray(0, whole.length - 100))));
    expect(cut.message).toMatch(/^cut\.zst: offset 0x0: zstd archive: block at input offset 0x[0-9a-f]+ runs past the input$/);
    const bad = whole.slice();
    bad[4] = 0x08; // a reserved bit in the frame header descriptor
    expect(refused(() => openDump(new BytesSource("bad.zst", bad))).message).toBe("bad.zst: offset 0x0: zstd archive: reserved bit set in the frame header descriptor at input offset 0x4");
    const trailing = new Uint8Array([...whole, 1, 2, 3]);
    expect(refused(() => openDump(new BytesSource("tail.zst", trailing))).message).toMatch(/^tail\.zst: offset 0x[0-9a-f]+: zstd archive: frame of 3 bytes at input offset 0x[0-9a-f]+ is too short$/);
    const nested = rawFrame(whole);
    expect(refused(() => openDump(new BytesSource("twice.zst", nested))).message).toBe("twice.zst: offset 0x0: a zstd archive inside a zstd archive: unpack it first (zstd -d)");
    const notDump = rawFrame(new Uint8Array(PS));
    expect(refused(() => openDump(new BytesSource("zeros.zst", notDump))).message).toMatch(/^zeros\.zst \(unpacked\): offset 0x0: not a vmcore/);
  });

  it("skips skippable frames", () => {
    const inner = kdump();
    const skippable = [0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 9, 9, 9, 9];
    const out = unpackZstdArchive(new BytesSource("s.zst", new Uint8Array([...skippable, ...rawFrame(inner)])));
    expect(out.read(0, out.size)).toEqual(inner);
  });
});
