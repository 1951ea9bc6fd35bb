// The console commands' latency without start-up, in a process of its own, its figures as JSON on stdout:
// run.ts starts it bundled as the CLI is (out/bench/), so that the first run of a command pays what a user's
// first run pays (the JIT's warm-up, the tables it builds) and not tsx's transform or what earlier sections
// left on the heap. With the user's cache folder, as the CLI opens a session ($KDW_CACHE_DIR: run.ts runs it
// on an empty folder, then again on what that run left). Usage: node out/bench/commands.mjs VMLINUX DUMP COMMAND...
import { NodeFileSource } from "../../src/cli/node-file-source";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { nodeCodecs } from "../../src/cli/node-codecs";
import { fileCache } from "../../src/cli/cache";
import { Session } from "../../src/core/session/session";

export interface CommandFigures {
  openMs: number;
  openBareMs: number;
  /** command -> [first run, second run] with the vmlinux, first run with no vmlinux (ms). */
  commands: { command: string; first: number; second: number; bareFirst: number; bytes: number; errors: number }[];
}

const [vmlinux, dump, ...commands] = process.argv.slice(2);
if (!vmlinux || !dump || commands.length === 0) throw new Error("usage: commands.mjs VMLINUX DUMP COMMAND...");
const options = { decoder: new IcedDecoder(), codecs: nodeCodecs, cache: fileCache() };
const t0 = performance.now();
const session = Session.open(new NodeFileSource("dump", dump), new NodeFileSource("vmlinux", vmlinux), options);
const t1 = performance.now();
const bare = Session.open(new NodeFileSource("dump", dump), undefined, options);
const t2 = performance.now();
const out: CommandFigures = { openMs: t1 - t0, openBareMs: t2 - t1, commands: [] };
for (const command of commands) {
  const a = performance.now();
  const result = session.run(command);
  const b = performance.now();
  session.run(command);
  const c = performance.now();
  bare.run(command);
  out.commands.push({ command, first: b - a, second: c - b, bareFirst: performance.now() - c, bytes: result.text.length, errors: result.errors.length });
}
process.stdout.write(JSON.stringify(out) + "\n");
