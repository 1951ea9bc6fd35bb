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
 * is asked for, so a backtrace stops there with a reason instead of losing what it had.
 */
export class StackBuffer {
  readonly base: bigint;
  readonly top: bigint;
  readonly size: number;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly missing = new Map<number, string>();

  constructor(range: StackRange, read: (addr: bigint, len: number) => Uint8Array, maxSize = 1 << 16) {
    const size = Number(range.top - range.base);
    if (!(size > 0 && size <= maxSize)) throw new StackPageMissing(range.base, `bad stack size ${size}`);
    this.base = range.base;
    this.top = range.top;
    this.size = size;
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    for (let off = 0; off < size; ) {
      const pageEnd = Math.min(size, off + PAGE - Number((range.base + BigInt(off)) & 0xfffn));
      try {
        this.bytes.set(read(range.base + BigInt(off), pageEnd - off), off);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        this.missing.set(Math.floor(off / PAGE), err.message);
      }
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

  private check(off: number): void {
    if (this.missing.size) {
      const why = this.missing.get(Math.floor(off / PAGE));
      if (why !== undefined) throw new StackPageMissing(this.base + BigInt(off), why);
    }
  }

  /** High 32 bits of word i (a cheap filter: kernel text and module addresses have 0xffffffff). */
  hi(i: number): number {
    this.check(i * 8);
    return this.view.getUint32(i * 8 + 4, true);
  }

  word(i: number): bigint {
    this.check(i * 8);
    return this.view.getBigUint64(i * 8, true);
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
    return this.bytes.subarray(off, off + len);
  }
}
