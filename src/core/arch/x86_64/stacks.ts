// The x86_64 kernel stacks a backtrace can cross (arch/x86/include/asm/page_64_types.h, cpu_entry_area.h):
// each task's own stack (THREAD_SIZE), one IRQ stack per CPU (hardirq_stack_ptr), and per CPU the IST
// exception stacks in the cpu_entry_area (#DF, NMI, #DB, #MC, #VC, #VC2, each behind a guard page), plus the
// entry trampoline stack that syscalls and exceptions from user mode land on first.
import { KdwError } from "../../io/errors";

export interface StackRange {
  base: bigint;
  /** One past the highest byte. */
  top: bigint;
}

export interface ExceptionStack extends StackRange {
  /** crash's name: NMI, DOUBLEFAULT, DEBUG, MCE, VC, (unknown). */
  name: string;
  /** Index in tss_struct.x86_tss.ist[] (IST number - 1). */
  index: number;
}

export interface CpuStacks {
  cpu: number;
  irq?: StackRange;
  exception: readonly ExceptionStack[];
  /** cpu_entry_area's entry_stack_page (the trampoline stack), where the kernel knows it. */
  entry?: StackRange;
}

/** The IST slots of 6.1 (page_64_types.h IST_INDEX_*), named as crash names them from the IDT. */
export const IST_NAMES: readonly string[] = ["DOUBLEFAULT", "NMI", "DEBUG", "MCE", "VC", "(unknown)", "(unknown)"];
export const NMI_STACK_INDEX = 1;

export function inRange(addr: bigint, r: StackRange | undefined): boolean {
  return r !== undefined && addr >= r.base && addr < r.top;
}

/** A stack page that could not be read (excluded, absent, not mapped). */
export class StackPageMissing extends KdwError {
  constructor(
    readonly at: bigint,
    readonly reason: string,
  ) {
    super(`stack page at ${at.toString(16)} cannot be read: ${reason}`);
  }
}

const PAGE = 4096;

/**
 * A stack read once, page by page: a page that cannot be read is remembered and reported when a word on it
 * is asked for, so a backtrace stops there with a reason instead of losing what it had. The pages are kept
 * as the reads return them (views of the dump's cached pages), not copied into one buffer: `foreach bt`
 * builds one of these per task, and 16 KiB allocated and copied per task made most of its cost (50,000 tasks:
 * 800 MB of buffers, each an external allocation that hastens full collections).
 */
export class StackBuffer {
  readonly base: bigint;
  readonly top: bigint;
  readonly size: number;
  /** Bytes of the stack before its first page boundary's page start (0 for a page-aligned stack). */
  private readonly lead: number;
  /** Each page's bytes from the stack's point of view (chunk i covers the stack from chunkStart(i)); empty where missing. */
  private readonly chunks: Uint8Array[] = [];
  private readonly missing = new Map<number, string>();

  constructor(range: StackRange, read: (addr: bigint, len: number) => Uint8Array, maxSize = 1 << 16) {
    const size = Number(range.top - range.base);
    if (!(size > 0 && size <= maxSize)) throw new StackPageMissing(range.base, `bad stack size ${size}`);
    this.base = range.base;
    this.top = range.top;
    this.size = size;
    this.lead = Number(range.base & 0xfffn);
    for (let off = 0, i = 0; off < size; i++) {
      const pageEnd = Math.min(size, off + PAGE - ((this.lead + off) & 0xfff));
      let chunk: Uint8Array;
      try {
        chunk = read(range.base + BigInt(off), pageEnd - off);
        if (chunk.length !== pageEnd - off) throw new StackPageMissing(range.base + BigInt(off), `read ${chunk.length} bytes of ${pageEnd - off}`);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        this.missing.set(i, err.message);
        chunk = EMPTY;
      }
      this.chunks.push(chunk);
      off = pageEnd;
    }
  }

  contains(addr: bigint): boolean {
    return addr >= this.base && addr < this.top;
  }

  /** Number of 8-byte words. */
  get words(): number {
    return this.size >>> 3;
  }

  /** The chunk holding stack offset `off`, and where that chunk starts. */
  private chunkOf(off: number): number {
    return (this.lead + off) >> 12;
  }

  private chunkStart(i: number): number {
    return i === 0 ? 0 : i * PAGE - this.lead;
  }

  private check(off: number): void {
    if (this.missing.size) {
      const why = this.missing.get(this.chunkOf(off));
      if (why !== undefined) throw new StackPageMissing(this.base + BigInt(off), why);
    }
  }

  /** `len` bytes at stack offset `off`, as one view when they lie on one page, else copied. */
  private bytesAt(off: number, len: number): Uint8Array {
    const i = this.chunkOf(off);
    const local = off - this.chunkStart(i);
    const chunk = this.chunks[i]!;
    if (local + len <= chunk.length) return chunk.subarray(local, local + len);
    const out = new Uint8Array(len);
    for (let done = 0; done < len; ) {
      const j = this.chunkOf(off + done);
      const at = off + done - this.chunkStart(j);
      const part = this.chunks[j]!.subarray(at, at + len - done);
      out.set(part, done);
      done += part.length;
    }
    return out;
  }

  /** High 32 bits of word i (a cheap filter: kernel text and module addresses have 0xffffffff). */
  hi(i: number): number {
    const off = i * 8;
    if (off < 0 || off + 8 > this.size) throw new RangeError(`stack word ${i} is outside a stack of ${this.size} bytes`);
    this.check(off);
    const c = this.chunkOf(off + 4);
    const local = off + 4 - this.chunkStart(c);
    const chunk = this.chunks[c]!;
    const b = local + 4 <= chunk.length ? chunk : this.bytesAt(off + 4, 4);
    const at = b === chunk ? local : 0;
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  }

  word(i: number): bigint {
    const off = i * 8;
    if (off < 0 || off + 8 > this.size) throw new RangeError(`stack word ${i} is outside a stack of ${this.size} bytes`);
    this.check(off);
    const c = this.chunkOf(off);
    const local = off - this.chunkStart(c);
    const chunk = this.chunks[c]!;
    if (local + 8 <= chunk.length) {
      // Copied to a scratch word: a DataView per page or per call would cost more than the copy.
      for (let k = 0; k < 8; k++) SCRATCH[k] = chunk[local + k]!;
      return SCRATCH_VIEW.getBigUint64(0, true);
    }
    return new DataView(this.bytesAt(off, 8).slice().buffer).getBigUint64(0, true);
  }

  /** The word at an address inside this stack. */
  at(addr: bigint): bigint {
    return this.word(Number(addr - this.base) >>> 3);
  }

  /** Bytes at an address inside this stack (a pt_regs, for instance). */
  slice(addr: bigint, len: number): Uint8Array {
    const off = Number(addr - this.base);
    if (off < 0 || off + len > this.size) throw new StackPageMissing(addr, "outside the stack");
    this.check(off);
    this.check(off + len - 1);
    return this.bytesAt(off, len);
  }
}

const EMPTY = new Uint8Array(0);
const SCRATCH = new Uint8Array(8);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);
