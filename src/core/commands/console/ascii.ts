// crash's `ascii` (tools.c cmd_ascii): each hexadecimal value as the eight bytes of an unsigned long, low
// byte first, printable ones as characters and the others by name (<NUL>, <LF>, <DEL>) or in hex (<ff>);
// without a value, the ASCII chart.
import { CommandError, defineCommand } from "../command";
import { htol } from "../shared/crash-numbers";
import { ASCII_HELP } from "./ascii-help";
import { formatAscii } from "./ascii-format";

export type AsciiResult =
  | { kind: "chart" }
  /** The values translated, up to the first that is not a number (crash stops there). */
  | { kind: "values"; values: bigint[]; error?: string };

export const asciiCommand = defineCommand({
  name: "ascii",
  summary: "translate a hexadecimal string to ASCII",
  help: ASCII_HELP,
  options: { raw: true },
  parse: (args) => [...args.operands],
  execute(_ctx, words): AsciiResult {
    if (words.length === 0) return { kind: "chart" };
    const values: bigint[] = [];
    for (const w of words) {
      try {
        values.push(htol("ascii", w));
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        return { kind: "values", values, error: err.message };
      }
    }
    return { kind: "values", values };
  },
  format: formatAscii,
  errors: (r) => (r.kind === "values" && r.error !== undefined ? [r.error] : []),
});
