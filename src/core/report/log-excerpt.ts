// The part of the kernel log a reader needs: the oops or panic from its first line to its end marker, with a
// few records of context on each side. The whole log is in the report too, folded.
import type { LogRecord } from "../session/contract";

/** The lines that open an oops or a panic, in the kernel's words. */
const PANIC_MARKERS = [
  /^BUG: /,
  /^kernel BUG at /,
  /^general protection fault/,
  /^Unable to handle kernel /,
  /^Kernel panic - not syncing: /,
  /^Oops: /,
  /^divide error: /,
  /^invalid opcode: /,
  /^stack segment: /,
  /^double fault: /,
  /^watchdog: BUG: /,
  /^INFO: task .* blocked for more than/,
];
/** The lines that close one. */
const END_MARKERS = [/^---\[ end trace/, /^---\[ end Kernel panic/, /^Kernel panic - not syncing/];

/** How far back from the panic record an oops's first line may be. */
const LOOK_BACK = 60;
/** How far after it its end marker may be. */
const LOOK_AHEAD = 400;
const CONTEXT = 5;
/** Records shown after the panic record when no end marker is found. */
const TAIL = 60;

const isMarker = (text: string) => PANIC_MARKERS.some((re) => re.test(text.trim()));

/** Index of the oops's first line: the earliest marker line shortly before the panic record, from the same caller. */
function oopsStart(records: readonly LogRecord[], panicIndex: number): number {
  const caller = records[panicIndex]!.caller;
  let start = panicIndex;
  for (let i = panicIndex; i >= Math.max(0, panicIndex - LOOK_BACK); i--) {
    const r = records[i]!;
    if (caller !== undefined && r.caller !== undefined && r.caller !== caller) break;
    if (isMarker(r.text)) start = i;
  }
  return start;
}

/** The first line of the oops or panic around `panicIndex` (or the first such line of the log). */
export function panicLine(records: readonly LogRecord[], panicIndex: number | undefined): string | undefined {
  if (panicIndex !== undefined && panicIndex < records.length) return records[oopsStart(records, panicIndex)]!.text.trim();
  return records.find((r) => isMarker(r.text))?.text.trim();
}

/** [from, to) of the records to show around the panic; the log's last records when there is none. */
export function logExcerpt(records: readonly LogRecord[], panicIndex: number | undefined): { from: number; to: number } | undefined {
  if (records.length === 0) return undefined;
  if (panicIndex === undefined || panicIndex >= records.length) {
    const first = records.findIndex((r) => isMarker(r.text));
    if (first < 0) return { from: Math.max(0, records.length - 40), to: records.length };
    panicIndex = first;
  }
  const start = oopsStart(records, panicIndex);
  let end = -1;
  for (let i = panicIndex + 1; i < Math.min(records.length, panicIndex + LOOK_AHEAD); i++) {
    if (END_MARKERS.some((re) => re.test(records[i]!.text.trim()))) {
      end = i;
      break;
    }
  }
  const to = end >= 0 ? Math.min(records.length, end + 1 + CONTEXT) : Math.min(records.length, panicIndex + TAIL);
  return { from: Math.max(0, start - CONTEXT), to };
}
