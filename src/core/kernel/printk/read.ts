// Helpers shared by the three kernel-log readers: reads of the log's memory with crash's treatment of
// excluded pages, byte-to-string decoding, and the small bitfields of the record headers.
import { ExcludedPageError, KdwError } from "../../io/errors";
import { latin1Chars } from "../../io/latin1";
import type { MemberInfo } from "../../program/layout";
import type { Program } from "../../program/program";

const PAGE = 4096;

/** The kernel log's memory does not hold what its layout says (implausible sizes or indexes). */
export class PrintkError extends KdwError {}

/**
 * `length` bytes at `addr`, with pages the dump left out read as zeros. makedumpfile's dump level 31 drops
 * zero-filled pages, and part of the static printk descriptor array is such a page on a young system; crash
 * reads excluded pages as zeros by default for kdump-compressed and filtered ELF dumps, and so do we here.
 * Addresses that do not translate still throw. Returns the bytes and how many pages were zero-filled.
 */
export function readZeroFilled(prog: Program, addr: bigint, length: number): { bytes: Uint8Array; zeroFilled: number } {
  try {
    return { bytes: prog.read(addr, length), zeroFilled: 0 };
  } catch (err) {
    if (!(err instanceof ExcludedPageError)) throw err;
  }
  const out = new Uint8Array(length);
  let zeroFilled = 0;
  let done = 0;
  while (done < length) {
    const at = addr + BigInt(done);
    const n = Math.min(PAGE - Number(at & BigInt(PAGE - 1)), length - done);
    try {
      out.set(prog.read(at, n), done);
    } catch (err) {
      if (!(err instanceof ExcludedPageError)) throw err;
      zeroFilled++;
    }
    done += n;
  }
  return { bytes: out, zeroFilled };
}

/** Bytes as a latin1 string (one char per byte), so that no byte of a hostile log is lost or merged. */
export const latin1 = latin1Chars;

/** A NUL-terminated string inside a fixed-size field (never reads past `max` bytes or the buffer). */
export function fieldString(bytes: Uint8Array, start: number, max: number): string {
  let end = start;
  const limit = Math.min(start + max, bytes.length);
  while (end < limit && bytes[end] !== 0) end++;
  return latin1(bytes, start, end);
}

/** Where a bitfield (or a whole-byte member) lives: the byte holding it, its shift and mask. */
export interface BitfieldLocation {
  byte: number;
  shift: number;
  mask: number;
}

/**
 * A small bitfield such as `u8 level:3` (little-endian bit numbering, as BTF and DWARF give it on x86_64).
 * A whole u8 member is a bitfield of width 8. Undefined when the member is absent or spans bytes.
 */
export function bitfieldOf(m: MemberInfo | undefined): BitfieldLocation | undefined {
  if (!m) return undefined;
  const width = m.bitSize ?? 8 * m.size;
  const shift = m.bitOffset - m.offset * 8;
  if (shift + width > 8) return width === 16 && shift === 0 ? { byte: m.offset, shift: 0, mask: 0xffff } : undefined;
  return { byte: m.offset, shift, mask: (1 << width) - 1 };
}

/** Reads a bitfield located by bitfield(); a 16-bit whole member (crash's "u16 level") is little-endian. */
export function readBitfield(bytes: Uint8Array, base: number, f: BitfieldLocation): number {
  const v = f.mask === 0xffff ? bytes[base + f.byte]! | (bytes[base + f.byte + 1]! << 8) : bytes[base + f.byte]!;
  return (v >> f.shift) & f.mask;
}
