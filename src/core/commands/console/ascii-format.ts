// ascii's text (tools.c cmd_ascii): "%016llx: " and the eight bytes, or crash's chart.
import type { AsciiResult } from "./ascii";

const CONTROL = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"];

const CHART = `
      0    1   2   3   4   5   6   7
    +-------------------------------
  0 | NUL DLE  SP  0   @   P   '   p
  1 | SOH DC1  !   1   A   Q   a   q
  2 | STX DC2  "   2   B   R   b   r
  3 | ETX DC3  #   3   C   S   c   s
  4 | EOT DC4  $   4   D   T   d   t
  5 | ENQ NAK  %   5   E   U   e   u
  6 | ACK SYN  &   6   F   V   f   v
  7 | BEL ETB  \`   7   G   W   g   w
  8 |  BS CAN  (   8   H   X   h   x
  9 |  HT  EM  )   9   I   Y   i   y
  A |  LF SUB  *   :   J   Z   j   z
  B |  VT ESC  +   ;   K   [   k   {
  C |  FF  FS  ,   <   L   \\   l   |
  D |  CR  GS  _   =   M   ]   m   }
  E |  SO  RS  .   >   N   ^   n   ~
  F |  SI  US  /   ?   O   -   o  DEL

`;

/** One byte as crash shows it. */
function byteText(c: number): string {
  if (c >= 0x20 && c < 0x7f) return String.fromCharCode(c);
  if (c > 0x7f) return `<${c.toString(16).padStart(2, "0")}>`;
  return c === 0x7f ? "<DEL>" : `<${CONTROL[c]}>`;
}

export function formatAscii(r: AsciiResult): string {
  if (r.kind === "chart") return CHART;
  let out = "";
  for (const v of r.values) {
    out += `${v.toString(16).padStart(16, "0")}: `;
    for (let i = 0n; i < 8n; i++) out += byteText(Number((v >> (8n * i)) & 0xffn));
    out += "\n";
  }
  return out;
}
