// What every hook walker returns: one place where the kernel's control flow can be diverted, as it was found
// in memory, before anyone decides whose code it runs (detect/owner.ts does that). The `slot` is the word
// that holds the handler, so that a reader can check it with `rd -64 SLOT 1`.

export type HookKind = "kprobe" | "kretprobe" | "ftrace" | "syscall-table" | "x64_sys_call" | "ia32_sys_call" | "idt" | "seq_ops" | "file_ops" | "netfilter" | "tracepoint";

export interface HookSite {
  kind: HookKind;
  /** What is hooked, in words: a function, a table slot, a vector, a /proc file. */
  target: string;
  /** The hooked function or code address, when there is one. */
  targetAddress?: bigint;
  /** The code that runs instead of, or in addition to, the target. */
  handler: bigint;
  /** Which of the holder's handlers this is ("pre_handler", "func", "show", ...). */
  role: string;
  /** The word (or instruction) in memory that holds the handler. */
  slot: bigint;
  /** Bytes of that word: 8 for pointers; 4 for an int32 displacement or offset. */
  slotSize: 4 | 8;
  /** The value at `slot` as stored (the pointer, or a call's rel32 displacement). */
  slotValue: bigint;
  /** The structure the hook is recorded in (struct kprobe, struct ftrace_ops, the table), when not the slot. */
  holder?: bigint;
  /** The word that records the target (kprobe.addr), when there is one. */
  targetSlot?: bigint;
  details?: string;
}

/** Most hooks one walker reports; more is corruption (or a dump built to exhaust the reader). */
export const MAX_HOOKS = 1 << 16;
