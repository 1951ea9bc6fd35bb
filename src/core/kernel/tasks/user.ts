// A task's user memory (through its mm->pgd) and the argv/envp ranges of its mm (mm_struct.arg_start ...),
// what crash's `ps -a` reads (task.c show_task_args, read_arg_string: page by page, naming the first page it
// cannot read).
import { UserAddressSpace, X86_64AddressSpace } from "../../arch/x86_64/layout";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import type { Program } from "../../program/program";
import type { Task } from "./tasks";
import { taskLayout } from "./layout";

const PAGE_SIZE = 4096;
/** Longest argv or envp area read (the kernel caps them far lower: ARG_MAX-like limits). */
export const MAX_ARG_AREA = 1 << 20;

export interface ArgRanges {
  argStart: bigint;
  argEnd: bigint;
  envStart: bigint;
  envEnd: bigint;
}

/** mm->arg_start/arg_end/env_start/env_end of a task with an mm. */
export function taskArgRanges(prog: Program, task: Task): ArgRanges {
  const l = taskLayout(prog);
  if (l.mmArgStart === undefined || l.mmArgEnd === undefined || l.mmEnvStart === undefined || l.mmEnvEnd === undefined) throw new MissingDebugInfo("struct mm_struct has no arg_start/env_start");
  const rd = (off: number) => prog.readU64(task.mm + BigInt(off));
  return { argStart: rd(l.mmArgStart), argEnd: rd(l.mmArgEnd), envStart: rd(l.mmEnvStart), envEnd: rd(l.mmEnvEnd) };
}

/** The user address space of a task (its mm->pgd); kernel addresses go to the kernel's. */
export function taskUserSpace(prog: Program, task: Task): UserAddressSpace {
  const l = taskLayout(prog);
  if (!(prog.kernel instanceof X86_64AddressSpace)) throw new MissingDebugInfo("user address spaces need the x86_64 kernel address space");
  if (task.mm === 0n || l.mmPgd === undefined) throw new MissingDebugInfo(`task ${task.address.toString(16)} has no mm`);
  const pgd = prog.readU64(task.mm + BigInt(l.mmPgd));
  return new UserAddressSpace(prog.kernel, prog.kernel.translate(pgd));
}

export type UserRead = { ok: true; bytes: Uint8Array } | { ok: false; address: bigint; reason: string };

/**
 * The bytes of [start, end) of a task's user memory, page by page; on failure, the first address that could
 * not be read (crash: "cannot access user stack address: ADDR").
 */
export function readUserRange(space: UserAddressSpace, start: bigint, end: bigint): UserRead {
  if (end < start || end - start > BigInt(MAX_ARG_AREA)) return { ok: false, address: start, reason: `implausible range ${start.toString(16)}-${end.toString(16)}` };
  const out = new Uint8Array(Number(end - start));
  let done = 0;
  let va = start;
  while (va < end) {
    const n = Math.min(PAGE_SIZE - Number(va & 0xfffn), Number(end - va));
    try {
      out.set(space.read(va, n), done);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return { ok: false, address: va, reason: err.message };
    }
    done += n;
    va += BigInt(n);
  }
  return { ok: true, bytes: out };
}
