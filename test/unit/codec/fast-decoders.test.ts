// The WebAssembly decoders (src/core/codec/*-wasm.ts, built from scripts/wasm/) against the reference
// decoders they stand in for (lzo1x.ts; zlib.ts, fflate plus the length and Adler-32 checks): on good streams
// the same bytes; on damaged ones the same answer, because a stream the WebAssembly decoder accepts must be
// one the reference accepts with the same bytes (checked directly below), and a stream it rejects goes to
// the reference. The fixture dumps are checked page by page in test/unit/dump/fast-path-fixtures.test.ts.
import { deflateRawSync, deflateSync, inflateSync, constants } from "node:zlib";
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
import { zlibDynamicStream, type BlockItem, type DynamicBlock } from "./deflate-writer";

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

/** Code lengths for `size` symbols: `lengths[k]` for symbol `symbols[k]`, 0 for the rest. */
function lengthsFor(size: number, symbols: readonly number[], lengths: readonly number[]): number[] {
  const out = new Array<number>(size).fill(0);
  symbols.forEach((s, k) => (out[s] = lengths[k]!));
  return out;
}

/** The items and the bytes they make: literals and matches picked by a seeded generator until `size` bytes. */
function itemsOf(size: number, literals: readonly number[], lengthsUsed: readonly number[], distancesUsed: readonly number[], seed: number): { items: BlockItem[]; bytes: Uint8Array } {
  const out: number[] = [];
  const items: BlockItem[] = [];
  let x = seed;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  while (out.length < size) {
    const length = lengthsUsed[next(lengthsUsed.length)]!;
    const distance = distancesUsed[next(distancesUsed.length)]!;
    if (next(3) === 0 && distance <= out.length && out.length + length <= size) {
      for (let i = 0; i < length; i++) out.push(out[out.length - distance]!);
      items.push({ length, distance });
    } else {
      const literal = literals[next(literals.length)]!;
      out.push(literal);
      items.push({ literal });
    }
  }
  items.push({ end: true });
  return { items, bytes: Uint8Array.from(out) };
}

describe("the WebAssembly zlib decoder on streams zlib's deflate does not write (test/unit/codec/deflate-writer.ts)", () => {
  // Codes of 1..15 bits (complete: 2^-1 + ... + 2^-13 + 2^-14 + 2 * 2^-15 = 1): the codes longer than the
  // decoder's first-level tables (10 bits for literals/lengths, 8 for distances) go through its subtables.
  const letters = Array.from({ length: 13 }, (_, k) => 0x61 + k);
  const staircase = [...Array.from({ length: 14 }, (_, k) => k + 1), 15];
  const longCodes: Omit<DynamicBlock, "items"> = {
    litlen: lengthsFor(259, [...letters, 258, 257, 256], [...staircase.slice(0, 13), 14, 15, 15]),
    dist: lengthsFor(16, Array.from({ length: 16 }, (_, k) => k), [...staircase, 15]),
  };

  it("decodes codes of up to 15 bits, literal, length and distance, as zlib and the reference do", () => {
    for (const seed of [1, 2, 3]) {
      // Distances 1..256 use every distance symbol 0..15, those of 13 to 15 bits among them.
      const { items, bytes } = itemsOf(4096, letters, [3, 4], [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256], seed);
      const stream = zlibDynamicStream({ ...longCodes, items }, bytes);
      expectSameBytes(new Uint8Array(inflateSync(stream)), bytes);
      expectSameBytes(zlibDecompress(stream, bytes.length), bytes);
      expectSameBytes(raw(zlibWasm, stream, bytes.length), bytes);
    }
  });

  it("decodes a distance code of one codeword, and rejects its unused codeword as zlib does", () => {
    // Literal/length: 'x' 1 bit, end of block 2, lengths 3 and 4 three bits each (complete). Distance: one
    // code of one bit (distance 1), which zlib and the decoder accept; its other codeword is no code.
    const block = { litlen: lengthsFor(259, [0x78, 256, 257, 258], [1, 2, 3, 3]), dist: [1] };
    const { items, bytes } = itemsOf(4096, [0x78], [3, 4], [1], 7);
    const good = zlibDynamicStream({ ...block, items }, bytes);
    expectSameBytes(new Uint8Array(inflateSync(good)), bytes);
    expectSameBytes(raw(zlibWasm, good, bytes.length), bytes);
    const at = items.findIndex((i) => "distance" in i);
    const bad = zlibDynamicStream({ ...block, items: items.map((item, k) => (k === at ? { length: 3, distance: 1, distanceCode: { code: 1, bits: 1 } } : item)) }, bytes);
    expect(() => inflateSync(bad)).toThrow(/invalid distance code/);
    expect(raw(zlibWasm, bad, bytes.length)).toBeNull();
    expect(describeOutcome(outcome(() => zlibFast(bad, bytes.length)))).toBe(describeOutcome(outcome(() => zlibDecompress(bad, bytes.length))));
  });

  it("decodes literals with no distance code at all (one distance length, 0)", () => {
    const bytes = new Uint8Array(4096).fill(0x78);
    const items: BlockItem[] = [...Array.from(bytes, (b) => ({ literal: b })), { end: true }];
    const stream = zlibDynamicStream({ litlen: lengthsFor(257, [0x78, 256], [1, 1]), dist: [0], items }, bytes);
    expectSameBytes(new Uint8Array(inflateSync(stream)), bytes);
    expectSameBytes(raw(zlibWasm, stream, bytes.length), bytes);
  });

  it("rejects over-subscribed and incomplete literal/length codes, and the fast path gives the reference's answer", () => {
    const bytes = new Uint8Array(4096).fill(0x78);
    const items: BlockItem[] = [...Array.from(bytes, (b) => ({ literal: b })), { end: true }];
    for (const litlen of [
      lengthsFor(257, [0x78, 0x79, 256], [1, 1, 1]), // over-subscribed: 3/2 of the code space
      lengthsFor(257, [0x78, 256], [1, 2]), // incomplete: 3/4, more than zlib's one-code case
    ]) {
      const stream = zlibDynamicStream({ litlen, dist: [1], items }, bytes);
      expect(() => inflateSync(stream)).toThrow(/invalid (literal\/)?lengths set|invalid code lengths set/);
      expect(raw(zlibWasm, stream, bytes.length)).toBeNull();
      expect(describeOutcome(outcome(() => zlibFast(stream, bytes.length)))).toBe(describeOutcome(outcome(() => zlibDecompress(stream, bytes.length))));
    }
  });
});
