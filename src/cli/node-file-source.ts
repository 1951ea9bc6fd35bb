import { Buffer } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../core/io/byte-source";
import { checkRange } from "../core/io/byte-source";

/** Reads smaller than this go through the block cache; larger ones straight to the file. */
const BLOCK_SIZE = 128 << 10;
const BLOCKS_CACHED = 64;

/**
 * A ByteSource over a file opened read-only (O_RDONLY): evidence is never written. Small reads (page
 * descriptors, compressed pages, headers) come from a small cache of 64 KiB blocks, so that walking a dump
 * page by page costs one system call per block instead of one per page; a read inside one block returns a
 * view of the cached block (ByteSource's contract: callers do not write into results).
 */
export class NodeFileSource implements ByteSource {
  readonly size: number;
  private fd: number;
  private readonly blocks = new Map<number, Uint8Array>();
  /** The block of the previous read: sequential and nearby reads skip the LRU bookkeeping. */
  private lastIndex = -1;
  private lastBlock: Uint8Array = new Uint8Array(0);

  constructor(
    readonly name: string,
    /** The file's path (worker threads that read the same file open it again by path). */
    readonly path: string = name,
  ) {
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    const first = Math.floor(offset / BLOCK_SIZE);
    if (length <= BLOCK_SIZE && Math.floor((offset + length - 1) / BLOCK_SIZE) === first) {
      const block = this.block(first);
      const at = offset - first * BLOCK_SIZE;
      return block.subarray(at, at + length);
    }
    return this.readDirect(offset, length);
  }

  /** Straight from the file into `target`, past the block cache: for scans that reuse one buffer. */
  readInto(offset: number, target: Uint8Array): void {
    const length = target.length;
    checkRange(this.name, this.size, offset, length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, target, done, length - done, offset + done);
      if (n <= 0) break;
      done += n;
    }
    if (done !== length) checkRange(this.name, offset + done, offset, length);
  }

  private block(index: number): Uint8Array {
    if (index === this.lastIndex) return this.lastBlock;
    const b = this.lookupBlock(index);
    this.lastIndex = index;
    this.lastBlock = b;
    return b;
  }

  private lookupBlock(index: number): Uint8Array {
    let b = this.blocks.get(index);
    if (b) {
      this.blocks.delete(index);
      this.blocks.set(index, b);
      return b;
    }
    const start = index * BLOCK_SIZE;
    b = this.readDirect(start, Math.min(BLOCK_SIZE, this.size - start));
    if (this.blocks.size >= BLOCKS_CACHED) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(index, b);
    return b;
  }

  private readDirect(offset: number, length: number): Uint8Array {
    // Not zero-filled (the read overwrites it; a short read throws below), and a plain Uint8Array rather than
    // a Buffer, so that every consumer sees one array type.
    const buf = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n <= 0) break;
      done += n;
    }
    if (done !== length) checkRange(this.name, offset + done, offset, length);
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.blocks.clear();
    this.lastIndex = -1;
  }
}
