// crash's `repeat` (cmdline.c cmd_repeat): a command run again and again, with an optional delay. crash runs it
// until Ctrl-C, which on a dump only repeats the same answer: kdw runs it a bounded number of times (10, or
// -n COUNT up to 1000) without waiting, checks for a cancel before each run, and refuses to repeat `repeat`
// or `foreach` (a repetition of repetitions). The command line may start with an alias.
import { KdwError } from "../../io/errors";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { expandAliasWords, splitPointerWord } from "../shared/command-words";
import { REPEAT_HELP } from "./repeat-help";
import { formatRepeat } from "./repeat-format";

export const REPEAT_DEFAULT_COUNT = 10;
export const REPEAT_MAX_COUNT = 1000;
/** The longest delay accepted (crash's -seconds): kdw does not wait, but the value is checked. */
export const REPEAT_MAX_DELAY = 3600;
/** Text kept from all the runs together (beyond it the runs stop). */
const MAX_TEXT = 16 << 20;

export interface RepeatOptions {
  delay: number;
  count: number;
  words: string[];
}

export interface RepeatResult {
  /** The command line repeated (after alias expansion). */
  command: string[];
  delay: number;
  /** Each run's text and error lines. */
  runs: { text: string; errors: string[] }[];
  /** Why the runs stopped before `count` (the text bound). */
  stopped?: string;
}

function usage(): CommandError {
  return new CommandError("repeat", "usage: repeat [-seconds] [-n count] command");
}

function parseRepeat(words: readonly string[]): RepeatOptions {
  let delay = 0;
  let count = REPEAT_DEFAULT_COUNT;
  let i = 0;
  for (; i < words.length && words[i]!.startsWith("-"); i++) {
    const w = words[i]!;
    if (w === "-n") {
      const n = words[++i];
      if (n === undefined || !/^\d+$/.test(n) || Number(n) < 1 || Number(n) > REPEAT_MAX_COUNT) throw new CommandError("repeat", `invalid count: ${n ?? ""} (1 to ${REPEAT_MAX_COUNT})`);
      count = Number(n);
    } else if (/^-\d+$/.test(w)) {
      delay = Number(w.slice(1));
      if (delay > REPEAT_MAX_DELAY) throw new CommandError("repeat", `invalid delay: ${w.slice(1)} seconds (at most ${REPEAT_MAX_DELAY})`);
    } else throw usage();
  }
  if (i === words.length) throw usage();
  return { delay, count, words: words.slice(i) };
}

function runRepeat(ctx: CommandContext, o: RepeatOptions): RepeatResult {
  const words = splitPointerWord(expandAliasWords(ctx.state, o.words));
  const [name, ...args] = words;
  const cmd = name === undefined ? undefined : ctx.commands.find(name);
  if (!cmd) throw new CommandError("repeat", `command not found: ${name ?? ""}`);
  if (cmd.name === "repeat" || cmd.name === "foreach") throw new CommandError("repeat", `${cmd.name} cannot be repeated`);
  const result: RepeatResult = { command: words, delay: o.delay, runs: [] };
  let size = 0;
  for (let i = 0; i < o.count; i++) {
    ctx.interrupt?.();
    try {
      const out = cmd.run(ctx, args);
      result.runs.push({ text: out.text, errors: out.errors ?? [] });
      size += out.text.length;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      result.runs.push({ text: "", errors: [err.message] });
    }
    if (size > MAX_TEXT) {
      result.stopped = `repeat: stopped after ${i + 1} runs: more than ${MAX_TEXT} characters of output`;
      break;
    }
  }
  return result;
}

export const repeatCommand = defineCommand({
  name: "repeat",
  summary: "repeat a command",
  help: REPEAT_HELP,
  options: { raw: true },
  parse: (args) => parseRepeat(args.operands),
  execute: runRepeat,
  format: formatRepeat,
  errors: (r) => [...r.runs.flatMap((x) => x.errors), ...(r.stopped ? [r.stopped] : [])],
});
