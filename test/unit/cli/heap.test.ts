// settleHeap runs one full (mark-compact) collection, in a process started without --expose-gc; warm, it
// then fills the young generation with garbage and scavenges it.
import { PerformanceObserver, constants } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { scavengeIfFilling, settleHeap, warmYoungGeneration } from "../../../src/cli/heap";

describe("settleHeap", () => {
  it("runs a major collection each time it is called", async () => {
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
    });
    observer.observe({ entryTypes: ["gc"] });
    try {
      settleHeap();
      settleHeap();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      observer.disconnect();
    }
    expect(kinds.filter((k) => k === constants.NODE_PERFORMANCE_GC_MAJOR).length).toBeGreaterThanOrEqual(2);
  });

  it("warmYoungGeneration: after the major collection, scavenges the young generation it filled, and leaves it empty", async () => {
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
    });
    observer.observe({ entryTypes: ["gc"] });
    let young: { used: number; size: number };
    try {
      settleHeap();
      warmYoungGeneration();
      const s = getHeapSpaceStatistics().find((x) => x.space_name === "new_space")!;
      young = { used: s.space_used_size, size: s.space_size };
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      observer.disconnect();
    }
    const major = kinds.indexOf(constants.NODE_PERFORMANCE_GC_MAJOR);
    expect(major).toBeGreaterThanOrEqual(0);
    // The arrays made fill both semi-spaces: one scavenge half way, one at the end.
    expect(kinds.slice(major + 1).filter((k) => k === constants.NODE_PERFORMANCE_GC_MINOR).length).toBeGreaterThanOrEqual(2);
    expect(young.size).toBeGreaterThan(0);
    expect(young.used).toBeLessThan(young.size / 8);
  });

  it("scavengeIfFilling: scavenges a young generation more than a quarter full, and not an empty one", async () => {
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
    });
    observer.observe({ entryTypes: ["gc"] });
    let results: boolean[];
    try {
      settleHeap();
      warmYoungGeneration();
      const empty = scavengeIfFilling();
      // Garbage to half of one semi-space: short-lived arrays, a few kept at a time.
      const young = getHeapSpaceStatistics().find((x) => x.space_name === "new_space")!;
      const ring: unknown[] = [];
      for (let bytes = 0; bytes < young.space_size / 4; bytes += 8160) ring[bytes % 7] = new Array(1020);
      const filling = scavengeIfFilling();
      const again = scavengeIfFilling();
      results = [empty, filling, again];
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      observer.disconnect();
    }
    expect(results).toEqual([false, true, false]);
    expect(kinds.filter((k) => k === constants.NODE_PERFORMANCE_GC_MINOR).length).toBeGreaterThanOrEqual(3);
  });
});
