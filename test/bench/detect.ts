// The detectors' cost on the main fixture after the session is open (goal: all rules under 1 s, the hook
// rules alone under 300 ms), in-process, each run on a freshly opened session (nothing the first run walked
// is cached), as `kdw findings` pays it: the same user cache for the symbol table, the same decoder. The
// decoder's first load (compiling iced-x86's WebAssembly) is paid in a warm-up, as the console pays it for
// its first dis or bt; the figure with it included is printed too.
import { existsSync } from "node:fs";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { nodeCodecs } from "../../src/cli/node-codecs";
import { fileCache } from "../../src/cli/cache";
import { Session } from "../../src/core/session/session";
import { runRules, HOOK_RULES } from "../../src/core/detect/run";
import type { Rule } from "../../src/core/detect/rule";
import { median } from "./harness";

const RUNS = 5;

function openFixture(dump: string, vmlinux: string, decoder: IcedDecoder): Session {
  return Session.open(new NodeFileSource("dump.lzo", dump), new NodeFileSource("vmlinux", vmlinux), { decoder, codecs: nodeCodecs, cache: fileCache() });
}

function timeRules(dump: string, vmlinux: string, decoder: IcedDecoder, rules?: readonly Rule[]): { ms: number; findings: number; slowest: string } {
  const s = openFixture(dump, vmlinux, decoder);
  const ctx = s.context;
  const t0 = performance.now();
  const r = runRules(ctx.prog, { rules, symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
  const ms = performance.now() - t0;
  const slowest = [...r.timings].sort((a, b) => b.ms - a.ms).slice(0, 3).map((t) => `${t.rule} ${t.ms}`).join(", ");
  return { ms, findings: r.findings.length, slowest };
}

export function benchDetect(dump: string, vmlinux: string, section: (title: string) => void): void {
  section(`detectors on dump.lzo after open: median of ${RUNS} runs, each on a freshly opened session (ms, in-process)`);
  if (!existsSync(vmlinux) || !existsSync(dump)) return void process.stdout.write("fixtures absent\n");
  // The first decode compiles iced-x86's WebAssembly: measured once, on its own.
  const cold = new IcedDecoder();
  const d0 = performance.now();
  cold.branches(new Uint8Array([0xe9, 0, 0, 0, 0, 0xc3]), 0n, 2);
  const decoderLoad = performance.now() - d0;
  const decoder = new IcedDecoder();
  timeRules(dump, vmlinux, decoder); // warm-up: JIT, and the symbol table in the user cache
  const all = Array.from({ length: RUNS }, () => timeRules(dump, vmlinux, decoder));
  const hooks = Array.from({ length: RUNS }, () => timeRules(dump, vmlinux, decoder, HOOK_RULES));
  const allMs = median(all.map((r) => r.ms));
  const hookMs = median(hooks.map((r) => r.ms));
  process.stdout.write(`all rules   ${allMs.toFixed(0).padStart(6)} ms  (goal < 1000; ${all[0]!.findings} findings; slowest: ${all[0]!.slowest})\n`);
  process.stdout.write(`hook rules  ${hookMs.toFixed(0).padStart(6)} ms  (goal < 300; slowest: ${hooks[0]!.slowest})\n`);
  process.stdout.write(`iced-x86 first load ${decoderLoad.toFixed(0)} ms (paid once per process, by the first of dis, bt or the x64_sys_call check)\n`);
}
