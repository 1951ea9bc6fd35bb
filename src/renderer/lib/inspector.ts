// The data inspector's readings of the bytes under the hex cursor: little-endian integers, a pointer, a
// string (printable Latin-1 until NUL, hostile characters escaped).
import { safeText } from "./text";

export interface Reading {
  label: string;
  value: string;
  /** Present only for the pointer reading. */
  pointer?: bigint;
}

function uint(bytes: Uint8Array, n: number): bigint | undefined {
  if (bytes.length < n) return undefined;
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function readings(bytes: Uint8Array): Reading[] {
  const out: Reading[] = [];
  for (const bits of [8, 16, 32, 64]) {
    const u = uint(bytes, bits / 8);
    if (u === undefined) {
      out.push({ label: `u${bits}`, value: "—" }, { label: `s${bits}`, value: "—" });
      continue;
    }
    const s = BigInt.asIntN(bits, u);
    out.push({ label: `u${bits}`, value: `${u} (0x${u.toString(16)})` }, { label: `s${bits}`, value: String(s) });
  }
  const p = uint(bytes, 8);
  out.push(p === undefined ? { label: "pointer", value: "—" } : { label: "pointer", value: p.toString(16).padStart(16, "0"), pointer: p });
  out.push({ label: "string", value: cString(bytes) });
  return out;
}

/** Bytes until NUL as a quoted string, at most 64 shown. */
export function cString(bytes: Uint8Array): string {
  let s = "";
  let i = 0;
  for (; i < bytes.length && i < 64; i++) {
    const b = bytes[i]!;
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  const more = i === 64 && i < bytes.length && bytes[i] !== 0;
  return `"${safeText(s).replace(/"/g, '\\"')}"${more ? "…" : ""}`;
}

/** The bytes as "de ad be ef" lines of 16 and as a C array. */
export function copyAsHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) lines.push(Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, "0")).join(" "));
  return lines.join("\n");
}

export function copyAsC(bytes: Uint8Array, name = "data"): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 12) lines.push("  " + Array.from(bytes.subarray(i, i + 12), (b) => "0x" + b.toString(16).padStart(2, "0")).join(", ") + ",");
  return `unsigned char ${name}[${bytes.length}] = {\n${lines.join("\n")}\n};`;
}
