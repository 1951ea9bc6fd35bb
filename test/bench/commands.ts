// The console commands' latency without start-up, in a process of its own, its figures as JSON on stdout:
// run.ts starts it bundled as the CLI is (out/bench/), so that the first run of a command pays what a user's
// first run pays (the JIT's warm-up, the tables it builds) and not tsx's transform or what earlier sections
// left on the heap. The session is the console's: the contract's service over the CLI's host (the user's
// cache folder, $KDW_CACHE_DIR: run.ts runs this on an empty folder, then again on what that run left), its
// `open` (the dump, the vmlinux, the task table) timed apart, each line through its `console` method with
// the text only, as the terminal console asks it.
// Usage: node out/bench/commands.mjs VMLINUX DUMP COMMAND...
import { nodeHost } from "../../src/cli/host";
import { prepareCodecsFor } from "../../src/cli/node-codecs";
import { SessionService } from "../../src/core/session/service";

export interface CommandFigures {
  openMs: number;
  openBareMs: number;
  /** Per command: its first and second run with the vmlinux, its first run with no vmlinux (ms). */
  commands: { command: string; first: number; second: number; bareFirst: number; bytes: number; errors: number }[];
}

const [vmlinux, dump, ...commands] = process.argv.slice(2);
if (!vmlinux || !dump || commands.length === 0) throw new Error("usage: commands.mjs VMLINUX DUMP COMMAND...");
await prepareCodecsFor(dump);

/** A service with the dump open (the vmlinux too, when given), and how long the open took. */
function opened(withVmlinux: boolean): { service: SessionService; ms: number } {
  const service = new SessionService(nodeHost());
  const t0 = performance.now();
  const r = service.callSync("open", withVmlinux ? { dump, vmlinux } : { dump });
  if (!r.ok) throw new Error(`open: ${r.problem.message}`);
  return { service, ms: performance.now() - t0 };
}

/** One console line: its time, and what it printed. */
function run(service: SessionService, line: string): { ms: number; bytes: number; errors: number } {
  const t0 = performance.now();
  const r = service.callSync("console", { line, data: false });
  const ms = performance.now() - t0;
  if (!r.ok) return { ms, bytes: 0, errors: 1 };
  return { ms, bytes: r.result.output.length, errors: r.result.errors.length };
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
process.stdout.write(JSON.stringify(out) + "\n");
