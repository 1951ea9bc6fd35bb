// The task tree's rows, fetched page by page from the contract's `tasks` query: a small first page so the
// tree shows at once, then larger pages, each handed on as it arrives. Bounded against a damaged or hostile
// server: at most `max` rows, a page that adds nothing ends it, and a failure after the first page keeps
// the rows already shown (the caller is told where loading stopped).
import type { Problem, TasksPage, TasksParams } from "../../core/session/contract";
import { asProblem } from "./transport/transport";

export interface TaskPagesOptions {
  firstPage: number;
  page: number;
  /** Most rows fetched. */
  max: number;
}

export interface TaskPagesProgress<Row> {
  /** Every row so far, in the server's order (a new array each time). */
  rows: Row[];
  /** The first page's problems (every page reports the same walk), and where loading stopped, if it did. */
  problems: Problem[];
  /** Rows still to come: undefined once loading has ended. */
  more?: { loaded: number; total: number };
}

/**
 * Fetches the pages in order, calling `onPage` after each. Throws only when the first page fails (nothing to
 * show); a later failure ends loading with a problem saying how far it got.
 */
export async function loadTaskPages<Row>(
  fetchPage: (params: TasksParams) => Promise<Pick<TasksPage, "total" | "problems"> & { items: Row[] }>,
  onPage: (p: TaskPagesProgress<Row>) => void,
  o: TaskPagesOptions,
): Promise<void> {
  const rows: Row[] = [];
  let problems: Problem[] = [];
  let total = 0;
  for (let offset = 0; offset < o.max; ) {
    let page: Awaited<ReturnType<typeof fetchPage>>;
    try {
      page = await fetchPage({ offset, limit: Math.min(offset === 0 ? o.firstPage : o.page, o.max - offset) });
    } catch (err) {
      if (offset === 0) throw err;
      const p = asProblem(err);
      onPage({ rows: rows.slice(), problems: [...problems, { ...p, message: `the task rows stopped loading after ${rows.length} of ${total}: ${p.message}` }] });
      return;
    }
    const items = page.items.slice(0, o.max - offset);
    rows.push(...items);
    if (offset === 0) problems = [...page.problems];
    offset += items.length;
    total = Math.min(Math.max(0, page.total), o.max);
    const done = items.length === 0 || offset >= total;
    onPage({ rows: rows.slice(), problems, ...(done ? {} : { more: { loaded: rows.length, total } }) });
    if (done) return;
  }
}
