// Finds what names a thing in a line of crash-style text: addresses, symbol+offset, bt frame symbols, pids
// and file:line. The console's link provider and the panels' linked text both use it.
import type { Target } from "./target";
import { toHex } from "./format";

export interface TextLink {
  /** UTF-16 offsets in the line, end exclusive. */
  start: number;
  end: number;
  target: Target;
  /** What the link does, for its tooltip. */
  title: string;
}

/** Kernel addresses begin here with 5-level page tables (0xffff800000000000 with 4 levels is above it). */
const KERNEL_HALF = 0xff00_0000_0000_0000n;

/** Links in one line of text, sorted and non-overlapping (the first pattern to claim a range wins). */
export function findLinks(line: string): TextLink[] {
  if (line.length > 4096) line = line.slice(0, 4096);
  const links: TextLink[] = [];
  const claim = (start: number, end: number, target: Target, title: string): void => {
    if (links.some((l) => start < l.end && end > l.start)) return;
    links.push({ start, end, target, title });
  };
  let m: RegExpExecArray | null;

  // A bt frame: " #3 [ffffb5a8c0003c38] oops_end at ffffffffa1431af6" → the symbol to its code.
  m = /^(\s*#\d+\s+\[[0-9a-f]+\]\s+)([A-Za-z_.][\w.]*)\s+at\s+([0-9a-f]{16})/.exec(line);
  if (m) {
    const start = m[1]!.length;
    claim(start, start + m[2]!.length, { kind: "code", target: m[2]!, pc: toHex(BigInt("0x" + m[3]!)) }, `disassemble ${m[2]}`);
  }
  // ps rows: ">   304      1   0  ff16e6832ff6c180  RU   0.1 ..." → the pid and the parent.
  m = /^(>?\s*)(\d+)(\s+)(\d+)(\s+)\d+\s+[0-9a-f]{16}\s+[A-Z]{2}\s/.exec(line);
  if (m) {
    const pidStart = m[1]!.length;
    claim(pidStart, pidStart + m[2]!.length, { kind: "task", pid: Number(m[2]) }, `task ${m[2]}`);
    const ppidStart = pidStart + m[2]!.length + m[3]!.length;
    claim(ppidStart, ppidStart + m[4]!.length, { kind: "task", pid: Number(m[4]) }, `task ${m[4]}`);
  }
  // "PID: 304" (bt, task, set) and "pid 304".
  const pidRe = /\b(?:PID:\s+|pid\s+)(\d{1,7})\b/g;
  while ((m = pidRe.exec(line))) {
    const start = m.index + m[0].length - m[1]!.length;
    claim(start, start + m[1]!.length, { kind: "task", pid: Number(m[1]) }, `task ${m[1]}`);
  }
  // file.c: 123 (crash's line format) and file.c:123.
  const fileRe = /((?:\/|\b)[\w./-]*\.(?:c|h|S|rs)):\s?(\d{1,7})\b/g;
  while ((m = fileRe.exec(line))) claim(m.index, m.index + m[0].length, { kind: "source", file: m[1]!, line: Number(m[2]) }, `source ${m[1]}:${m[2]}`);
  // symbol+0xoff (with an optional /0xsize): code.
  const symRe = /\b([A-Za-z_.][\w.]*)\+(0x[0-9a-f]+)(?:\/0x[0-9a-f]+)?/g;
  while ((m = symRe.exec(line))) claim(m.index, m.index + m[0].length, { kind: "code", target: `${m[1]}+${m[2]}` }, `disassemble ${m[1]}+${m[2]}`);
  // Addresses: 16 hex digits (crash's form) or 0x followed by 9-16 digits.
  const addrRe = /(?<![\w+])(?:0x([0-9a-f]{9,16})|([0-9a-f]{16}))(?![\w])/g;
  while ((m = addrRe.exec(line))) {
    const value = BigInt("0x" + (m[1] ?? m[2]!));
    // Only kernel addresses: lower values are physical, user or plain numbers, which the text cannot tell apart.
    if (value < KERNEL_HALF) continue;
    claim(m.index, m.index + m[0].length, { kind: "memory", space: "kernel", address: toHex(value) }, "open in the hex view");
  }
  return links.sort((a, b) => a.start - b.start);
}

export interface Segment {
  text: string;
  link?: TextLink;
}

/** The line cut into plain and linked segments (for a panel's linked text). */
export function segments(line: string): Segment[] {
  const links = findLinks(line);
  const out: Segment[] = [];
  let at = 0;
  for (const l of links) {
    if (l.start > at) out.push({ text: line.slice(at, l.start) });
    out.push({ text: line.slice(l.start, l.end), link: l });
    at = l.end;
  }
  if (at < line.length) out.push({ text: line.slice(at) });
  return out;
}
