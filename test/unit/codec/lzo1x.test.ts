import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { lzo1xDecompressInto } from "../../../src/core/codec/lzo1x";
import { CodecError } from "../../../src/core/io/errors";
import { LzoStreamBuilder, lzoLiteralOnly, lzoTestCompress } from "./lzo-encoder";

const enc = new TextEncoder();

function decode(stream: Uint8Array, capacity = 1 << 16): Uint8Array {
  const out = new Uint8Array(capacity);
  const n = lzo1xDecompressInto(stream, out);
  return out.slice(0, n);
}

function expectCodecError(f: () => unknown, message?: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CodecError);
  if (message) expect((caught as Error).message).toMatch(message);
  expect((caught as Error).message).not.toContain("\n");
}

/** Text with repeats near and far, so that M2, M3 and M4 matches and long lengths all occur. */
function repetitiveSample(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16);
  let i = 0;
  while (i < size) {
    const r = rnd() % 10;
    if (r < 4 || i < 4) out[i++] = rnd() & 0xff;
    else {
      const dist = 1 + (r < 7 ? rnd() % 64 : rnd() % Math.min(i, 40000));
      const len = 3 + (rnd() % (r === 9 ? 600 : 12));
      for (let k = 0; k < len && i < size; k++, i++) out[i] = i - dist >= 0 ? out[i - dist]! : 0;
    }
  }
  return out;
}

describe("lzo1x: known vectors", () => {
  it("decodes the empty stream (the bare end marker)", () => {
    expect(decode(Uint8Array.of(0x11, 0, 0))).toEqual(new Uint8Array(0));
  });

  it("decodes a first-byte literal run and a long literal run", () => {
    expect(decode(Uint8Array.of(17 + 3, 0x61, 0x62, 0x63, 0x11, 0, 0))).toEqual(enc.encode("abc"));
    const long = repetitiveSample(1000, 7);
    expect(decode(lzoLiteralOnly(long))).toEqual(long);
    expect(lzoLiteralOnly(long)[0]).toBe(0); // 0000LLLL with L = 0: the 255-extended length form
  });

  it("decodes M2, M3 and M4 matches, overlapping copies and long lengths", () => {
    // "abcabcabcabc": 3 literals then an overlapping match of 9 at distance 3 (M3 form: length > 8).
    const s1 = new LzoStreamBuilder().literals(enc.encode("abc")).match(9, 3).end();
    expect(new TextDecoder().decode(decode(s1))).toBe("abcabcabcabc");
    // M2: length 5 at distance 2, then 2 trailing literals carried in the match's S bits.
    const s2 = new LzoStreamBuilder().literals(enc.encode("xyz")).match(5, 2).literals(enc.encode("!?")).end();
    expect(new TextDecoder().decode(decode(s2))).toBe("xyzyzyzy!?");
    // M4: a copy from 20000 bytes back, with an extended length (300 > 9).
    const head = repetitiveSample(20000, 3);
    const s3 = new LzoStreamBuilder().literals(head).match(300, 20000).end();
    const out = decode(s3);
    expect(out.length).toBe(20300);
    expect(out.subarray(20000)).toEqual(head.subarray(0, 300));
    // M4 with H = 1 (distance above 32768).
    const head4 = repetitiveSample(40000, 4);
    const s4 = new LzoStreamBuilder().literals(head4).match(5, 39000).end();
    expect(decode(s4).subarray(40000)).toEqual(head4.subarray(1000, 1005));
    // Distance 1, a run: 1 literal then 4000 copies of it.
    const s5 = new LzoStreamBuilder().literals(Uint8Array.of(0x5a)).match(4000, 1).end();
    expect(decode(s5)).toEqual(new Uint8Array(4001).fill(0x5a));
  });

  it("decodes the two 0000DDSS forms that depend on the previous literal count", () => {
    // After 3 literals: 0000DDSS copies 2 bytes from distance (H << 2) + D + 1; here D = 2, H = 0: distance 3.
    expect(new TextDecoder().decode(decode(Uint8Array.of(17 + 3, 0x61, 0x62, 0x63, 2 << 2, 0, 0x11, 0, 0)))).toBe("abcab");
    // After 4+ literals: it copies 3 bytes from distance (H << 2) + D + 2049; here D = 1, H = 1: distance 2054.
    const head = repetitiveSample(2100, 9);
    const b = new LzoStreamBuilder().literals(head).raw(1 << 2, 1);
    const out = decode(b.end());
    expect(out.length).toBe(2103);
    expect(out.subarray(2100)).toEqual(head.subarray(2100 - 2054, 2100 - 2054 + 3));
  });

  it("decodes an LZO-RLE (bitstream version 1) zero run, and treats the same bytes as a match in version 0", () => {
    // 1 literal, then 0x18|L with LE16 0xfffc|S and X: ((X << 3) | L) + 4 zeros = ((2 << 3) | 5) + 4 = 25.
    const body = [17 + 1, 0x41, 0x18 | 5, 0xfc | 1, 0xff, 2, 0x42, 0x11, 0, 0];
    const v1 = decode(Uint8Array.of(17, 1, ...body));
    expect(v1).toEqual(Uint8Array.of(0x41, ...new Array<number>(25).fill(0), 0x42));
    // In version 0 the opcode is a 16 + 0xbfff distance match, far before the start of the output.
    expectCodecError(() => decode(Uint8Array.of(17, 0, ...body)), /lookbehind/);
    // Without a version prefix at all the stream is classic too.
    expectCodecError(() => decode(Uint8Array.of(...body)), /lookbehind/);
  });

  it("writes exactly the bytes it reports and leaves the rest of the output alone", () => {
    const out = new Uint8Array(16).fill(0xee);
    expect(lzo1xDecompressInto(Uint8Array.of(17 + 2, 1, 2, 0x11, 0, 0), out)).toBe(2);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 2, 0xee, 0xee]);
  });
});

