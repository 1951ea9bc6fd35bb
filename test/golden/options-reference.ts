// The crash 8.0.6 references of test/golden/options-reference/ (made by make-crash-references.sh from its
// commands.txt, one NAME|COMMAND a line): the cases of one command, each reference's text, and what the
// console shows for a line as crash would have printed it. crash writes its error lines among its output
// (they are in the references); kdw returns them apart and prints them after the text, so the comparison
// joins them the same way.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LineResult } from "../../src/core/session/session";

const DIR = join(__dirname, "options-reference");

export interface OptionCase {
  name: string;
  command: string;
}

/** The lines of commands.txt whose name starts with `prefix` ("ps-"), in file order. */
export function optionCases(prefix: string): OptionCase[] {
  return readFileSync(join(DIR, "commands.txt"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith(prefix))
    .map((l) => {
      const bar = l.indexOf("|");
      return { name: l.slice(0, bar), command: l.slice(bar + 1) };
    });
}

/** The case named exactly NAME. */
export function optionCase(name: string): OptionCase {
  const c = optionCases(name).find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name} in options-reference/commands.txt`);
  return c;
}

/** What crash 8.0.6 printed for the case NAME. */
export function optionReference(name: string): string {
  return readFileSync(join(DIR, `${name}.txt`), "latin1");
}

/** A console line's output as crash prints it: the text, then the error lines. */
export function asCrashPrints(r: Pick<LineResult, "text" | "errors">): string {
  return r.errors.length ? `${r.text}${r.text && !r.text.endsWith("\n") ? "\n" : ""}${r.errors.join("\n")}\n` : r.text;
}
