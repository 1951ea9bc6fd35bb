import { TruncatedError } from "./errors";

/**
 * Positioned reads of one evidence file. src/core sees files only through this; the Node adapter
 * (src/cli/node-file-source.ts) opens them read-only. Reads are synchronous: every caller above reads
 * small pieces at random places, and the core always runs where synchronous reads are available (the CLI,
 * Electron's utility process, kdw serve, a worker, tests).
 */
export interface ByteSource {
  /** What to call the file in messages (its path as the user gave it). */
  readonly name: string;
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset`, or TruncatedError when the file is shorter. The result may be a
   * view of a shared buffer: callers must not write into it.
   */
  read(offset: number, length: number): Uint8Array;
}

/** Throws TruncatedError unless [offset, offset+length) lies inside a source of `size` bytes. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new TruncatedError(name, offset, length, size);
  }
}

/** A ByteSource over bytes in memory: synthetic images in tests, sections already read. */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
  ) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}

/** A window [start, start+size) of another source, addressed from 0 (e.g. one ELF section). */
export class SliceSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    private readonly start: number,
    readonly size: number,
    readonly name: string = inner.name,
  ) {
    checkRange(inner.name, inner.size, start, size);
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    return this.inner.read(this.start + offset, length);
  }
}
