// Where a backtrace starts (crash x86_64.c x86_64_get_stack_frame, x86_64_get_dumpfile_stack_frame):
// - a blocked task: its saved switch frame (thread.sp -> struct inactive_task_frame, bp in it);
// - a task that was running when the dump was taken: a search of its stack, then its CPU's IRQ stack, then
//   its CPU's exception stacks, for the return address that marks where the dump was started (machine_kexec
//   / crash_kexec on the panic CPU, crash_nmi_callback on the others, ...); failing that, the CPU's registers
//   from the dump's NT_PRSTATUS note.
import { StackBuffer, StackPageMissing, type CpuStacks } from "./stacks";
import { eframeVerify, isKernelAddr, isUserAddr } from "./unwind-eframe";
import type { PtRegs, UnwindEnv, UnwindStart, UnwindTask } from "./unwind-types";

const DUMP_FUNCTIONS = new Set(["netconsole_netdump", "netpoll_start_netdump", "start_disk_dump", "disk_dump", "crash_kexec", "machine_kexec", "try_crashdump"]);
const CALL_REL32 = 0xe8;

/** x86_64_function_called_by: the target of the `call rel32` at rip, by name. */
export function functionCalledBy(env: UnwindEnv, rip: bigint): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = env.read(rip, 5);
  } catch {
    return undefined;
  }
  if (bytes[0] !== CALL_REL32) return undefined;
  const rel = new DataView(bytes.buffer, bytes.byteOffset, 5).getInt32(1, true);
  const name = env.symbolAt(rip + 5n + BigInt(rel))?.name;
  if (name === "schedule_timeout_interruptible" || name === "schedule_timeout_uninterruptible") return "schedule_timeout";
  if (name === "__cond_resched") return "schedule";
  return name;
}

export interface ActiveTaskInput {
  task: UnwindTask;
  panic: boolean;
  /** The CPU's NT_PRSTATUS registers, as pt_regs. */
  noteRegs?: PtRegs;
}

interface Found {
  rip: bigint;
  rsp: bigint;
}

/** x86_64_get_dumpfile_stack_frame for a task that was on a CPU. */
export function activeTaskStart(env: UnwindEnv, input: ActiveTaskInput): UnwindStart {
  const { task, panic, noteRegs } = input;
  const cpu: CpuStacks | undefined = env.cpus.find((c) => c.cpu === task.cpu);
  const stacks = [task.stack, ...(cpu?.irq ? [cpu.irq] : []), ...(cpu?.exception ?? [])];
  let urRip = 0n;
  let urRsp = 0n;
  if (noteRegs && !panic) {
    urRip = noteRegs.ip;
    urRsp = noteRegs.sp;
  }
  let crashKexec: Found | undefined;
  let panicAt: Found | undefined;
  let sysrq: Found | undefined;
  let callFunction: Found | undefined;
  let halt: Found | undefined;
  for (let stage = 0; stage < stacks.length; stage++) {
    let buf: StackBuffer;
    try {
      buf = new StackBuffer(stacks[stage]!, env.read);
    } catch (err) {
      if (err instanceof StackPageMissing) continue;
      throw err;
    }
    const inNmi = stage > 0 && cpu?.exception.some((e) => e.base === buf.base && e.name === "NMI");
    for (let i = 0; i < buf.words; i++) {
      let w: bigint;
      try {
        if (buf.hi(i) !== 0xffffffff) continue;
        w = buf.word(i);
      } catch {
        continue;
      }
      const name = env.symbolAt(w)?.name;
      if (name === undefined) continue;
      const at = buf.base + BigInt(i * 8);
      if (DUMP_FUNCTIONS.has(name)) {
        if (name === "crash_kexec") {
          if (functionCalledBy(env, w - 5n) === "machine_kexec") return found(w, at);
          if (!crashKexec) {
            crashKexec = { rip: w, rsp: at };
            continue;
          }
        }
        return found(w, at);
      }
      if (name === "panic") {
        panicAt = { rip: w, rsp: at };
        continue;
      }
      if (name === "die") return found(w, at);
      if (name === "sysrq_handle_crash") sysrq = { rip: w, rsp: at };
      if (!panic && stage > 0 && (name === "smp_call_function_interrupt" || name === "stop_this_cpu")) callFunction = { rip: w, rsp: at };
      if (!panic && name === "crash_nmi_callback") return found(w, at);
      if (!panic && task.pid === 0 && !halt && stage === 0 && name === "cpu_idle") halt = { rip: w, rsp: at };
      void inNmi;
    }
    if (panicAt) return found(panicAt.rip, panicAt.rsp);
    if (crashKexec) return found(crashKexec.rip, crashKexec.rsp);
  }
  if (sysrq) return found(sysrq.rip, sysrq.rsp);
  if (urRip && urRsp && noteRegs) {
    const kernel = env.isKernelText(urRip) && isKernelAddr(urRsp);
    const user = !env.isKernelText(urRip) && isUserAddr(urRsp);
    return { rip: urRip, rsp: urRsp, bp: 0n, noteRegs, space: kernel ? "kernel" : user ? "user" : undefined, source: "NT_PRSTATUS" };
  }
  if (callFunction) return found(callFunction.rip, callFunction.rsp);
  if (halt) return found(halt.rip, halt.rsp);
  if (noteRegs) {
    const verified = eframeVerify(
      { isKernelText: (a) => env.isKernelText(a), isModuleAddr: (a) => env.isModuleAddr(a), isMappedVmalloc: (a) => env.isMappedVmalloc(a), startEstackIndex: -1, onExceptionStack: false, wordBelow: () => undefined, symbolNameAt: (a) => env.symbolAt(a)?.name, ptRegsSize: env.ptRegs.size },
      0n,
      noteRegs,
    );
    if (verified) {
      const kernel = env.isKernelText(noteRegs.ip);
      return { rip: noteRegs.ip, rsp: noteRegs.sp, bp: noteRegs.bp, noteRegs, space: kernel ? "kernel" : "user", source: "NT_PRSTATUS" };
    }
  }
  return { rip: 0n, rsp: 0n, bp: 0n, source: "stack search" };

  function found(rip: bigint, rsp: bigint): UnwindStart {
    return { rip, rsp, bp: 0n, noteRegs, source: "stack search" };
  }
}

/** A blocked task: thread.sp points at its struct inactive_task_frame (bp saved in it). */
export function inactiveTaskStart(env: UnwindEnv, threadSp: bigint, frameBpOffset: number | undefined): UnwindStart {
  let bp = 0n;
  if (frameBpOffset !== undefined) {
    try {
      const b = env.read(threadSp + BigInt(frameBpOffset), 8);
      bp = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    } catch {
      bp = 0n;
    }
  }
  return { rip: env.symbolAddress("__schedule") ?? 0n, rsp: threadSp, bp, source: "inactive_task_frame" };
}
