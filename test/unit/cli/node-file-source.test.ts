// The Node file source: read() (views of a block cache), readInto(), and readTransient() (a reused read-ahead
// buffer for bytes used at once) all give the file's bytes, whatever the order of the reads; a transient
// read never changes what read() handed out; a read past the end is a TruncatedError naming file and offset.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { FlattenedSource } from "../../../src/core/dump/flattened";
import { TruncatedError } from "../../../src/core/io/errors";
import { flatten } from "../../fixtures/diskdump-builder";

const dir = mkdtempSync(join(tmpdir(), "kdw-file-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 1.5 MiB in which no two 4-byte-aligned words are equal (a wrong offset shows). */
const SIZE = 1536 * 1024 + 123;
const bytes = new Uint8Array(SIZE);
for (let i = 0; i + 4 <= SIZE; i += 4) new DataView(bytes.buffer).setUint32(i, Math.imul(i, 0x9e3779b1) ^ i, true);
const path = join(dir, "file.bin");
writeFileSync(path, bytes);

function same(a: Uint8Array, offset: number, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== bytes[offset + i]) return false;
  return true;
}

/** A place reads keep coming back to, as a dump's pages of zeros share one copy. */
const SHARED = 900_123;
/** The start of a 4 KiB block (of the file source's jumps) that reads come back to. */
const NEAR = 700_416;

describe("NodeFileSource", () => {
  it("gives the file's bytes through readTransient on forward walks, jumps back, returns to one shared place and reads of any size, prefault between them", () => {
    const src = new NodeFileSource("file.bin", path);
    try {
      const kept = src.read(1000, 5000);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: -70_000, max: 200_000 }), fc.integer({ min: 0, max: 6000 }), fc.boolean()), { minLength: 1, maxLength: 400 }),
          (steps) => {
            let at = 0;
            for (const [gap, length, shared] of steps) {
              // Between two steps of a walk, now and then the one place many reads share (a dump's zero page).
              if (shared) expect(same(src.readTransient(SHARED, 3000), SHARED, 3000)).toBe(true);
              // ... and places inside one 4 KiB block, read again after other reads (kept jumps).
              if (shared && length % 3 === 0) expect(same(src.readTransient(NEAR + (length % 7) * 300, 200), NEAR + (length % 7) * 300, 200)).toBe(true);
              // The console's idle work between two commands maps the source's buffers: it changes no byte.
              if (shared && length % 5 === 0) src.prefault();
              // Mostly small steps forward (a walk through compressed pages), sometimes back or far ahead.
              at = Math.max(0, Math.min(SIZE - length, at + (gap > 150_000 ? gap * 4 : gap % 9000)));
              expect(same(src.readTransient(at, length), at, length)).toBe(true);
              at += length;
            }
            expect(same(src.readTransient(7, 300_000), 7, 300_000)).toBe(true);
            expect(same(src.readTransient(SIZE - 10, 10), SIZE - 10, 10)).toBe(true);
          },
        ),
        { seed: 19, numRuns: 60 },
      );
      // What read() handed out is not the transient buffer: it still holds its bytes.
      expect(same(kept, 1000, 5000)).toBe(true);
    } finally {
      src.close();
    }
  });

  it("gives the file's bytes through read() on scans (read ahead), unaligned reads across blocks and jumps, and views stay valid", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: SIZE - 1 }), fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 30 }),
        (scans) => {
          const src = new NodeFileSource("file.bin", path);
          const kept: [Uint8Array, number, number][] = [];
          try {
            // Each scan: `count` reads of `length` bytes one after the other from `start` (an unaligned page
            // walk when length is 4096), then a jump to the next scan's start.
            for (const [start, length, count] of scans) {
              for (let k = 0, at = start; k < count && at + length <= SIZE; k++, at += length) {
                const got = src.read(at, length);
                expect(same(got, at, length)).toBe(true);
                if (k % 7 === 0) kept.push([got, at, length]);
              }
            }
            for (const [got, at, length] of kept) expect(same(got, at, length)).toBe(true);
          } finally {
            src.close();
          }
        },
      ),
      { seed: 23, numRuns: 40 },
    );
  });

  it("prefault on a source not read yet makes its buffers, and reads after it give the file's bytes", () => {
    const src = new NodeFileSource("file.bin", path);
    try {
      src.prefault();
      expect(same(src.readTransient(NEAR + 10, 100), NEAR + 10, 100)).toBe(true);
      expect(same(src.readTransient(NEAR + 200, 5000), NEAR + 200, 5000)).toBe(true);
      src.prefault();
      expect(same(src.readTransient(NEAR + 10, 100), NEAR + 10, 100)).toBe(true);
    } finally {
      src.close();
    }
  });

  it("throws a TruncatedError naming the file and offset for a read past the end, by every path", () => {
    const src = new NodeFileSource("file.bin", path);
    try {
      src.readTransient(SIZE - 5000, 100);
      for (const [offset, read] of [
        [SIZE - 4, () => src.read(SIZE - 4, 8)],
        [SIZE - 4, () => src.readTransient(SIZE - 4, 8)],
        [SIZE - 90, () => src.readTransient(SIZE - 90, 100)],
        [SIZE - 4, () => src.readInto(SIZE - 4, new Uint8Array(8))],
      ] as const) {
        expect(read).toThrow(TruncatedError);
        expect(read).toThrow(`file.bin: offset 0x${offset.toString(16)}: truncated`);
      }
      expect(() => src.readTransient(-1, 4)).toThrow(TruncatedError);
      expect(() => src.readTransient(Number.NaN, 4)).toThrow(TruncatedError);
    } finally {
      src.close();
    }
  });

  it("reads a flattened file's records through the inner source's transient buffer, as read() does", () => {
    const plain = bytes.subarray(0, 300_000);
    const flat = flatten(plain, { recordSize: 4096, shuffleSeed: 7 });
    const flatPath = join(dir, "file.flat");
    writeFileSync(flatPath, flat.bytes);
    const inner = new NodeFileSource("file.flat", flatPath);
    try {
      const src = new FlattenedSource(inner);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: plain.length }), fc.integer({ min: 0, max: 9000 }), (off, len) => {
          const n = Math.min(len, plain.length - off);
          expect(same(src.readTransient(off, n), off, n)).toBe(true);
        }),
        { seed: 23, numRuns: 400 },
      );
      expect(() => src.readTransient(plain.length - 2, 4)).toThrow(TruncatedError);
    } finally {
      inner.close();
    }
  });
});
