import { Buffer } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../core/io/byte-source";
import { checkRange, touchPages } from "../core/io/byte-source";

/**
 * Reads smaller than this go through the block cache; larger ones straight to the file. Small, because most
 * reads of a session are scattered (a task_struct here, a page descriptor there) and every byte read into
 * a fresh block costs the kernel's page faults (on a 2-core VM, about 3 ms per MiB): 32 KiB blocks took
 * 10 ms off `kdw -c sys` against 128 KiB ones.
 */
const BLOCK_SIZE = 32 << 10;
const BLOCKS_CACHED = 128;
/** Blocks read at once, in one buffer, when misses walk forward block after block (a scan of the file). */
const READ_AHEAD = 4;
/** readTransient's one reused buffer, filled from the file when reads walk forward through it. */
const STAGE_SIZE = 256 << 10;
/** A transient read at most this far past the previous one continues a forward walk. */
const STAGE_GAP = 64 << 10;
/**
 * What a transient jump reads: the 4 KiB around it (more when the read is longer), not a 32 KiB block. A
 * jump is one compressed page or one symbol; a block's other 28 KiB were rarely used before the next jump,
 * and cost the copy and, in a fresh process, the faults of the stage buffer's pages they first touch:
 * foreach files' first run (64 jumps) 10.0 -> 9.3 ms, bt -a 54.0 -> 51.3, sys 13.5 -> 12.5.
 */
const JUMP_READ = 4 << 10;
/**
 * The last jumps' 4 KiB kept, in buffers reused round-robin: compressed pages are 1-2 KiB, so the 4 KiB a
 * jump reads often hold the next page asked for a few reads later (a task's stack beside its task_struct,
 * page tables), which the stage, refilled by every read, had lost: a fifth of a session's reads of the dump
 * were such repeats (foreach bt, bt -a, the open).
 */
const JUMP_SLOTS = 64;

/** Bytes of the file read at once, from `start`: one block, or a few read ahead together. */
interface Region {
  start: number;
  bytes: Uint8Array;
}

/** The bytes [offset, offset + length) of the file as a view of region `r`, when it holds them all. */
function viewIn(r: Region, offset: number, length: number): Uint8Array | undefined {
  const at = offset - r.start;
  return at >= 0 && at + length <= r.bytes.length ? r.bytes.subarray(at, at + length) : undefined;
}

/**
 * A ByteSource over a file opened read-only (O_RDONLY): evidence is never written. Small reads (page
 * descriptors, compressed pages, headers) come from a small cache of 32 KiB blocks, read four at a time (one
 * region) when the misses walk forward, so that walking a dump page by page costs one system call per
 * 128 KiB instead of one per page; a read inside one region returns a view of it (ByteSource's contract:
 * callers do not write into results).
 */
