// crash's `alias` (cmdline.c cmd_alias, list_aliases, allocate_alias): with no word, the session's aliases;
// with one, that alias; with more, a new alias for a command line (replacing an alias of that name), shown
// once made; an empty command string deletes the alias. The table is the session's (shared/aliases.ts).
import { CommandError, defineCommand } from "../command";
import { aliasTable, MAX_ALIASES } from "../shared/command-words";
import { ALIAS_HELP } from "./alias-help";
import { formatAlias } from "./alias-format";

export interface AliasRow {
  alias: string;
  origin: "builtin" | "runtime";
  command: string[];
}

export type AliasResult =
  /** The aliases listed (all, one, or the one just made); `missing` when the one asked for is not there. */
  | { kind: "list"; rows: AliasRow[]; missing?: string }
  /** An alias deleted with an empty command string (`deleted` undefined when there was none). */
  | { kind: "deleted"; deleted?: string };

export const aliasCommand = defineCommand({
  name: "alias",
  summary: "command aliases",
  help: ALIAS_HELP,
  options: { raw: true },
  parse: (args) => [...args.operands],
  execute(ctx, words): AliasResult {
    const table = aliasTable(ctx.state);
    const rows = (list = table): AliasRow[] => list.map((a) => ({ alias: a.alias, origin: a.origin, command: [...a.words] }));
    if (words.length === 0) return { kind: "list", rows: rows() };
    const name = words[0]!;
    if (words.length === 1) {
      const found = table.filter((a) => a.alias === name);
      return found.length ? { kind: "list", rows: rows(found) } : { kind: "list", rows: [], missing: name };
    }
    if (ctx.commands.find(name)) throw new CommandError("alias", `cannot alias existing command name: ${name}`);
    const first = words[1]!.split(" ")[0]!;
    const at = table.findIndex((a) => a.alias === name);
    if (!ctx.commands.find(first) && first !== "clear") {
      if (first !== "") throw new CommandError("alias", `invalid alias attempt on non-existent command: ${first}`);
      if (at < 0) return { kind: "deleted" };
      table.splice(at, 1);
      return { kind: "deleted", deleted: name };
    }
    if (at >= 0) table.splice(at, 1);
    else if (table.length >= MAX_ALIASES) throw new CommandError("alias", `too many aliases (at most ${MAX_ALIASES})`);
    const entry = { alias: name, origin: "runtime" as const, words: words.slice(1).join(" ").split(/\s+/).filter(Boolean) };
    table.push(entry);
    return { kind: "list", rows: rows([entry]) };
  },
  format: formatAlias,
});
