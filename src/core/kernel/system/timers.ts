// The timer wheel (kernel/time/timer.c, 4.8+): per CPU, `timer_bases[NR_BASES]` of struct timer_base, each
// with `vectors[WHEEL_SIZE]` hlists of struct timer_list (linked through timer_list.entry). NR_BASES is 2
// (BASE_STD, BASE_DEF) with CONFIG_NO_HZ_COMMON, which crash infers from sysctl_timer_migration; 1 without.
// crash's dump_timer_data_timer_bases / do_timer_list_v4. Offsets are resolved once per Program.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import { hlistForEachEntry } from "../../program/list";
import { rbInorder } from "../../program/rbtree";
import type { Program } from "../../program/program";

const TIMER_LAYOUT = layout(
  {
    vectors: "timer_base.vectors", // struct hlist_head vectors[WHEEL_SIZE]
    expires: "timer_list.expires",
    function: "timer_list.function",
  },
  (_o, m, prog) => {
    if (m.vectors.kind !== "array" || !m.vectors.count) throw new MissingDebugInfo("cannot determine timer_base.vectors[] array size");
    return { timerList: prog.type("struct timer_list"), baseSize: prog.sizeOf("struct timer_base"), numVectors: m.vectors.count };
  },
);

const timerLayout = (prog: Program): ReturnType<typeof TIMER_LAYOUT.of> => TIMER_LAYOUT.of(prog);

/** Most timers one wheel bucket can plausibly hold before the walk is called a loop. */
export const MAX_TIMERS_PER_VECTOR = 100_000;

export interface TimerEntry {
  /** The struct timer_list. */
  address: bigint;
  expires: bigint;
  /** timer_list.function as stored. */
  function: bigint;
  /** Time to expiry in jiffies: expires - jiffies, as a signed long. */
  tte: bigint;
}

export interface TimerBase {
  cpu: number;
  /** 0 BASE_STD, 1 BASE_DEF. */
  base: number;
  address: bigint;
  /** The base's timers sorted by expiry (crash's compare_timer_data), stably. */
  timers: TimerEntry[];
  /** Walks that stopped (a loop, a bad pointer): the timers before the stop are kept. */
  problems: WalkAborted[];
}

export const TIMER_BASE_NAMES = ["BASE_STD", "BASE_DEF"] as const;

/** How many timer bases each CPU has (crash: 2 when sysctl_timer_migration exists). */
export function nrTimerBases(prog: Program): number {
  return prog.hasSymbol("sysctl_timer_migration") ? 2 : 1;
}

/** The jiffies crash compares against: the `jiffies` symbol read as an unsigned long. */
export function timerJiffies(prog: Program): bigint {
  return prog.readU64(prog.symbolAddress("jiffies"));
}

/** Address of CPU `cpu`'s timer_bases[base]. */
export function timerBaseAddress(prog: Program, cpu: number, base: number): bigint {
  const l = timerLayout(prog);
  return BigInt.asUintN(64, prog.symbolAddress("timer_bases") + prog.perCpuOffset(cpu) + BigInt(base * l.baseSize));
}

/** The pending timers of one timer_base (do_timer_list_v4), sorted by expiry. */
export function timerBaseTimers(prog: Program, cpu: number, base: number, address: bigint, jiffies: bigint): TimerBase {
  const l = timerLayout(prog);
  const timers: TimerEntry[] = [];
  const problems: WalkAborted[] = [];
  let heads: Uint8Array;
  try {
    heads = prog.read(address + BigInt(l.vectors), l.numVectors * 8);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(new WalkAborted(`timer_bases[${cpu}][${base}].vectors`, err.message, 0));
    return { cpu, base, address, timers, problems };
  }
  const dv = dataView(heads);
  for (let i = 0; i < l.numVectors; i++) {
    if (dv.getBigUint64(i * 8, true) === 0n) continue;
    const what = `timer_bases[${cpu}][${base}].vectors[${i}]`;
    const head = address + BigInt(l.vectors + i * 8);
    try {
      for (const t of hlistForEachEntry(prog, head, l.timerList, "entry", { budget: MAX_TIMERS_PER_VECTOR, what })) {
        const at = t.address!;
        let expires: bigint;
        let fn: bigint;
        try {
          expires = prog.readU64(at + BigInt(l.expires));
          fn = prog.readU64(at + BigInt(l.function));
        } catch (err) {
          // crash skips a timer_list it cannot read and goes on with the chain.
          if (!(err instanceof KdwError)) throw err;
          problems.push(new WalkAborted(what, `timer_list ${at.toString(16)}: ${err.message}`, timers.length));
          continue;
        }
        timers.push({ address: at, expires, function: fn, tte: BigInt.asIntN(64, expires - jiffies) });
      }
    } catch (err) {
      if (err instanceof WalkAborted) problems.push(err);
      else if (err instanceof KdwError) problems.push(new WalkAborted(what, err.message, timers.length));
      else throw err;
    }
  }
  timers.sort((a, b) => (a.expires < b.expires ? -1 : a.expires > b.expires ? 1 : 0));
  return { cpu, base, address, timers, problems };
}

