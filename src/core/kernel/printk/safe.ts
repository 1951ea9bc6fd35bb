// The printk "safe" buffers of 4.11 to 5.14 (kernel/printk/printk_safe.c: per-CPU `nmi_print_seq` and
// `safe_print_seq`, struct printk_safe_seq_buf { atomic_t len; atomic_t message_lost; struct irq_work work;
// unsigned char buffer[SAFE_LOG_BUF_LEN]; }): messages printed in NMI context, or while logbuf_lock was held,
// wait there until a flush copies them into the log. A panic can leave some unflushed; crash's `log -s` (and
// the end of `log`) shows them (kernel.c dump_printk_safe_seq_buf). 5.15 removed them: the lockless ring
// buffer takes every context's messages directly.
import { KdwError } from "../../io/errors";
import { layout, members } from "../../program/layout";
import type { Program } from "../../program/program";
import { cpuCount } from "../tasks/sched";
import { optionalType } from "../../program/optional-types";

const SAFE_LAYOUT = layout(members("printk_safe_seq_buf", { len: "len", messageLost: "message_lost", buffer: "buffer" }), (_o, m) => ({ bufferSize: m.buffer.size }));

export const SAFE_BUFFER_NAMES = ["nmi_print_seq", "safe_print_seq"] as const;

export interface SafeSeqBuf {
  cpu: number;
  /** This CPU's struct printk_safe_seq_buf. */
  address: bigint;
  len: number;
  messageLost: number;
  /** The first min(len, sizeof(buffer)) bytes of buffer; empty when len <= 0. */
  bytes: Uint8Array;
  /** Why this CPU's buffer could not be read (the others are kept). */
  problem?: string;
}

export interface SafeBuffer {
  name: (typeof SAFE_BUFFER_NAMES)[number];
  cpus: SafeSeqBuf[];
}

/**
 * Whether the kernel has the safe buffers at all (crash: STRUCT_EXISTS("printk_safe_seq_buf")). The struct
 * and the per-CPU buffers are defined in one file (printk_safe.c), so a kernel without the symbols has no
 * buffers to show; with them, the type is asked of BTF alone while DWARF is closed (optional-types.ts), so a
 * first `log` never indexes DWARF only to learn that the struct is gone (5.15+).
 */
export function hasPrintkSafeBuffers(prog: Program): boolean {
  return SAFE_BUFFER_NAMES.some((n) => prog.hasSymbol(n)) && optionalType(prog, "struct printk_safe_seq_buf") !== undefined;
}

/** Each safe buffer the kernel has (by symbol), per CPU. */
export function printkSafeBuffers(prog: Program): SafeBuffer[] {
  const l = SAFE_LAYOUT.of(prog);
  const n = cpuCount(prog);
  const out: SafeBuffer[] = [];
  for (const name of SAFE_BUFFER_NAMES) {
    if (!prog.hasSymbol(name)) continue;
    const sym = prog.symbolAddress(name);
    const buf: SafeBuffer = { name, cpus: [] };
    for (let cpu = 0; cpu < n; cpu++) {
      const address = BigInt.asUintN(64, sym + prog.perCpuOffset(cpu));
      try {
        const len = prog.readS32(address + BigInt(l.len));
        const messageLost = prog.readS32(address + BigInt(l.messageLost));
        const take = len > 0 ? Math.min(len, l.bufferSize) : 0;
        buf.cpus.push({ cpu, address, len, messageLost, bytes: take ? prog.read(address + BigInt(l.buffer), take).slice() : new Uint8Array(0) });
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        buf.cpus.push({ cpu, address, len: 0, messageLost: 0, bytes: new Uint8Array(0), problem: err.message });
      }
    }
    out.push(buf);
  }
  return out;
}
