// crash's `timer` (kernel.c cmd_timer, dump_timer_data_timer_bases, dump_hrtimer_data): jiffies, then for
// each CPU and timer base the pending timer_lists sorted by expiry, with their time to expiry and function;
// with -r the high-resolution timers of each CPU's clock bases.
import { KdwError } from "../../io/errors";
import { cpuCount } from "../../kernel/tasks/sched";
import { detectHz, uptimeJiffies } from "../../kernel/system/sysinfo";
import { hrtimerClockBases, hrtimerCpuBase, timerBases, timerJiffies, type Hrtimer, type TimerEntry } from "../../kernel/system/timers";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { parseCpuList } from "../shared/cpu-list";
import { isKernelText, valueToSymstr } from "../shared/symbol-args";
import { formatTimer } from "./timer-format";

export interface TimerWheelBase {
  cpu: number;
  /** 0 BASE_STD, 1 BASE_DEF. */
  base: number;
  address: bigint;
  /** Sorted by expiry; `symbol` is the function's symbol as crash prints it ("" when none). */
  timers: (TimerEntry & { symbol: string })[];
  problems: string[];
}

export interface HrtimerClock {
  cpu: number;
  index: number;
  address: bigint;
  getTime: bigint;
  getTimeSymbol: string;
  /** The clock's time when the dump was taken: uptime plus the clock's offset (ns). */
  now: bigint;
  timers: (Hrtimer & { symbol?: string })[];
  problems: string[];
}

export type TimerResult = { kind: "wheel"; jiffies: bigint; bases: TimerWheelBase[] } | { kind: "hrtimers"; cpus: { cpu: number; cpuBase: bigint; clocks: HrtimerClock[] }[] };

/**
 * The function a timer calls, for its symbol: the pointer itself when it is kernel text, else what it
 * points to when that is kernel text (a function descriptor), else the pointer (a dump shows every timer).
 */
function timerFunction(ctx: CommandContext, fn: bigint): bigint {
  if (isKernelText(ctx, fn)) return fn;
  try {
    const target = ctx.prog.readU64(fn);
    if (isKernelText(ctx, target)) return target;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return fn;
}

function wheel(ctx: CommandContext, cpus: readonly number[]): TimerResult {
  const jiffies = timerJiffies(ctx.prog);
  const bases = timerBases(ctx.prog, cpus, jiffies).map((b) => ({
    cpu: b.cpu,
    base: b.base,
    address: b.address,
    timers: b.timers.map((t) => ({ ...t, symbol: valueToSymstr(ctx, timerFunction(ctx, t.function)) })),
    problems: b.problems.map((p) => p.message),
  }));
  return { kind: "wheel", jiffies, bases };
}

/** `timer -r`: per CPU its hrtimer_cpu_base, then each clock base (dump_hrtimer_data). */
function hrtimers(ctx: CommandContext, cpus: readonly number[]): TimerResult {
  const hz = detectHz(ctx.prog);
  const uptimeNs = uptimeJiffies(ctx.prog, hz) * BigInt(Math.floor(1e9 / hz));
  return {
    kind: "hrtimers",
    cpus: cpus.map((cpu) => ({
      cpu,
      cpuBase: hrtimerCpuBase(ctx.prog, cpu),
      clocks: hrtimerClockBases(ctx.prog, cpu).map((b) => ({
        cpu: b.cpu,
        index: b.index,
        address: b.address,
        getTime: b.getTime,
        getTimeSymbol: valueToSymstr(ctx, b.getTime),
        now: BigInt.asUintN(64, uptimeNs + b.offset),
        timers: b.timers.map((t) => (t.function !== undefined ? { ...t, symbol: valueToSymstr(ctx, t.function) } : t)),
        problems: b.problems.map((p) => p.message),
      })),
    })),
  };
}

export const timerCommand = defineCommand({
  name: "timer",
  summary: "timer queue data",
  help: `SYNOPSIS
  timer [-r] [-C cpu(s)]

DESCRIPTION
  Shows jiffies, then for each CPU and each of its timer wheel bases (BASE_STD, and BASE_DEF
  when the kernel has NO_HZ), the pending timer_list structures sorted by expiry time:
  EXPIRES (in jiffies), TTE (time to expire: EXPIRES - jiffies, negative when overdue), the
  timer_list address and its function.

  -r         the high-resolution timers instead: per CPU its hrtimer_cpu_base, and for each
             clock base the CURRENT time (uptime plus the clock's offset, in ns) and its armed
             hrtimers in expiry order: SOFTEXPIRES, EXPIRES, TTE (ns), the hrtimer, its function.
  -C cpu(s)  only these CPUs: "1", "1,3", "0-2" or "a" (all).

  A timer bucket whose list loops or holds a bad pointer keeps the timers read before the fault
  and adds an error line naming it (crash drops such a bucket silently).`,
  options: { flags: "r", values: "C", invalid: (o) => `invalid argument: ${o}` },
  parse(args): { hr: boolean; cpuSpec?: string } {
    if (args.operands.length) throw new CommandError("timer", `invalid argument: ${args.operands[0]}`);
    return { hr: args.has("r"), cpuSpec: args.value("C") };
  },
  execute(ctx, o): TimerResult {
    const ncpus = cpuCount(ctx.prog);
    const cpus = o.cpuSpec === undefined ? Array.from({ length: ncpus }, (_, i) => i) : parseCpuList("timer", o.cpuSpec, ncpus);
    return o.hr ? hrtimers(ctx, cpus) : wheel(ctx, cpus);
  },
  format: formatTimer,
  errors: (r) => (r.kind === "wheel" ? r.bases : r.cpus.flatMap((c) => c.clocks)).flatMap((b) => b.problems.map((p) => `timer: ${p}`)),
});
