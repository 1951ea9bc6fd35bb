// `cmd | any shell command`, as crash does it (cmdline.c: the text after the first `|` outside quotes goes to
// popen): on POSIX systems the command's output is fed to the user's shell ($SHELL, else /bin/sh) running
// the rest of the line, whose output goes to the terminal — or, when the line ends in `> FILE`/`>> FILE`, to
// that file, opened here through the evidence guard, never by the shell. On Windows, and in the workbench,
// the core's own filters (grep, head, tail, wc, sort, uniq) answer instead (session/pipeline.ts).
import { lazyBuiltin } from "./builtin";

/** Loaded when a line pipes to a shell. */
const childProcess = lazyBuiltin<typeof import("node:child_process")>("node:child_process");

export interface ShellPipeLine {
  /** The kdw command before the first `|`. */
  command: string;
  /** The shell text after it (without a trailing redirect kdw writes itself). */
  shell: string;
  redirect?: { path: string; append: boolean };
}

/** Offsets of `c` outside '…' and "…" quotes (the console's tokenizer's quoting). */
function unquoted(line: string, c: string): number[] {
  const at: number[] = [];
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === c) at.push(i);
  }
  return at;
}

/**
 * Splits `cmd args | shell text [> FILE]`; undefined when the line has no pipe. The redirect is kdw's when it
 * ends the line with one plain word (`> out.txt`, `>> log`), not the shell's own (`2>&1`, `>&2`, `2> err`).
 */
export function splitShellPipe(line: string): ShellPipeLine | undefined {
  const bar = unquoted(line, "|")[0];
  if (bar === undefined) return undefined;
  const command = line.slice(0, bar).trim();
  let shell = line.slice(bar + 1).trim();
  let redirect: ShellPipeLine["redirect"];
  const gt = unquoted(shell, ">").at(-1);
  if (gt !== undefined) {
    const append = gt > 0 && shell[gt - 1] === ">";
    const opAt = append ? gt - 1 : gt;
    const before = shell[opAt - 1];
    const path = shell.slice(gt + 1).trim();
    if (/^[^\s'"&|;<>()$`]+$/.test(path) && (before === undefined || before === " " || before === "\t")) {
      redirect = { path, append };
      shell = shell.slice(0, opAt).trim();
    }
  }
  return { command, shell, ...(redirect ? { redirect } : {}) };
}

/** The words of the shell text that name files (after `=` too: `of=FILE`), for the evidence guard. */
export function shellWords(shell: string): string[] {
  return shell
    .split(/[\s=]+/)
    .map((w) => w.replace(/^['"]|['"]$/g, ""))
    .filter((w) => w !== "" && !w.startsWith("-"));
}

/** The shell kdw hands pipes to: the user's own, as a login would run it, else /bin/sh. */
export function userShell(): string {
  const s = process.env.SHELL;
  return s && s.startsWith("/") ? s : "/bin/sh";
}

/**
 * Runs `shell -c TEXT` with `input` on its standard input and its output on `stdout` (a file descriptor, or
 * the terminal). Resolves when the shell ends; a shell that cannot start is one line. Its exit status is the
 * shell command's business (`grep` finding nothing is no failure of kdw's command), as in crash.
 */
export function runShellPipe(text: string, input: string, options: { stdout?: number; signal?: AbortSignal } = {}): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = childProcess().spawn(userShell(), ["-c", text], { stdio: ["pipe", options.stdout ?? "inherit", "inherit"], ...(options.signal ? { signal: options.signal, killSignal: "SIGINT" as const } : {}) });
    let failed: string | undefined;
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name !== "AbortError") failed = `kdw: cannot run ${userShell()}: ${err.code ?? err.message}`;
    });
    // The shell may stop reading early (`| head -1`): what it did not read is dropped, as with a real pipe.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input, "utf8");
    child.on("close", () => resolve(failed));
  });
}
