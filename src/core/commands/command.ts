// A crash-compatible command: parse its arguments, compute a structured result, format it as crash does.
// The console prints `text`; the UI, the report and the detectors use `data` (DESIGN.md: no one parses text
// that kdw itself printed).
import { KdwError } from "../io/errors";
import type { Program } from "../program/program";
import type { CommandRegistry } from "./registry";
import type { SymbolTable } from "../debuginfo/symbols";
import type { X86_64AddressSpace } from "../arch/x86_64/layout";
import type { SourceLines, SourceReader } from "./dis-source";
import type { ElfFile } from "../dump/elf";
import type { InstructionDecoderLike } from "../arch/x86_64/unwind-types";
import type { ByteSource } from "../io/byte-source";
import type { ModuleDebuginfoStore } from "../kernel/modules/debuginfo";

/**
 * Opens a module's object file for `mod -s`/`mod -S`: `file` as the user typed it, else NAME.ko.debug or
 * NAME.ko under `dir` (default: the vmlinux's directory). Undefined when there is none. The adapter does the
 * file system; the returned source's name is what crash's OBJECT FILE column shows.
 */
export type ModuleFileFinder = (request: { name: string; file?: string; dir?: string }) => ByteSource | undefined;

/** What a command can see: the program, and the console's state (current task context, value history). */
export interface CommandContext {
  prog: Program;
  /** The file names as the user gave them (sys prints them). */
  files: { vmlinux: string; dump: string };
  state: ConsoleState;
  commands: CommandRegistry;
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
  /** Long loops call this once per step (task, record): it throws when the caller cancelled. */
  interrupt?: () => void;
}

export interface ConsoleState {
  /** The task address that `set` chose; the panic task at start. */
  currentTask?: bigint;
  /** gdb's value history counter (`$1`, `$2`, …) that `p` increments. */
  valueHistory: number;
}

export interface CommandOutput<T = unknown> {
  data: T;
  text: string;
  /** Error lines printed after the text (a command that printed part of its answer, then failed). */
  errors?: string[];
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line for `help`'s list. */
  summary: string;
  /** The full help text (`help NAME`). */
  help: string;
  run(ctx: CommandContext, args: string[]): CommandOutput;
}

/** A command's failure, printed as crash does: `NAME: message`. */
export class CommandError extends KdwError {
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command}: ${detail}`);
  }
}

/** Splits crash-style options: `-64`, `-x`, `-o`, `-l`, grouped `-rl`; `--` ends options. */
export function splitOptions(args: string[], withValue: string[] = []): { flags: Set<string>; values: Map<string, string>; rest: string[] } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (/^-\d+$/.test(a)) flags.add(a.slice(1));
    else if (/^-[A-Za-z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (withValue.includes(c)) {
          const v = args[++i];
          if (v === undefined) throw new KdwOptionError(`option -${c} needs a value`);
          values.set(c, v);
        } else flags.add(c);
      }
    } else rest.push(a);
  }
  return { flags, values, rest };
}

export class KdwOptionError extends KdwError {}
