// NT_PRSTATUS notes: one per CPU in a kdump vmcore (the kernel's crash_notes) and in QEMU's dumps.
// Layout: struct elf_prstatus for x86_64 (include/uapi/linux/elfcore.h, arch/x86/include/asm/user_64.h).

/** x86_64 general registers in struct user_regs_struct order. */
export const X86_64_REGS = [
  "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
  "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
] as const;
export type X86_64Reg = (typeof X86_64_REGS)[number];

export interface CpuRegisters {
  /** Index of the note among the dump's PRSTATUS notes (the CPU number for kdump). */
  cpu: number;
  /** pr_pid: the pid of the task that was running on that CPU. */
  pid: number;
  regs: Record<X86_64Reg, bigint>;
}

const PR_PID_OFF = 32; // elf_prstatus.pr_pid
const PR_REG_OFF = 112; // elf_prstatus.pr_reg
export const ELF_PRSTATUS_SIZE_X86_64 = 336;

/** Returns null when the descriptor is too short for an x86_64 elf_prstatus. */
export function parsePrstatus(desc: Uint8Array, cpu: number): CpuRegisters | null {
  if (desc.length < PR_REG_OFF + X86_64_REGS.length * 8) return null;
  const view = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
  const regs = {} as Record<X86_64Reg, bigint>;
  X86_64_REGS.forEach((name, i) => {
    regs[name] = view.getBigUint64(PR_REG_OFF + i * 8, true);
  });
  return { cpu, pid: view.getInt32(PR_PID_OFF, true), regs };
}
