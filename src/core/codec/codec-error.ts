// Turning whatever a decoder library throws into one CodecError line: no stack, no library internals.
import { CodecError } from "../io/errors";

/** The largest page kdw decompresses: 64 KiB pages exist (arm64, ppc64); larger is a corrupt header. */
export const MAX_PAGE_SIZE = 1 << 20;

export function checkExpectedSize(codec: string, expectedSize: number): void {
  if (!Number.isInteger(expectedSize) || expectedSize < 0 || expectedSize > MAX_PAGE_SIZE) {
    throw new CodecError(codec, `expected size ${expectedSize} is not a page size (0..${MAX_PAGE_SIZE})`);
  }
}

/** A library exception as a CodecError; a CodecError passes through unchanged. */
export function asCodecError(codec: string, e: unknown): CodecError {
  if (e instanceof CodecError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  const line = raw.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, 200) || "decoder failed";
  return new CodecError(codec, line);
}

export function sizeMismatch(codec: string, produced: number, expectedSize: number): CodecError {
  return new CodecError(codec, produced > expectedSize ? `output longer than the expected ${expectedSize} bytes` : `output is ${produced} bytes, expected ${expectedSize}`);
}
