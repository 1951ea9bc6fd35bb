// Characters and strings as gdb 10 prints them (gdb/valprint.c: print_wchar, generic_emit_char,
// count_next_character, print_converted_chars_to_obstack, generic_printstr), for a target whose charset is
// plain ASCII, as crash runs it: bytes 0x20-0x7e print as themselves, the C escapes \a \b \f \n \r \t \v by
// name, everything else (and a digit right after a numeric escape) as a 3-digit octal escape.

/** gdb's `print elements` as crash sets it (gdb_interface.c: `*gdb_print_max = 256`). */
export const CRASH_PRINT_MAX = 256;
/** crash sets `print repeats` to 0x7fffffff (gdb_interface.c), so `<repeats N times>` never appears. */
export const CRASH_REPEAT_THRESHOLD = 0x7fffffff;

const NAMED_ESCAPES: Record<number, string> = {
  0x07: "\\a",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x0b: "\\v",
};

function isPrintable(c: number): boolean {
  return c >= 0x20 && c <= 0x7e;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** One character of a quoted literal; `escaped.value` carries print_wchar's need_escape across calls. */
function emitChar(c: number, quote: number, escaped: { value: boolean }): string {
  const needEscape = escaped.value;
  escaped.value = false;
  const named = NAMED_ESCAPES[c];
  if (named !== undefined) return named;
  if (isPrintable(c) && !(needEscape && isDigit(c))) {
    const ch = String.fromCharCode(c);
    return c === quote || c === 0x5c ? "\\" + ch : ch;
  }
  escaped.value = true;
  return "\\" + (c & 0o777).toString(8).padStart(3, "0");
}

/** A character literal: `'A'`, `'\000'`, `'\''` (c_printchar). */
export function formatCharLiteral(byte: number): string {
  return "'" + emitChar(byte & 0xff, 0x27, { value: false }) + "'";
}

export interface StringFormatOptions {
  /** Print `...` even when the whole string was printed (the caller stopped reading early). */
  forceEllipses?: boolean;
  printMax?: number;
  repeatThreshold?: number;
}

/**
 * `"swapper/0\000\000"`: gdb's generic_printstr over `length` one-byte characters. A trailing NUL is dropped
 * (C style) unless ellipses are forced; runs of equal characters count together against `print elements`,
 * so the last run may go past the limit, as in gdb; runs longer than the repeat threshold print as
 * `'c' <repeats N times>` segments.
 */
export function formatString(bytes: Uint8Array, length: number, options: StringFormatOptions = {}): string {
  const printMax = options.printMax ?? CRASH_PRINT_MAX;
  const threshold = options.repeatThreshold ?? CRASH_REPEAT_THRESHOLD;
  const force = options.forceEllipses ?? false;
  let len = Math.min(length, bytes.length);
  if (!force && len > 0 && bytes[len - 1] === 0) len--;
  if (len === 0) return force ? '""...' : '""';

  // Group runs of equal bytes until `print elements` is reached (count_next_character).
  const runs: { byte: number; count: number }[] = [];
  let i = 0;
  let printed = 0;
  while (i < len && printed < printMax) {
    const b = bytes[i]!;
    let j = i + 1;
    while (j < len && bytes[j] === b) j++;
    runs.push({ byte: b, count: j - i });
    printed += j - i;
    i = j;
  }
  const finished = i >= len;

  const quote = 0x22;
  const escaped = { value: false };
  let out = "";
  let inQuote = false;
  let first = true;
  for (const run of runs) {
    if (run.count > threshold) {
      if (inQuote) out += '"';
      if (!first) out += ", ";
      out += "'" + emitChar(run.byte, quote, escaped) + "'" + ` <repeats ${run.count} times>`;
      inQuote = false;
    } else {
      if (!inQuote) {
        if (!first) out += ", ";
        out += '"';
        inQuote = true;
      }
      for (let k = 0; k < run.count; k++) out += emitChar(run.byte, quote, escaped);
    }
    first = false;
  }
  if (inQuote) out += '"';
  if (force || !finished) out += "...";
  return out;
}
