// Exception frames (struct pt_regs) on x86_64 stacks: reading one, and crash's test of whether the words
// really are one (x86_64.c x86_64_eframe_verify), so that a scan of stack words only prints real frames.
import { PT_REGS_NAMES, type PtRegs, type PtRegsLayout } from "./unwind-types";

export function decodePtRegs(bytes: Uint8Array, layout: PtRegsLayout): PtRegs {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const regs = {} as PtRegs;
  for (const n of PT_REGS_NAMES) regs[n] = view.getBigUint64(layout.offsets[n], true);
  return regs;
}

/** x86_64_eframe_verify's RAZ_MASK: RFLAGS bits that read as zero. */
const RAZ_MASK = 0xffffffffffc08028n;
const RFLAGS_FIXED = 0x2n; // bit 1 of RFLAGS is always set
export const KERNEL_CS = 0x10n;
export const KERNEL_SS = 0x18n;
export const USER_CS = 0x33n;
export const USER32_CS = 0x23n;
export const USER_SS = 0x2bn;

/** Highest user address + 1 with 5-level paging (crash's IS_UVADDR bound; 4-level is lower still). */
const USER_END = 0x0100000000000000n;
export const isUserAddr = (a: bigint): boolean => a < USER_END;
/** crash's IS_KVADDR for x86_64: the upper half. */
export const isKernelAddr = (a: bigint): boolean => a >= 0xff00000000000000n;

export interface VerifyContext {
  isKernelText(a: bigint): boolean;
  isModuleAddr(a: bigint): boolean;
  isMappedVmalloc(a: bigint): boolean;
  /** The exception stack index the trace's starting SP is on (crash: x86_64_in_exception_stack(bt)), or -1. */
  startEstackIndex: number;
  /** The trace is on an exception stack now (BT_EXCEPTION_STACK). */
  onExceptionStack: boolean;
  /** bt -e / -E (BT_EFRAME_SEARCH): a kernel-mode frame on an exception stack may hold a user RSP. */
  eframeSearch?: boolean;
  /** The word below the frame, for the old page_fault check. */
  wordBelow(kvaddr: bigint): bigint | undefined;
  symbolNameAt(a: bigint): string | undefined;
  ptRegsSize: number;
}

/** x86_64_eframe_verify: do these registers look like a real exception frame at kvaddr (0: not in memory)? */
export function eframeVerify(v: VerifyContext, kvaddr: bigint, r: PtRegs): boolean {
  const { cs, ss, ip: rip, sp: rsp, flags } = r;
  if ((flags & RAZ_MASK) !== 0n || (flags & RFLAGS_FIXED) === 0n) return false;
  const size = BigInt(v.ptRegsSize);
  if (cs === KERNEL_CS && ss === KERNEL_SS) {
    if (v.isKernelText(rip) && isKernelAddr(rsp)) return true;
    if (v.isModuleAddr(rip) && isKernelAddr(rsp) && rsp === kvaddr + size) return true;
    if (v.isKernelText(rip) && v.onExceptionStack && isUserAddr(rsp)) return true;
    if (v.isKernelText(rip) && !isKernelAddr(rsp) && v.eframeSearch && v.startEstackIndex >= 0) return true;
    if (v.isKernelText(rip) && v.startEstackIndex >= 0 && v.startEstackIndex <= 1) return true;
    if (v.symbolNameAt(rip) === "ia32_sysenter_target") return true;
    if (kvaddr) {
      const below = v.wordBelow(kvaddr);
      if (below !== undefined && v.symbolNameAt(below) === "page_fault") return true;
    }
    if (kvaddr + size === rsp) return true;
  }
  if (cs === KERNEL_CS && kvaddr) {
    if (v.isKernelText(rip) && isKernelAddr(rsp) && rsp === kvaddr + size + 8n) return true;
    if (v.isKernelText(rip) && isKernelAddr(rsp) && rsp === kvaddr + size) return true;
    if (v.isKernelText(rip) && isKernelAddr(rsp) && v.startEstackIndex >= 0) return true;
    if (isKernelAddr(rsp) && v.isModuleAddr(rip) && v.isMappedVmalloc(rip)) return true;
  }
  if ((cs === USER_CS || cs === USER32_CS) && ss === USER_SS) {
    if (isUserAddr(rip) && isUserAddr(rsp)) return true;
  }
  return false;
}
