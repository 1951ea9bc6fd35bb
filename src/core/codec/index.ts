// The page codecs of the kdump-compressed format: one entry point that the dump layer calls with the codec
// named by a page descriptor's flags (makedumpfile's diskdump_mod.h: DUMP_DH_COMPRESSED_ZLIB 0x1, _LZO 0x2,
// _SNAPPY 0x4, _ZSTD 0x20). Every failure is a one-line CodecError; the dump layer adds the page and offset.
import { CodecError } from "../io/errors";
import { checkExpectedSize, sizeMismatch } from "./codec-error";
import { lzo1xDecompressFast } from "./lzo1x-wasm";
import { snappyDecompressInto } from "./snappy";
import { zlibDecompressFast } from "./zlib-wasm";
import { zstdDecompressInto } from "./zstd";

export type CodecName = "zlib" | "lzo" | "snappy" | "zstd";

/**
 * A page decoder an adapter may supply in place of the built-in one (a faster platform decoder; the CLI
 * supplies none: the built-in WebAssembly decoders are faster than Node's zlib). It fills `out` exactly or
 * throws CodecError. `input` may be a buffer the file source reuses (ByteSource.readTransient): it is valid
 * during the call only.
 */
export type PageDecoder = (input: Uint8Array, out: Uint8Array) => void;
/**
 * A whole-file decoder an adapter may supply for a dump compressed as a whole (dump/zstd-archive.ts): the
 * frames' bytes in, exactly `outputSize` bytes out (the frames were walked and bounded first), or it throws.
 */
export type ArchiveDecoder = (input: Uint8Array, outputSize: number) => Uint8Array;
export type CodecOverrides = Partial<Record<CodecName, PageDecoder>> & { zstdArchive?: ArchiveDecoder };

export const CODEC_NAMES: readonly CodecName[] = ["zlib", "lzo", "snappy", "zstd"];

export { CodecError };
export { lzo1xDecompressInto } from "./lzo1x";
export { lzo1xDecompressFast, lzoWasmAvailable } from "./lzo1x-wasm";
export { snappyDecompressInto } from "./snappy";
export { zlibDecompress, adler32 } from "./zlib";
export { zlibDecompressFast, zlibWasmAvailable } from "./zlib-wasm";
export { zstdDecompressInto } from "./zstd";

/** Decompresses one page. Returns a new array of exactly `expectedSize` bytes, or throws CodecError. */
export function decompressPage(codec: CodecName, input: Uint8Array, expectedSize: number): Uint8Array {
  checkExpectedSize(codec, expectedSize);
  const out = new Uint8Array(expectedSize);
  decompressInto(codec, input, out);
  return out;
}

/** Decompresses one page into `out`, which must be exactly the page size; throws CodecError otherwise. */
export function decompressPageInto(codec: CodecName, input: Uint8Array, out: Uint8Array): void {
  checkExpectedSize(codec, out.length);
  decompressInto(codec, input, out);
}

function decompressInto(codec: CodecName, input: Uint8Array, out: Uint8Array): void {
  switch (codec) {
    case "lzo": {
      const n = lzo1xDecompressFast(input, out);
      if (n !== out.length) throw sizeMismatch(codec, n, out.length);
      return;
    }
    case "zlib":
      return zlibDecompressFast(input, out);
    case "snappy":
      return snappyDecompressInto(input, out);
    case "zstd":
      return zstdDecompressInto(input, out);
    default:
      throw new CodecError(String(codec), "unknown codec");
  }
}
