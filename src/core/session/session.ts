// One analysis: a dump and its vmlinux opened as a Program, a console state, and the commands. The CLI's
// console, kdw serve and Electron's utility process are thin adapters over this.
import { builtinRegistry, type BuiltinName, type BuiltinResult } from "../commands";
import type { CommandContext, ConsoleState } from "../commands/command";
import { parseLine } from "./pipeline";
import { applyFilters } from "./pipeline";
import { expandAlias, splitPointerWord } from "../commands/shared/command-words";
import { currentTask } from "../commands/shared/task-args";
import { taskContext } from "../commands/tasks/set";
import { formatContext } from "../commands/tasks/set-format";
import { openDump, type OpenDumpOptions } from "../dump/open";
import { ElfFile } from "../dump/elf";
import type { Dump } from "../dump/dump";
import { evidenceSource } from "../dump/zstd-archive";
import type { ByteSource } from "../io/byte-source";
import { KdwError } from "../io/errors";
import { CancelledError } from "./problems";
import { openKernel, type OpenedKernel, type OpenKernelOptions } from "../program/open-kernel";
import type { InstructionDecoder } from "../arch/x86_64/disasm";
import { lazyVmlinuxSourceLines, lineText, type SourceLines, type SourceReader } from "../program/source-lines";
import { loadedModuleSourceLines } from "../kernel/modules/module-symbols";
import type { ModuleFileFinder } from "../commands/command";
import { ModuleDebuginfoStore } from "../kernel/modules/debuginfo";

/** What sys's KERNEL line shows with no vmlinux: where the kernel's symbols and types came from instead. */
export const NO_VMLINUX_NAME = "(no vmlinux: kallsyms and BTF from the dump)";

export interface SessionOpenOptions extends OpenKernelOptions, OpenDumpOptions {
  /** Names to print for the files (sys's KERNEL and DUMPFILE lines): what the user typed. */
  vmlinuxName?: string;
  dumpName?: string;
  /** The x86-64 decoder for `dis` (the CLI passes iced-x86's); without one `dis` says so. */
  decoder?: InstructionDecoder;
  /** Reads a file of the user's kernel source tree (`--src DIR`) for `list` and `dis -s`. */
  readSource?: SourceReader;
  /** Opens module object files for `mod -s`/`mod -S` (the CLI looks next to the vmlinux or in a given DIR). */
  findModuleFile?: ModuleFileFinder;
}

/** What one console line produced: normal output, error lines, and where the adapter should write it. */
export interface LineResult<D = unknown> {
  text: string;
  errors: string[];
  redirect?: { path: string; append: boolean };
  /** Structured result of the command (for the UI); undefined on error. */
  data?: D;
}

/** The command a console line names: its first word. */
type LineCommand<L extends string> = L extends `${infer N} ${string}` ? N : L;

/** The result type of a console line: its command's, when the line starts with a command's name. */
export type LineData<L extends string> = LineCommand<L> extends BuiltinName ? BuiltinResult<LineCommand<L>> : unknown;

export class Session {
  readonly commands = builtinRegistry();
  readonly state: ConsoleState = { valueHistory: 0 };
  readonly context: CommandContext;

  private constructor(
    readonly dump: Dump,
    readonly kernel: OpenedKernel,
    files: { vmlinux: string; dump: string },
    options: SessionOpenOptions = {},
  ) {
    const sourceLines = lazyVmlinuxSourceLines(() => kernel.dwarfReader, kernel.kaslrOffset);
    // Module debuginfo loaded with `mod -s` answers for its module's memory; the vmlinux for the rest.
    const moduleDebuginfo = new ModuleDebuginfoStore();
    const moduleLines = loadedModuleSourceLines(moduleDebuginfo);
    const lines: SourceLines = { locate: (address) => moduleLines.locate(address) ?? sourceLines.locate(address), range: (address) => sourceLines.range?.(address), lineRange: (file, line) => sourceLines.lineRange?.(file, line) };
    this.context = {
      prog: kernel.program,
      files,
      state: this.state,
      commands: this.commands,
      // The sorted symbol table costs a few hundred ms: built when a command first asks for it.
      get symbols() {
        return kernel.symbolTable;
      },
      addressSpace: kernel.addressSpace,
      sourceLines: lines,
      lineAt: (address) => {
        const loc = lines.locate(address);
        return loc && lineText(loc);
      },
      decoder: options.decoder,
      readSource: options.readSource,
      moduleDebuginfo,
      findModuleFile: options.findModuleFile,
      vmlinux: kernel.vmlinux,
    };
  }

