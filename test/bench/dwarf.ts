// The DWARF side of issue 19: the name index built cold (a process of its own each time, no cache) with one
// thread and with two (the caller and a worker), beside drgn's load_debug_info of the same vmlinux; and the
// CLI's peak memory when `whatis`, `p`, `dis -l` and `log` run first in a session with an empty cache folder
// (and `sys`, `dis` without -l: what the process holds without DWARF).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import type { Goals } from "./goals";
import { median } from "./harness";

const RUNS = 3;
const BUNDLE = resolve("out/bench/dwarf-index.mjs");
const KDW = resolve("bin/kdw.cjs");

interface IndexRun {
  wallMs: number;
  cpuMs: number;
  names: number;
  threads: number;
  ranges: number;
  byCaller: number;
  rebuilt: string[];
  sha256: string;
  rssMiB: number;
}

function indexRun(vmlinux: string, threads: number | "default"): IndexRun | undefined {
  const r = spawnSync(process.execPath, [BUNDLE, vmlinux, String(threads)], { encoding: "utf8" });
  if (r.status !== 0) {
    process.stdout.write(`dwarf-index failed: ${(r.stderr ?? "").split("\n").filter(Boolean).slice(-1)[0] ?? r.status}\n`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as IndexRun;
}

/** drgn's load_debug_info of the vmlinux (its DWARF index, built in parallel by OpenMP), in seconds. */
function drgnLoad(python: string, vmlinux: string, dump: string): number | undefined {
  const script = `import drgn, time\np = drgn.Program()\np.set_core_dump(${JSON.stringify(dump)})\nt = time.time()\np.load_debug_info([${JSON.stringify(vmlinux)}])\nprint(time.time() - t)`;
  const r = spawnSync(python, ["-c", script], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** `kdw VMLINUX DUMP -c CMD` with an empty cache folder, under GNU time: wall seconds and peak RSS in MiB. */
function firstRun(vmlinux: string, dump: string, cmd: string, env: NodeJS.ProcessEnv): { wall: number; peakMiB: number } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "kdw-bench-dwarf-"));
  try {
    const out = join(dir, "time.txt");
    const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", out, process.execPath, KDW, vmlinux, dump, "-c", cmd], { env: { ...process.env, ...env, KDW_CACHE_DIR: join(dir, "cache") }, encoding: "latin1", maxBuffer: 1 << 26 });
    if (r.status !== 0) return undefined;
    const [wall, peak] = readFileSync(out, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return { wall: wall!, peakMiB: peak! / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function benchDwarf(vmlinux: string, dump: string, python: string | undefined, section: (t: string) => void, goals: Goals): void {
  section(`DWARF name index, cold (a process each, no cache; median of ${RUNS}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")})`);
  buildSync({ entryPoints: [resolve("test/bench/dwarf-index.ts")], outfile: BUNDLE, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "warning" });
  const shas = new Set<string>();
  const wallBy = new Map<string, number>();
  for (const threads of [1, 2, "default"] as const) {
    const runs = Array.from({ length: RUNS }, () => indexRun(vmlinux, threads)).filter((r): r is IndexRun => r !== undefined);
    if (!runs.length) continue;
    for (const r of runs) shas.add(r.sha256);
    const wall = median(runs.map((r) => r.wallMs));
    const label = threads === "default" ? `the CLI's default (${runs[0]!.threads} thread${runs[0]!.threads > 1 ? "s" : ""} on ${availableParallelism()} cores)` : `${threads} thread${threads > 1 ? "s" : ""}`;
    wallBy.set(String(threads), wall);
    const rebuilt = runs.flatMap((r) => r.rebuilt);
    process.stdout.write(
      `kdw, ${label}: ${wall.toFixed(0)} ms wall, ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms CPU (all threads), ${runs[0]!.names} names, RSS at the end ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB${runs[0]!.threads > 1 ? `, ranges built by the caller: ${runs.map((r) => `${r.byCaller}/${r.ranges}`).join(" ")}` : ""}${rebuilt.length ? `; parts rebuilt: ${rebuilt.join("; ")}` : ""}\n`,
    );
  }
  process.stdout.write(`index images: ${shas.size === 1 ? "identical whatever the thread count" : `DIFFER (${shas.size} distinct)`}\n`);
  let drgn: number | undefined;
  if (python) {
    const runs = Array.from({ length: RUNS }, () => drgnLoad(python, vmlinux, dump)).filter((x): x is number => x !== undefined);
    drgn = runs.length ? median(runs) * 1000 : undefined;
    process.stdout.write(drgn === undefined ? "drgn: load_debug_info failed\n" : `drgn load_debug_info: ${drgn.toFixed(0)} ms wall\n`);
  }
  const chosen = wallBy.get("default");
  goals.bound("DWARF index, cold, the CLI's threads: wall", chosen, "ms", 1500);
  if (chosen !== undefined && drgn !== undefined) goals.ratio("DWARF index, cold, vs drgn", chosen, drgn, "ms", { atMost: 1 }, "drgn");

  section(`first command that needs it, empty cache folder: kdw VMLINUX DUMP -c CMD, peak RSS (median of ${RUNS})`);
  for (const [cmd, env] of [
    ["sys", {}],
    ["whatis task_struct", {}],
    ["p jiffies", {}],
    ["p jiffies", { KDW_INDEX_THREADS: "1" }],
    ["p jiffies", { KDW_INDEX_THREADS: "2" }],
    ["dis schedule", {}],
    ["dis -l schedule", {}],
    ["log", {}],
  ] as [string, NodeJS.ProcessEnv][]) {
    const runs = Array.from({ length: RUNS }, () => firstRun(vmlinux, dump, cmd, env)).filter((r): r is { wall: number; peakMiB: number } => r !== undefined);
    if (!runs.length) {
      process.stdout.write(`${cmd}: failed\n`);
      continue;
    }
    const peak = median(runs.map((r) => r.peakMiB));
    const label = `${cmd}${env.KDW_INDEX_THREADS ? ` (${env.KDW_INDEX_THREADS} index thread${env.KDW_INDEX_THREADS === "1" ? "" : "s"})` : ""}`;
    process.stdout.write(`${label.padEnd(36)}${peak.toFixed(0).padStart(6)} MiB peak${median(runs.map((r) => r.wall)).toFixed(2).padStart(8)} s wall (whole process)\n`);
    // sys, log and dis without -l need no DWARF: they show what the rest of the process holds. The goal is
    // for the CLI's own choice of threads.
    if (cmd !== "sys" && cmd !== "log" && cmd !== "dis schedule" && !env.KDW_INDEX_THREADS) goals.bound(`${label}, first run: peak memory`, peak, "MiB", 150);
  }
}
