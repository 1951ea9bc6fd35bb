// `kdw console [VMLINUX] DUMP` (also `kdw [VMLINUX] DUMP`, either order, as with crash): the interactive
// console, or `-c "cmd; cmd"` / `-i FILE` to run commands and exit. The Session runs in a worker thread, so
// the prompt stays alive while a command runs: Ctrl-C cancels the command (and clears the line at the
// prompt); Ctrl-D or `q` ends. Redirects (`> FILE`) are written here, never onto the evidence.
// With the dump alone, the vmlinux is found by the dump's build id (debuginfo-search.ts), else the dump's own
// kallsyms, BTF and ORC stand in for it; --no-debuginfo uses the dump alone even when a vmlinux is at hand.
import { prepareCodecsFor } from "./node-codecs";
import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Interface } from "node:readline";
import { lazyBuiltin } from "./builtin";
import type { Call, ConsoleReply } from "../core/session/contract";
import { ProblemError } from "../core/session/problems";
import { CliUsageError, parse } from "./args";
import { evidenceGuard, orderFiles, type EvidenceGuard } from "./evidence";
import { startWorkerSession, type WorkerSession } from "./worker-session";
import { runShellPipe, shellWords, splitShellPipe } from "./shell-pipe";

/** The interactive prompt's line editor, loaded when there is a prompt (a script has none). */
const readline = lazyBuiltin<typeof import("node:readline")>("node:readline");

const HISTORY_FILE = join(homedir(), ".kdw_history");
const HISTORY_MAX = 1000;
const PROMPT = "kdw> ";

/** `cmd; cmd` as crash's -c splits them (a ; inside quotes stays). */
export function splitCommands(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
      cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === ";" || c === "\n") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
}

const isQuit = (line: string) => line === "q" || line === "quit" || line === "exit";

interface Console {
  call: Call;
  guard: EvidenceGuard;
  json: boolean;
  /** Pipes go to the user's shell (POSIX); else the core's own filters answer them (Windows). */
  shellPipes: boolean;
  /** Hands the terminal to a shell pipe (`| less`) and takes it back (the interactive prompt sets these). */
  releaseTerminal?: () => () => void;
}

/** Writes a reply: its output (or the redirect's file), then its error lines. True when the command succeeded. */
function emit(c: Console, line: string, reply: ConsoleReply, streamed: boolean): boolean {
  let ok = reply.ok;
  if (c.json) {
    process.stdout.write(JSON.stringify({ command: line, ok: reply.ok, cancelled: reply.cancelled, errors: reply.errors, data: reply.data ?? null }) + "\n");
    return ok;
  }
  if (reply.redirect) {
    const refused = c.guard.refuse(reply.redirect.path);
    if (refused) {
      process.stderr.write(`kdw: ${refused}\n`);
      ok = false;
    } else {
      try {
        const path = resolve(reply.redirect.path);
        if (reply.redirect.append) appendFileSync(path, reply.output);
        else writeFileSync(path, reply.output);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        process.stderr.write(`kdw: unable to open ${reply.redirect.path}: ${e.code === "ENOENT" ? "no such file or directory" : e.code === "EISDIR" ? "is a directory" : e.code === "EACCES" ? "permission denied" : (e.message ?? String(err))}\n`);
        ok = false;
      }
    }
  } else if (!streamed) process.stdout.write(reply.output);
  for (const e of reply.errors) process.stderr.write(e + "\n");
  return ok;
}

/** Why a redirect cannot be written, as one line, or undefined when the file is open for writing. */
function openRedirect(c: Console, redirect: { path: string; append: boolean }): { fd: number } | { error: string } {
  const refused = c.guard.refuse(redirect.path);
  if (refused) return { error: `kdw: ${refused}` };
  try {
    return { fd: openSync(resolve(redirect.path), redirect.append ? "a" : "w") };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { error: `kdw: unable to open ${redirect.path}: ${e.code === "ENOENT" ? "no such file or directory" : e.code === "EISDIR" ? "is a directory" : e.code === "EACCES" ? "permission denied" : (e.message ?? String(err))}` };
  }
}

