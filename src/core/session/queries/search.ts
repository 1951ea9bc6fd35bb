// search: crash's `search` as a query — values (or strings) in kernel virtual, physical or user memory, or in
// the tasks' kernel stacks — with each match's owner: the kernel or module symbol it lies in (a hidden
// module's own symbols included) and, for values, the symbol the value points into. The walk is the console
// command's (commands/memory/search.ts), bounded by the request's limit and cancellable.
import type { CommandContext } from "../../commands/command";
import { CommandError } from "../../commands/command-error";
import { runSearch } from "../../commands/memory/search";
import type { SearchWords } from "../../commands/memory/search-args";
import type { SearchHit, SearchParams, SearchReply, SymbolInfo } from "../contract";
import { hex, problem, ProblemError } from "../problems";
import { findTask } from "./tasks";
import { symbolAt } from "./symbols";

/** Matches returned when the request names no limit. */
export const DEFAULT_SEARCH_LIMIT = 1000;

function owner(ctx: CommandContext, address: bigint): { symbol: SymbolInfo; offset: number } | undefined {
  const at = symbolAt(ctx, address);
  return at.symbol !== undefined ? { symbol: at.symbol, offset: at.offset ?? 0 } : undefined;
}

function wordsOf(p: SearchParams): SearchWords {
  const space = p.space ?? "kernel";
  const values = p.values ?? [];
  const strings = p.strings ?? [];
  const bad = (message: string) => new ProblemError(problem("bad-request", `search: ${message}`));
  if ((values.length > 0) === (strings.length > 0)) throw bad("give values or strings to look for (one of the two)");
  if (p.kernelRanges !== undefined && p.kernelRanges !== "all" && space !== "kernel") throw bad("kernelRanges applies to the kernel space only");
  if (p.pid !== undefined && space !== "user") throw bad("pid applies to the user space only");
  if (strings.length && (p.width !== undefined || p.mask !== undefined)) throw bad("width and mask apply to values, not strings");
  return {
    memtype: space === "physical" ? "physical" : space === "user" ? "user" : space === "kernel" ? "kernel" : undefined,
    skip: p.kernelRanges === "unity" ? "vmalloc" : p.kernelRanges === "vmalloc" ? "unity" : "none",
    ...(space === "stacks" ? { stacks: "all" as const } : space === "active-stacks" ? { stacks: "active" as const } : {}),
    mode: strings.length ? "chars" : p.width === 4 ? "uint" : p.width === 2 ? "ushort" : "ulong",
    start: p.start,
    end: p.end,
    length: p.length !== undefined ? String(p.length) : undefined,
    mask: p.mask,
    values: strings.length ? strings : values,
    notes: [],
  };
}

export function searchReply(ctx: CommandContext, p: SearchParams): SearchReply {
  const words = wordsOf(p);
  const limit = p.limit ?? DEFAULT_SEARCH_LIMIT;
  let result;
  try {
    result = runSearch(ctx, words, { limits: { maxMatches: limit }, ...(p.pid !== undefined ? { task: findTask(ctx.prog, { pid: p.pid }) } : {}) });
  } catch (err) {
    if (err instanceof CommandError) throw new ProblemError(problem("bad-request", err.message));
    throw err;
  }
  const physical = result.memtype === "physical";
  const reply: SearchReply = { space: p.space ?? "kernel", items: [], problems: result.problems.map((m) => problem("walk-aborted", m)), matches: result.matches, truncated: result.stopped !== undefined, notes: [] };
  let task: SearchHit["task"];
  for (const item of result.items) {
    if (item.kind === "note") reply.notes.push(item.text);
    else if (item.kind === "task") task = { pid: item.task.pid, task: hex(item.task.task), comm: item.task.comm };
    else {
      const hit: SearchHit = { address: hex(item.address), index: item.index };
      if (item.kind === "value") hit.value = hex(item.value);
      else hit.text = item.text;
      if (task) hit.task = task;
      const at = physical ? undefined : owner(ctx, item.address);
      if (at) {
        hit.symbol = at.symbol;
        hit.offset = at.offset;
      }
      const to = item.kind === "value" && result.mode === "ulong" ? owner(ctx, item.value) : undefined;
      if (to) {
        hit.valueSymbol = to.symbol;
        hit.valueOffset = to.offset;
      }
      reply.items.push(hit);
    }
  }
  // A limit that is not the request's own (the page budget) is said among the problems.
  if (result.stopped !== undefined && !result.stopped.includes(`${limit} matches`)) reply.problems.push(problem("walk-aborted", result.stopped));
  return reply;
}
