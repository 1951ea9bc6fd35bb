import { beforeAll, describe, expect, it } from "vitest";
import { zlibSync } from "fflate";
import { compress as snappyCompress } from "snappyjs";
import { compress as zstdCompress, init } from "@bokuweb/zstd-wasm";
import { CODEC_NAMES, decompressPage, decompressPageInto, type CodecName } from "../../../src/core/codec/index";
import { CodecError } from "../../../src/core/io/errors";
import { expectCodecError, pageSample } from "./corrupt";
import { lzoTestCompress } from "./lzo-encoder";

function compressWith(codec: CodecName, page: Uint8Array): Uint8Array {
  switch (codec) {
    case "zlib":
      return zlibSync(page);
    case "lzo":
      return lzoTestCompress(page);
    case "snappy":
      return snappyCompress(page);
    case "zstd":
      return zstdCompress(page, 3);
  }
}

describe("decompressPage / decompressPageInto", () => {
  beforeAll(async () => {
    await init();
  });

  const page = pageSample(4096, 77);

  for (const codec of CODEC_NAMES) {
    it(`${codec}: returns a fresh page of exactly the expected size, and fills a caller's buffer`, () => {
      const input = compressWith(codec, page);
      const out = decompressPage(codec, input, 4096);
      expect(out.length).toBe(4096);
      expect(out).toEqual(page);
      // The page owns its buffer: a DataView over out.buffer sees exactly the page.
      expect(out.byteOffset).toBe(0);
      expect(out.buffer.byteLength).toBe(4096);
      const into = new Uint8Array(4096).fill(0xcc);
      decompressPageInto(codec, input, into);
      expect(into).toEqual(page);
    });

    it(`${codec}: a wrong expected size is a CodecError naming the codec, for both entry points`, () => {
      const input = compressWith(codec, page);
      for (const size of [0, 4095, 4097, 8192]) {
        const err = expectCodecError(() => decompressPage(codec, input, size));
        expect(err.codec).toBe(codec);
        expectCodecError(() => decompressPageInto(codec, input, new Uint8Array(size)));
      }
      expectCodecError(() => decompressPage(codec, input, -4096), /not a page size/);
    });

    it(`${codec}: an empty input is a CodecError`, () => {
      expectCodecError(() => decompressPage(codec, new Uint8Array(0), 4096), new RegExp(`^${codec}: `));
    });
  }

  it("lzo: a stream that ends early is a short page, not a padded one", () => {
    const short = lzoTestCompress(page.subarray(0, 4000));
    expectCodecError(() => decompressPage("lzo", short, 4096), /output is 4000 bytes, expected 4096/);
  });

  it("an unknown codec name (from untyped callers) is a CodecError", () => {
    expect(() => decompressPage("lz4" as CodecName, new Uint8Array(8), 4096)).toThrow(CodecError);
  });
});
