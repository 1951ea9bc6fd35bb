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
  /**
   * Optional: copies `target.length` bytes from `offset` into `target` (TruncatedError when the file is
   * shorter). Scans of large tables (bitmaps, page descriptors) read through it into one reused buffer, so
   * their memory does not grow with the dump; sources without it are read with read().
   */
  readInto?(offset: number, target: Uint8Array): void;
  /**
   * Optional: the same bytes as read(), in a buffer the source reuses, so valid only until the next
   * readTransient on this source. For bytes used up at once (a compressed page on its way into the decoder):
   * a sequential walk then reads the file in large blocks into one buffer instead of allocating a new one per
   * block. Sources without it are read with read().
   */
  readTransient?(offset: number, length: number): Uint8Array;
  /**
   * Optional: has the kernel map, now, the pages of the buffers the source reads into (a fresh page costs a
   * fault on its first write: 11-15 us on a VM). Called in idle time (the console's, after an open), so
   * that the first reads of a command do not pay them. Reads nothing.
   */
  prefault?(): void;
}

/** Writes one byte of every `pageBytes` of `buffer` (with the value it holds): each page is mapped after it. */
export function touchPages(buffer: Uint8Array, pageBytes = 4096): void {
  for (let i = 0; i < buffer.length; i += pageBytes) buffer[i] = buffer[i]!;
}

/**
 * A file of kdw's own read in pieces (an index image in the user's cache, not evidence): its size when
 * opened, and `length` bytes at `offset`, or undefined when they cannot be read whole (no error: the image
 * is then built again).
 */
export interface RangeReader {
  readonly size: number;
  read(offset: number, length: number): Uint8Array | undefined;
}

/** Fills `target` from `offset` of `source`, without allocating when the source can copy in place. */
export function readInto(source: ByteSource, offset: number, target: Uint8Array): void {
  if (source.readInto !== undefined) source.readInto(offset, target);
  else target.set(source.read(offset, target.length));
}

/** read(), or readTransient() where the source has it: bytes to use before the next transient read. */
export function readTransient(source: ByteSource, offset: number, length: number): Uint8Array {
  return source.readTransient !== undefined ? source.readTransient(offset, length) : source.read(offset, length);
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
