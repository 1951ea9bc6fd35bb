import { Buffer } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../core/io/byte-source";
import { checkRange } from "../core/io/byte-source";

/** Reads smaller than this go through the block cache; larger ones straight to the file. */
const BLOCK_SIZE = 128 << 10;
const BLOCKS_CACHED = 64;
/** readTransient's one reused buffer, filled from the file when reads walk forward through it. */
const STAGE_SIZE = 256 << 10;
/** A transient read at most this far past the previous one continues a forward walk. */
const STAGE_GAP = 64 << 10;

/**
 * A ByteSource over a file opened read-only (O_RDONLY): evidence is never written. Small reads (page
 * descriptors, compressed pages, headers) come from a small cache of 128 KiB blocks, so that walking a dump
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
  private stage: Uint8Array | null = null;
  private stageStart = 0;
  private stageLength = 0;
  /** Where the previous readTransient ended. */
  private transientEnd = -1;

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

  /**
   * For bytes used at once (compressed pages on their way into a decoder): a walk forward through the file
   * is read STAGE_SIZE bytes at a time into one reused buffer, so it allocates nothing per block (a fresh
   * block costs the kernel's page faults and the collector's time). Other reads go through the block cache.
   */
  readTransient(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    const previousEnd = this.transientEnd;
    this.transientEnd = offset + length;
    const at = offset - this.stageStart;
    if (at >= 0 && at + length <= this.stageLength) return this.stage!.subarray(at, at + length);
    if (length > STAGE_SIZE || previousEnd < 0 || offset < previousEnd || offset - previousEnd > STAGE_GAP) return this.read(offset, length);
    const stage = (this.stage ??= new Uint8Array(STAGE_SIZE));
    const n = Math.min(STAGE_SIZE, this.size - offset);
    this.stageLength = 0;
    this.fill(offset, stage.subarray(0, n));
    this.stageStart = offset;
    this.stageLength = n;
    return stage.subarray(0, length);
  }

  /** Straight from the file into `target`, past the block cache: for scans that reuse one buffer. */
  readInto(offset: number, target: Uint8Array): void {
    checkRange(this.name, this.size, offset, target.length);
    this.fill(offset, target);
  }

  private fill(offset: number, target: Uint8Array): void {
    const length = target.length;
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
    this.stage = null;
    this.stageLength = 0;
  }
}
