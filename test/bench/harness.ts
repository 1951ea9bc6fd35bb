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

/** Runs `cmd args` `runs` times after one warm-up; stdin text optional. Output is discarded. */
export function measure(cmd: string, args: string[], options: { runs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): ProcessFigures {
  const runs = options.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), "kdw-bench-"));
  const walls: number[] = [];
  const cpus: number[] = [];
  const rss: number[] = [];
  let ok = true;
  let note: string | undefined;
  try {
    for (let i = 0; i <= runs; i++) {
      const out = join(dir, "time.txt");
      const started = process.hrtime.bigint();
      const r = spawnSync("/usr/bin/time", ["-f", "%e %M %U %S", "-o", out, cmd, ...args], {
        input: options.input ?? "",
        env: { ...process.env, ...options.env },
        maxBuffer: 1 << 28,
        encoding: "latin1",
      });
      // Wall time to the microsecond from here (time's %e has 10 ms steps), its own fork and exec included.
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      if (r.status !== 0) {
        ok = false;
        note = `exit ${r.status}: ${(r.stderr ?? "").split("\n").filter(Boolean).slice(-1)[0] ?? ""}`;
      }
      if (i === 0) continue;
      const [, peak, user, sys] = readFileSync(out, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      walls.push(elapsed);
      cpus.push(user! + sys!);
      rss.push(peak!);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { wallSeconds: median(walls), cpuSeconds: median(cpus), peakKiB: median(rss), runs, ok, note };
}

export function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export function fmtRatio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}x` : "-";
}
