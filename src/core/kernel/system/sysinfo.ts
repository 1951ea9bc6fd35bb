// What crash's `sys` shows, read from the kernel: utsname, taint, CPU masks, time, uptime, load average,
// memory size. Each function reads what it needs through the Program and is named after the kernel's data.
import { KdwError } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { onlinePgdats } from "../mm/stat";

const SYS_LAYOUT = layout({
  taintFlagTrue: optional("taint_flag.c_true", "taint_flag.true"), // kernel/panic.c struct taint_flag (4.10+)
  taintFlagFalse: optional("taint_flag.c_false", "taint_flag.false"),
  nodePresentPages: optional("pglist_data.node_present_pages"),
});

export interface Utsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  domainname: string;
}

/** init_uts_ns.name (include/linux/utsname.h). */
export function utsname(prog: Program): Utsname {
  const name = prog.variable("init_uts_ns").member("name");
  const f = (m: string) => name.member(m).string();
  return { sysname: f("sysname"), nodename: f("nodename"), release: f("release"), version: f("version"), machine: f("machine"), domainname: f("domainname") };
}

/** tainted_mask and the letters of its set bits, as `sys -t` prints them (kernel/panic.c taint_flags[]). */
export function taints(prog: Program): { mask: bigint; letters: string } {
  const mask = prog.readU64(prog.symbolAddress("tainted_mask"));
  const flagType = prog.findType("struct taint_flag");
  // Without a symbol size (kallsyms) the extent to the next symbol bounds the array: padding ends it.
  const arrayBytes = prog.symbolExtent("taint_flags");
  const exact = prog.symbolSize("taint_flags") !== undefined;
  let letters = "";
  if (flagType && arrayBytes && prog.hasSymbol("taint_flags")) {
    const size = prog.sizeOf(flagType);
    const { taintFlagTrue: trueOff, taintFlagFalse: falseOff } = SYS_LAYOUT.of(prog);
    const count = Math.min(64, Math.floor(arrayBytes / size));
    const table = prog.read(prog.symbolAddress("taint_flags"), count * size);
    if (trueOff !== undefined && falseOff !== undefined) {
      for (let i = 0; i < count; i++) {
        if (!exact && !isTaintLetter(table[i * size + trueOff]!)) break;
        if ((mask >> BigInt(i)) & 1n) letters += String.fromCharCode(table[i * size + trueOff]!);
        else {
          const c = String.fromCharCode(table[i * size + falseOff]!);
          if (c !== " " && c !== "-" && c !== "G") letters += c;
        }
      }
    }
  }
  return { mask, letters };
}

/** taint_flags[].c_true is an upper-case letter for every taint the kernel defines. */
export function isTaintLetter(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

function cpumaskWeight(prog: Program, symbol: string): number | undefined {
  if (!prog.hasSymbol(symbol)) return undefined;
  const bytes = prog.symbolSize(symbol) || 8;
  const mask = prog.read(prog.symbolAddress(symbol), Math.min(bytes, 1024));
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    // The set bits of one byte (an indexed loop: for-of over a typed array makes an object per byte until
    // the function is optimised, 113 KiB of the first `sys`'s garbage for three 1 KiB masks).
    let v = mask[i]!;
    while (v) {
      n += v & 1;
      v >>= 1;
    }
  }
  return n;
}

/** CPUs present and online (__cpu_present_mask, __cpu_online_mask). */
export function cpuCounts(prog: Program): { present?: number; online?: number; possible?: number } {
  return { present: cpumaskWeight(prog, "__cpu_present_mask"), online: cpumaskWeight(prog, "__cpu_online_mask"), possible: cpumaskWeight(prog, "__cpu_possible_mask") };
}