describe("lzo1x: round trips through the test encoder", () => {
  it("round-trips repetitive samples of many sizes", () => {
    for (const size of [1, 2, 3, 4, 5, 17, 238, 239, 4096, 70000]) {
      for (const seed of [1, 2, 3]) {
        const data = repetitiveSample(size, seed + size);
        const stream = lzoTestCompress(data);
        expect(decode(stream, size)).toEqual(data);
      }
    }
  });

  it("round-trips arbitrary data (fast-check, fixed seed)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.integer({ min: 0, max: 255 }), (data, fillByte) => {
        // Mix in runs so that matches occur.
        const mixed = new Uint8Array(data.length * 2);
        mixed.set(data);
        mixed.fill(fillByte, data.length);
        for (const d of [data, mixed]) expect(decode(lzoTestCompress(d), d.length)).toEqual(d);
      }),
      { seed: 0x6c7a6f, numRuns: 200 },
    );
  });
});

describe("lzo1x: bad input throws CodecError", () => {
  const data = repetitiveSample(4096, 42);
  const good = lzoTestCompress(data);

  it("the good stream decodes", () => {
    expect(decode(good, 4096)).toEqual(data);
  });

  it("rejects every truncation", () => {
    for (let n = 0; n < good.length; n++) expectCodecError(() => decode(good.subarray(0, n), 4096));
  });

  it("rejects streams shorter than the end marker", () => {
    expectCodecError(() => decode(new Uint8Array(0)), /input overrun/);
    expectCodecError(() => decode(Uint8Array.of(0x11, 0)), /input overrun/);
  });

  it("rejects trailing garbage after the end marker", () => {
    expectCodecError(() => decode(Uint8Array.of(...good, 0), 4096), /trailing garbage/);
    expectCodecError(() => decode(Uint8Array.of(17 + 1, 0x41, 0x11, 0, 0, 0x11, 0, 0)), /trailing garbage/);
    // A stream of 5+ bytes that starts with 17 has a version byte: "11 00 | 00 ..." is a literal run, not an end.
    expectCodecError(() => decode(Uint8Array.of(0x11, 0, 0, 0x11, 0, 0)), /input overrun/);
  });

  it("rejects a missing end marker", () => {
    expectCodecError(() => decode(Uint8Array.of(17 + 4, 1, 2, 3, 4)), /input overrun/);
    expectCodecError(() => decode(good.subarray(0, good.length - 3), 4096), /input overrun/);
  });

  it("rejects a distance-0 match that is not exactly the end marker", () => {
    // 0x10 is 0001HLLL with L = 0: an extended length, so distance 0 with length 7 + 5 + 2.
    expectCodecError(() => decode(Uint8Array.of(0x10, 5, 0, 0)), /bad end marker/);
    expectCodecError(() => decode(Uint8Array.of(17 + 1, 0x41, 0x12, 0, 0)), /bad end marker/);
    // As the first byte, 0x12 is not a match but a 1-literal run.
    expectCodecError(() => decode(Uint8Array.of(0x12, 0, 0)), /input overrun/);
  });

  it("rejects matches that reach before the start of the output", () => {
    expectCodecError(() => decode(Uint8Array.of(17 + 1, 0x41, 64 | (1 << 2), 0, 0x11, 0, 0)), /lookbehind overrun: match distance 2/);
    expectCodecError(() => decode(new LzoStreamBuilder().literals(enc.encode("abcd")).match(3, 5).end()), /lookbehind/);
    expectCodecError(() => decode(new LzoStreamBuilder().literals(enc.encode("abcd")).match(3, 20000).end()), /lookbehind/);
    // 0000DDSS after 3 literals with distance 4, and after 4+ literals (distance >= 2049) on a short output.
    expectCodecError(() => decode(Uint8Array.of(17 + 3, 1, 2, 3, 3 << 2, 0, 0x11, 0, 0)), /lookbehind/);
    expectCodecError(() => decode(Uint8Array.of(17 + 4, 1, 2, 3, 4, 0, 0, 0x11, 0, 0)), /lookbehind/);
  });

  it("rejects output overruns: a stream longer than the output", () => {
    expectCodecError(() => decode(good, 4095), /output overrun/);
    expectCodecError(() => decode(Uint8Array.of(17 + 2, 1, 2, 0x11, 0, 0), 1), /output overrun/);
    expectCodecError(() => decode(new LzoStreamBuilder().literals(Uint8Array.of(1)).match(5000, 1).end(), 4096), /output overrun/);
    const rle = Uint8Array.of(17, 1, 17 + 1, 0x41, 0x18 | 5, 0xfc, 0xff, 200, 0x11, 0, 0);
    expectCodecError(() => decode(rle, 100), /output overrun/);
  });

  it("rejects a run of zero length-extension bytes that runs off the input", () => {
    expectCodecError(() => decode(Uint8Array.of(0, 0, 0, 0, 0, 0)), /input overrun/);
    expectCodecError(() => decode(Uint8Array.of(17 + 4, 1, 2, 3, 4, 32, 0, 0, 0)), /input overrun/);
    expectCodecError(() => decode(Uint8Array.of(17 + 4, 1, 2, 3, 4, 16, 0, 0, 0)), /input overrun/);
  });

  it("bit flips and random bytes give CodecError or some output, never another error (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length * 8 - 1 }), fc.integer({ min: 0, max: 7 }), (bit, extra) => {
        const bad = good.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        if (extra) bad[(bit * 31 + extra) % bad.length]! ^= extra * 37;
        try {
          const out = new Uint8Array(4096);
          const n = lzo1xDecompressInto(bad, out);
          expect(n).toBeLessThanOrEqual(4096);
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
        }
      }),
      { seed: 0x1f11b, numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (junk) => {
        try {
          lzo1xDecompressInto(junk, new Uint8Array(4096));
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
        }
      }),
      { seed: 0x9a7b, numRuns: 3000 },
    );
  });
});
