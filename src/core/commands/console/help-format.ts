// help's text: the command names five to a line, or one command's help.
import type { HelpResult } from "./help";

export function formatHelp(r: HelpResult): string {
  if (r.kind === "command") return r.help.endsWith("\n") ? r.help : r.help + "\n";
  const width = Math.max(...r.names.map((n) => n.length)) + 2;
  const lines: string[] = [];
  for (let i = 0; i < r.names.length; i += 5) lines.push(r.names.slice(i, i + 5).map((n) => n.padEnd(width)).join("").trimEnd());
  return "\n" + lines.join("\n") + '\n\nEnter "help <command>" for details.\n';
}
