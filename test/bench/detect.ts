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

interface Timing {
  /** Wall time and this process's CPU time (user + system), ms: on a shared machine the CPU time is the steadier. */
  ms: number;
  cpuMs: number;
  findings: number;
  slowest: string;
}

function timeRules(dump: string, vmlinux: string, decoder: IcedDecoder, rules?: readonly Rule[], triage = true): Timing {
  const s = openFixture(dump, vmlinux, decoder);
  const ctx = s.context;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runRules(ctx.prog, { rules, triage, symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const slowest = [...r.timings].sort((a, b) => b.ms - a.ms).slice(0, 3).map((t) => `${t.rule} ${t.ms}`).join(", ");
  return { ms, cpuMs: (c.user + c.system) / 1000, findings: r.findings.length, slowest };
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
  const hooks = Array.from({ length: RUNS }, () => timeRules(dump, vmlinux, decoder, HOOK_RULES, false));
  const line = (name: string, xs: Timing[], goal: number) =>
    `${name.padEnd(11)} wall ${median(xs.map((r) => r.ms)).toFixed(0).padStart(5)} ms  cpu ${median(xs.map((r) => r.cpuMs)).toFixed(0).padStart(5)} ms  (goal < ${goal}; ${xs[0]!.findings} findings; slowest rules of the first run: ${xs[0]!.slowest})\n`;
  process.stdout.write(line("all rules", all, 1000));
  process.stdout.write(line("hook rules", hooks, 300).replace("(goal", "(no triage; goal"));
  process.stdout.write(`iced-x86 first load ${decoderLoad.toFixed(0)} ms (paid once per process, by the first of dis, bt or the x64_sys_call check)\n`);
}
