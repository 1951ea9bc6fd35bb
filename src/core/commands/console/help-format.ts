// help's text: the command names in crash's help screen layout (display_help_screen: five columns of 15,
// filled down each column), or each command's help with a blank line before it, as crash prints them.
import type { HelpResult } from "./help";

/** crash's HELP_COLUMNS. */
const COLUMNS = 5;
const WIDTH = 15;

export function formatHelp(r: HelpResult): string {
  if (r.kind === "command") return [r, ...(r.more ?? [])].map((c) => "\n" + (c.help.endsWith("\n") ? c.help : c.help + "\n")).join("");
  const rows = Math.ceil(r.names.length / COLUMNS);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line = "";
    for (let j = i; j < r.names.length; j += rows) line += r.names[j]!.padEnd(WIDTH);
    lines.push(line);
  }
  return (
    "\n" +
    lines.map((l) => l + "\n").join("") +
    '\nFor help on any command above, enter "help <command>".\n' +
    'For help on input options, enter "help input".\n' +
    'For help on output options, enter "help output".\n\n'
  );
}
