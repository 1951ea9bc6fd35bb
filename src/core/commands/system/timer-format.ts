// crash's timer text: the timer wheel's bases (dump_timer_data_timer_bases) and, with -r, the hrtimer
// clock bases (dump_hrtimer_data, dump_active_timers).
import { TIMER_BASE_NAMES } from "../../kernel/system/timers";
import { center } from "../shared/mkstring";
import type { HrtimerClock, TimerResult, TimerWheelBase } from "./timer";

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** One base's block: its line, the column header sized to its largest TTE, the rows or "(none)". */
export function formatTimerBase(b: TimerWheelBase, flen: number): string[] {
  const lines = [`TIMER_BASES[${b.cpu}][${TIMER_BASE_NAMES[b.base] ?? b.base}]: ${b.address.toString(16)}`];
  let highest = 0n;
  for (const t of b.timers) if (abs(t.tte) > highest) highest = abs(t.tte);
  const tlen = Math.max(highest.toString().length + 1, 3); // +1 for a possible "-"
  lines.push(`  ${"EXPIRES".padEnd(flen)}     ${"TTE".padEnd(tlen)}     TIMER_LIST     FUNCTION`);
  for (const t of b.timers) {
    lines.push(`  ${t.expires.toString().padStart(flen)}  ${t.tte.toString().padStart(tlen)}  ${t.address.toString(16).padStart(16)}  ${t.function.toString(16).padStart(16)}  <${t.symbol}>`);
  }
  if (b.timers.length === 0) lines.push("  (none)");
  return lines;
}

/** dump_active_timers: one clock base's header line, then "(empty)" or the CURRENT time and its timers. */
export function formatHrtimerClock(b: HrtimerClock): string[] {
  const lines = [`  CLOCK: ${b.index}  HRTIMER_CLOCK_BASE: ${b.address.toString(16)}  [${b.getTimeSymbol}]`];
  if (b.timers.length === 0) return [...lines, "  (empty)"];
  const now = b.now;
  // crash sizes each column by the last (latest) timer's value; mkstring(CENTER|RJUST) puts an odd space left
  const last = b.timers[b.timers.length - 1]!;
  const signed = (v: bigint): string => BigInt.asIntN(64, v).toString();
  const centerRight = (s: string, width: number): string => center(s, width, true);
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
    if (t.function !== undefined) row += `${t.function.toString(16)}  <${t.symbol ?? ""}>`;
    lines.push(row);
  }
  return lines;
}

export function formatTimer(r: TimerResult): string {
  if (r.kind === "hrtimers") {
    return r.cpus
      .map((c) => {
        const lines = [`CPU: ${c.cpu}  HRTIMER_CPU_BASE: ${c.cpuBase.toString(16)}`];
        c.clocks.forEach((b, j) => {
          if (j) lines.push("");
          lines.push(...formatHrtimerClock(b));
        });
        return lines.join("\n");
      })
      .join("\n\n");
  }
  const flen = Math.max(r.jiffies.toString().length, "JIFFIES".length);
  const lines = ["JIFFIES".padEnd(flen), r.jiffies.toString().padStart(flen), ""];
  r.bases.forEach((b, i) => {
    if (i > 0 && b.base === 0) lines.push("");
    lines.push(...formatTimerBase(b, flen));
  });
  return lines.join("\n");
}
