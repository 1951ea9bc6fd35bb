// The softirq handlers (kernel/softirq.c `softirq_vec[NR_SOFTIRQS]`, struct softirq_action { void
// (*action)(struct softirq_action *); }): what crash's `irq -b` shows on kernels since 2.6 (display_bh_4).
// A handler outside the kernel's text is what a rootkit that hooks a softirq leaves.
import { MissingDebugInfo } from "../../io/errors";
import type { Program } from "../../program/program";

/** More softirqs than a kernel has (NR_SOFTIRQS is 10 since 2.6.36). */
const MAX_SOFTIRQS = 64;

export interface SoftirqVector {
  index: number;
  /** softirq_vec[index].action; 0 for an unused vector. */
  action: bigint;
}

/** softirq_vec[], each vector's handler; its length is NR_SOFTIRQS (the enum), else the symbol's size. */
export function softirqVectors(prog: Program): SoftirqVector[] {
  if (!prog.hasSymbol("softirq_vec")) throw new MissingDebugInfo("this kernel has no softirq_vec");
  const stride = prog.findType("struct softirq_action") ? prog.sizeOf("struct softirq_action") : 8;
  const nr = prog.types.findEnumerator("NR_SOFTIRQS")?.value;
  const size = prog.symbolSize("softirq_vec");
  const length = nr !== undefined ? Number(nr) : size && stride > 0 ? Math.floor(size / stride) : 0;
  if (length <= 0) throw new MissingDebugInfo("cannot determine softirq_vec array length");
  const count = Math.min(MAX_SOFTIRQS, length);
  const base = prog.symbolAddress("softirq_vec");
  const bytes = prog.read(base, count * stride);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, index) => ({ index, action: dv.getBigUint64(index * stride, true) }));
}
