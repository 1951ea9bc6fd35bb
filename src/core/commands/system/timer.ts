// crash's `timer` (kernel.c cmd_timer, dump_timer_data_timer_bases): jiffies, then for each CPU and timer
// base the pending timer_lists sorted by expiry, with their time to expiry and function.
import { KdwError } from "../../io/errors";
import { moduleAt, moduleKallsyms, moduleList, type KernelModule, type ModuleSymbol } from "../../kernel/modules/modules";
import { cpuCount } from "../../kernel/tasks/sched";
import type { Program } from "../../program/program";
import { detectHz, uptimeJiffies } from "../../kernel/system/sysinfo";
import { hrtimerClockBases, hrtimerCpuBase, TIMER_BASE_NAMES, timerBases, timerJiffies, type HrtimerClockBase, type TimerBase } from "../../kernel/system/timers";
import { CommandError, type Command, type CommandContext } from "../command";
import { escapeControl } from "../shared/escape";
import { parseCpuList } from "./irq";

/** crash's value_to_symstr: "name" or "name+0xoff" (a kernel or module symbol); "" when none covers it. */
export function valueToSymstr(ctx: CommandContext, addr: bigint): string {
  const at = ctx.symbols.symbolAt(addr);
  const hit = at ? { name: at.symbol.name, offset: BigInt(at.offset) } : moduleSymbolAt(ctx.prog, addr);
  if (!hit) return "";
  const name = escapeControl(hit.name);
  return hit.offset ? `${name}+0x${hit.offset.toString(16)}` : name;
}

/** Each module's named symbols sorted by address, read once per program. */
const moduleSymbols = new WeakMap<Program, Map<bigint, ModuleSymbol[]>>();

/** The module symbol at or below `addr` in the module whose memory holds it (crash's module_symbol). */
function moduleSymbolAt(prog: Program, addr: bigint): { name: string; offset: bigint } | undefined {
  let mod: KernelModule | undefined;
  try {
    mod = moduleAt(moduleList(prog).modules, addr);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
  if (!mod) return undefined;
  let byModule = moduleSymbols.get(prog);
  if (!byModule) moduleSymbols.set(prog, (byModule = new Map()));
  let syms = byModule.get(mod.address);
  if (!syms) {
    syms = moduleKallsyms(prog, mod)
      .symbols.filter((s) => s.name !== "" && s.value !== 0n)
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    byModule.set(mod.address, syms);
  }
  let best: ModuleSymbol | undefined;
  for (const s of syms) {
    if (s.value > addr) break;
    best = s;
  }
  return best ? { name: best.name, offset: addr - best.value } : undefined;
}

/** crash's is_kernel_text for the core kernel: _stext <= addr < _etext. */
export function isKernelText(ctx: CommandContext, addr: bigint): boolean {
  const lo = ctx.prog.symbols.addressOf("_stext");
  const hi = ctx.prog.symbols.addressOf("_etext");
  return lo !== undefined && hi !== undefined && addr >= lo && addr < hi;
}

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

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** One base's block: its line, the column header sized to its largest TTE, the rows or "(none)". */
export function formatTimerBase(ctx: CommandContext, b: TimerBase, flen: number): string[] {
  const lines = [`TIMER_BASES[${b.cpu}][${TIMER_BASE_NAMES[b.base] ?? b.base}]: ${b.address.toString(16)}`];
  let highest = 0n;
  for (const t of b.timers) if (abs(t.tte) > highest) highest = abs(t.tte);
  const tlen = Math.max(highest.toString().length + 1, 3); // +1 for a possible "-"
  lines.push(`  ${"EXPIRES".padEnd(flen)}     ${"TTE".padEnd(tlen)}     TIMER_LIST     FUNCTION`);
  for (const t of b.timers) {
    const sym = valueToSymstr(ctx, timerFunction(ctx, t.function));
    lines.push(`  ${t.expires.toString().padStart(flen)}  ${t.tte.toString().padStart(tlen)}  ${t.address.toString(16).padStart(16)}  ${t.function.toString(16).padStart(16)}  <${sym}>`);
  }
  if (b.timers.length === 0) lines.push("  (none)");
  return lines;
}

/** crash's mkstring(CENTER|RJUST): an odd space goes left. */
function centerRight(s: string, width: number): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const right = extra >> 1;
  return " ".repeat(extra - right) + s + " ".repeat(right);
}

