// The console commands' latency without start-up, in a process of its own, its figures as JSON on stdout:
// run.ts starts it as a separate process, so that the first run of a command pays what a user's first run
// pays (the JIT's warm-up, the tables it builds) and not what earlier sections left on the heap. One session
// per process, as a user's console has: with the vmlinux, or with none (VMLINUX `-`), each in processes of
// its own (a second session in the same process moved the first's collections into its commands). The
// session is the console's: the CLI's bundled core (out/cli/session-core.cjs) loaded through V8's code
// cache as the console loads it, its service over the CLI's host, all in the user's cache folder
// ($KDW_CACHE_DIR: run.ts runs this on an empty folder, then again on what that run left); its `open` (the
// dump, the vmlinux, the task table) timed apart, then the work the interactive console's worker does once
// it has answered the open, while its prompt is up (afterOpenIdle: the dump's read buffers mapped, the heap
// settled, the young generation warmed), timed apart too; each line through its `console` method with the
// text only, as the terminal console asks it, twice, and after each the worker's idle work while the user
// reads the answer (afterCallIdle: a scavenge when the young generation is filling), timed apart; the code
// cache written at the end as a console script writes it.
// Usage: node out/bench/commands.mjs VMLINUX|- DUMP COMMAND...
import { resolve } from "node:path";
import { codeUse, loadBundledCore } from "../../src/cli/core-bundle";

export interface CommandFigures {
  openMs: number;
  /** The console's idle work after the open (afterOpenIdle), ms. */
  idleMs: number;
  /** The console's idle work after each answer (afterCallIdle), all of it, ms. */
  idleBetweenMs: number;
  /** Per command: its first and second run (ms). */
  commands: { command: string; first: number; second: number; bytes: number; errors: number }[];
}

const [vmlinux, dump, ...commands] = process.argv.slice(2);
if (!vmlinux || !dump || commands.length === 0) throw new Error("usage: commands.mjs VMLINUX|- DUMP COMMAND...");
const loaded = loadBundledCore(resolve("out/cli/session-core.cjs"));
if (!loaded) throw new Error("out/cli/session-core.cjs is missing: npm run build:cli");
await loaded.core.prepareCodecsFor(dump);

const service = loaded.core.startLocalService({ settle: false });
const t0 = performance.now();
const opened = service.call("open", vmlinux === "-" ? { dump } : { dump, vmlinux });
if (!opened.ok) throw new Error(`open: ${opened.problem.message}`);
const t1 = performance.now();
service.afterOpenIdle();
const out: CommandFigures = { openMs: t1 - t0, idleMs: performance.now() - t1, idleBetweenMs: 0, commands: [] };

/** One console line: its time, and what it printed. */
function run(line: string): { ms: number; bytes: number; errors: number } {
  const t = performance.now();
  const r = service.call("console", { line, data: false });
  const ms = performance.now() - t;
  const t2 = performance.now();
  service.afterCallIdle();
  out.idleBetweenMs += performance.now() - t2;
  if (!r.ok) return { ms, bytes: 0, errors: 1 };
  const result = r.result as { output: string; errors: string[] };
  return { ms, bytes: result.output.length, errors: result.errors.length };
}

for (const command of commands) {
  const first = run(command);
  const second = run(command);
  out.commands.push({ command, first: first.ms, second: second.ms, bytes: first.bytes, errors: first.errors });
}
loaded.save(["open", ...commands.map((c) => codeUse("console", c))]);
process.stdout.write(JSON.stringify(out) + "\n");
