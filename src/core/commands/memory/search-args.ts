// What `search`'s words ask for, read as crash's cmd_search reads them (memory.c): which memory (-k -K -V -u -p
// -t -T), which range (-s, -e, -l, with crash's defaults), what to look for (values as numbers, symbols or
// expressions; -w, -h, -c; -m) and the context (-x), with crash's checks in crash's order and its one-line
// messages. Only the syntax is read in parseSearchWords; the values and the range, which need the kernel's
// symbols and memory layout, in resolveSearch.
import { CommandError } from "../command-error";
import { canEval, crashEval, dtoi, htol, stol } from "../shared/crash-numbers";
import type { ParsedArgs } from "../options";
import { MAX_TARGET_LENGTH } from "../../kernel/search/chars-scan";
import { MAX_SEARCH_VALUES } from "../../kernel/search/value-scan";

export const SEARCH_SYNOPSIS = "search [-s start] [ -[kKV] | -u | -p | -t | -T ] [-e end | -l length] [-m mask] [-x count] -[cwh] [value | (expression) | symbol | string] ...";

export const SEARCH_OPTIONS = { flags: "TtukKVphwc", values: "lsemx", invalid: (o: string) => `invalid option -- '${o.replace(/^-/, "")}'` } as const;

export type SearchMemtype = "kernel" | "user" | "physical";
export type SearchMode = "ulong" | "uint" | "ushort" | "chars";

export interface SearchWords {
  memtype?: SearchMemtype;
  /** -K / -V. */
  skip: "none" | "vmalloc" | "unity";
  /** -t (every task's stack) or -T (the active tasks'). */
  stacks?: "all" | "active";
  mode: SearchMode;
  start?: string;
  end?: string;
  length?: string;
  mask?: string;
  context?: string;
  values: string[];
  /** crash's INFO lines printed while reading the options (mode overrides). */
  notes: string[];
}

/** A usage error: crash prints its synopsis. */
export function usage(): CommandError {
  return new CommandError("search", `usage: ${SEARCH_SYNOPSIS}`);
}

const MODE_OF = { h: "ushort", w: "uint", c: "chars" } as const;

/** The words of a search, checked for what needs no kernel. */
export function parseSearchWords(args: ParsedArgs<typeof SEARCH_OPTIONS>): SearchWords {
  const w: SearchWords = { skip: "none", mode: "ulong", values: [...args.operands], notes: [] };
  for (const f of args.flags) {
    if (f === "h" || f === "w" || f === "c") {
      if (w.mode !== "ulong") w.notes.push(`WARNING: overriding previously set search ${f === "c" ? "type" : "mode"} with "${f}"`);
      w.mode = MODE_OF[f];
    } else if (f === "u") w.memtype = "user";
    else if (f === "p") w.memtype = "physical";
    else if (f === "k" || f === "K" || f === "V") {
      w.memtype = "kernel";
      if (f === "K") w.skip = "vmalloc";
      if (f === "V") w.skip = "unity";
    }
  }
  if (args.has("t") && args.has("T")) throw new CommandError("search", "-t and -T options are mutually exclusive");
  if (args.has("t")) w.stacks = "all";
  else if (args.has("T")) w.stacks = "active";
  w.start = args.value("s");
  w.end = args.value("e");
  w.length = args.value("l");
  w.mask = args.value("m");
  w.context = args.value("x");
  return w;
}

/** What the kernel supplies to resolve a search. */
export interface SearchEnvironment {
  symbol(name: string): bigint | undefined;
  /** IS_KVADDR / IS_UVADDR. */
  isKernelAddress(a: bigint): boolean;
  isUserAddress(a: bigint): boolean;
  /** Defaults of each memory: kernel (-k), physical (-p); user (-u) only for a task with a user space. */
  kernelBounds(): { start: bigint; end: bigint };
  physicalBounds(): { start: bigint; end: bigint };
  userStart(): bigint;
  /** uvaddr_end: the end of user space as crash bounds a -u search (PAGE_OFFSET on x86_64). */
  userEnd: bigint;
}

export interface ResolvedSearch {
  memtype: SearchMemtype;
  skip: "none" | "vmalloc" | "unity";
  stacks?: "all" | "active";
  mode: SearchMode;
  start: bigint;
  end: bigint;
  mask: bigint;
  context: number;
  /** Numbers (value modes), with crash's label after each match ("(init_task)" or ""). */
  values: bigint[];
  labels: string[];
  /** Strings (-c). */
  strings: string[];
  notes: string[];
}

