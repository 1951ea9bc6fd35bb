import { describe, expect, it } from "vitest";
import { zlibSync, deflateSync } from "fflate";
import { adler32, decompressPage } from "../../../src/core/codec/index";
import { checkCorruption, expectCodecError, pageSample } from "./corrupt";

describe("zlib pages", () => {
  it("adler32 matches RFC 1950's definition on known values", () => {
    expect(adler32(new Uint8Array(0))).toBe(1);
    expect(adler32(new TextEncoder().encode("Wikipedia"))).toBe(0x11e60398);
    // Long input: the sums are reduced every 5552 bytes without losing the result.
    expect(adler32(new Uint8Array(100000).fill(0xff))).toBe(0x149a302c);
  });

  it("round-trips pages at every compression level", () => {
    for (const level of [0, 1, 6, 9] as const) {
      for (const seed of [1, 2, 3]) {
        const page = pageSample(4096, seed);
        expect(decompressPage("zlib", zlibSync(page, { level }), 4096)).toEqual(page);
      }
    }
    const zeros = new Uint8Array(4096);
    expect(decompressPage("zlib", zlibSync(zeros), 4096)).toEqual(zeros);
  });

  it("decodes a known vector (zlib of 'hello' made by zlib.compress)", () => {
    const vector = Uint8Array.of(0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x06, 0x2c, 0x02, 0x15);
    expect(new TextDecoder().decode(decompressPage("zlib", vector, 5))).toBe("hello");
  });

  it("rejects a wrong expected size, both shorter and longer", () => {
    const page = pageSample(4096, 5);
    const z = zlibSync(page);
    expectCodecError(() => decompressPage("zlib", z, 4095), /longer than the expected 4095/);
    expectCodecError(() => decompressPage("zlib", z, 4097), /4096 bytes, expected 4097/);
    expectCodecError(() => decompressPage("zlib", z, 8192), /expected 8192/);
    // A stored (level 0) block that does not fit: fflate's own RangeError must come out as a CodecError.
    expectCodecError(() => decompressPage("zlib", zlibSync(page, { level: 0 }), 100), /^zlib: /);
  });

  it("rejects a bad Adler-32, a raw deflate stream, a bad header and a short stream", () => {
    const z = zlibSync(pageSample(4096, 6));
    const bad = z.slice();
    bad[bad.length - 1]! ^= 1;
    expectCodecError(() => decompressPage("zlib", bad, 4096), /Adler-32 mismatch/);
    expectCodecError(() => decompressPage("zlib", deflateSync(pageSample(4096, 6)), 4096), /^zlib: /);
    expectCodecError(() => decompressPage("zlib", Uint8Array.of(0x78, 0x9d, 3, 0, 0, 0, 0, 1), 0), /invalid zlib data/);
    expectCodecError(() => decompressPage("zlib", Uint8Array.of(0x78, 0x9c, 3), 0), /shorter than a zlib header/);
  });

  it("rejects a page size out of range", () => {
    expectCodecError(() => decompressPage("zlib", zlibSync(new Uint8Array(1)), -1), /not a page size/);
    expectCodecError(() => decompressPage("zlib", zlibSync(new Uint8Array(1)), 1.5), /not a page size/);
    expectCodecError(() => decompressPage("zlib", zlibSync(new Uint8Array(1)), 2 ** 31), /not a page size/);
  });

  it("survives truncation, bit flips and junk", () => {
    checkCorruption("zlib", zlibSync(pageSample(4096, 7)), 4096, 0x2111b);
  });
});