/** Every timer base of the given CPUs, in crash's order (CPU, then BASE_STD before BASE_DEF). */
export function timerBases(prog: Program, cpus: readonly number[], jiffies: bigint = timerJiffies(prog)): TimerBase[] {
  const n = nrTimerBases(prog);
  const out: TimerBase[] = [];
  for (const cpu of cpus) {
    for (let base = 0; base < n; base++) {
      let address: bigint;
      try {
        address = timerBaseAddress(prog, cpu, base);
      } catch (err) {
        if (!(err instanceof KdwError) || err instanceof MissingDebugInfo) throw err;
        out.push({ cpu, base, address: 0n, timers: [], problems: [new WalkAborted(`timer_bases[${cpu}]`, err.message, 0)] });
        continue;
      }
      out.push(timerBaseTimers(prog, cpu, base, address, jiffies));
    }
  }
  return out;
}

// High-resolution timers (kernel/time/hrtimer.c): per CPU `hrtimer_bases` (struct hrtimer_cpu_base) with
// clock_base[HRTIMER_MAX_CLOCK_BASES]; each clock base keeps its armed hrtimers in a timerqueue, an
// rbtree ordered by expiry (crash's dump_hrtimer_data, dump_active_timers).
const HRTIMER_LAYOUT = layout(
  {
    clockBase: "hrtimer_cpu_base.clock_base",
    getTime: "hrtimer_clock_base.get_time",
    offset: "hrtimer_clock_base.offset", // ns: this clock's time is monotonic time plus it
    activeRoot: "hrtimer_clock_base.active.rb_root.rb_root.rb_node",
    nodeOff: "hrtimer.node.node", // the rb_node inside the hrtimer
    expires: "hrtimer.node.expires",
    softexpires: optional("hrtimer._softexpires"),
    function: "hrtimer.function",
  },
  (_o, m, prog) => ({
    clockBaseSize: prog.sizeOf("struct hrtimer_clock_base"),
    // crash: 2 clock bases before ktime_get_boottime existed, else all of clock_base[]
    nrClockBases: m.clockBase.kind === "array" && m.clockBase.count && prog.hasSymbol("ktime_get_boottime") ? m.clockBase.count : 2,
  }),
);

type HrtimerLayout = ReturnType<typeof HRTIMER_LAYOUT.of>;
const hrtimerLayout = (prog: Program): HrtimerLayout => HRTIMER_LAYOUT.of(prog);

export interface Hrtimer {
  /** The struct hrtimer; `destroyed` when it could not be read (crash: "(destroyed timer)"). */
  address: bigint;
  destroyed?: boolean;
  softexpires?: bigint;
  expires: bigint;
  /** hrtimer.function; undefined when unreadable. */
  function?: bigint;
}

export interface HrtimerClockBase {
  cpu: number;
  index: number;
  address: bigint;
  /** hrtimer_clock_base.get_time (ktime_get, ktime_get_real, ...). */
  getTime: bigint;
  /** hrtimer_clock_base.offset in ns: this clock's time is monotonic time plus it. */
  offset: bigint;
  timers: Hrtimer[];
  problems: WalkAborted[];
}

/** Most hrtimers read from one clock base. */
export const MAX_HRTIMERS = 100_000;

/** Address of CPU `cpu`'s struct hrtimer_cpu_base. */
export function hrtimerCpuBase(prog: Program, cpu: number): bigint {
  return BigInt.asUintN(64, prog.symbolAddress("hrtimer_bases") + prog.perCpuOffset(cpu));
}

/** Every clock base of one CPU with its armed hrtimers in expiry order (an in-order timerqueue walk). */
export function hrtimerClockBases(prog: Program, cpu: number): HrtimerClockBase[] {
  const l = hrtimerLayout(prog);
  const cpuBase = hrtimerCpuBase(prog, cpu);
  const out: HrtimerClockBase[] = [];
  for (let index = 0; index < l.nrClockBases; index++) {
    const address = cpuBase + BigInt(l.clockBase + index * l.clockBaseSize);
    const problems: WalkAborted[] = [];
    const timers: Hrtimer[] = [];
    const what = `hrtimer_bases[${cpu}].clock_base[${index}]`;
    let getTime = 0n;
    let offset = 0n;
    try {
      getTime = prog.readU64(address + BigInt(l.getTime));
      offset = prog.readU64(address + BigInt(l.offset));
      const root = prog.readU64(address + BigInt(l.activeRoot));
      for (const node of rbInorder(prog, root, { budget: MAX_HRTIMERS, what })) timers.push(readHrtimer(prog, l, node - BigInt(l.nodeOff)));
    } catch (err) {
      if (err instanceof WalkAborted) problems.push(err);
      else if (err instanceof KdwError) problems.push(new WalkAborted(what, err.message, timers.length));
      else throw err;
    }
    out.push({ cpu, index, address, getTime, offset, timers, problems });
  }
  return out;
}

function readHrtimer(prog: Program, l: HrtimerLayout, address: bigint): Hrtimer {
  let expires: bigint;
  let softexpires: bigint | undefined;
  try {
    expires = prog.readU64(address + BigInt(l.expires));
    if (l.softexpires !== undefined) softexpires = prog.readU64(address + BigInt(l.softexpires));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { address, destroyed: true, expires: 0n };
  }
  let fn: bigint | undefined;
  try {
    fn = prog.readU64(address + BigInt(l.function));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return { address, softexpires, expires, function: fn };
}
