// Small pieces every section uses: severity badges, sizes, times. Values pass through `h`, so whatever the
// data holds is escaped; class names come from closed lists.
import type { Severity } from "../../session/contract";
import { h, oneOf, type Html } from "../escape";

export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];
const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];
const LETTER: Record<Severity, string> = { critical: "C", high: "H", medium: "M", low: "L", info: "I" };

export function severityClass(s: unknown): `sev-${Severity}` {
  return `sev-${oneOf(s, SEVERITIES, "info")}`;
}

/** "H high": the letter reads in grey print and for colour-blind readers. */
export function severityBadge(s: unknown): Html {
  const sev = oneOf(s, SEVERITIES, "info");
  return h`<span class="badge ${severityClass(sev)}">${LETTER[sev]} ${sev}</span>`;
}

export function badge(text: string, kind: "plain" | "alert" | "panic" = "plain"): Html {
  return h`<span class="badge ${kind}">${text}</span>`;
}

const group3 = (n: number) => String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** "24,075,667 bytes (23.0 MiB)". */
export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "";
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let unit = "";
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return unit ? `${group3(n)} bytes (${v.toFixed(1)} ${unit})` : `${group3(n)} bytes`;
}

export function count(n: number): string {
  return group3(n);
}

/** Kilobytes as ps shows them ("2401352k"). */
export function kib(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? "" : `${Math.trunc(n)}k`;
}

/** "2026-11-26 03:41:41 UTC" from an ISO 8601 time. */
export function utc(iso: string | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}${m[3] && m[3] !== ".000" ? m[3] : ""} UTC` : iso;
}

/** dmesg's "[   15.692362]" from nanoseconds since boot (a decimal string). */
export function logTime(ns: string): string {
  if (!/^\d{1,20}$/.test(ns)) return "[?]";
  const v = BigInt(ns);
  const sec = v / 1_000_000_000n;
  const usec = (v % 1_000_000_000n) / 1000n;
  return `[${sec.toString().padStart(5)}.${usec.toString().padStart(6, "0")}]`;
}

/** "mz_getdents_pre+0x5e", as the kernel's oops names a place. */
export function symbolOffset(symbol: string | undefined, offset: number | undefined): string {
  if (!symbol) return "";
  return offset && Number.isFinite(offset) ? `${symbol}+0x${Math.trunc(offset).toString(16)}` : symbol;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
