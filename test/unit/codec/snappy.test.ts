import { describe, expect, it } from "vitest";
import { compress as snappyjsCompress } from "snappyjs";
import { decompressPage } from "../../../src/core/codec/index";
import { snappyUncompressedLength } from "../../../src/core/codec/snappy";
import { checkCorruption, expectCodecError, pageSample } from "./corrupt";

function snappyCompress(data: Uint8Array): Uint8Array {
  return snappyjsCompress(data);
}

describe("snappy pages", () => {
  it("round-trips pages compressed by snappyjs", () => {
    for (const seed of [1, 2, 3, 4]) {
      const page = pageSample(4096, seed);
      expect(decompressPage("snappy", snappyCompress(page), 4096)).toEqual(page);
    }
    const zeros = new Uint8Array(65536);
    expect(decompressPage("snappy", snappyCompress(zeros), 65536)).toEqual(zeros);
  });

  it("decodes hand-made vectors: every literal and copy form", () => {
    // Preamble 11, literal "abc" (tag (3-1)<<2), copy-1 of 4 at offset 3 ((4-4)<<2 | 1, offset byte 3),
    // copy-2 of 2 at offset 1 ((2-1)<<2 | 2, LE16 1), copy-4 of 2 at offset 5 ((2-1)<<2 | 3, LE32 5).
    const v = Uint8Array.of(11, 2 << 2, 0x61, 0x62, 0x63, 1, 3, (1 << 2) | 2, 1, 0, (1 << 2) | 3, 5, 0, 0, 0);
    expect(new TextDecoder().decode(decompressPage("snappy", v, 11))).toBe("abcabcaaabc");
    // A literal with a 1-byte length (tag 60 << 2): 100 bytes.
    const lit = Uint8Array.of(100, 60 << 2, 99, ...new Array<number>(100).fill(0x7a));
    expect(decompressPage("snappy", lit, 100)).toEqual(new Uint8Array(100).fill(0x7a));
    // A literal with a 4-byte length (tag 63 << 2).
    const lit4 = Uint8Array.of(3, 63 << 2, 2, 0, 0, 0, 1, 2, 3);
    expect(decompressPage("snappy", lit4, 3)).toEqual(Uint8Array.of(1, 2, 3));
  });

  it("reads the varint preamble and rejects an over-long one", () => {
    expect(snappyUncompressedLength(Uint8Array.of(0x80, 0x20))).toEqual([4096, 2]);
    expect(snappyUncompressedLength(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f))).toEqual([0xffffffff, 5]);
    expectCodecError(() => snappyUncompressedLength(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f)), /32-bit varint/);
    expectCodecError(() => snappyUncompressedLength(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0)), /32-bit varint/);
    expectCodecError(() => snappyUncompressedLength(Uint8Array.of(0x80)), /truncated length preamble/);
  });

  it("rejects a wrong expected size and streams that produce too little or too much", () => {
    const s = snappyCompress(pageSample(4096, 9));
    expectCodecError(() => decompressPage("snappy", s, 4095), /preamble says 4096 bytes, expected 4095/);
    // The preamble promises 4 bytes, the elements give 3.
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(4, 2 << 2, 1, 2, 3), 4), /ends after 3 bytes/);
    // The preamble promises 2, the literal is 3.
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(2, 2 << 2, 1, 2, 3), 2), /overruns the output/);
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(5, 0, 1, (4 << 2) | 2, 1, 0), 5), /overruns the output/);
  });

  it("rejects bad copy offsets and truncated elements", () => {
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(8, 0, 1, 1, 0), 8), /copy offset 0/);
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(8, 0, 1, 1, 2), 8), /copy offset 2 at output offset 0x1/);
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(8, 0, 1, 3, 0xff, 0xff, 0xff, 0xff), 8), /out of range/);
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(8, 0, 1, 3, 1, 0), 8), /truncated copy/);
    // A 4-byte literal length of 2^31 + 1: must be rejected, not wrap around (snappyjs loops here).
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(8, 63 << 2, 0, 0, 0, 0x80, 1), 8), /runs past the input/);
    expectCodecError(() => decompressPage("snappy", Uint8Array.of(8, 62 << 2, 0, 0), 8), /truncated literal length/);
  });

  it("survives truncation, bit flips and junk", () => {
    checkCorruption("snappy", snappyCompress(pageSample(4096, 11)), 4096, 0x5a99);
  });
});