/** The time of the crash in seconds since the epoch: VMCOREINFO CRASHTIME, else the timekeeper's xtime. */
export function crashTime(prog: Program): number | undefined {
  const t = prog.vmcoreinfo?.crashTime;
  if (t !== undefined) return t;
  try {
    return timekeeper(prog)?.member("xtime_sec").number();
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

/**
 * The timekeeper. tk_core is an anonymous struct (kernel/time/timekeeping.c) that BTF cannot name;
 * shadow_timekeeper is a `struct timekeeper` that timekeeping_update() keeps equal to it.
 */
function timekeeper(prog: Program) {
  return prog.variableObj("shadow_timekeeper", "struct timekeeper");
}

/** Monotonic time since boot (CLOCK_BOOTTIME) in ns at the last timekeeping update: tkr_mono.base + offs_boot. */
export function bootTimeNs(prog: Program): bigint | undefined {
  try {
    const tk = timekeeper(prog);
    if (!tk) return undefined;
    return tk.path("tkr_mono.base").value() + tk.member("offs_boot").value();
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

const CANDIDATE_HZ = [100, 250, 300, 1000, 1024, 128, 200, 500];

/** INITIAL_JIFFIES: jiffies start 5 minutes before the 32-bit wrap (include/linux/jiffies.h). */
function initialJiffies(hz: number): bigint {
  return BigInt.asUintN(32, BigInt(-300 * hz));
}

/**
 * The kernel's HZ. CONFIG_HZ is not in the kernel's data; jiffies advance HZ times a second, so the HZ whose
 * jiffies-derived uptime agrees with the timekeeper's boot time is the one (crash reads it from a scheduler
 * constant through gdb). Falls back to 250, x86 distribution kernels' usual value, when the timekeeper is
 * unreadable.
 */
export function detectHz(prog: Program): number {
  const j = jiffies64(prog);
  const boot = bootTimeNs(prog);
  if (boot === undefined || boot <= 0n) return 250;
  const bootSec = Number(boot) / 1e9;
  let best = 250;
  let bestErr = Infinity;
  for (const hz of CANDIDATE_HZ) {
    const up = Number(BigInt.asUintN(64, j - initialJiffies(hz))) / hz;
    const err = Math.abs(up - bootSec);
    if (err < bestErr) {
      bestErr = err;
      best = hz;
    }
  }
  return best;
}

export function jiffies64(prog: Program): bigint {
  return prog.readU64(prog.symbolAddress(prog.hasSymbol("jiffies_64") ? "jiffies_64" : "jiffies"));
}

/** Uptime in jiffies, with crash's handling of INITIAL_JIFFIES and the 32-bit wrap (kernel.c get_uptime). */
export function uptimeJiffies(prog: Program, hz: number): bigint {
  let j = jiffies64(prog);
  const wrapped = j & 0xffffffff00000000n;
  if (wrapped) {
    j = (wrapped - 0x100000000n) | (j & 0xffffffffn);
    j += BigInt(300 * hz);
  } else j = BigInt.asUintN(64, j - initialJiffies(hz));
  return j;
}

/** crash's convert_time: "[N days, ]HH:MM:SS". */
export function formatUptime(jiffies: bigint, hz: number): string {
  let total = Number(jiffies / BigInt(hz));
  const days = Math.floor(total / 86400);
  total %= 86400;
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days ? `${days} days, ` : ""}${p(hh)}:${p(mm)}:${p(ss)}`;
}

const FSHIFT = 11n;
const FIXED_1 = 1n << FSHIFT;

/** avenrun[3] as crash prints it: "0.70, 0.15, 0.05" (LOAD_INT/LOAD_FRAC of include/linux/sched/loadavg.h). */
export function loadAverage(prog: Program): string {
  const addr = prog.symbolAddress("avenrun");
  const parts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const x = prog.readU64(addr + BigInt(i * 8)) + FIXED_1 / 200n;
    const int = x >> FSHIFT;
    const frac = ((x & (FIXED_1 - 1n)) * 100n) >> FSHIFT;
    parts.push(`${int}.${String(frac).padStart(2, "0")}`);
  }
  return parts.join(", ");
}

/** Memory the kernel manages: the sum of node_present_pages over the online nodes, in pages. */
export function presentPages(prog: Program): number | undefined {
  if (!prog.findType("struct pglist_data")) return undefined;
  const nodes = onlinePgdats(prog);
  const off = SYS_LAYOUT.of(prog).nodePresentPages;
  if (off === undefined || nodes.length === 0) return undefined;
  return nodes.reduce((sum, n) => sum + Number(prog.readU64(n + BigInt(off))), 0);
}

/** crash's pages_to_size(): "767.5 MB", "2 GB", "512 KB", with printf's %.1f rounding (ties to even). */
export function pagesToSize(pages: number, pageSize: number): string {
  if (pages === 0) return "0";
  const total = pages * pageSize;
  let s: string;
  if (total >= 2 ** 30) s = `${fixed1(total / 2 ** 30)} GB`;
  else if (total >= 2 ** 20) s = `${fixed1(total / 2 ** 20)} MB`;
  else s = `${Math.floor(total / 1024)} KB`;
  return s.replace(".0 ", " ");
}

/** %.1f of a value that is a multiple of 1/2^k (page counts over powers of two): ties go to the even digit. */
function fixed1(x: number): string {
  const scaled = x * 10;
  let r = Math.round(scaled);
  if (Math.abs(scaled - Math.trunc(scaled)) === 0.5 && r % 2 !== 0) r -= 1;
  return (r / 10).toFixed(1);
}

/** crash's get_memory_size(): present memory, rounded up to the next GiB when within 64 MiB of it. */
export function memorySize(prog: Program): string | undefined {
  const pages = presentPages(prog);
  if (pages === undefined) return undefined;
  const ps = prog.dump.pageSize;
  let total = pages * ps;
  const nextGig = Math.ceil(total / (1 << 30)) * (1 << 30);
  if (nextGig - total <= 64 << 20) total = nextGig;
  return pagesToSize(Math.floor(total / ps), ps);
}

/** cpu_khz / 1000, as crash's x86_64_processor_speed(). */
export function cpuMhz(prog: Program): number | undefined {
  if (!prog.hasSymbol("cpu_khz")) return undefined;
  const khz = prog.readU32(prog.symbolAddress("cpu_khz"));
  return khz ? Math.floor(khz / 1000) : undefined;
}
