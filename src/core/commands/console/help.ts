import { CommandError, defineCommand } from "../command";
import { formatHelp } from "./help-format";

/** `help`: the command names, or one command's help text. */
export type HelpResult = { kind: "list"; names: string[] } | { kind: "command"; name: string; help: string };

export const helpCommand = defineCommand({
  name: "help",
  summary: "get help",
  help: `SYNOPSIS
  help [command]

DESCRIPTION
  With no argument, lists the commands this console knows. With a command name, shows that command's help.
  Output can be piped: | grep, | head, | tail, | wc, | sort, | uniq; and redirected: > FILE, >> FILE.`,
  options: { raw: true },
  parse: (args): string | undefined => args.operands[0],
  execute(ctx, name): HelpResult {
    if (name === undefined) return { kind: "list", names: ctx.commands.list.map((c) => c.name).sort() };
    const cmd = ctx.commands.find(name);
    if (!cmd) throw new CommandError("help", `command not found: ${name}`);
    return { kind: "command", name: cmd.name, help: cmd.help };
  },
  format: formatHelp,
});
