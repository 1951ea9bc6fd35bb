// The task tree's pages (renderer/lib/task-pages.ts): the first page handed on alone, then each later one;
// the first page's problems once; a failure after the first page keeps the rows; a server that lies about its
// total, returns empty or oversized pages, or never ends is bounded.
import { describe, expect, it } from "vitest";
import type { Problem, TasksParams } from "../../../src/core/session/contract";
import { loadTaskPages, type TaskPagesProgress } from "../../../src/renderer/lib/task-pages";

const walkProblem: Problem = { code: "walk-aborted", message: "task list: loop" };

/** A server of `total` rows (their indexes), each page reporting the same problem. */
function server(total: number, o: { fail?: (p: TasksParams) => boolean; claim?: number; pageItems?: (p: TasksParams) => number[] } = {}) {
  const asked: TasksParams[] = [];
  const fetch = async (p: TasksParams) => {
    asked.push(p);
    if (o.fail?.(p)) throw { code: "internal", message: "the session went away" } satisfies Problem;
    const from = p.offset ?? 0;
    const items = o.pageItems?.(p) ?? Array.from({ length: Math.max(0, Math.min(p.limit ?? 0, total - from)) }, (_, i) => from + i);
    return { items, total: o.claim ?? total, problems: [walkProblem] };
  };
  return { fetch, asked };
}

async function run(s: ReturnType<typeof server>, max = 1 << 20): Promise<TaskPagesProgress<number>[]> {
  const seen: TaskPagesProgress<number>[] = [];
  await loadTaskPages(s.fetch, (p) => seen.push(p), { firstPage: 10, page: 100, max });
  return seen;
}

describe("loadTaskPages", () => {
  it("hands on the small first page at once, then each larger page, in order", async () => {
    const s = server(255);
    const seen = await run(s);
    expect(s.asked).toEqual([{ offset: 0, limit: 10 }, { offset: 10, limit: 100 }, { offset: 110, limit: 100 }, { offset: 210, limit: 100 }]);
    expect(seen.map((p) => [p.rows.length, p.more])).toEqual([[10, { loaded: 10, total: 255 }], [110, { loaded: 110, total: 255 }], [210, { loaded: 210, total: 255 }], [255, undefined]]);
    expect(seen.at(-1)!.rows).toEqual(Array.from({ length: 255 }, (_, i) => i));
    expect(seen.at(-1)!.problems).toEqual([walkProblem]); // once, not once per page
    expect(seen[0]!.rows).not.toBe(seen[1]!.rows); // a new array each time
  });

  it("a first page that holds everything is the last", async () => {
    const seen = await run(server(7));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ rows: [0, 1, 2, 3, 4, 5, 6], problems: [walkProblem] });
  });

  it("throws when the first page fails; after it, keeps the rows and says where loading stopped", async () => {
    await expect(run(server(50, { fail: (p) => p.offset === 0 }))).rejects.toMatchObject({ message: "the session went away" });
    const seen = await run(server(500, { fail: (p) => p.offset === 110 }));
    const last = seen.at(-1)!;
    expect(last.rows).toHaveLength(110);
    expect(last.more).toBeUndefined();
    expect(last.problems.map((p) => p.message)).toEqual(["task list: loop", "the task rows stopped loading after 110 of 500: the session went away"]);
  });

  it("is bounded against a server that claims more than it gives, sends oversized pages, or never ends", async () => {
    // Claims 10^9 rows but has 30: the first empty page ends it.
    const liar = server(30, { claim: 1e9 });
    expect((await run(liar)).at(-1)!.rows).toHaveLength(30);
    expect(liar.asked).toHaveLength(3);
    // Pages larger than asked, forever: no more than `max` rows are kept, and loading ends there.
    const flood = server(0, { claim: 1e9, pageItems: () => Array.from({ length: 5000 }, (_, i) => i) });
    const seen = await run(flood, 1000);
    expect(seen.at(-1)!.rows).toHaveLength(1000);
    expect(seen.at(-1)!.more).toBeUndefined();
    expect(flood.asked.length).toBeLessThanOrEqual(2);
    // A negative total is nothing to fetch after the first page.
    expect((await run(server(5, { claim: -3 }))).map((p) => p.rows.length)).toEqual([5]);
  });
});
