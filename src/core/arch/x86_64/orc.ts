// The kernel's ORC unwind tables (arch/x86/include/asm/orc_types.h, arch/x86/kernel/unwind_orc.c): a sorted
// array of 32-bit IPs, each relative to its own slot (`.orc_unwind_ip`), and a parallel array of 6-byte
// `struct orc_entry` (`.orc_unwind`). The relative IPs make the tables position independent: the run-time
// address of entry i is (run-time address of slot i) + ip[i], so the KASLR slide is applied to the table's
// own address only. Modules carry the same pair of arrays (struct mod_arch_specific).
import { DumpFormatError } from "../../io/errors";

/** How far from the table's base an ip may be and still be looked up (beyond: not this kernel's text). */
const ORC_REACH = 1n << 40n;

/** orc_types.h: where the previous frame's SP / BP are found. */
export const ORC_REG_UNDEFINED = 0;
export const ORC_REG_PREV_SP = 1;
export const ORC_REG_DX = 2;
export const ORC_REG_DI = 3;
export const ORC_REG_BP = 4;
export const ORC_REG_SP = 5;
export const ORC_REG_R10 = 6;
export const ORC_REG_R13 = 7;
export const ORC_REG_BP_INDIRECT = 8;
export const ORC_REG_SP_INDIRECT = 9;

/** Frame types, named independently of their encoding (it changed in 6.4). */
export type OrcType = "call" | "regs" | "regs_partial" | "undefined" | "end_of_stack";

export interface OrcEntry {
  spOffset: number;
  bpOffset: number;
  spReg: number;
  bpReg: number;
  type: OrcType;
  /** 6.1's `end` bit (removed in 6.4); false where absent. */
  end: boolean;
  /** 6.3+'s `signal` bit; false where absent. */
  signal: boolean;
}

/**
 * The bitfield layout of struct orc_entry's last 16 bits (little endian), by kernel generation:
 * - "5.x": sp_reg:4 bp_reg:4 type:2 end:1 (4.14 to 6.2; 6.1 is this one)
 * - "6.3": sp_reg:4 bp_reg:4 type:2 signal:1 end:1
 * - "6.4": sp_reg:4 bp_reg:4 type:3 signal:1, types renumbered (UNDEFINED 0, END_OF_STACK 1, CALL 2, ...)
 */
export type OrcLayout = "5.x" | "6.3" | "6.4";

/** The layout from which members BTF/DWARF show in struct orc_entry (crash's has_signal / has_end). */
export function orcLayoutOf(hasSignal: boolean, hasEnd: boolean): OrcLayout {
  if (hasSignal && !hasEnd) return "6.4";
  return hasSignal ? "6.3" : "5.x";
}

export const ORC_ENTRY_SIZE = 6; // sizeof(struct orc_entry)
const SP_OFFSET_OFF = 0; // orc_entry.sp_offset (s16)
const BP_OFFSET_OFF = 2; // orc_entry.bp_offset (s16)
const BITS_OFF = 4; // orc_entry: sp_reg:4, bp_reg:4, type..., as one u16

const TYPES_OLD: readonly OrcType[] = ["call", "regs", "regs_partial", "undefined"];
const TYPES_64: readonly OrcType[] = ["undefined", "end_of_stack", "call", "regs", "regs_partial", "undefined", "undefined", "undefined"];

export function decodeOrcEntry(view: DataView, off: number, layout: OrcLayout): OrcEntry {
  const bits = view.getUint16(off + BITS_OFF, true);
  const spReg = bits & 0xf;
  const bpReg = (bits >> 4) & 0xf;
  if (layout === "6.4") {
    return { spOffset: view.getInt16(off + SP_OFFSET_OFF, true), bpOffset: view.getInt16(off + BP_OFFSET_OFF, true), spReg, bpReg, type: TYPES_64[(bits >> 8) & 7]!, end: false, signal: ((bits >> 11) & 1) === 1 };
  }
  const type = TYPES_OLD[(bits >> 8) & 3]!;
  const signal = layout === "6.3" && ((bits >> 10) & 1) === 1;
  const end = ((bits >> (layout === "6.3" ? 11 : 10)) & 1) === 1;
  return { spOffset: view.getInt16(off + SP_OFFSET_OFF, true), bpOffset: view.getInt16(off + BP_OFFSET_OFF, true), spReg, bpReg, type, end, signal };
}

/**
 * One ORC table: `ipBytes` are the int32 relative IPs as stored, whose first slot is at run-time address
 * `ipTableAddress`; `unwindBytes` the orc_entry array. Lookup is a binary search for the last entry at or
 * below the IP (unwind_orc.c __orc_find) over the stored IPs as they are (a vmlinux has 370,000 entries; a
 * backtrace looks up a few hundred), with the IP as a number offset from the table, out of BigInt.
 */
export class OrcTable {
  readonly count: number;
  private readonly ips: DataView;
  private readonly unwind: DataView;
  /** Run-time address of the first slot; entry i is at base + rel(i), within 2 GiB of it. */
  private readonly base: bigint;

  constructor(
    ipBytes: Uint8Array,
    unwindBytes: Uint8Array,
    ipTableAddress: bigint,
    private readonly layout: OrcLayout,
    readonly name = "orc",
  ) {
    const n = Math.floor(ipBytes.length / 4);
    if (unwindBytes.length < n * ORC_ENTRY_SIZE) {
      throw new DumpFormatError(name, 0, `${n} ORC IPs but room for ${Math.floor(unwindBytes.length / ORC_ENTRY_SIZE)} entries`);
    }
    this.count = n;
    this.ips = new DataView(ipBytes.buffer, ipBytes.byteOffset, n * 4);
    this.unwind = new DataView(unwindBytes.buffer, unwindBytes.byteOffset, n * ORC_ENTRY_SIZE);
    this.base = ipTableAddress;
  }

  /** ip(i) - ipTableAddress = 4*i + ip[i]: a number, exact well within 2^53. */
  private rel(i: number): number {
    return 4 * i + this.ips.getInt32(i * 4, true);
  }

  /** Run-time address of entry i. */
  ipAt(i: number): bigint {
    return this.base + BigInt(this.rel(i));
  }

  entryAt(i: number): OrcEntry {
    return decodeOrcEntry(this.unwind, i * ORC_ENTRY_SIZE, this.layout);
  }

  /** The entry covering `ip` (the last one at or below it), or undefined below the first. */
  find(ip: bigint): OrcEntry | undefined {
    const i = this.indexOf(ip);
    return i < 0 ? undefined : this.entryAt(i);
  }

  /**
   * Where the alignment padding before `next` starts, for a function that starts at `start` and whose size the
   * symbol table does not record (kallsyms): objtool gives code it never reached (the padding between
   * functions) an entry with no CFI (sp_reg UNDEFINED, not an end-of-stack marker), so when the entry covering
   * the byte before `next` is such an entry and starts after `start`, the function ends there. Undefined when
   * the table cannot tell.
   */
  paddingStart(start: bigint, next: bigint): bigint | undefined {
    const i = this.indexOf(next - 1n);
    if (i < 0) return undefined;
    const ip = this.ipAt(i);
    const e = this.entryAt(i);
    if (ip <= start || ip >= next || e.spReg !== ORC_REG_UNDEFINED || e.end || e.type === "end_of_stack") return undefined;
    return ip;
  }

  indexOf(ip: bigint): number {
    const d = ip - this.base;
    if (d < -ORC_REACH || d > ORC_REACH) return -1;
    const target = Number(d);
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
