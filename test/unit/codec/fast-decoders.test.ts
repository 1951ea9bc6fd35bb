// The WebAssembly decoders (src/core/codec/*-wasm.ts, built from scripts/wasm/) against the reference
// decoders they stand in for (lzo1x.ts; zlib.ts, fflate plus the length and Adler-32 checks): on good streams
// the same bytes; on damaged ones the same answer, because a stream the WebAssembly decoder accepts must be
// one the reference accepts with the same bytes (checked directly below), and a stream it rejects goes to
// the reference. The fixture dumps are checked page by page in test/unit/dump/fast-path-fixtures.test.ts.
import { deflateRawSync, deflateSync, constants } from "node:zlib";
import { zlibSync } from "fflate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decompressPage, lzo1xDecompressFast, lzo1xDecompressInto, lzoWasmAvailable, zlibDecompress, zlibDecompressFast, zlibWasmAvailable } from "../../../src/core/codec/index";
import { LZO1X_WASM_BASE64 } from "../../../src/core/codec/lzo1x-wasm-module";
import { ZLIB_WASM_BASE64 } from "../../../src/core/codec/zlib-wasm-module";
import { decodeBase64, loadWasmDecoder } from "../../../src/core/codec/wasm-instance";
import { CodecError } from "../../../src/core/io/errors";
import { pageSample } from "./corrupt";
import { lzoLiteralOnly, lzoTestCompress } from "./lzo-encoder";

const lzoWasm = loadWasmDecoder(LZO1X_WASM_BASE64, "decompress")!;
const zlibWasm = loadWasmDecoder(ZLIB_WASM_BASE64, "zlibDecompress")!;

type Outcome = { bytes: Uint8Array } | { error: string };

/** Byte equality with the first difference in the failure (toEqual on 64 KiB arrays is very slow). */
function expectSameBytes(actual: Uint8Array | null, expected: Uint8Array): void {
  expect(actual).not.toBeNull();
  const a = actual!;
  let i = 0;
  while (i < a.length && i < expected.length && a[i] === expected[i]) i++;
  expect(`length ${a.length}, first difference at ${i < Math.min(a.length, expected.length) ? i : "none"}`).toBe(`length ${expected.length}, first difference at none`);
}

function outcome(f: () => Uint8Array): Outcome {
  try {
    return { bytes: f() };
  } catch (e) {
    if (!(e instanceof CodecError)) throw new Error(`not a CodecError: ${String(e)}`, { cause: e });
    return { error: e.message };
  }
}

/** The outcome as one comparable line: the error message, or the length and a hash of the bytes. */
function describeOutcome(o: Outcome): string {
  if ("error" in o) return `error: ${o.error}`;
  let h = 0x811c9dc5;
  for (const b of o.bytes) h = Math.imul(h ^ b, 0x01000193);
  return `${o.bytes.length} bytes, FNV-1a ${(h >>> 0).toString(16)}`;
}

function lzoReference(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  return out.subarray(0, lzo1xDecompressInto(input, out));
}

function lzoFast(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  return out.subarray(0, lzo1xDecompressFast(input, out));
}

function zlibFast(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  zlibDecompressFast(input, out);
  return out;
}

/** The WebAssembly decoder alone: its bytes, or null when it rejects the stream. */
function raw(decoder: typeof lzoWasm, input: Uint8Array, size: number): Uint8Array | null {
  const out = new Uint8Array(size);
  const n = decoder.run(input, out);
  return n < 0 ? null : out.subarray(0, n);
}

/** Good streams of page-like data: every zlib level and strategy, fixed and stored blocks, LZO matches of every kind. */
function zlibStreams(size: number, seed: number): Uint8Array[] {
  const page = pageSample(size, seed);
  const out: Uint8Array[] = [];
  for (let level = 0; level <= 9; level += 3) out.push(deflateSync(page, { level }));
  out.push(deflateSync(page, { strategy: constants.Z_FIXED }), deflateSync(page, { strategy: constants.Z_HUFFMAN_ONLY }), deflateSync(page, { strategy: constants.Z_RLE }));
  out.push(zlibSync(page, { level: 6 }), deflateSync(new Uint8Array(size)), deflateSync(page, { level: 1, memLevel: 1 }));
  return out.map((s) => new Uint8Array(s));
}

function mutations(good: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: good.length }).map((n) => good.slice(0, n)),
    fc.tuple(fc.nat({ max: good.length * 8 - 1 }), fc.nat({ max: good.length * 8 - 1 })).map(([a, b]) => {
      const bad = good.slice();
      bad[a >> 3]! ^= 1 << (a & 7);
      bad[b >> 3]! ^= 1 << (b & 7);
      return bad;
    }),
    fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
      const bad = good.slice();
      bad[at] = v;
      return bad;
    }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((junk) => Uint8Array.of(...good, ...junk)),
    fc.uint8Array({ minLength: 0, maxLength: 300 }),
  );
}

