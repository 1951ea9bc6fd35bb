// Every page of every fixture variant, read the way kdw reads it by default (WebAssembly decoders, the
// descriptor table, the page cache, the file adapter's block cache), against a reference read: the pure-JS
// decoders for the kdump-compressed forms, and the file's own bytes at the PT_LOAD offset for the ELF form.
// The WebAssembly decoders must also accept every real page on their own (were they to reject pages, the
// fast path would quietly be the reference path and prove nothing).
import { openSync, readSync, closeSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { codecOfFlags, DiskdumpVmcore } from "../../../src/core/dump/diskdump";
import { ElfVmcore } from "../../../src/core/dump/elf-vmcore";
import { openDump } from "../../../src/core/dump/open";
import { PT_LOAD } from "../../../src/core/dump/elf";
import { lzo1xDecompressInto, zlibDecompress, type CodecOverrides } from "../../../src/core/codec/index";
import { LZO1X_WASM_BASE64 } from "../../../src/core/codec/lzo1x-wasm-module";
import { ZLIB_WASM_BASE64 } from "../../../src/core/codec/zlib-wasm-module";
import { loadWasmDecoder } from "../../../src/core/codec/wasm-instance";
import { CodecError } from "../../../src/core/io/errors";
import { fixture, haveFixtures } from "../../fixtures";

const reference: CodecOverrides = {
  lzo: (input, out) => {
    const n = lzo1xDecompressInto(input, out);
    if (n !== out.length) throw new CodecError("lzo", `output is ${n} bytes, expected ${out.length}`);
  },
  zlib: (input, out) => out.set(zlibDecompress(input, out.length)),
};

/** The error `f` throws (a test failure when it throws none). */
function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe.skipIf(!haveFixtures("dump.lzo", "dump.zlib", "dump.flat", "dump.zstd"))("the fast page path on the kdump-compressed fixtures", () => {
  // Present pages per variant (dump.zstd was written at another dump level: no shared zero pages).
  for (const [variant, presentPages] of [
    ["dump.lzo", 20093],
    ["dump.zlib", 20093],
    ["dump.flat", 20093],
    ["dump.zstd", 19260],
  ] as const) {
    it(`${variant}: every present page reads as the reference decoders read it`, () => {
      const path = fixture(variant)!;
      const fast = openDump(new NodeFileSource(variant, path));
      const ref = openDump(new NodeFileSource(variant, path), { codecs: reference });
      // A scan's read (readPageTransient: a reused buffer, nothing cached) on an instance of its own.
      const scan = openDump(new NodeFileSource(variant, path));
      let present = 0;
      let refused = 0;
      for (let pfn = 0; pfn < fast.maxPfn; pfn++) {
        const state = fast.pageState(pfn);
        expect(state).toBe(ref.pageState(pfn));
        if (state !== "present") {
          // The first pages that are not there: the same typed error from both reads.
          if (refused++ < 64) {
            const want = errorOf(() => fast.readPage(pfn));
            const got = errorOf(() => scan.readPageTransient(pfn));
            expect([got.constructor.name, got.message]).toEqual([want.constructor.name, want.message]);
          }
          continue;
        }
        present++;
        const want = ref.readPage(pfn);
        const at = firstDifference(fast.readPage(pfn), want);
        if (at >= 0) expect.fail(`${variant} pfn 0x${pfn.toString(16)}: byte ${at} differs`);
        const atScan = firstDifference(scan.readPageTransient(pfn), want);
        if (atScan >= 0) expect.fail(`${variant} pfn 0x${pfn.toString(16)}, readPageTransient: byte ${atScan} differs`);
      }
      expect(present).toBe(presentPages);
      expect(refused).toBeGreaterThan(0);
    });
  }

  for (const [variant, codec, base64, name] of [
    ["dump.lzo", "lzo", LZO1X_WASM_BASE64, "decompress"],
    ["dump.zlib", "zlib", ZLIB_WASM_BASE64, "zlibDecompress"],
  ] as const) {
    it(`${variant}: the WebAssembly ${codec} decoder alone accepts every ${codec} page and writes the reference's bytes`, () => {
      const src = new NodeFileSource(variant, fixture(variant)!);
      const dump = DiskdumpVmcore.open(src);
      const wasm = loadWasmDecoder(base64, name)!;
      const out = new Uint8Array(dump.pageSize);
      const want = new Uint8Array(dump.pageSize);
      let pages = 0;
      for (let pfn = 0; pfn < dump.maxPfn; pfn++) {
        const pd = dump.pageDescriptor(pfn);
        if (pd === null || codecOfFlags(pd.flags) !== codec) continue;
        const data = src.read(pd.offset, pd.size);
        reference[codec]!(data, want);
        expect(wasm.run(data, out)).toBe(dump.pageSize);
        if (firstDifference(out, want) >= 0) expect.fail(`${variant} pfn 0x${pfn.toString(16)} differs`);
        pages++;
      }
      expect(pages).toBeGreaterThan(16000);
    });
  }
});

describe.skipIf(!haveFixtures("dump.elf"))("the fast page path on the ELF fixture", () => {
  it("dump.elf: every present page is the file's bytes at its PT_LOAD offset", () => {
    const path = fixture("dump.elf")!;
    const dump = openDump(new NodeFileSource("dump.elf", path)) as ElfVmcore;
    const loads = dump.elf.programHeaders.filter((p) => p.type === PT_LOAD);
    const fd = openSync(path, "r");
    const want = new Uint8Array(dump.pageSize);
    const scan = openDump(new NodeFileSource("dump.elf", path));
    let present = 0;
    try {
      for (let pfn = 0; pfn < dump.maxPfn; pfn++) {
        if (dump.pageState(pfn) !== "present") continue;
        const addr = pfn * dump.pageSize;
        // The first PT_LOAD that holds the whole page in the file (x86_64 vmcores alias kernel text twice).
        const p = loads.find((l) => Number(l.paddr) <= addr && addr + dump.pageSize <= Number(l.paddr) + l.filesz);
        if (p === undefined) continue; // a page cut by a segment boundary: assembled, covered by elf-vmcore tests
        present++;
        expect(readSync(fd, want, 0, want.length, p.offset + (addr - Number(p.paddr)))).toBe(want.length);
        const at = firstDifference(dump.readPage(pfn), want);
        if (at >= 0) expect.fail(`dump.elf pfn 0x${pfn.toString(16)}: byte ${at} differs`);
        const atScan = firstDifference(scan.readPageTransient(pfn), want);
        if (atScan >= 0) expect.fail(`dump.elf pfn 0x${pfn.toString(16)}, readPageTransient: byte ${atScan} differs`);
      }
    } finally {
      closeSync(fd);
    }
    expect(present).toBeGreaterThan(19000);
  });
});
