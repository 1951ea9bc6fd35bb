// Numbers, addresses and times as the workbench shows them: addresses in full (16 hex digits, as crash
// prints them), sizes in crash's units, times in UTC.
import type { Hex, Severity } from "../../core/session/contract";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Larger is more severe. */
export function severityRank(s: Severity): number {
  return 4 - SEVERITIES.indexOf(s);
}

export const SEVERITY_LETTER: Record<Severity, string> = { critical: "C", high: "H", medium: "M", low: "L", info: "I" };

/** The kernel's build id and release as VMCOREINFO records them. */
export function vmcoreBuildId(vmcoreinfo: Record<string, string>): string | undefined {
  const v = vmcoreinfo["BUILD-ID"];
  return v && /^[0-9a-f]{8,128}$/i.test(v) ? v.toLowerCase() : undefined;
}

export function toBig(hex: Hex | string): bigint {
  return BigInt(hex.startsWith("0x") || hex.startsWith("0X") ? hex : "0x" + hex);
}

export function toHex(value: bigint): Hex {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}

/** 16 hex digits, no prefix: crash's way of printing a 64-bit address. */
export function addr16(value: bigint | Hex): string {
  const v = typeof value === "bigint" ? value : toBig(value);
  return BigInt.asUintN(64, v).toString(16).padStart(16, "0");
}

/** Parses what an analyst types for an address: "0xffff…", "ffff…" (hex digits only). Undefined otherwise. */
export function parseAddress(text: string): bigint | undefined {
  const t = text.trim().replace(/_/g, "");
  const m = /^(?:0x)?([0-9a-f]{1,16})$/i.exec(t);
  if (!m) return undefined;
  // A bare decimal-looking short word ("304") is more likely a pid or a count: require 0x or a-f or ≥ 8 digits.
  if (!/^0x/i.test(t) && !/[a-f]/i.test(m[1]!) && m[1]!.length < 8) return undefined;
  return BigInt("0x" + m[1]);
}

/** A symbol expression: "name", "name+0x10", "name+16". */
export function parseSymbolExpr(text: string): { name: string; offset: bigint } | undefined {
  const m = /^\s*([A-Za-z_.$][\w.$]*)\s*(?:\+\s*(0x[0-9a-f]+|\d+))?\s*$/i.exec(text);
  if (!m) return undefined;
  return { name: m[1]!, offset: m[2] ? BigInt(m[2]) : 0n };
}

/** Kilobytes as ps shows them, with a binary unit for large values: "744", "2.3G". */
export function kib(n: number): string {
  if (n < 100_000) return String(n);
  if (n < 1 << 20) return `${Math.round(n / 1024)}M`;
  return `${(n / (1 << 20)).toFixed(1)}G`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** "2024-05-01 12:00:03 UTC" from seconds since the epoch. */
export function utc(seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return "";
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** Seconds of crash's uptime text: "00:00:15", "1 days, 02:03:04". */
export function parseUptime(text: string): number | undefined {
  const m = /(?:(\d+)\s+days?,\s*)?(\d+):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** The log's raw timestamp: "[   15.123456]". */
export function rawTimestamp(ns: string): string {
  let v: bigint;
  try {
    v = BigInt(ns);
  } catch {
    return "[?]";
  }
  const s = v / 1_000_000_000n;
  const us = (v % 1_000_000_000n) / 1000n;
  return `[${String(s).padStart(5, " ")}.${String(us).padStart(6, "0")}]`;
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
