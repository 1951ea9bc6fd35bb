// The extra crash 8.0.6 references of the commands added for issue 21 (test/golden/cmds-reference/, made by
// make-crash-references.sh from its commands.txt; README there).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function cmdsRef(name: string): string {
  return readFileSync(join(__dirname, "cmds-reference", `${name}.txt`), "latin1");
}

/** The command line that made a reference (its line in commands.txt). */
export function cmdsRefCommand(name: string): string {
  const line = readFileSync(join(__dirname, "cmds-reference", "commands.txt"), "latin1")
    .split("\n")
    .find((l) => l.startsWith(`${name}|`));
  if (!line) throw new Error(`no reference named ${name} in cmds-reference/commands.txt`);
  return line.slice(name.length + 1);
}
