// The timer wheel (kernel/time/timer.c, 4.8+): per CPU, `timer_bases[NR_BASES]` of struct timer_base, each
// with `vectors[WHEEL_SIZE]` hlists of struct timer_list (linked through timer_list.entry). NR_BASES is 2
// (BASE_STD, BASE_DEF) with CONFIG_NO_HZ_COMMON, which crash infers from sysctl_timer_migration; 1 without.
// crash's dump_timer_data_timer_bases / do_timer_list_v4. Offsets are resolved once per Program.
import { KdwError, MissingDebugInfo, WalkAborted } from "../io/errors";
import { hlistForEachEntry } from "../program/list";
import type { Program } from "../program/program";
import { resolveType, type Type } from "../debuginfo/types";

interface TimerLayout {
  timerList: Type; // struct timer_list
  baseSize: number; // sizeof(struct timer_base)
  vectors: number; // timer_base.vectors
  numVectors: number; // WHEEL_SIZE: the length of timer_base.vectors[]
  expires: number; // timer_list.expires
  function: number; // timer_list.function
}

const layouts = new WeakMap<Program, TimerLayout>();

function timerLayout(prog: Program): TimerLayout {
  let l = layouts.get(prog);
  if (!l) {
    const base = prog.type("struct timer_base");
    const off = (type: Type | string, member: string): number => {
      const o = prog.memberOffset(type, member);
      if (o === undefined) throw new MissingDebugInfo(`${typeof type === "string" ? type : "struct timer_base"} has no member ${member}`);
      return o;
    };
    const vt = resolveType(prog.object(base, 0n).member("vectors").type);
    if (vt.kind !== "array" || !vt.count) throw new MissingDebugInfo("cannot determine timer_base.vectors[] array size");
    l = {
      timerList: prog.type("struct timer_list"),
      baseSize: prog.sizeOf(base),
      vectors: off(base, "vectors"),
      numVectors: vt.count,
      expires: off("struct timer_list", "expires"),
      function: off("struct timer_list", "function"),
    };
    layouts.set(prog, l);
  }
  return l;
}

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
  const dv = new DataView(heads.buffer, heads.byteOffset, heads.byteLength);
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
