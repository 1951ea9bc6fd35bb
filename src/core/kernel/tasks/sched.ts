// The per-CPU runqueues (kernel/sched/sched.h `struct rq`, per-CPU variable `runqueues`): which task each
// CPU was running (rq->curr: crash's "active set"), each CPU's idle task (rq->idle) and the runqueue clock
// (rq->clock, what `ps -m` measures against). Offsets are resolved once per Program.
import { KdwError, MissingDebugInfo } from "../../io/errors";
import type { Program } from "../../program/program";

interface RqLayout {
  curr: number; // struct rq.curr
  idle: number; // struct rq.idle
  clock: number; // struct rq.clock
}

const layouts = new WeakMap<Program, RqLayout>();

function rqLayout(prog: Program): RqLayout {
  let l = layouts.get(prog);
  if (!l) {
    const rq = prog.type("struct rq");
    const off = (m: string): number => {
      const o = prog.memberOffset(rq, m);
      if (o === undefined) throw new MissingDebugInfo(`struct rq has no member ${m}`);
      return o;
    };
    l = { curr: off("curr"), idle: off("idle"), clock: off("clock") };
    layouts.set(prog, l);
  }
  return l;
}

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
  const l = rqLayout(prog);
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
