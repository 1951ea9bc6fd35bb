// crash's `btop` and `ptob` (memory.c cmd_btop, cmd_ptob): an address to its page frame number, and a page
// frame number to its address (4 KiB pages). btop reads hexadecimal; ptob decimal unless the number has hex
// digits, as crash's stoll reads it. Both stop at the first word that is not a number, as crash does.
import { CommandError, defineCommand } from "../command";
import { htol, stol } from "../shared/crash-numbers";
import { BTOP_HELP, PTOB_HELP } from "./btop-help";
import { formatPageNumbers } from "./btop-format";

const PAGE_SHIFT = 12n;
const U64 = (1n << 64n) - 1n;

export interface PageNumbersResult {
  /** Each value and what it translates to. */
  rows: { value: bigint; result: bigint }[];
  /** The word that stopped the translation. */
  error?: string;
}

function translate(words: readonly string[], read: (w: string) => bigint, f: (v: bigint) => bigint): PageNumbersResult {
  const rows: PageNumbersResult["rows"] = [];
  for (const w of words) {
    let value: bigint;
    try {
      value = read(w);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      return { rows, error: err.message };
    }
    rows.push({ value, result: f(value) });
  }
  return { rows };
}

function usageIfEmpty(name: string, words: readonly string[]): readonly string[] {
  if (words.length === 0) throw new CommandError(name, `usage: ${name} ${name === "btop" ? "address" : "page_number"} ...`);
  return words;
}

export const btopCommand = defineCommand({
  name: "btop",
  summary: "bytes to page",
  help: BTOP_HELP,
  options: { raw: true },
  parse: (args) => usageIfEmpty("btop", args.operands),
  execute: (_ctx, words) => translate(words, (w) => htol("btop", w), (v) => v >> PAGE_SHIFT),
  format: formatPageNumbers,
  errors: (r) => (r.error !== undefined ? [r.error] : []),
});

export const ptobCommand = defineCommand({
  name: "ptob",
  summary: "page to bytes",
  help: PTOB_HELP,
  options: { raw: true },
  parse: (args) => usageIfEmpty("ptob", args.operands),
  execute: (_ctx, words) => translate(words, (w) => stol("ptob", w), (v) => (v << PAGE_SHIFT) & U64),
  format: formatPageNumbers,
  errors: (r) => (r.error !== undefined ? [r.error] : []),
});