/** dump_active_timers: one clock base's header line, then "(empty)" or the CURRENT time and its timers. */
export function formatHrtimerClockBase(ctx: CommandContext, b: HrtimerClockBase, uptimeNs: bigint): string[] {
  const lines = [`  CLOCK: ${b.index}  HRTIMER_CLOCK_BASE: ${b.address.toString(16)}  [${valueToSymstr(ctx, b.getTime)}]`];
  if (b.timers.length === 0) return [...lines, "  (empty)"];
  const now = BigInt.asUintN(64, uptimeNs + b.offset);
  // crash sizes each column by the last (latest) timer's value
  const last = b.timers[b.timers.length - 1]!;
  const signed = (v: bigint): string => BigInt.asIntN(64, v).toString();
  const expLen = Math.max(signed(last.expires).length, 7);
  const soft = last.softexpires !== undefined || b.timers.some((t) => t.softexpires !== undefined);
  const softLen = soft ? Math.max(signed(last.softexpires ?? 0n).length, 11) : 0;
  const tteLen = signed(last.expires - now).length;
  const first = soft ? softLen : expLen;
  lines.push(`  ${centerRight("CURRENT", first)}`, `  ${centerRight(signed(now), first)}`);
  const cols = [soft ? centerRight("SOFTEXPIRES", softLen) : undefined, centerRight("EXPIRES", expLen), centerRight("TTE", tteLen), center("HRTIMER", 16), center("FUNCTION", 16)];
  lines.push(`  ${cols.filter((c) => c !== undefined).join("  ")}`);
  for (const t of b.timers) {
    if (t.destroyed) {
      lines.push("  (destroyed timer)");
      continue;
    }
    let row = "  ";
    if (soft) row += `${centerRight(signed(t.softexpires ?? 0n), softLen)}  `;
    row += `${centerRight(signed(t.expires), expLen)}  ${signed(t.expires - now).padStart(tteLen)}  ${t.address.toString(16)}  `;
    if (t.function !== undefined) row += `${t.function.toString(16)}  <${valueToSymstr(ctx, t.function)}>`;
    lines.push(row);
  }
  return lines;
}

/** mkstring(CENTER|LJUST): an odd space goes right. */
function center(s: string, width: number): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = extra >> 1;
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

/** `timer -r`: per CPU its hrtimer_cpu_base, then each clock base (dump_hrtimer_data). */
function hrtimerText(ctx: CommandContext, cpus: readonly number[]): { text: string; bases: HrtimerClockBase[]; errors: string[] } {
  const hz = detectHz(ctx.prog);
  const uptimeNs = uptimeJiffies(ctx.prog, hz) * BigInt(Math.floor(1e9 / hz));
  const blocks: string[] = [];
  const all: HrtimerClockBase[] = [];
  for (const cpu of cpus) {
    const bases = hrtimerClockBases(ctx.prog, cpu);
    all.push(...bases);
    const lines = [`CPU: ${cpu}  HRTIMER_CPU_BASE: ${hrtimerCpuBase(ctx.prog, cpu).toString(16)}`];
    bases.forEach((b, j) => {
      if (j) lines.push("");
      lines.push(...formatHrtimerClockBase(ctx, b, uptimeNs));
    });
    blocks.push(lines.join("\n"));
  }
  return { text: blocks.join("\n\n"), bases: all, errors: all.flatMap((b) => b.problems.map((p) => `timer: ${p.message}`)) };
}

export const timerCommand: Command = {
  name: "timer",
  summary: "timer queue data",
  help: `NAME
  timer - timer queue data

SYNOPSIS
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
  run(ctx, args) {
    let cpuSpec: string | undefined;
    let hr = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-C" && args[i + 1] !== undefined) cpuSpec = args[++i];
      else if (a.startsWith("-C") && a.length > 2) cpuSpec = a.slice(2);
      else if (a === "-r") hr = true;
      else throw new CommandError("timer", `invalid argument: ${a}`);
    }
    const ncpus = cpuCount(ctx.prog);
    const cpus = cpuSpec === undefined ? Array.from({ length: ncpus }, (_, i) => i) : parseCpuList("timer", cpuSpec, ncpus);
    if (hr) {
      const r = hrtimerText(ctx, cpus);
      return { data: { hrtimers: r.bases }, text: r.text, errors: r.errors };
    }
    const jiffies = timerJiffies(ctx.prog);
    const flen = Math.max(jiffies.toString().length, "JIFFIES".length);
    const bases = timerBases(ctx.prog, cpus, jiffies);
    const lines = ["JIFFIES".padEnd(flen), jiffies.toString().padStart(flen), ""];
    bases.forEach((b, i) => {
      if (i > 0 && b.base === 0) lines.push("");
      lines.push(...formatTimerBase(ctx, b, flen));
    });
    const errors = bases.flatMap((b) => b.problems.map((p) => `timer: ${p.message}`));
    return { data: { jiffies, bases }, text: lines.join("\n"), errors };
  },
};
