// A crash-compatible command, in three steps: its words are read against the options it declares once
// (options.ts), `execute` walks the dump into a typed result and writes no text, and `format` — a pure
// function of that result, in the command's `<cmd>-format.ts` — prints it as crash does. The console prints
// the text; the UI, the report and the detectors take the result (DESIGN.md: no one parses text that kdw
// itself printed).
//
// Results and JSON: a result is plain data — objects, arrays, strings, numbers, booleans, `bigint` for
// addresses and 64-bit values, `Uint8Array` for bytes; no class instances, Maps, Sets or functions. The one
// conversion to JSON is `jsonView(result)` (json-view.ts): every bigint becomes "0x…", bytes become hex.
// test/unit/commands/json-view.test.ts runs every command on the fixture and checks its result is plain.
import type { Program } from "../program/program";
import type { SymbolTable } from "../debuginfo/symbols";
import type { X86_64AddressSpace } from "../arch/x86_64/layout";
import type { SourceLines, SourceReader } from "../program/source-lines";
import type { ElfFile } from "../dump/elf";
import type { InstructionDecoderLike } from "../arch/x86_64/unwind-types";
import type { ByteSource } from "../io/byte-source";
import type { ModuleDebuginfoStore } from "../kernel/modules/debuginfo";
import type { Task } from "../kernel/tasks/tasks";
import { parseArgs, type OptionSpec, type ParsedArgs } from "./options";

export { CommandError } from "./command-error";

/**
 * Opens a module's object file for `mod -s`/`mod -S`: `file` as the user typed it, else NAME.ko.debug or
 * NAME.ko under `dir` (default: the vmlinux's directory). Undefined when there is none. The adapter does the
 * file system; the returned source's name is what crash's OBJECT FILE column shows.
 */
export type ModuleFileFinder = (request: { name: string; file?: string; dir?: string }) => ByteSource | undefined;

/** The console's commands, as `help` and `foreach` see them. */
export interface CommandLookup {
  readonly list: readonly Command[];
  find(name: string): Command | undefined;
}

/** What a command can see: the program, and the console's state (current task context, value history). */
export interface CommandContext {
  prog: Program;
  /** The file names as the user gave them (sys prints them). */
  files: { vmlinux: string; dump: string };
  state: ConsoleState;
  commands: CommandLookup;
  /** The kernel's symbols, for address-to-name lookups (sym, rd -s, dis). */
  symbols: SymbolTable;
  /** "file: line" of a kernel text address, when the debuginfo has line tables. */
  lineAt?: (address: bigint) => string | undefined;
  /** Address → file and line from the DWARF line tables (dis -l/-s, list). */
  sourceLines?: SourceLines;
  /** Reads a file of the user's source tree (`--src DIR`), for list and dis -s. */
  readSource?: SourceReader;
  /** The kernel's address space with its page-table walker (vtop, ptov). */
  addressSpace: X86_64AddressSpace;
  /** The vmlinux file (bt reads its ORC tables from it instead of from memory). */
  vmlinux?: ElfFile;
  /** An x86-64 instruction decoder, where the adapter provides one (bt's frame-size fallback). */
  decoder?: InstructionDecoderLike;
  /** Module debuginfo loaded by `mod -s`/`mod -S` in this session (symbols and lines of those modules). */
  moduleDebuginfo?: ModuleDebuginfoStore;
  /** Where `mod -s`/`mod -S` find module object files (through the adapter; absent: they cannot). */
  findModuleFile?: ModuleFileFinder;
  /**
   * The caller's cancel checkpoint: throws when the caller cancelled. Long commands call it once per task or
   * record (foreach, ps, bt -a, log), so that a cancel stops them between two items.
   */
  interrupt?: () => void;
}

export interface ConsoleState {
  /** The task address that `set` chose; the panic task at start. */
  currentTask?: bigint;
  /** gdb's value history counter (`$1`, `$2`, …) that `p` increments. */
  valueHistory: number;
  /** `bt -O`: traces use crash's old x86_64 method (no frame sizes) unless told otherwise. */
  btOldMethod?: boolean;
  /** The session's command aliases (crash's builtin ones until `alias` changes them): shared/aliases.ts. */
  aliases?: AliasEntry[];
}

/** One alias: the word, where it came from, and the words it stands for. */
export interface AliasEntry {
  alias: string;
  origin: "builtin" | "runtime";
  words: string[];
}

export interface CommandOutput<R> {
  data: R;
  text: string;
  /** Error lines printed after the text (a command that printed part of its answer, then failed). */
  errors?: string[];
}