const U64 = (1n << 64n) - 1n;

/** -s / -e: a symbol, else a hexadecimal number. */
function address(env: SearchEnvironment, text: string): bigint {
  return env.symbol(text) ?? htol("search", text);
}

function hex(v: bigint): string {
  return v.toString(16);
}

/** The values, range and context of a search, checked in crash's order. */
export function resolveSearch(w: SearchWords, env: SearchEnvironment): ResolvedSearch {
  const notes = [...w.notes];
  let start: bigint | undefined = w.start !== undefined ? address(env, w.start) : undefined;
  let end: bigint | undefined;
  if (w.end !== undefined) {
    end = address(env, w.end);
    if (end === 0n) throw new CommandError("search", "invalid ending address: 0");
  }
  const length = w.length !== undefined ? stol("search", w.length) : undefined;
  const mask = w.mask !== undefined ? htol("search", w.mask) : 0n;
  const context = w.context !== undefined ? dtoi("search", w.context) : 0;
  const memtype = w.memtype ?? "kernel";
  if (w.stacks && (w.memtype !== undefined || start || end || length)) throw new CommandError("search", `-${w.stacks === "all" ? "t" : "T"} option cannot be used with other memory-selection options`);
  if (w.values.length === 0 || (length && end)) throw usage();

  if (start === undefined) {
    if (memtype === "kernel") start = w.stacks === "all" ? 0n : env.kernelBounds().start;
    else if (memtype === "physical") start = env.physicalBounds().start;
    else start = env.userStart();
  }
  if (memtype === "user" && !env.isUserAddress(start)) throw new CommandError("search", `invalid user virtual address: ${hex(start)}`);
  if (memtype === "kernel" && w.stacks !== "all" && !env.isKernelAddress(start)) throw new CommandError("search", `invalid kernel virtual address: ${hex(start)}`);

  if (end === undefined && !length) {
    if (memtype === "user") end = env.userEnd;
    else if (memtype === "kernel") end = env.kernelBounds().end;
    else end = env.physicalBounds().end;
  } else if (length) end = (start + length) & U64;
  end ??= 0n;
  if (memtype === "user" && end > env.userEnd) throw new CommandError("search", `ending address ${hex(end)} is in kernel space`);
  if (memtype !== "kernel" || w.stacks !== "all") {
    if (end < start) throw new CommandError("search", `ending address ${hex(end)} is below starting address ${hex(start)}`);
  }

  if (mask && w.mode === "chars") notes.push("mask ignored on string search");
  if (context) {
    if (w.mode === "chars") throw new CommandError("search", "-x option is not allowed with -c");
    const max = 4096 / (w.mode === "ulong" ? 8 : w.mode === "uint" ? 4 : 2);
    if (context > max) throw new CommandError("search", `context value ${context} is too large: maximum is ${max}`);
  }

  const values: bigint[] = [];
  const labels: string[] = [];
  const strings: string[] = [];
  if (w.values.length > MAX_SEARCH_VALUES) throw new CommandError("search", `too many values: ${w.values.length} (at most ${MAX_SEARCH_VALUES})`);
  for (const arg of w.values) {
    if (w.mode === "chars") {
      if (arg.length > MAX_TARGET_LENGTH) throw new CommandError("search", `string too long: ${arg.length} characters (at most ${MAX_TARGET_LENGTH})`);
      if (arg.length) strings.push(arg);
      continue;
    }
    let value: bigint;
    let label: string | undefined;
    if (canEval(arg)) {
      value = crashEval("search", arg, env.symbol);
      label = arg;
    } else {
      const sym = env.symbol(arg);
      if (sym !== undefined) {
        value = sym;
        label = arg;
      } else value = htol("search", arg);
    }
    const shown = label === undefined || mask ? "" : label.startsWith("(") ? label : `(${label})`;
    if (w.mode === "uint" && value > 0xffffffffn) throw new CommandError("search", `value too large for -w option: ${hex(value)} ${shown}`);
    if (w.mode === "ushort" && value > 0xffffn) throw new CommandError("search", `value too large for -h option: ${hex(value)} ${shown}`);
    values.push(value);
    labels.push(shown);
  }
  if (values.length + strings.length === 0) throw usage();
  return { memtype, skip: w.skip, ...(w.stacks ? { stacks: w.stacks } : {}), mode: w.mode, start, end, mask, context, values, labels, strings, notes };
}
