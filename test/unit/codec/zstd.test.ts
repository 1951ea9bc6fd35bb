import { beforeAll, describe, expect, it } from "vitest";
import { compress, init } from "@bokuweb/zstd-wasm";
import { decompressPage } from "../../../src/core/codec/index";
import { checkCorruption, expectCodecError, pageSample } from "./corrupt";

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** A block header (RFC 8878 3.1.1.2): Last_Block, Block_Type, Block_Size, little-endian in 3 bytes. */
function blockHeader(last: boolean, type: number, size: number): number[] {
  const h = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff];
}

/** A single-segment frame with a 2-byte content size (FCS flag 1: value - 256) and the given blocks. */
function frame(contentSize: number, ...blocks: number[][]): Uint8Array {
  return Uint8Array.from([...MAGIC, 0x60, (contentSize - 256) & 0xff, (contentSize - 256) >> 8, ...blocks.flat()]);
}

describe("zstd pages", () => {
  beforeAll(async () => {
    await init();
  });

  it("round-trips pages compressed by zstd (wasm) at several levels", () => {
    for (const level of [1, 3, 19]) {
      for (const seed of [1, 2, 3]) {
        const page = pageSample(4096, seed);
        expect(decompressPage("zstd", compress(page, level), 4096)).toEqual(page);
      }
    }
    const zeros = new Uint8Array(4096);
    expect(decompressPage("zstd", compress(zeros, 3), 4096)).toEqual(zeros);
  });

  it("decodes hand-made raw and RLE blocks", () => {
    const f = frame(300, [...blockHeader(false, 0, 3), 1, 2, 3], [...blockHeader(true, 1, 297), 9]);
    const out = decompressPage("zstd", f, 300);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 2, 3, 9]);
    expect(out.subarray(3).every((b) => b === 9)).toBe(true);
  });

  it("rejects a wrong expected size (content size in the header, or output length)", () => {
    const z = compress(pageSample(4096, 5), 3);
    expectCodecError(() => decompressPage("zstd", z, 4095), /frame content size 4096, expected 4095/);
    // Without a content size in the header (FCS flag 0, not single-segment) the output length decides.
    const noFcs = Uint8Array.from([...MAGIC, 0x00, 0x00, ...blockHeader(true, 0, 3), 1, 2, 3]);
    expect(Array.from(decompressPage("zstd", noFcs, 3))).toEqual([1, 2, 3]);
    expectCodecError(() => decompressPage("zstd", noFcs, 4), /output is 3 bytes, expected 4/);
    expectCodecError(() => decompressPage("zstd", noFcs, 2), /longer than the expected 2/);
  });

  it("rejects bad magic, reserved bits, dictionaries, big windows, bad blocks and trailing data", () => {
    const good = frame(300, [...blockHeader(true, 1, 300), 7]);
    expect(decompressPage("zstd", good, 300).length).toBe(300);
    expectCodecError(() => decompressPage("zstd", Uint8Array.of(0, ...good.subarray(1)), 300), /bad magic/);
    const reserved = good.slice();
    reserved[4]! |= 0x08;
    expectCodecError(() => decompressPage("zstd", reserved, 300), /reserved bit/);
    const dict = Uint8Array.from([...MAGIC, 0x61, 5, 44, 0, ...blockHeader(true, 1, 300), 7]);
    expectCodecError(() => decompressPage("zstd", dict, 300), /needs dictionary 5/);
    // Window descriptor exponent 20: a 1 GiB window, which fzstd would allocate.
    const bigWindow = Uint8Array.from([...MAGIC, 0x00, 20 << 3, ...blockHeader(true, 1, 300), 7]);
    expectCodecError(() => decompressPage("zstd", bigWindow, 300), /window of 1073741824 bytes/);
    expectCodecError(() => decompressPage("zstd", frame(300, [...blockHeader(true, 3, 0)]), 300), /reserved block type/);
    expectCodecError(() => decompressPage("zstd", frame(300, [...blockHeader(true, 0, 300), 1, 2]), 300), /runs past the input/);
    expectCodecError(() => decompressPage("zstd", frame(300, [...blockHeader(true, 1, 301), 7]), 300), /longer than the expected/);
    expectCodecError(() => decompressPage("zstd", Uint8Array.of(...good, 0), 300), /trailing data/);
    expectCodecError(() => decompressPage("zstd", Uint8Array.of(...good, ...good), 300), /trailing data/);
    expectCodecError(() => decompressPage("zstd", frame(300, [...blockHeader(false, 1, 300), 7]), 300), /truncated block header/);
    const withChecksum = good.slice();
    withChecksum[4]! |= 0x04;
    expectCodecError(() => decompressPage("zstd", withChecksum, 300), /truncated content checksum/);
    // A skippable frame is not a page.
    expectCodecError(() => decompressPage("zstd", Uint8Array.of(0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0), 0), /bad magic/);
  });

  it("refuses the single-symbol FSE Huffman-weight table on which fzstd 0.1.1 never returns", () => {
    // Compressed block; literals: Compressed_Literals_Block, 1 stream, 50 regenerated / 20 compressed bytes.
    const regen = 50;
    const comp = 20;
    const literalsHeader = [2 | ((regen & 15) << 4), ((regen >> 4) & 63) | ((comp & 3) << 6), comp >> 2];
    // Huffman tree description: 8 bytes of FSE-compressed weights; accuracy log 5, first symbol probability 32 (all).
    const tree = [8, 0xf0, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80];
    const body = [...literalsHeader, ...tree, ...new Array<number>(40).fill(0x55), 0];
    const f = Uint8Array.from([...MAGIC, 0x20, 100, ...blockHeader(true, 2, body.length), ...body]);
    expectCodecError(() => decompressPage("zstd", f, 100), /single-symbol FSE table/);
  });

  it("survives truncation, bit flips and junk", () => {
    checkCorruption("zstd", compress(pageSample(4096, 7), 3), 4096, 0x25d);
    checkCorruption("zstd", compress(pageSample(4096, 8), 19), 4096, 0x25e);
  });
});
