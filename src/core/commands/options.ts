// A command's options, declared once (drgn's `@command(arguments=…)`, crash's getopt strings): which letters
// are flags, which take a value, which numbers (`-64`) and long words (`--force`) it knows. One parser reads
// every command's words the way crash's getopt does: grouped letters (`-rl`), a value after its letter or
// attached to it (`-c 1`, `-c1`, `-sc 1`), `--` ends the options, a lone `-` is an operand.
import { CommandError } from "./command-error";

export interface OptionSpec {
  /** Letters that are switches: "apflsxteM". */
  readonly flags?: string;
  /** Letters that take a value: "c" for `-c 1`. A letter given twice keeps both values, in order. */
  readonly values?: string;
  /**
   * Switches that may carry a value attached to them only (getopt's `S::`): `-S` alone, or `-S=1,3` whose
   * value is "=1,3" as crash's getopt hands it over.
   */
  readonly optionalValues?: string;
  /** Numeric options: ["8", "16", "32", "64"] for rd's `-64`. */
  readonly numbers?: readonly string[];
  /** Whole-word options: ["--force"]. */
  readonly words?: readonly string[];
  /** Words that start with "-" but are no option of this command are operands (negative counts, `p -1`). */
  readonly dashOperands?: boolean;
  /** No options at all: every word is an operand (expressions, foreach's own grammar). */
  readonly raw?: boolean;
  /** The one-line error for an option the command does not know ("-z" or the whole word). */
  readonly invalid?: (option: string) => string;
}

type Letters<S extends string> = S extends `${infer C}${infer Rest}` ? C | Letters<Rest> : never;

/** The switches a spec declares: its flag letters, numbers and words. */
export type FlagOf<S extends OptionSpec> =
  | (S extends { flags: infer F extends string } ? Letters<F> : never)
  | (S extends { optionalValues: infer F extends string } ? Letters<F> : never)
  | (S extends { numbers: readonly (infer N extends string)[] } ? N : never)
  | (S extends { words: readonly (infer W extends string)[] } ? W : never);

/** The letters of a spec that take a value. */
export type ValueOf<S extends OptionSpec> =
  | (S extends { values: infer V extends string } ? Letters<V> : never)
  | (S extends { optionalValues: infer V extends string } ? Letters<V> : never);

/** The words of a command line, read against its spec. */
export interface ParsedArgs<S extends OptionSpec> {
  has(flag: FlagOf<S>): boolean;
  /** How many times a switch was given (`-FF`: 2). */
  count(flag: FlagOf<S>): number;
  /** Every switch as given, in order, repeats included (for options whose meaning depends on order). */
  readonly sequence: readonly FlagOf<S>[];
  /** The last value given to a letter. */
  value(letter: ValueOf<S>): string | undefined;
  /** Every value given to a letter, in order. */
  values(letter: ValueOf<S>): string[];
  /** The switches given, in the order first seen. */
  readonly flags: readonly FlagOf<S>[];
  readonly operands: readonly string[];
}

/** Reads `args` against `spec`; an unknown option or a missing value is the command's one-line error. */
export function parseArgs<const S extends OptionSpec>(command: string, spec: S, args: readonly string[]): ParsedArgs<S> {
  const flags: string[] = [];
  const values = new Map<string, string[]>();
  const operands: string[] = [];
  const invalid = (option: string): CommandError => new CommandError(command, spec.invalid ? spec.invalid(option) : `invalid option: ${option}`);
  const counts = new Map<string, number>();
  const sequence: string[] = [];
  const flag = (f: string): void => {
    counts.set(f, (counts.get(f) ?? 0) + 1);
    sequence.push(f);
    if (!flags.includes(f)) flags.push(f);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (spec.raw || !a.startsWith("-") || a === "-") {
      operands.push(a);
      continue;
    }
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (spec.words?.includes(a)) {
      flag(a);
      continue;
    }
    if (/^-\d+$/.test(a)) {
      if (spec.numbers?.includes(a.slice(1))) flag(a.slice(1));
      else if (spec.dashOperands) operands.push(a);
      else throw invalid(a);
      continue;
    }
    if (spec.dashOperands && ![...a.slice(1)].every((c) => spec.flags?.includes(c) || spec.values?.includes(c))) {
      // A group with a letter that is no option of the command (and no value letter before it) is an operand.
      const firstValue = [...a.slice(1)].findIndex((c) => spec.values?.includes(c));
      const unknown = [...a.slice(1)].findIndex((c) => !spec.flags?.includes(c) && !spec.values?.includes(c));
      if (firstValue < 0 || unknown < firstValue) {
        operands.push(a);
        continue;
      }
    }
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      if (spec.values?.includes(c)) {
        const attached = a.slice(k + 1);
        const v = attached !== "" ? attached : args[++i];
        if (v === undefined) throw new CommandError(command, `option -${c} needs a value`);
        const list = values.get(c) ?? [];
        list.push(v);
        values.set(c, list);
        break;
      }
      if (spec.optionalValues?.includes(c)) {
        flag(c);
        const attached = a.slice(k + 1);
        if (attached !== "") values.set(c, [...(values.get(c) ?? []), attached]);
        break;
      }
      if (!spec.flags?.includes(c)) throw invalid(`-${c}`);
      flag(c);
    }
  }
  return {
    has: (f) => flags.includes(f),
    count: (f) => counts.get(f) ?? 0,
    sequence: sequence as FlagOf<S>[],
    value: (l) => values.get(l)?.at(-1),
    values: (l) => [...(values.get(l) ?? [])],
    flags: flags as FlagOf<S>[],
    operands,
  };
}

/** The operands as one text (an expression, a type name), or the command's "… required" error. */
export function operandText(command: string, operands: readonly string[], what: string): string {
  const text = operands.join(" ");
  if (!text) throw new CommandError(command, `${what} required`);
  return text;
}
