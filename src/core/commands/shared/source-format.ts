// Source lines as gdb's list prints them (`NNN\ttext`), and crash's `dis -s` listing around them.
import type { SourceLine, SourceListing } from "./source-listing";

/** A source line as gdb prints it: control characters other than tab as ^X (a source tree is outside data). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => (c === "\x7f" ? "^?" : "^" + String.fromCharCode(c.charCodeAt(0) + 64)));
}

/** gdb's list lines; with `marks`, crash's dis -s "* " before the current line and "  " before the others. */
export function formatSourceLines(lines: readonly SourceLine[], marks: boolean): string {
  return lines.map((l) => `${marks ? (l.current ? "* " : "  ") : ""}${l.line}\t${printable(l.text)}\n`).join("");
}

export function formatSourceListing(s: SourceListing): string {
  if (s.file === undefined) return "FILE: (unknown)\nLINE: (unknown)\n\n";
  const head = `FILE: ${s.file}\nLINE: ${s.line}\n\n`;
  return s.lines ? head + formatSourceLines(s.lines, true) + "\n" : head;
}