/** `cmd | shell text [> FILE]`: the command's output into the user's shell (shell-pipe.ts). */
async function runPiped(c: Console, pipe: { command: string; shell: string; redirect?: { path: string; append: boolean } }, signal?: AbortSignal): Promise<boolean> {
  const named = shellWords(pipe.shell).find((w) => c.guard.isEvidence(w));
  if (named !== undefined) {
    process.stderr.write(`kdw: ${named}: is an evidence file: kdw does not hand it to a shell command\n`);
    return false;
  }
  let fd: number | undefined;
  if (pipe.redirect) {
    const opened = openRedirect(c, pipe.redirect);
    if ("error" in opened) {
      process.stderr.write(opened.error + "\n");
      return false;
    }
    fd = opened.fd;
  }
  try {
    let reply: ConsoleReply;
    try {
      reply = await c.call("console", { line: pipe.command, data: false }, { signal });
    } catch (err) {
      if (err instanceof ProblemError) {
        process.stderr.write(`${err.problem.message}\n`);
        return false;
      }
      throw err;
    }
    if (!reply.cancelled) {
      const takeBack = c.releaseTerminal?.();
      try {
        const failed = await runShellPipe(pipe.shell, reply.output, { ...(fd !== undefined ? { stdout: fd } : {}), signal });
        if (failed) process.stderr.write(failed + "\n");
      } finally {
        takeBack?.();
      }
    }
    for (const e of reply.errors) process.stderr.write(e + "\n");
    return reply.ok;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The most written to the terminal before Ctrl-C gets a chance to be read. */
const WRITE_SLICE = 64 * 1024;

/** Writes text to the terminal in slices, yielding between them; after a cancel the rest is dropped. */
class TerminalWriter {
  private readonly queue: string[] = [];
  private pumping: Promise<void> | undefined;
  dropped = false;

  constructor(private readonly signal: AbortSignal) {}

  write(text: string): void {
    if (this.signal.aborted) {
      this.dropped = true;
      return;
    }
    this.queue.push(text);
    this.pumping ??= this.pump();
  }

  async done(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private async pump(): Promise<void> {
    for (let text = this.queue.shift(); text !== undefined; text = this.queue.shift()) {
      let at = 0;
      while (at < text.length) {
        if (this.signal.aborted) {
          this.dropped = true;
          this.queue.length = 0;
          break;
        }
        // A slice ends at a line's end when one is near, so a cancel never cuts a line in two.
        let end = Math.min(text.length, at + WRITE_SLICE);
        if (end < text.length) {
          const nl = text.lastIndexOf("\n", end - 1);
          if (nl >= at) end = nl + 1;
        }
        process.stdout.write(text.slice(at, end));
        at = end;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.pumping = undefined;
  }
}

/** Runs one line; streamed output goes to stdout unless the line redirects. */
async function runLine(c: Console, line: string, signal?: AbortSignal): Promise<boolean> {
  const pipe = c.shellPipes && !c.json ? splitShellPipe(line) : undefined;
  if (pipe && pipe.command !== "" && pipe.shell !== "") return runPiped(c, pipe, signal);
  let streamed = false;
  const redirecting = /(^|[^\\])>/.test(line);
  // Interactively, the output goes out a slice at a time so that Ctrl-C is read in between: what the user
  // sees stops at once, even when the command itself had finished and only its writing was left.
  const writer = signal ? new TerminalWriter(signal) : undefined;
  try {
    const reply = await c.call(
      "console",
      // The typed result only for --json: the terminal shows the text.
      { line, data: c.json },
      {
        signal,
        onOutput: c.json || redirecting ? undefined : (chunk) => {
          streamed = true;
          if (writer) writer.write(chunk);
          else process.stdout.write(chunk);
        },
      },
    );
    await writer?.done();
    if (writer?.dropped && !reply.cancelled) {
      process.stderr.write("kdw: command cancelled\n");
      return false;
    }
    return emit(c, line, reply, streamed);
  } catch (err) {
    if (err instanceof ProblemError) {
      process.stderr.write(`${err.problem.message}\n`);
      return false;
    }
    throw err;
  }
}

export async function runConsole(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    command: { type: "string", short: "c", multiple: true },
    input: { type: "string", short: "i" },
    force: { type: "boolean" },
    silent: { type: "boolean", short: "s" },
    src: { type: "string" },
    json: { type: "boolean" },
    "builtin-pipes": { type: "boolean" },
    "allow-evidence-folder": { type: "boolean" },
    "no-debuginfo": { type: "boolean" },
    debuginfo: { type: "string", multiple: true },
  });
  const files = orderFiles(positionals);
  // The search by build id (debuginfo-search.ts) opens the dump here (a zstd archive: with the faster
  // decoder): loaded only when there is a search to make. The Session readies its own decoders.
  const noDebuginfo = values["no-debuginfo"] ?? false;
  const search = files.vmlinux === undefined || noDebuginfo;
  if (search) await prepareCodecsFor(files.dump);
  const notes = search ? (await import("./debuginfo-search")).chooseDebuginfo(files, noDebuginfo, values.debuginfo ?? []) : [];
  for (const n of notes) process.stderr.write(`kdw: ${n}\n`);
  const script = values.command !== undefined || values.input !== undefined;
  // Every -c, in order (`-c sys -c ps` runs both), then -i's file.
  const scriptLines = [...(values.command ?? []).flatMap(splitCommands), ...(values.input !== undefined ? splitCommands(readInput(values.input)) : [])];
  // A script runs the Session in this thread (local-session.ts, its code through V8's code cache:
  // code-cache.ts); the interactive console in a worker.
  const codeCache = script ? await import("./code-cache") : undefined;
  const local = codeCache ? await codeCache.loadSessionCore() : undefined;
  if (local) await local.core.prepareCodecsFor(files.dump);
  const session: WorkerSession = codeCache && local ? codeCache.localSession(local.core, { settle: scriptLines.length > 1 }) : startWorkerSession();
  try {
    let opened;
    try {
      opened = await session.call("open", { dump: files.dump, vmlinux: files.vmlinux, ...(values.force ? { force: true } : {}), ...(values.src !== undefined ? { src: values.src } : {}) });
    } catch (err) {
      if (err instanceof ProblemError) {
        process.stderr.write(`kdw: ${err.problem.message}\n`);
        return 1;
      }
      throw err;
    }
    for (const w of opened.warnings) if (w.code === "mismatch" || w.code === "excluded") process.stderr.write(`WARNING: ${w.message}\n`);
    const c: Console = { call: session.call, guard: evidenceGuard(files.vmlinux ? [files.dump, files.vmlinux] : [files.dump], { allowEvidenceFolder: values["allow-evidence-folder"] }), json: values.json ?? false, shellPipes: process.platform !== "win32" && !values["builtin-pipes"] };
    if (script) {
      let failed = 0;
      const echo = scriptLines.length > 1 && !c.json;
      const uses = ["open"];
      for (const line of scriptLines) {
        if (isQuit(line)) break;
        if (echo) process.stdout.write(`${PROMPT}${line}\n`);
        if (!(await runLine(c, line))) failed++;
        if (codeCache) uses.push(codeCache.codeUse("console", line));
      }
      local?.save(uses);
      return failed ? 1 : 0;
    }
    if (!values.silent && !c.json) await startup(c);
    return await interactive(c);
  } finally {
    await session.close();
  }
}

function readInput(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch (err) {
    throw new CliUsageError(`-i ${path}: ${(err as { code?: string }).code === "ENOENT" ? "no such file" : "cannot read it"}`);
  }
}

/** What crash prints when it starts: the sys summary, then the current (panic) task's context, indented. */
async function startup(c: Console): Promise<void> {
  await runLine(c, "sys");
  const ctx = await c.call("console", { line: "set", data: false });
  process.stdout.write(
    "\n" +
      ctx.output
        .split("\n")
        .map((l) => (l ? "     " + l : l))
        .join("\n"),
  );
}

async function interactive(c: Console): Promise<number> {
  let history: string[] = [];
  try {
    if (existsSync(HISTORY_FILE)) history = readFileSync(HISTORY_FILE, "utf8").split("\n").filter(Boolean).reverse().slice(0, HISTORY_MAX);
  } catch {
    history = [];
  }
  const tty = process.stdin.isTTY === true;
  const completer = (line: string, cb: (err: null, result: [string[], string]) => void) => {
    c.call("complete", { line }).then(
      (r) => cb(null, [r.candidates, line.slice(r.from)]),
      () => cb(null, [[], line]),
    );
  };
  const rl: Interface = readline().createInterface({ input: process.stdin, output: process.stdout, prompt: PROMPT, history, historySize: HISTORY_MAX, terminal: tty, completer: tty ? completer : undefined });
  let running: AbortController | undefined;
  const onInterrupt = () => {
    if (running) {
      running.abort();
      return;
    }
    // At the prompt, Ctrl-C clears the line, as crash and shells do.
    process.stdout.write("^C\n");
    (rl as unknown as { line: string }).line = "";
    rl.prompt();
  };
  rl.on("SIGINT", onInterrupt);
  // A pager at the end of a pipe reads the terminal itself: readline lets go of it meanwhile.
  c.releaseTerminal = () => {
    rl.pause();
    if (tty) process.stdin.setRawMode(false);
    return () => {
      if (tty) process.stdin.setRawMode(true);
      rl.resume();
    };
  };
  process.on("SIGINT", onInterrupt);
  // Ctrl-D typed while a command runs closes readline at once: the command finishes, lines typed ahead run,
  // then the session ends. No prompt after that (prompting a closed interface would resume the terminal and keep the process alive).
  let closed = false;
  rl.on("close", () => {
    closed = true;
  });
  rl.prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (isQuit(line)) break;
      if (line) {
        running = new AbortController();
        try {
          await runLine(c, line, running.signal);
        } finally {
          running = undefined;
        }
      }
      if (!closed) rl.prompt();
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    rl.close();
    process.stdin.pause();
  }
  if (tty) process.stdout.write("\n");
  try {
    mkdirSync(dirname(HISTORY_FILE), { recursive: true });
    writeFileSync(HISTORY_FILE, [...(rl as unknown as { history: string[] }).history].reverse().join("\n") + "\n");
  } catch {
    // History is a convenience: an unwritable home must not fail the session.
  }
  return 0;
}
