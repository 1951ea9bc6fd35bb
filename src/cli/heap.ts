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
//
// Where it costs the user nothing (the worker's, while the prompt is up, when no call is waiting), the
// young generation is warmed after the collection (warmYoungGeneration). V8's new space is two semi-spaces
// of 1-16 MiB that a scavenge swaps; pages it has just grown by, or that no allocation has reached yet, are
// fresh to the kernel, and on a virtual machine each fresh 4 KiB page costs 11-15 us to fault in: the first
// commands after an open allocate into such pages, and that was half of a first `mod`'s 2.4 ms here (75
// faults, most in new space). Filling both semi-spaces with short-lived arrays and then one scavenge leaves
// them touched and empty: ~12 ms for 4 MiB, paid while the user types. A script of several commands is
// spared it: its next command would wait for it.
//
// And after each answer, while the user reads it (no call waiting), the worker scavenges the young
// generation when it is more than a quarter full (scavengeIfFilling): a scavenge costs 0.5-2 ms, and the
// young generation fills every 2 MiB or so of garbage, so without it one lands in whichever command crosses
// the mark: a 2 ms `mod` paid it in about one process out of two.
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** The extension's gc(): a full collection; `{ type: "minor" }` a scavenge. */
type Collector = (options?: { type: "minor" | "major" }) => void;

let collector: Collector | null | undefined;

/** Sets --expose-gc (see the file's head); harmless when set already. */
export function exposeCollector(): void {
  try {
    setFlagsFromString("--expose-gc");
  } catch {
    // Not Node's V8: settleHeap finds no collector.
  }
}

function collectorOf(): Collector | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === "function") return own as Collector;
  exposeCollector();
  try {
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function" ? (gc as Collector) : null;
  } catch {
    return null;
  }
}

/** Arrays made at once by warmYoungGeneration (a holey array's elements are written as it is made). */
const WARM_ARRAY = 1020;
const WARM_RING = 16;

/** One full collection (see the file's head), if this runtime offers one. */
export function settleHeap(): void {
  collector ??= collectorOf();
  collector?.();
}

/** V8's young generation now (space_size counts both semi-spaces). */
function youngGeneration(): { space_size: number; space_used_size: number } | undefined {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
}

/** Scavenges when the young generation holds more than `fill` of its capacity; true when it did. */
export function scavengeIfFilling(fill = 0.25): boolean {
  collector ??= collectorOf();
  if (!collector) return false;
  const young = youngGeneration();
  // space_size counts both semi-spaces; allocation fills one of them.
  if (!young || young.space_used_size <= (young.space_size / 2) * fill) return false;
  collector({ type: "minor" });
  return true;
}

/**
 * Allocates as much as the new space holds (both semi-spaces: one scavenge happens half way), in arrays of
 * ~8 KiB kept in a small ring so that none is optimised away, then scavenges: the pages are the kernel's
 * from now on, and empty. Nothing outlives it.
 */
export function warmYoungGeneration(): void {
  collector ??= collectorOf();
  const collect = collector;
  const young = youngGeneration();
  if (!collect || !young || young.space_size <= 0) return;
  const ring: unknown[] = new Array(WARM_RING);
  const step = WARM_ARRAY * 8;
  for (let bytes = 0, k = 0; bytes < young.space_size; bytes += step, k++) ring[k % WARM_RING] = new Array(WARM_ARRAY);
  ring.fill(undefined);
  collect({ type: "minor" });
}
