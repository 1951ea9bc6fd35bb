// The first word of a console line as crash reads it (cmdline.c): the pointer-to short-cut `*type` touching its
// type name is `* type` (check_special_handling), and an alias is replaced by its command line.
// crash's command aliases (alias_init, resolve_aliases, allocate_alias): a word that stands for a
// command line, per session. crash starts with its builtin ones (task.c adds `last`); `alias` adds and
// removes others. A line whose first word is an alias has that word replaced by the alias's words, before
// the line is split at pipes and redirections (so an alias may hold `| grep ...`).
import type { AliasEntry, ConsoleState } from "../command";

/** alias_init() and task.c's "alias last ps -l", in crash's order. */
export const BUILTIN_ALIASES: readonly (readonly [string, string])[] = [
  ["man", "help"],
  ["?", "help"],
  ["quit", "q"],
  ["sf", "set scroll off"],
  ["sn", "set scroll on"],
  ["hex", "set radix 16"],
  ["dec", "set radix 10"],
  ["g", "gdb"],
  ["px", "p -x"],
  ["pd", "p -d"],
  ["for", "foreach"],
  ["size", "*"],
  ["dmesg", "log"],
  ["lsmod", "mod"],
  ["last", "ps -l"],
];

/** Aliases per session, at most (crash has no limit; a session that makes thousands is a script gone wrong). */
export const MAX_ALIASES = 1024;

/** The session's aliases, made from the builtin ones on first use. */
export function aliasTable(state: ConsoleState): AliasEntry[] {
  state.aliases ??= BUILTIN_ALIASES.map(([alias, line]) => ({ alias, origin: "builtin", words: line.split(" ") }));
  return state.aliases;
}

/** The line with its first word replaced by the alias it names, if it names one (resolve_aliases). */
export function expandAlias(state: ConsoleState, line: string): string {
  const m = /^(\S+)(\s.*)?$/s.exec(line.trim());
  if (!m) return line;
  const found = aliasTable(state).find((a) => a.alias === m[1]);
  return found ? found.words.join(" ") + (m[2] ?? "") : line;
}

/** The words with the first replaced by the words of the alias it names, if any. */
export function expandAliasWords(state: ConsoleState, words: readonly string[]): string[] {
  const found = words.length ? aliasTable(state).find((a) => a.alias === words[0]) : undefined;
  return found ? [...found.words, ...words.slice(1)] : [...words];
}

/** `*task_struct ADDR` is `* task_struct ADDR` (crash's check_special_handling). */
export function splitPointerWord(words: readonly string[]): string[] {
  const [first, ...rest] = words;
  return first !== undefined && first.length > 1 && first.startsWith("*") ? ["*", first.slice(1), ...rest] : [...words];
}
