// Decoders the Node adapters pass to the core in place of its own (CodecOverrides).
// Pages: none. The core's WebAssembly zlib decoder inflates the fixture's zlib pages faster than Node's zlib
// does through inflateSync (about 7 against 13 us a page of CPU time, dump.zlib's 16,745 zlib pages decoded in
// a loop), which also allocates a Buffer per page.
// Whole-file zstd archives (a dump shipped as `vmcore.zst`, kdw's own sample): zstddec, zstd's reference
// decoder compiled to WebAssembly (MIT/BSD, used by three.js), unpacks the sample's 12 MB into 57 MB in about
// 0.6 s where the core's pure-JS fzstd takes 3.7 s. Its set-up is asynchronous (WebAssembly.instantiate), so
// an adapter awaits `prepareCodecsFor(path)` before it opens a file; it costs 45-75 ms, paid only when the file
// is such an archive.
import { closeSync, openSync, readSync } from "node:fs";
import type { CodecOverrides } from "../core/session/host-types";

interface ZstdDecoder {
  init(): Promise<void>;
  decode(array: Uint8Array, uncompressedSize?: number): Uint8Array;
}

let zstd: ZstdDecoder | undefined;
let zstdReady: Promise<void> | undefined;

export const nodeCodecs: CodecOverrides = {
  get zstdArchive() {
    const d = zstd;
    return d === undefined ? undefined : (input: Uint8Array, size: number) => d.decode(input, size);
  },
};

/** True when the file at `path` starts with a zstd frame's magic number (unreadable files: false). */
function startsWithZstd(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Readies the decoders a file needs before the core opens it (only zstd archives need any). */
export async function prepareCodecsFor(path: string): Promise<void> {
  if (zstd !== undefined || !startsWithZstd(path)) return;
  zstdReady ??= (async () => {
    const { ZSTDDecoder } = await import("zstddec");
    const d = new ZSTDDecoder() as ZstdDecoder;
    await d.init();
    zstd = d;
  })();
  try {
    await zstdReady;
  } catch {
    zstdReady = undefined; // the core's own decoder does the work
  }
}
