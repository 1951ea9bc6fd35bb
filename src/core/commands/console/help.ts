import { CommandError, type Command } from "../command";

export const helpCommand: Command = {
  name: "help",
  summary: "list the commands, or show one command's help",
  help: `NAME
  help - get help

SYNOPSIS
  help [command]

DESCRIPTION
  With no argument, lists the commands this console knows. With a command name, shows that command's help.
  Output can be piped: | grep, | head, | tail, | wc, | sort, | uniq; and redirected: > FILE, >> FILE.`,
  run(ctx, args) {
    if (args.length === 0) {
      const names = ctx.commands.list.map((c) => c.name).sort();
      const width = Math.max(...names.map((n) => n.length)) + 2;
      const lines: string[] = [];
      for (let i = 0; i < names.length; i += 5) lines.push(names.slice(i, i + 5).map((n) => n.padEnd(width)).join("").trimEnd());
      const text = "\n" + lines.join("\n") + '\n\nEnter "help <command>" for details.\n';
      return { data: names, text };
    }
    const cmd = ctx.commands.find(args[0]!);
    if (!cmd) throw new CommandError("help", `command not found: ${args[0]}`);
    return { data: cmd.name, text: cmd.help.endsWith("\n") ? cmd.help : cmd.help + "\n" };
  },
};
