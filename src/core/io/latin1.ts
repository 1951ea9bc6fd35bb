// Bytes as Latin-1 strings (one char per byte, 0..255), the way kdw keeps text read from a dump so that no
// byte of hostile text is lost or merged, made at native speed for large buffers. TextDecoder has no true
// Latin-1: its "latin1" label is windows-1252 (WHATWG), which differs from Latin-1 on bytes 0x80..0x9f only,
// and its "utf-8" agrees with Latin-1 on 7-bit bytes. A buffer is decoded by whichever agrees with Latin-1
// on it, as checked on the result, else char by char.

const UTF8 = new TextDecoder("utf-8");
const WINDOWS_1252 = new TextDecoder("latin1");
/** A char that windows-1252 decoded differently from Latin-1 (it maps most of 0x80..0x9f above U+00FF). */
const ABOVE_LATIN1 = /[\u0100-\uffff]/;
const CHUNK = 8192;

/** bytes[start, end) as Latin-1, char by char (String.fromCharCode over chunks). */
export function latin1Chars(bytes: Uint8Array, start: number, end: number): string {
  const s = Math.max(0, start);
  const e = Math.min(bytes.length, end);
  if (e <= s) return "";
  if (e - s <= CHUNK) return String.fromCharCode.apply(null, bytes.subarray(s, e) as unknown as number[]);
  let out = "";
  for (let i = s; i < e; i += CHUNK) out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(e, i + CHUNK)) as unknown as number[]);
  return out;
}

/** `bytes` up to its first NUL (all of it without one) as Latin-1: a C string or a char array's text. */
export function latin1UpToNul(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return latin1Chars(bytes, 0, nul < 0 ? bytes.length : nul);
}

/**
 * All of `bytes` as Latin-1. `ascii`: the caller knows every byte is below 0x80 (then UTF-8 is exact).
 * Otherwise UTF-8 is tried first (exact when it gave one char per byte and replaced none: every byte was
 * 7-bit, the common case of kernel text), then windows-1252 (exact when no char came out above U+00FF).
 */
export function latin1String(bytes: Uint8Array, ascii = false): string {
  if (bytes.length <= 64) return latin1Chars(bytes, 0, bytes.length);
  const u = UTF8.decode(bytes);
  if (ascii || (u.length === bytes.length && !u.includes("\uFFFD"))) return u;
  const s = WINDOWS_1252.decode(bytes);
  return s.length === bytes.length && !ABOVE_LATIN1.test(s) ? s : latin1Chars(bytes, 0, bytes.length);
}

/** A string as the Latin-1 bytes it decodes from (one byte a char); null when a char is above U+00FF. */
export function latin1Bytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c > 0xff) return null;
    out[k] = c;
  }
  return out;
}