  /** Without `vmlinuxSource`, symbols, types and ORC come from the dump itself (program/open-from-dump.ts). */
  static open(dumpSource: ByteSource, vmlinuxSource: ByteSource | undefined, options: SessionOpenOptions = {}): Session {
    return Session.openFrom(openDump(dumpSource, { codecs: options.codecs }), vmlinuxSource, options);
  }

  /** The same over a dump already opened (the service opens it once, for `info` and for the kernel). */
  static openFrom(dump: Dump, vmlinuxSource: ByteSource | undefined, options: SessionOpenOptions = {}): Session {
    const dumpSource = evidenceSource(dump.source);
    const vmlinux = vmlinuxSource && ElfFile.open(vmlinuxSource);
    const kernel = openKernel(dump, vmlinux, options);
    return new Session(dump, kernel, { vmlinux: options.vmlinuxName ?? vmlinuxSource?.name ?? NO_VMLINUX_NAME, dump: options.dumpName ?? dumpSource.name }, options);
  }

  /** What crash prints when it starts: the `sys` summary, then the current (panic) task's context. */
  startup(): LineResult {
    const sys = this.run("sys");
    let context = "";
    const errors = [...sys.errors];
    try {
      context = "\n" + formatContext(taskContext(this.context.prog, currentTask(this.context)), { indent: 5 });
    } catch (err) {
      errors.push(errorLine(err, "set"));
    }
    return { text: sys.text + context, errors };
  }

  /** Runs one console line (`cmd args | filter ... > file`). Errors come back as lines, never as throws. */
  run<L extends string>(line: L): LineResult<LineData<L>> {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return { text: "", errors: [] };
    let parsed;
    try {
      parsed = parseLine(expandAlias(this.state, trimmed));
    } catch (err) {
      return { text: "", errors: [errorLine(err)] };
    }
    let [name, ...args] = splitPointerWord(parsed.argv);
    if (!name) return { text: "", errors: [] };
    const cmd0 = this.commands.find(name);
    // crash hands a word that was one '...' string on with its quotes (ps reads it as a regular expression).
    if (cmd0?.keepsQuotes) args = args.map((a, i) => (parsed.singleQuoted[i + 1] ? `'${a}'` : a));
    // gdb's print format suffix (`p/x EXPR`) reaches the command as its first argument ("/x"); other
    // commands take none (crash: "command not found: mount/d").
    const suffix = /^(p|print)(\/[a-z]+)$/.exec(name);
    if (suffix) {
      name = suffix[1]!;
      args = [suffix[2]!, ...args];
    }
    const cmd = this.commands.find(name);
    if (!cmd) {
      if (name === "q" || name === "exit" || name === "quit") return { text: "", errors: [`${name}: ends the console of kdw in a terminal; the workbench ends when its window closes`] };
      return { text: "", errors: [clipLine(`kdw: command not found: ${name}`)] };
    }
    let out;
    try {
      out = cmd.run(this.context, args);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      return { text: "", errors: [clipLines(errorLine(err, name))] };
    }
    let text: string;
    try {
      text = applyFilters(out.text, parsed.filters);
    } catch (err) {
      // A filter's own error is the filter's (`grep: invalid pattern`), after what the command said.
      return { text: "", errors: [...(out.errors ?? []).map(clipLines), clipLines(errorLine(err))] };
    }
    // The registry found the command by the line's first word, the name LineData<L> reads.
    return { text, errors: (out.errors ?? []).map(clipLines), redirect: parsed.redirect, data: out.data as LineData<L> };
  }
}

/** The longest error line kdw prints: an error that quotes a 100,000-character argument stays readable. */
export const MAX_ERROR_LINE = 1000;

function clipLine(line: string): string {
  return line.length <= MAX_ERROR_LINE ? line : `${line.slice(0, MAX_ERROR_LINE)}... (${line.length - MAX_ERROR_LINE} more characters)`;
}

function clipLines(text: string): string {
  return text.length <= MAX_ERROR_LINE ? text : text.split("\n").map(clipLine).join("\n");
}

/** One line for an error; an unexpected exception is reported as an internal error, not a stack trace. */
export function errorLine(err: unknown, command?: string): string {
  if (err instanceof KdwError) {
    const msg = err.message;
    // A usage message (commands/shared/usage.ts) starts with crash's own `Usage:` line.
    return command && !msg.startsWith(`${command}:`) && !msg.startsWith("Usage:") ? `${command}: ${msg}` : msg;
  }
  const msg = err instanceof Error ? err.message : String(err);
  return `${command ?? "kdw"}: internal error: ${msg}`;
}