describe("the WebAssembly page decoders", () => {
  it("run on this host (else every comparison here would compare the reference with itself)", () => {
    expect(lzoWasmAvailable()).toBe(true);
    expect(zlibWasmAvailable()).toBe(true);
    expect(lzoWasm).not.toBeNull();
    expect(zlibWasm).not.toBeNull();
  });

  it("decode the embedded base64 exactly (a wasm module starts with \\0asm, version 1)", () => {
    expect([...decodeBase64(LZO1X_WASM_BASE64).subarray(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect([...decodeBase64("AAECAwQ=")]).toEqual([0, 1, 2, 3, 4]);
  });

  it("LZO: the WebAssembly decoder alone writes the reference's bytes on good streams of every shape", () => {
    for (const size of [4096, 65536]) {
      for (let seed = 1; seed <= 40; seed++) {
        const page = pageSample(size, seed);
        for (const stream of [lzoTestCompress(page), lzoLiteralOnly(page)]) {
          const want = lzoReference(stream, size);
          expectSameBytes(want, page);
          expectSameBytes(raw(lzoWasm, stream, size), want);
        }
      }
    }
  });

  it("zlib: the WebAssembly decoder alone writes the reference's bytes on good streams of every shape", () => {
    for (const size of [4096, 65536]) {
      for (let seed = 1; seed <= 8; seed++) {
        for (const stream of zlibStreams(size, seed)) {
          const want = zlibDecompress(stream, size);
          expectSameBytes(raw(zlibWasm, stream, size), want);
          expectSameBytes(zlibFast(stream, size), want);
        }
      }
    }
  });

  it("zlib: a stream that inflates to the wrong size, carries a dictionary or a bad Adler-32 is rejected by both", () => {
    const page = pageSample(4096, 7);
    const good = new Uint8Array(deflateSync(page));
    const badAdler = good.slice();
    badAdler[badAdler.length - 1]! ^= 1;
    const longer = new Uint8Array(deflateSync(pageSample(4097, 7)));
    const noHeader = new Uint8Array(deflateRawSync(page));
    const bomb = new Uint8Array(deflateSync(new Uint8Array(1 << 20)));
    for (const bad of [badAdler, longer, noHeader, good.subarray(0, 6), bomb]) {
      expect(raw(zlibWasm, bad, 4096)).toBeNull();
      expect(describeOutcome(outcome(() => zlibFast(bad, 4096)))).toBe(describeOutcome(outcome(() => zlibDecompress(bad, 4096))));
      expect("error" in outcome(() => zlibFast(bad, 4096))).toBe(true);
    }
  });

  for (const [codec, size] of [
    ["lzo", 4096],
    ["zlib", 4096],
  ] as const) {
    it(`${codec}: on damaged streams the fast path gives the reference's answer, and the WebAssembly decoder accepts only what the reference accepts`, () => {
      const goods = codec === "lzo" ? [1, 2, 3].map((s) => lzoTestCompress(pageSample(size, s))) : zlibStreams(size, 3).slice(0, 6);
      const reference = codec === "lzo" ? lzoReference : zlibDecompress;
      const fast = codec === "lzo" ? lzoFast : zlibFast;
      const wasm = codec === "lzo" ? lzoWasm : zlibWasm;
      let accepted = 0;
      let rejected = 0;
      for (const [k, good] of goods.entries()) {
        fc.assert(
          fc.property(mutations(good), (bad) => {
            const want = describeOutcome(outcome(() => reference(bad, size)));
            expect(describeOutcome(outcome(() => fast(bad, size)))).toBe(want);
            const w = raw(wasm, bad, size);
            if (w === null) rejected++;
            else {
              accepted++;
              expect(describeOutcome({ bytes: w })).toBe(want);
            }
          }),
          { seed: 1900 + k, numRuns: 1500 },
        );
      }
      // Both kinds of outcome must have occurred, or the property proved nothing.
      expect(accepted).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(100);
    });
  }

  it("decompressPage uses the fast path and keeps the reference's errors", () => {
    const page = pageSample(4096, 11);
    expect(decompressPage("lzo", lzoTestCompress(page), 4096)).toEqual(page);
    expect(decompressPage("zlib", new Uint8Array(deflateSync(page)), 4096)).toEqual(page);
    const cut = lzoTestCompress(page).subarray(0, 50);
    expect(describeOutcome(outcome(() => decompressPage("lzo", cut, 4096)))).toBe(describeOutcome(outcome(() => lzoReference(cut, 4096))));
  });
});
