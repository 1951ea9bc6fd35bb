// The console commands' latency without start-up, in a process of its own, its figures as JSON on stdout:
// run.ts starts it as a separate process, so that the first run of a command pays what a user's first run
// pays (the JIT's warm-up, the tables it builds) and not what earlier sections left on the heap. The session
// is the console's: the CLI's bundled core (out/cli/session-core.cjs) loaded through V8's code cache as the
// console loads it, its service over the CLI's host, all in the user's cache folder ($KDW_CACHE_DIR: run.ts
// runs this on an empty folder, then again on what that run left); its `open` (the dump, the vmlinux, the
// task table) timed apart, each line through its `console` method with the text only, as the terminal
// console asks it; the code cache written at the end as a console script writes it.
// Usage: node out/bench/commands.mjs VMLINUX DUMP COMMAND...
import { resolve } from "node:path";
import { codeUse, loadBundledCore } from "../../src/cli/core-bundle";
import type { LocalService } from "../../src/cli/local-session";

export interface CommandFigures {
  openMs: number;
  openBareMs: number;
  /** Per command: its first and second run with the vmlinux, its first run with no vmlinux (ms). */
  commands: { command: string; first: number; second: number; bareFirst: number; bytes: number; errors: number }[];
}

const [vmlinux, dump, ...commands] = process.argv.slice(2);
if (!vmlinux || !dump || commands.length === 0) throw new Error("usage: commands.mjs VMLINUX DUMP COMMAND...");
const loaded = loadBundledCore(resolve("out/cli/session-core.cjs"));
if (!loaded) throw new Error("out/cli/session-core.cjs is missing: npm run build:cli");
await loaded.core.prepareCodecsFor(dump);

/** A service with the dump open (the vmlinux too, when given), and how long the open took. */
function opened(withVmlinux: boolean): { service: LocalService; ms: number } {
  const service = loaded!.core.startLocalService();
  const t0 = performance.now();
  const r = service.call("open", withVmlinux ? { dump, vmlinux } : { dump });
  if (!r.ok) throw new Error(`open: ${r.problem.message}`);
  return { service, ms: performance.now() - t0 };
}

/** One console line: its time, and what it printed. */
function run(service: LocalService, line: string): { ms: number; bytes: number; errors: number } {
  const t0 = performance.now();
  const r = service.call("console", { line, data: false });
  const ms = performance.now() - t0;
  if (!r.ok) return { ms, bytes: 0, errors: 1 };
  const result = r.result as { output: string; errors: string[] };
  return { ms, bytes: result.output.length, errors: result.errors.length };
}

const full = opened(true);
const bare = opened(false);
const out: CommandFigures = { openMs: full.ms, openBareMs: bare.ms, commands: [] };
for (const command of commands) {
  const first = run(full.service, command);
  const second = run(full.service, command);
  const bareFirst = run(bare.service, command);
  out.commands.push({ command, first: first.ms, second: second.ms, bareFirst: bareFirst.ms, bytes: first.bytes, errors: first.errors });
}
loaded.save(["open", ...commands.map((c) => codeUse("console", c))]);
process.stdout.write(JSON.stringify(out) + "\n");
