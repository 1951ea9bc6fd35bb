// crash's `help` (help.c cmd_help, display_help_screen): with no argument the commands in crash's layout,
// q and exit among them; with names, each command's (or topic's) help.
import { CommandError, defineCommand } from "../command";
import { formatHelp } from "./help-format";
import { HELP_TOPICS } from "./help-topics";

/** `help`: the command names, or the help of each command or topic named. */
export type HelpResult = { kind: "list"; names: string[] } | { kind: "command"; name: string; help: string; more?: { name: string; help: string }[] };

/** crash's sort_command_name: alphabetical, with q last. */
function commandOrder(a: string, b: string): number {
  if (a === "q") return b === "q" ? 0 : 1;
  if (b === "q") return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const helpCommand = defineCommand({
  name: "help",
  summary: "get help",
  help: `SYNOPSIS
  help [command | input | output] ...

DESCRIPTION
  With no argument, lists the commands this console knows. With command names, shows each command's help;
  "help input" tells how commands are given (prompt, -c, -i, history, completion, Ctrl-C), "help output"
  how output is piped and redirected.`,
  options: { raw: true },
  parse: (args): string[] => [...args.operands],
  execute(ctx, names): HelpResult {
    if (names.length === 0) {
      const listed = [...ctx.commands.list.map((c) => c.name), ...HELP_TOPICS.filter((t) => t.listed).map((t) => t.name)];
      return { kind: "list", names: [...new Set(listed)].sort(commandOrder) };
    }
    const [first, ...rest] = names.map((name) => {
      const cmd = ctx.commands.find(name);
      if (cmd) return { name: cmd.name, help: cmd.help };
      const topic = HELP_TOPICS.find((t) => t.name === name);
      if (topic) return { name: topic.name, help: topic.help };
      throw new CommandError("help", `command not found: ${name}`);
    });
    return { kind: "command", ...first!, ...(rest.length ? { more: rest } : {}) };
  },
  format: formatHelp,
});
