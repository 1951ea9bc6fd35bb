// Everything read from a dump is hostile text: a comm, a path or a log line may hold control characters,
// terminal escapes, bidirectional overrides (which reorder what the analyst reads) or markup. The renderer
// only ever puts strings into text nodes (eslint forbids innerHTML), and these make them visible as what
// they are instead of letting them act.

const HEX = "0123456789abcdef";

function escapeCode(c: number): string {
  if (c <= 0xff) return "\\x" + HEX[c >> 4] + HEX[c & 15];
  return "\\u" + c.toString(16).padStart(4, "0");
}

/** A character that must not reach the screen as itself: C0/C1 controls, DEL, bidi controls, BOM, LS/PS. */
function isHostile(c: number, keepNewlines: boolean): boolean {
  if (c < 0x20) return !(c === 0x09 || (keepNewlines && c === 0x0a));
  if (c === 0x7f || (c >= 0x80 && c <= 0x9f)) return true;
  if (c >= 0x202a && c <= 0x202e) return true; // LRE RLE PDF LRO RLO
  if (c >= 0x2066 && c <= 0x2069) return true; // LRI RLI FSI PDI
  if (c === 0x200e || c === 0x200f || c === 0x061c) return true; // LRM RLM ALM
  if (c === 0x2028 || c === 0x2029 || c === 0xfeff) return true;
  return false;
}

/** The string with hostile characters shown as \xNN / \uNNNN (tabs kept; newlines kept when asked). */
export function safeText(s: string, keepNewlines = false): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isHostile(c, keepNewlines)) continue;
    out += s.slice(from, i) + escapeCode(c);
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Text for xterm: no escape sequence from the dump survives (ESC, CSI, OSC, BEL, … become \xNN), newlines
 *  become CRLF. The console's own colours are added after this, around whole lines. */
export function terminalText(s: string): string {
  return safeText(s, true).replace(/\n/g, "\r\n");
}

/** A one-line preview: hostile characters escaped, at most `max` characters (the whole value stays one hover
 *  away in a title). */
export function clip(s: string, max: number): string {
  const t = safeText(s);
  return t.length > max ? t.slice(0, Math.max(0, max - 1)) + "…" : t;
}
