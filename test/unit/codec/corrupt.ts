// Shared corruption checks: a decoder given a damaged stream must either return exactly the expected size or
// throw a one-line CodecError. Never another error type, never a hang (fast-check with a fixed seed).
import { expect } from "vitest";
import fc from "fast-check";
import { decompressPage, type CodecName } from "../../../src/core/codec/index";
import { CodecError } from "../../../src/core/io/errors";

export function expectCodecError(f: () => unknown, message?: RegExp): CodecError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CodecError);
  const err = caught as CodecError;
  if (message) expect(err.message).toMatch(message);
  expect(err.message).not.toContain("\n");
  return err;
}

function decodeOrCodecError(codec: CodecName, input: Uint8Array, size: number): void {
  try {
    expect(decompressPage(codec, input, size).length).toBe(size);
  } catch (e) {
    if (!(e instanceof CodecError)) throw new Error(`${codec}: ${String(e)} is not a CodecError`, { cause: e });
    expect(e.message).not.toContain("\n");
  }
}

/** Every truncation throws; bit flips and overwritten bytes give CodecError or a page of the right size. */
export function checkCorruption(codec: CodecName, good: Uint8Array, size: number, seed: number): void {
  for (let n = 0; n < good.length; n++) expectCodecError(() => decompressPage(codec, good.subarray(0, n), size));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: good.length * 8 - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat(), (bit, byte, where) => {
      const bad = good.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      decodeOrCodecError(codec, bad, size);
      bad[where % bad.length] = byte;
      decodeOrCodecError(codec, bad, size);
    }),
    { seed, numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (junk) => {
      decodeOrCodecError(codec, junk, size);
      // Junk behind a valid-looking start.
      decodeOrCodecError(codec, Uint8Array.of(...good.subarray(0, 8), ...junk), size);
    }),
    { seed: seed + 1, numRuns: 1000 },
  );
}

/** A page-like sample: kernel pages mix pointers, small integers, text and zero runs. */
export function pageSample(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16);
  for (let i = 0; i < size; i += 8) {
    const r = rnd() % 4;
    if (r === 0) continue; // zeros
    if (r === 1) out.set([rnd() & 0xff, rnd() & 0xff, rnd() & 0xff, 0x80, 0xff, 0xff, 0xff, 0xff].slice(0, size - i), i);
    else if (r === 2) out[i] = rnd() & 0x0f;
    else for (let k = i; k < Math.min(size, i + 8); k++) out[k] = 0x61 + (rnd() % 26);
  }
  return out;
}
