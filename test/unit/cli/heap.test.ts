// settleHeap runs one full (mark-compact) collection, in a process started without --expose-gc.
import { PerformanceObserver, constants } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { settleHeap } from "../../../src/cli/heap";

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
});
