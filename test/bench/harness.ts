// Whole-process timing for `npm run bench`: median wall time and peak RSS over several runs, measured by
// /usr/bin/time (GNU time), so kdw and the tools it is compared with are measured the same way.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ProcessFigures {
  wallSeconds: number;
  /** User + system CPU seconds (what the process cost, whatever else the machine was running). */
  cpuSeconds: number;
  peakKiB: number;
  runs: number;
  ok: boolean;
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const haveGnuTime = existsSync("/usr/bin/time");

export interface MeasureOptions {
  runs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

/** One process's figures: wall seconds (the parent's clock), CPU seconds, peak KiB, and its failure if any. */
interface OneRun {
  wall: number;
  cpu: number;
  peak: number;
  failure?: string;
}

function runOnce(dir: string, cmd: string, args: string[], options: MeasureOptions): OneRun {
  const out = join(dir, "time.txt");
  const started = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M %U %S", "-o", out, cmd, ...args], {
    input: options.input ?? "",
    env: { ...process.env, ...options.env },
    maxBuffer: 1 << 28,
    encoding: "latin1",
  });
  // Wall time to the microsecond from here (time's %e has 10 ms steps), its own fork and exec included.
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const [, peak, user, sys] = readFileSync(out, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  const failure = r.status !== 0 ? `exit ${r.status}: ${(r.stderr ?? "").split("\n").filter(Boolean).slice(-1)[0] ?? ""}` : undefined;
  return { wall, cpu: user! + sys!, peak: peak!, ...(failure ? { failure } : {}) };
}

function figures(all: OneRun[], runs: number): ProcessFigures {
  const failed = all.find((r) => r.failure);
  const kept = all.slice(1);
  return {
    wallSeconds: median(kept.map((r) => r.wall)),
    cpuSeconds: median(kept.map((r) => r.cpu)),
    peakKiB: median(kept.map((r) => r.peak)),
    runs,
    ok: !failed,
    ...(failed ? { note: failed.failure } : {}),
  };
}

/** Runs `cmd args` `runs` times after one warm-up; stdin text optional. Output is discarded. */
export function measure(cmd: string, args: string[], options: MeasureOptions = {}): ProcessFigures {
  return measureInterleaved([{ cmd, args, options }], options.runs)[0]!;
}

/**
 * Several commands measured in turn, one run of each per round (a warm-up round first), so that a ratio
 * between them compares processes that ran side by side: the machine's speed drifts 10-30 % between
 * minutes here, and a peer timed a minute after kdw carried that drift into the ratio.
 */
export function measureInterleaved(commands: { cmd: string; args: string[]; options?: MeasureOptions }[], runs = 5): ProcessFigures[] {
  const dir = mkdtempSync(join(tmpdir(), "kdw-bench-"));
  const all = commands.map((): OneRun[] => []);
  try {
    for (let i = 0; i <= runs; i++) commands.forEach((c, k) => all[k]!.push(runOnce(dir, c.cmd, c.args, c.options ?? {})));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return all.map((a) => figures(a, runs));
}

export function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export function fmtRatio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}x` : "-";
}

/**
 * Collects what earlier runs left on the heap, when the process was started with --expose-gc (run.ts starts
 * the page passes so): each timed run then pays for its own garbage, not for the previous run's, as a peer's
 * harness frees its previous object before its clock starts.
 */
export function collectPrevious(): void {
  (globalThis as { gc?: () => void }).gc?.();
  // V8 frees the dead buffers' memory on a background thread after the collection: left to run, it would be
  // counted in the next run's CPU time (seen: a scan after a readPage pass used 22 ms of CPU in 17 ms of wall
  // time). A pause lets it finish first.
  Atomics.wait(PAUSE, 0, 0, 50);
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
