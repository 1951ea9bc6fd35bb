// One full garbage collection once a dump is open. An open leaves V8's heap young and full of its garbage
// (index images parsed, tables built, the code cache's functions deserialised). Left alone, V8 lowers its
// first old-generation limit from how little its early scavenges kept, and the first mark-compact, with its
// incremental marking's write barriers, lands in whichever command first crosses it: typically the user's
// first. Collected once at the end of the open, it is paid where the user waits for the prompt anyway (on the
// worker thread, right after the prompt is shown), and the next limit is set from what the session keeps.
// Node offers no collector without --expose-gc, and a kdw command cannot pass Node flags (npm's shims and
// BusyBox's env take no options on the #! line): the flag is set at run time and the function is taken from
// a fresh context, the only kind that sees it. V8 counts its flags in a code cache's check, so the flag is
// set before the bundle's code cache is made or taken (core-bundle.ts), in every process alike. Where any
// of this fails (another runtime), nothing is collected.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | null | undefined;

/** Sets --expose-gc (see the file's head); harmless when set already. */
export function exposeCollector(): void {
  try {
    setFlagsFromString("--expose-gc");
  } catch {
    // Not Node's V8: settleHeap finds no collector.
  }
}

function collectorOf(): (() => void) | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === "function") return own as () => void;
  exposeCollector();
  try {
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** One full collection (see the file's head), if this runtime offers one. */
export function settleHeap(): void {
  collector ??= collectorOf();
  collector?.();
}
