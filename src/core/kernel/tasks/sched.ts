// The per-CPU runqueues (kernel/sched/sched.h `struct rq`, per-CPU variable `runqueues`): which task each
// CPU was running (rq->curr: crash's "active set"), each CPU's idle task (rq->idle) and the runqueue clock
// (rq->clock, what `ps -m` measures against). Offsets are resolved once per Program.
import { KdwError } from "../../io/errors";
import { layout, members } from "../../program/layout";
import type { Program } from "../../program/program";

const RQ = layout(members("rq", { curr: "curr", idle: "idle", clock: "clock" }));

/** The CPUs kdw shows: up to the highest CPU in __cpu_online_mask, else one per NT_PRSTATUS note. */
export function cpuCount(prog: Program): number {
  const maskBits = 64 * 4; // read at most the first 256 CPUs' bits of the mask
  if (prog.hasSymbol("__cpu_online_mask")) {
    try {
      const bytes = prog.read(prog.symbolAddress("__cpu_online_mask"), maskBits / 8);
      for (let bit = maskBits - 1; bit >= 0; bit--) if ((bytes[bit >> 3]! >> (bit & 7)) & 1) return bit + 1;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
    }
  }
  return Math.max(1, prog.dump.cpus.length);
}

/** Address of CPU `cpu`'s struct rq. */
export function cpuRq(prog: Program, cpu: number): bigint {
  return (prog.symbolAddress("runqueues") + prog.perCpuOffset(cpu)) & 0xffffffffffffffffn;
}

export interface Runqueue {
  cpu: number;
  address: bigint;
  /** rq->curr: the task the CPU was running. */
  curr: bigint;
  /** rq->idle: the CPU's idle task (swapper/N). */
  idle: bigint;
  /** rq->clock in nanoseconds. */
  clock: bigint;
}

/** Every CPU's runqueue; a CPU whose runqueue cannot be read is left out (the rest survive). */
export function runqueues(prog: Program): Runqueue[] {
  const l = RQ.of(prog);
  const out: Runqueue[] = [];
  const n = cpuCount(prog);
  for (let cpu = 0; cpu < n; cpu++) {
    try {
      const address = cpuRq(prog, cpu);
      out.push({ cpu, address, curr: prog.readU64(address + BigInt(l.curr)), idle: prog.readU64(address + BigInt(l.idle)), clock: prog.readU64(address + BigInt(l.clock)) });
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
    }
  }
  return out;
}