export class NodeFileSource implements ByteSource {
  readonly size: number;
  private fd: number;
  /** Cached regions by the index of each block they cover, least recently used first. */
  private readonly blocks = new Map<number, Region>();
  /** The region of the previous read: reads inside it skip the lookup and the LRU bookkeeping. */
  private current: Region = { start: 0, bytes: new Uint8Array(0) };
  /** The last block the previous miss read: a miss on the block after it reads ahead. */
  private lastMiss = -2;
  private stage: Uint8Array | null = null;
  private stageStart = 0;
  private stageLength = 0;
  /** Where the previous readTransient ended. */
  private transientEnd = -1;
  /** The kept jumps (JUMP_SLOTS of JUMP_READ bytes): each slot's file offset (-1: none) and length, the slot of each offset, the next slot to fill. */
  private jumps: Uint8Array | null = null;
  private readonly jumpStart = new Float64Array(JUMP_SLOTS).fill(-1);
  private readonly jumpLength = new Int32Array(JUMP_SLOTS);
  private readonly jumpSlot = new Map<number, number>();
  private nextJump = 0;

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
    const hit = viewIn(this.current, offset, length);
    if (hit) return hit;
    if (length > BLOCK_SIZE) return this.readDirect(offset, length);
    this.current = this.region(Math.floor(offset / BLOCK_SIZE));
    // A read past the region's end (across two blocks read apart) is read on its own.
    return viewIn(this.current, offset, length) ?? this.readDirect(offset, length);
  }

  /**
   * For bytes used at once (compressed pages on their way into a decoder): a walk forward through the file
   * is read STAGE_SIZE bytes at a time into one reused buffer, so it allocates nothing per block (a fresh
   * block costs the kernel's page faults and the collector's time); a jump reads the 4 KiB around it into
   * one of the kept jumps' buffers (JUMP_SLOTS), unless the block cache or a kept jump holds it.
   */
  readTransient(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    const previousEnd = this.transientEnd;
    this.transientEnd = offset + length;
    const at = offset - this.stageStart;
    if (at >= 0 && at + length <= this.stageLength) return this.stage!.subarray(at, at + length);
    if (length > STAGE_SIZE - BLOCK_SIZE) return this.read(offset, length);
    if (previousEnd < 0 || offset < previousEnd || offset - previousEnd > STAGE_GAP) {
      // A jump (a task_struct's page, then another's): a cached block or a kept jump serves it, else the
      // 4 KiB around it are read into the oldest kept jump's buffer, not into a fresh block.
      const cached = this.cached(offset, length);
      if (cached) return cached;
      const start = Math.floor(offset / JUMP_READ) * JUMP_READ;
      const n = Math.min(this.size, Math.max(start + JUMP_READ, offset + length)) - start;
      if (n <= JUMP_READ) return this.jumpRead(start, n).subarray(offset - start, offset - start + length);
      return this.stageAt(start, n).subarray(offset - start, offset - start + length);
    }
    return this.stageAt(offset, Math.min(STAGE_SIZE, this.size - offset)).subarray(0, length);
  }

  /** The kept jumps' buffers and the stage made now if they are not yet, and their pages mapped (ByteSource.prefault). */
  prefault(): void {
    touchPages((this.jumps ??= new Uint8Array(JUMP_SLOTS * JUMP_READ)));
    touchPages((this.stage ??= new Uint8Array(STAGE_SIZE)));
  }

  /** The `n` (at most JUMP_READ) bytes of the file from `start` (a multiple of JUMP_READ): a kept jump's, else read into the oldest slot. */
  private jumpRead(start: number, n: number): Uint8Array {
    const buf = (this.jumps ??= new Uint8Array(JUMP_SLOTS * JUMP_READ));
    let slot = this.jumpSlot.get(start);
    if (slot === undefined || this.jumpLength[slot]! < n) {
      slot = this.nextJump;
      this.nextJump = (slot + 1) % JUMP_SLOTS;
      const old = this.jumpStart[slot]!;
      if (old >= 0) this.jumpSlot.delete(old);
      this.jumpStart[slot] = -1;
      this.fill(start, buf.subarray(slot * JUMP_READ, slot * JUMP_READ + n));
      this.jumpStart[slot] = start;
      this.jumpLength[slot] = n;
      this.jumpSlot.set(start, slot);
    }
    return buf.subarray(slot * JUMP_READ, slot * JUMP_READ + this.jumpLength[slot]!);
  }

  /** The stage buffer filled with `n` bytes of the file from `offset`. */
  private stageAt(offset: number, n: number): Uint8Array {
    const stage = (this.stage ??= new Uint8Array(STAGE_SIZE));
    this.stageLength = 0;
    this.fill(offset, stage.subarray(0, n));
    this.stageStart = offset;
    this.stageLength = n;
    return stage;
  }

  /** [offset, offset + length) from the block cache when a cached region holds it all; else undefined. */
  private cached(offset: number, length: number): Uint8Array | undefined {
    const hit = viewIn(this.current, offset, length);
    if (hit) return hit;
    const block = this.blocks.get(Math.floor(offset / BLOCK_SIZE));
    return block && viewIn(block, offset, length);
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

  /** The cached region that holds block `index`, read (with the blocks after it, in a scan) on a miss. */
  private region(index: number): Region {
    const cached = this.blocks.get(index);
    if (cached) {
      this.blocks.delete(index);
      this.blocks.set(index, cached);
      return cached;
    }
    const run = index === this.lastMiss + 1 ? READ_AHEAD : 1;
    const start = index * BLOCK_SIZE;
    const r: Region = { start, bytes: this.readDirect(start, Math.min(run * BLOCK_SIZE, this.size - start)) };
    const blocks = Math.ceil(r.bytes.length / BLOCK_SIZE);
    this.lastMiss = index + blocks - 1;
    for (let k = 0; k < blocks; k++) {
      // A block cached already stays as it is (views of it may be held); the bytes are the same.
      if (k > 0 && this.blocks.has(index + k)) continue;
      if (this.blocks.size >= BLOCKS_CACHED) this.blocks.delete(this.blocks.keys().next().value!);
      this.blocks.set(index + k, r);
    }
    return r;
  }

  private readDirect(offset: number, length: number): Uint8Array {
    // Not zero-filled (the read overwrites it; a short read throws below), and a plain Uint8Array rather than
    // a Buffer, so that every consumer sees one array type.
    const buf = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
    this.fill(offset, buf);
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.blocks.clear();
    this.current = { start: 0, bytes: new Uint8Array(0) };
    this.stage = null;
    this.stageLength = 0;
    this.jumps = null;
    this.jumpSlot.clear();
    this.jumpStart.fill(-1);
  }
}