export interface Command<R = unknown, N extends string = string> {
  readonly name: N;
  readonly aliases?: readonly string[];
  /** What it does in one line: crash's NAME line after the name. */
  readonly summary: string;
  /** The full help text (`help NAME`): NAME, SYNOPSIS, DESCRIPTION. */
  readonly help: string;
  /** Words the user wrote as one '...' string reach it with their quotes, as in crash (ps's regexes). */
  readonly keepsQuotes?: boolean;
  /** Its options as typed (`-a`, `-c`, `-64`, `--force`), for the console's completion. */
  readonly optionWords: readonly string[];
  /** The console's entry: parse the words, execute, format. */
  run(ctx: CommandContext, args: readonly string[]): CommandOutput<R>;
  /**
   * foreach's entry, for commands that act on tasks: parses the words once (their usage error is thrown then,
   * before any task runs), and gives what runs the command on the tasks foreach chose, task after task.
   */
  readonly forTasks?: (args: readonly string[]) => (ctx: CommandContext, tasks: readonly Task[]) => CommandOutput<R>;
}

/** The result type of a command. */
export type ResultOf<C> = C extends Command<infer R> ? R : never;

export interface CommandDefinition<R, S extends OptionSpec, O, N extends string> {
  name: N;
  aliases?: readonly string[];
  /** crash's NAME line after the name ("display process status information"). */
  summary: string;
  /** The help from SYNOPSIS on; the NAME section is made from the name and the summary. */
  help: string;
  /** The options, declared once. */
  options: S;
  /** The options to complete where the spec does not list them (a command with its own grammar). */
  optionWords?: readonly string[];
  /** Typed options from the words (syntax only: no dump is read here). */
  parse(args: ParsedArgs<S>): O;
  /**
   * Walks the dump into the result, writing no text. `tasks`, when given (by foreach), are the tasks to act
   * on instead of those the operands name.
   */
  execute(ctx: CommandContext, options: O, tasks?: readonly Task[]): R;
  /** The text crash prints for the result: a pure function of it. */
  format(result: R): string;
  /** Error lines printed after the text (undefined: the output has no `errors`). */
  errors?(result: R): readonly string[] | undefined;
  /** foreach may run it for each task it selects. */
  perTask?: boolean;
  /** Words written as one '...' string keep their quotes (crash's SINGLE_QUOTED_STRING arguments). */
  keepsQuotes?: boolean;
}

/** Where flat() puts the char it reads, so that no compiler drops the read as unused. */
let _flatSink = 0;

/**
 * `s` as one flat string. Text made by `+=` is a rope in V8: every piece stays a heap object until the rope
 * is flattened, which reading a char does. A command's text kept for a while (foreach keeps each task's
 * until the end: 50,000 backtraces) took about five times its length as a rope, and the young generation's
 * collections copied all of it.
 */
export function flat(s: string): string {
  _flatSink ^= s.length > 0 ? s.charCodeAt(0) : 0;
  return s;
}

/** A command from its definition; its result type is kept (the registry and the service see it). */
export function defineCommand<R, const S extends OptionSpec, O, const N extends string>(def: CommandDefinition<R, S, O, N>): Command<R, N> {
  const output = (result: R): CommandOutput<R> => {
    const errors = def.errors?.(result);
    const text = flat(def.format(result));
    return errors ? { data: result, text, errors: [...errors] } : { data: result, text };
  };
  return {
    name: def.name,
    ...(def.aliases ? { aliases: def.aliases } : {}),
    summary: def.summary,
    optionWords: def.optionWords ?? specWords(def.options),
    help: `NAME\n  ${def.name} - ${def.summary}\n\n${def.help}`,
    ...(def.keepsQuotes ? { keepsQuotes: true } : {}),
    run: (ctx, args) => output(def.execute(ctx, def.parse(parseArgs(def.name, def.options, args)))),
    ...(def.perTask
      ? {
          forTasks: (args: readonly string[]) => {
            const o = def.parse(parseArgs(def.name, def.options, args));
            return (ctx: CommandContext, tasks: readonly Task[]) => output(def.execute(ctx, o, tasks));
          },
        }
      : {}),
  };
}

/** The words of an option spec: `-a` for each letter, `-64` for each number, the long words. */
export function specWords(spec: OptionSpec): string[] {
  if (spec.raw) return [];
  return [...(spec.flags ?? ""), ...(spec.values ?? "")].map((c) => `-${c}`).concat((spec.numbers ?? []).map((n) => `-${n}`), spec.words ?? []);
}

/**
 * The caller's cancel (the CancelledError its `interrupt` throws, or an AbortError): a command that turns
 * errors into error lines and goes on must let this one through.
 */
export function isCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === "CancelledError" || err.name === "AbortError");
}
