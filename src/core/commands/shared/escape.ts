// Strings from a dump (names, log lines, paths) may hold control characters, markup or invalid UTF-8.
// Escape them at every terminal output: a dump must not be able to drive the analyst's terminal.

const NEEDS_ESCAPE = /[^\x20-\x7e\t]/;

/** Shows control characters (other than tab) and bytes over 0x7e as \xNN; tab and printable ASCII pass. */
export function escapeControl(s: string): string {
  // Most strings need nothing: one scan, no new string (ps prints 50,000 names).
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += (c >= 0x20 && c < 0x7f) || c === 0x09 ? s[i] : "\\x" + (c & 0xff).toString(16).padStart(2, "0");
  }
  return out;
}
