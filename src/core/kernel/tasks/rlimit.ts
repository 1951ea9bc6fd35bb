// A task's resource limits (include/linux/sched/signal.h signal_struct.rlim[RLIM_NLIMITS], struct rlimit
// { rlim_cur; rlim_max; }), what crash's `ps -r` shows (task.c show_task_rlimit). The limits live in the
// thread group's signal_struct since 2.6.34; older kernels kept them in task_struct.rlim, read the same way.
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import type { Task } from "./tasks";

/** RLIM_INFINITY on a 64-bit kernel (include/uapi/asm-generic/resource.h). */
export const RLIM_INFINITY = 0xffffffffffffffffn;
/** More limits than any kernel has (RLIM_NLIMITS is 16 since 2.6.25). */
const MAX_RLIMITS = 64;

const RLIMIT_LAYOUT = layout({
  signal: "task_struct.signal",
  signalRlim: optional("signal_struct.rlim"),
  taskRlim: optional("task_struct.rlim"),
  rlimCur: "rlimit.rlim_cur",
  rlimMax: "rlimit.rlim_max",
});

export interface Rlimit {
  /** rlim_cur and rlim_max; RLIM_INFINITY is "unlimited". */
  cur: bigint;
  max: bigint;
}

/** The task's rlim[] in index order (RLIMIT_CPU first); no limits when the kernel has neither array. */
export function taskRlimits(prog: Program, task: Task): { address: bigint; limits: Rlimit[] } {
  const l = RLIMIT_LAYOUT.of(prog);
  const m = RLIMIT_LAYOUT.members(prog);
  const array = m.signalRlim ?? m.taskRlim;
  if (!array) return { address: 0n, limits: [] };
  const size = prog.sizeOf("struct rlimit");
  const count = Math.min(MAX_RLIMITS, array.count ?? Math.floor(array.size / size));
  const address = m.signalRlim ? prog.readU64(task.address + BigInt(l.signal)) + BigInt(array.offset) : task.address + BigInt(array.offset);
  const bytes = prog.read(address, count * size);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limits: Rlimit[] = [];
  for (let i = 0; i < count; i++) limits.push({ cur: dv.getBigUint64(i * size + l.rlimCur, true), max: dv.getBigUint64(i * size + l.rlimMax, true) });
  return { address, limits };
}

