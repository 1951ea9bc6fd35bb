import type { ByteSource } from "./byte-source";
import type { Progress } from "./progress";

const CHUNK = 4 << 20;

/** SHA-256 of a whole source, streamed in 4 MiB chunks (evidence files are hundreds of MB). */
export async function sha256Source(source: ByteSource, progress?: Progress): Promise<string> {
  // hash-wasm (a 280 KB CommonJS module) is loaded by the first hash, not at every start-up.
  const { createSHA256 } = await import("hash-wasm");
  const hasher = await createSHA256();
  hasher.init();
  for (let off = 0; off < source.size; off += CHUNK) {
    const n = Math.min(CHUNK, source.size - off);
    hasher.update(source.read(off, n));
    progress?.(off + n, source.size, "sha256");
  }
  return hasher.digest("hex");
}
