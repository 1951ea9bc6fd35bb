// `npm run bench`: kdw side by side with libkdumpfile, crash and drgn on the same dump in the same run, as
// ratios, then kdw at production scale (synthetic dumps, tasks and logs), and at the end one table of issue
// 19's goals with each figure, its peer's, the ratio and whether this run met it. Tools that are not
// installed are reported as absent (apt-get install python3-libkdumpfile crash python3-drgn). Timing is
// whole-process (GNU time) except page throughput, which both sides measure in-process around the same page
// reads, and the scale sections, in-process. `npx tsx test/bench/run.ts SECTION` runs one section: pages,
// info, scale, sys, commands, service, report, detect, search, kernel-scale, dwarf. The machine is shared: read the CPU
// figures beside the wall ones.
import { spawnSync } from "node:child_process";
import { buildSync } from "esbuild";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fixturesDir } from "../fixtures";
import { fmtRatio, haveGnuTime, measure, measureInterleaved, median, which } from "./harness";

/** Timed passes over every page, for each side; the median is reported. */
const PAGE_RUNS = 5;
/** Processes of kdw and of libkdumpfile per variant, in turn; the median one is reported. */
const PAGE_PROCESSES = 3;
import { CrashSession } from "./crash-session";
import { writeScaleDump } from "./scale-dump";
import { benchService } from "./service";
import { benchDetect } from "./detect";
import { Goals } from "./goals";
import { printTasksScale, type benchTasksScale, type psAtScale } from "./tasks-scale";
import type { benchLogScale } from "./log-scale";
import type { CommandFigures } from "./commands";
import type { PageThroughput, PassTimes } from "./pages";

const goals = new Goals();

const KDW = resolve("bin/kdw.cjs");
const SYSTEM_PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
/** The crash to compare with, if one runs here (`crash --version`): one that cannot start is named, not waited for. */
const CRASH = runnableCrash([process.env.KDW_CRASH, resolve("../shared/tools/crash-8.0.6"), which("crash")]);

function runnableCrash(candidates: (string | undefined)[]): string | undefined {
  for (const path of candidates) {
    if (!path || !existsSync(path)) continue;
    const r = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 60_000 });
    if (r.status === 0) return path;
    const why = (r.stderr ?? "").trim().split("\n").pop() || r.error?.message || `exit ${r.status}`;
    process.stdout.write(`crash: ${path} does not run: ${why}\n`);
  }
  return undefined;
}

function f(path: string): string {
  return join(fixturesDir, path);
}

function hasPythonModule(mod: string): boolean {
  return spawnSync(SYSTEM_PYTHON, ["-c", `import ${mod}`]).status === 0;
}

function section(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

function libkdumpfileThroughput(path: string, pfns: number[]): { pages: number; seconds: number; cpuSeconds: number } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "kdw-bench-"));
  try {
    const list = join(dir, "pfns.txt");
    writeFileSync(list, pfns.join("\n") + "\n");
    const r = spawnSync(SYSTEM_PYTHON, [resolve("test/bench/pages.py"), path, list, String(PAGE_RUNS)], { encoding: "utf8" });
    if (r.status !== 0) return undefined;
    const [n, s, c] = r.stdout.trim().split(" ").map(Number);
    return { pages: n!, seconds: s!, cpuSeconds: c! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first process's figures with the median seconds and CPU seconds of all of them. */
function medianProcess<T extends { seconds: number; cpuSeconds: number }>(xs: readonly T[]): T {
  return { ...xs[0]!, seconds: median(xs.map((x) => x.seconds)), cpuSeconds: median(xs.map((x) => x.cpuSeconds)) };
}

function benchPages(): void {
  section(`page decoding: every present page of each variant, median of ${PAGE_RUNS} passes, each on a freshly opened dump, in the median of ${PAGE_PROCESSES} processes of each side run in turn; kdw's two ways in turn in each process: the pages kept (readPage: each page its own memory) and a scan's (readPageTransient: a view of one reused buffer, valid until the next read), and for the ELF form the copy every reader without mmap makes (kdw collects the previous pass's garbage before timing the next, as libkdumpfile frees its previous object); kdw bundled, in processes of its own, after one warm-up pass, with its default decoders (WebAssembly LZO1X and zlib) (pages/s of wall time and of CPU time, in-process)`);
  const lkdf = hasPythonModule("kdumpfile");
  if (!lkdf) process.stdout.write("libkdumpfile: not installed (apt-get install python3-libkdumpfile); kdw figures only\n");
  const rate = (pages: number, s: number) => Math.round(pages / s).toString().padStart(7);
  for (const v of ["dump.lzo", "dump.zlib", "dump.flat", "dump.elf"]) {
    const path = f(v);
    if (!existsSync(path)) {
      process.stdout.write(`${v}: absent\n`);
      continue;
    }
    // A process for each side, PAGE_PROCESSES of each in turn, the median process: on this kind of VM a
    // whole process runs in a slow mode now and then (the same build's ELF pass: 506k pages/s once in ten,
    // 840-980k the others), which one process per figure turned into a failed goal.
    // libkdumpfile runs beside each kdw process until it fails once (dump.flat: it cannot read the format).
    const ks: PageThroughput[] = [];
    const ls: { pages: number; seconds: number; cpuSeconds: number }[] = [];
    for (let p = 0; p < PAGE_PROCESSES; p++) {
      const k = bundledPart<PageThroughput>("pages", [path, String(PAGE_RUNS)]);
      if (!k) break;
      ks.push(k);
      const l = lkdf && ls.length === ks.length - 1 ? libkdumpfileThroughput(path, k.pfns) : undefined;
      if (l) ls.push(l);
    }
    if (ks.length === 0) continue;
    const k = medianProcess(ks);
    const spread = (xs: { pages: number; seconds: number }[]) => (xs.length > 1 ? ` [processes: ${xs.map((x) => Math.round(x.pages / x.seconds)).join(", ")}]` : "");
    const scans = ks.map((x) => ({ ...x.scan, pages: x.pages }));
    const scan = medianProcess(scans);
    const floors = ks[0]!.copyFloor ? ks.map((x) => ({ ...x.copyFloor!, pages: x.pages })) : undefined;
    const row = (what: string, x: { pages: number; seconds: number; cpuSeconds: number }, xs: { pages: number; seconds: number }[]) =>
      `  ${what.padEnd(58)}${rate(x.pages, x.seconds)} wall ${rate(x.pages, x.cpuSeconds)} cpu${spread(xs)}\n`;
    let text = `${v} (${k.pages} pages: ${k.codecs})\n`;
    text += row("kdw, pages kept (readPage)", k, ks);
    text += row("kdw, a scan (readPageTransient, as search reads)", scan, scans);
    if (floors) text += row("the bytes alone: read(2) into one reused 256 KiB buffer", medianProcess(floors), floors);
    let peer: number | undefined;
    if (lkdf) {
      // Only when it read the file beside every kdw process.
      const l = ls.length === ks.length ? medianProcess(ls) : undefined;
      if (l) {
        text += row("libkdumpfile (Python: kdumpfile.read, a new bytearray)", l, ls);
        const ratio = (x: PassTimes) => `${fmtRatio(k.pages / x.seconds, l.pages / l.seconds)} wall ${fmtRatio(k.pages / x.cpuSeconds, l.pages / l.cpuSeconds)} cpu`;
        text += `  kdw/libkdumpfile: pages kept ${ratio(k)}; a scan ${ratio(scan)}\n`;
        peer = l.pages / l.seconds;
        goals.ratio(`page decoding, ${v}, a scan (pages/s of CPU)`, k.pages / scan.cpuSeconds, l.pages / l.cpuSeconds, "/s", { atLeast: 1.5 }, "libkdumpfile");
      } else text += "  libkdumpfile: failed to read this file\n";
    }
    if (v !== "dump.flat") goals.ratio(`page decoding, ${v}, a scan (pages/s of wall time)`, k.pages / scan.seconds, peer, "/s", { atLeast: 1.5 }, "libkdumpfile");
    process.stdout.write(text);
  }
}

/** kdw info and one page read on synthetic kdump-compressed dumps of growing size (test/bench/scale-dump.ts). */
function benchScale(): void {
  section("scale: synthetic kdump-compressed dumps (test/bench/scale-dump.ts: valid headers, bitmaps, one page_desc per dumped page), whole process, median of 3 (wall s, CPU s, peak RSS)");
  const dir = mkdtempSync(join(tmpdir(), "kdw-scale-"));
  const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
  try {
    const node = measure("node", ["-e", ""], { runs: 3 });
    process.stdout.write(`node start-up alone: ${node.wallSeconds.toFixed(2)} s, ${node.cpuSeconds.toFixed(2)} s CPU, ${mib(node.peakKiB)}\n`);
    process.stdout.write(`${"address space".padEnd(14)}${"dumped pages".padStart(13)}${"file".padStart(10)}   ${"kdw info: wall   CPU    peak".padEnd(30)}   kdw read one page: wall   CPU    peak\n`);
    for (const [gib, pages] of [
      [16, 262144],
      [64, 1 << 20],
      [1024, 8 << 20],
    ] as const) {
      const path = join(dir, `scale-${gib}g.kdump`);
      const d = writeScaleDump(path, gib, pages);
      const info = measure("node", [KDW, "info", path], { runs: 3 });
      const read = measure("node", [KDW, "read", path, "--phys", "0x" + (d.dataPfn * 4096).toString(16), "--count", "2"], { runs: 3 });
      const fig = (m: typeof info) => `${m.wallSeconds.toFixed(2).padStart(8)} s ${m.cpuSeconds.toFixed(2).padStart(5)} s ${mib(m.peakKiB).padStart(8)}${m.ok ? "" : " FAILED " + m.note}`;
      const size = gib >= 1024 ? `${gib / 1024} TiB` : `${gib} GiB`;
      process.stdout.write(`${size.padEnd(14)}${d.dumped.toString().padStart(13)}${mib(d.fileBytes / 1024).padStart(10)}   ${fig(info).padEnd(30)}   ${" ".repeat(17)}${fig(read)}\n`);
      if (gib >= 64) {
        goals.bound(`open a ${size} kdump (${d.dumped} pages): wall`, info.ok ? info.wallSeconds : undefined, "s", 1);
        goals.bound(`open a ${size} kdump: peak memory`, info.ok ? info.peakKiB / 1024 : undefined, "MiB", 300);
      }
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchInfo(): void {
  section("kdw info: whole process, median of 5 (wall s, peak RSS)");
  for (const v of ["dump.lzo", "dump.flat", "dump.elf"]) {
    if (!existsSync(f(v))) continue;
    const m = measure("node", [KDW, "info", f(v)]);
    process.stdout.write(`${v.padEnd(10)} ${m.wallSeconds.toFixed(3)} s  ${(m.peakKiB / 1024).toFixed(0)} MiB${m.ok ? "" : "  FAILED " + m.note}\n`);
  }
}

/** Rounds of kdw and drgn run in turn for the start-to-sys goal. */
const SIDE_BY_SIDE_RUNS = 9;

function benchSys(): void {
  section(`start to the sys summary: whole process (wall s, peak RSS): kdw and drgn median of ${SIDE_BY_SIDE_RUNS} rounds side by side, the rest of 5`);
  const vmlinux = f("vmlinux");
  const dump = f("dump.lzo");
  if (!existsSync(vmlinux) || !existsSync(dump)) return void process.stdout.write("fixtures absent\n");
  // NODE_EXTRA_CA_CERTS (set on this machine for npm's registry) makes Node 20 read and parse that
  // certificate file before any script runs, ~40 ms of every start, though kdw makes no TLS connection. A
  // user's machine has no such setting: the goal is measured without it, and the start with it printed too.
  const caCerts = process.env.NODE_EXTRA_CA_CERTS !== undefined;
  const plainNode = { NODE_EXTRA_CA_CERTS: undefined };
  // kdw and drgn (the goal's peer) in turn, one run of each per round: the ratio compares processes that
  // ran side by side, whatever the machine's speed did meanwhile.
  const drgnScript = `import drgn; p = drgn.Program(); p.set_core_dump(${JSON.stringify(dump)}); p.load_debug_info([${JSON.stringify(vmlinux)}]); print(p["init_uts_ns"].name.release.string_().decode())`;
  const haveDrgn = hasPythonModule("drgn");
  const kdwRun = { cmd: "node", args: [KDW, "console", vmlinux, dump, "-c", "sys"], options: { env: plainNode } };
  const [kdw, drgnFigures] = haveDrgn ? measureInterleaved([kdwRun, { cmd: SYSTEM_PYTHON, args: ["-c", drgnScript] }], SIDE_BY_SIDE_RUNS) : [measure(kdwRun.cmd, kdwRun.args, kdwRun.options)];
  if (kdw === undefined) return;
  // No vmlinux at all: kallsyms, BTF and ORC from the dump itself (the goal: no slower than with the vmlinux).
  // On dump.elf too: there the kernel's tables are read as they are, not decompressed page by page.
  const bare = measure("node", [KDW, "console", dump, "--no-debuginfo", "-c", "sys"], { env: plainNode });
  const rows: [string, typeof kdw][] = [["kdw", kdw], ["kdw, no vmlinux", bare]];
  if (caCerts) rows.push(["kdw, CA certs", measure("node", [KDW, "console", vmlinux, dump, "-c", "sys"])]);
  const elf = f("dump.elf");
  if (existsSync(elf)) {
    rows.push(["kdw, dump.elf", measure("node", [KDW, "console", vmlinux, elf, "-c", "sys"], { env: plainNode })]);
    rows.push(["no vmlinux, elf", measure("node", [KDW, "console", elf, "--no-debuginfo", "-c", "sys"], { env: plainNode })]);
  }
  if (CRASH) rows.push(["crash", measure(CRASH, ["-s", vmlinux, dump], { input: "sys\nq\n" })]);
  else process.stdout.write("crash: not installed, or does not run (see the top)\n");
  if (drgnFigures) rows.push(["drgn", drgnFigures]);
  else process.stdout.write("drgn: not installed (apt-get install python3-drgn)\n");
  for (const [name, m] of rows) {
    process.stdout.write(`${name.padEnd(16)} ${m.wallSeconds.toFixed(3)} s  ${(m.peakKiB / 1024).toFixed(0)} MiB  time ratio kdw/${name} ${fmtRatio(kdw.wallSeconds, m.wallSeconds)}  memory ratio ${fmtRatio(kdw.peakKiB, m.peakKiB)}${m.ok ? "" : "  FAILED " + m.note}\n`);
  }
  const drgn = rows.find(([name]) => name === "drgn")?.[1];
  goals.ratio(`start to the sys summary: wall${caCerts ? " (Node without NODE_EXTRA_CA_CERTS)" : ""}`, kdw.wallSeconds, drgn?.ok ? drgn.wallSeconds : undefined, "s", { atMost: 0.5 }, "drgn");
  goals.ratio("start to the sys summary: peak memory", kdw.peakKiB / 1024, drgn?.ok ? drgn.peakKiB / 1024 : undefined, "MiB", { atMost: 0.5 }, "drgn");
}

/**
 * Processes the commands run in with the cache folder filled: each figure is their median. 7: with 5, one
 * slow phase of this VM (every figure of a process 30-50% up, two processes running) moved kdw's median of
 * a 2 ms first run by half.
 */
const COMMAND_RUNS = 7;
/**
 * crash sessions the commands table times (each starts in 7-12 s): as many as kdw's processes, so that
 * each ratio is of two medians of the same number of turns (with 3 of crash's, one slow phase of the VM
 * moved crash's median of a few-millisecond command by half).
 */
const CRASH_SESSIONS = 7;

/** Each figure of several runs of commands.ts: its median. */
function medianFigures(runs: CommandFigures[]): CommandFigures {
  const first = runs[0]!;
  return {
    openMs: median(runs.map((r) => r.openMs)),
    idleMs: median(runs.map((r) => r.idleMs)),
    idleBetweenMs: median(runs.map((r) => r.idleBetweenMs)),
    commands: first.commands.map((c, i) => ({
      ...c,
      first: median(runs.map((r) => r.commands[i]!.first)),
      second: median(runs.map((r) => r.commands[i]!.second)),
      errors: Math.max(...runs.map((r) => r.commands[i]!.errors)),
    })),
  };
}

/** Per-command latency without start-up: kdw in a process of its own, bundled (commands.ts), crash through one interactive process. */
async function benchCommands(): Promise<void> {
  section(`console commands without start-up, first run and second run (ms): kdw through its service as the console runs it (bundled, one session per process; median of ${COMMAND_RUNS} processes, and as many with no vmlinux), after its open (dump, vmlinux, task table) and the console's idle work after it; crash in each of ${CRASH_SESSIONS} sessions after its start-up, the median; the two take turns`);
  const vmlinux = f("vmlinux");
  const dump = f("dump.lzo");
  if (!existsSync(vmlinux) || !existsSync(dump)) return void process.stdout.write("fixtures absent\n");
  const commands = ["sys", "ps", "log", "mod", "foreach files", "bt -a", "foreach bt", "runq", "kmem -i"];
  // The first session on this vmlinux builds the tables kdw keeps by build id in the user's cache folder (the
  // DWARF index, the sorted symbols, the symtab's name index); every later one reads them. Both are shown;
  // the goal rows take the later one, the session a user opens every day.
  const cacheDir = mkdtempSync(join(tmpdir(), "kdw-bench-cache-"));
  const cold = bundledPart<CommandFigures>("commands", [vmlinux, dump, ...commands], { KDW_CACHE_DIR: cacheDir });
  // kdw's processes and crash's sessions take turns (kdw, crash, kdw, crash, ...), as farm-bench pairs its
  // runs: this VM drifts between slow and fast phases of a minute or more, and a ratio of figures taken in
  // different phases measures the phase. crash's first run of a command happens once per session: its
  // figures are the median of CRASH_SESSIONS sessions, each timing every command twice in the table's
  // order, as kdw's are of COMMAND_RUNS processes.
  const warm: CommandFigures[] = [];
  const bare: CommandFigures[] = [];
  const crashTimes = new Map<string, { first: number[]; second: number[] }>();
  const startups: number[] = [];
  for (let run = 0; run < Math.max(COMMAND_RUNS, CRASH ? CRASH_SESSIONS : 0); run++) {
    if (run < COMMAND_RUNS) {
      const w = bundledPart<CommandFigures>("commands", [vmlinux, dump, ...commands], { KDW_CACHE_DIR: cacheDir });
      if (w) warm.push(w);
      // The same commands with no vmlinux (kallsyms and BTF from the dump), in a process of its own.
      const b = bundledPart<CommandFigures>("commands", ["-", dump, ...commands], { KDW_CACHE_DIR: cacheDir });
      if (b) bare.push(b);
    }
    if (CRASH && run < CRASH_SESSIONS) {
      const crash = new CrashSession(CRASH, vmlinux, dump);
      startups.push(await crash.startupSeconds);
      for (const c of commands) {
        const t = crashTimes.get(c) ?? { first: [], second: [] };
        t.first.push((await crash.time(c)) * 1000);
        t.second.push((await crash.time(c)) * 1000);
        crashTimes.set(c, t);
      }
      await crash.close();
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
  if (!cold || warm.length === 0 || bare.length === 0) return;
  const figures = medianFigures(warm);
  const bareFigures = medianFigures(bare);
  const coldOf = new Map(cold.commands.map((c) => [c.command, c.first]));
  // Each command's first run in every process, lowest to highest: a first run swings widely on a small VM
  // (when V8's first full collection or a compile thread lands in it), which a median alone hides.
  const firstRange = (i: number): string => {
    const xs = warm.map((w) => w.commands[i]!.first);
    return `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
  };
  process.stdout.write(`kdw open: ${figures.openMs.toFixed(0)} ms with the vmlinux (${cold.openMs.toFixed(0)} ms with an empty cache folder), ${bareFigures.openMs.toFixed(0)} ms with no vmlinux (kallsyms and BTF from the dump)\n`);
  process.stdout.write(`kdw idle work after the open, as the console's worker does it while its prompt is up (the dump's read buffers mapped, heap settled, young generation warmed; in no figure below): ${figures.idleMs.toFixed(0)} ms with the vmlinux, ${bareFigures.idleMs.toFixed(0)} ms with none; and after each answer, while the user reads it (a scavenge when the young generation is filling), ${figures.idleBetweenMs.toFixed(1)} ms over the ${figures.commands.length * 2} runs below\n`);
  if (CRASH) process.stdout.write(`crash start-up: ${median(startups).toFixed(1)} s (median of ${CRASH_SESSIONS} sessions, taking turns with kdw's processes)\n`);
  else process.stdout.write("crash: not installed, or does not run (see the top); kdw figures only\n");
  const withCrash = crashTimes.size > 0;
  process.stdout.write(`${"command".padEnd(16)}${"kdw 1st".padStart(10)}${"(each process)".padStart(16)}${"kdw 2nd".padStart(10)}${"empty cache 1st".padStart(17)}${"no vmlinux 1st".padStart(16)}${withCrash ? "crash 1st".padStart(11) + "crash 2nd".padStart(11) + "  ratio 1st  ratio 2nd" : ""}\n`);
  for (const [i, { command: c, first: k1, second: k2, errors }] of figures.commands.entries()) {
    const bareFirst = bareFigures.commands[i]!.first;
    let line = `${c.padEnd(16)}${k1.toFixed(0).padStart(10)}${firstRange(i).padStart(16)}${k2.toFixed(0).padStart(10)}${(coldOf.get(c) ?? NaN).toFixed(0).padStart(17)}${bareFirst.toFixed(0).padStart(16)}`;
    const t = crashTimes.get(c);
    if (t) {
      const c1 = median(t.first);
      const c2 = median(t.second);
      line += `${c1.toFixed(0).padStart(11)}${c2.toFixed(0).padStart(11)}  ${fmtRatio(k1, c1).padStart(9)}  ${fmtRatio(k2, c2).padStart(9)}`;
      goals.ratio(`${c}: first run`, k1, c1, "ms", { atMost: 1 }, "crash");
      goals.ratio(`${c}: second run`, k2, c2, "ms", { atMost: 1 }, "crash");
    }
    process.stdout.write(line + (errors > 0 ? `  (kdw: ${errors} error lines)` : "") + "\n");
  }
}

/** The parts of the bench that run bundled in a process of their own, by their file in test/bench. */
const BUNDLED_PARTS = { "kernel-scale": "kernel-scale.ts", commands: "commands.ts", pages: "pages.ts" } as const;
const bundled = new Set<string>();

/**
 * Runs a file of test/bench bundled as the CLI is (esbuild, out/bench/) in a fresh process and returns the
 * JSON it prints last: the figures are those of the code users run, not of tsx's transform (which wraps
 * every inner function to keep its name), nor carry the heap of earlier sections.
 */
function bundledPart<T>(name: keyof typeof BUNDLED_PARTS, args: string[], env: Record<string, string> = {}): T | undefined {
  const bundle = resolve(`out/bench/${name}.mjs`);
  if (!bundled.has(name)) {
    buildSync({ entryPoints: [resolve("test/bench", BUNDLED_PARTS[name])], outfile: bundle, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "warning" });
    bundled.add(name);
  }
  // The page passes collect what the previous pass left before each timed pass (pages.ts): gc() exposed.
  // (Tried on the scale parts' runs too: no change beyond the machine's swings, so they run as they are.)
  const nodeArgs = name === "pages" ? ["--expose-gc"] : [];
  const r = spawnSync(process.execPath, [...nodeArgs, bundle, ...args], { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stdout.write(`${name} ${args.join(" ")} failed: ${(r.stderr ?? "").split("\n").filter(Boolean).slice(-1)[0] ?? r.status}\n`);
    return undefined;
  }
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as T | null) ?? undefined;
}

/** Runs one part of test/bench/kernel-scale.ts, bundled, in a fresh process. */
function kernelScalePart<T>(part: "tasks" | "ps" | "log"): T | undefined {
  return bundledPart<T>("kernel-scale", [part]);
}

/** Tasks and the kernel log at production size, on the fixture's kernel (synthetic-tasks.ts, synthetic-log.ts). */
function benchKernelScale(): void {
  section("tasks at scale: the fixture's kernel with 50,000 more tasks (half kernel threads, half user threads in groups of 8), in a process of its own, bundled as the CLI is");
  const figures = kernelScalePart<ReturnType<typeof benchTasksScale>>("tasks");
  printTasksScale(figures, 50_000);
  const byName = new Map((figures ?? []).map((f) => [f.name, f]));
  goals.bound("tasks: first page of 1000 (50,110 tasks)", byName.get("tasks: first page of 1000")?.wallMs, "ms", 100);
  goals.bound("task tree: every page (50,110 tasks)", byName.get("tasks: every page of 1000")?.wallMs, "ms", 2000);
  goals.bound("ps (50,110 tasks)", byName.get("ps")?.wallMs, "ms", 2000);
  goals.bound("foreach bt (50,110 tasks)", byName.get("foreach bt")?.wallMs, "ms", 2000);
  section("scale table: tasks -> ps (a fresh Program each, one run, in a process of its own)");
  process.stdout.write(`${"tasks".padStart(8)}${"ps wall".padStart(10)}${"ps CPU".padStart(10)}\n`);
  for (const r of kernelScalePart<ReturnType<typeof psAtScale>[]>("ps") ?? []) {
    if (r) process.stdout.write(`${r.tasks.toString().padStart(8)}${r.wallMs.toFixed(0).padStart(8)} ms${r.cpuMs.toFixed(0).padStart(8)} ms\n`);
  }
  section("log with a 16 MiB ring: the fixture's kernel with a lockless printk ring of 2^24 bytes of text, median of 3, in a process of its own");
  const log = kernelScalePart<ReturnType<typeof benchLogScale>>("log");
  if (!log) return void process.stdout.write("fixtures absent\n");
  process.stdout.write(`${log.records} records, ${(log.textBytes / 2 ** 20).toFixed(1)} MiB of text in the ring\n`);
  for (const f of log.figures) process.stdout.write(`${f.name.padEnd(24)}${f.wallMs.toFixed(0).padStart(7)} ms wall${f.cpuMs.toFixed(0).padStart(7)} ms CPU   goal ${f.goalMs} ms   ${f.note}\n`);
  goals.bound("log, 16 MiB ring (270k records)", log.figures.find((f) => f.name === "log")?.wallMs, "ms", 300);
}

/**
 * The machine as the run found it: the load average, and what a fresh page of memory costs to fault in (a
 * child process writing 64 MiB it has just allocated). On this kind of VM the second swings by half between
 * phases of a few minutes and moves kdw's first runs, which touch new memory, more than crash's, whose
 * memory was touched at its start-up: printed at the start and the end of the run, beside the figures.
 */
function machineState(when: string): void {
  const probe = "const n=64<<20,b=new Uint8Array(n),t=performance.now();for(let i=0;i<n;i+=4096)b[i]=1;process.stdout.write(String((performance.now()-t)*1000/(n/4096)))";
  const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  const us = Number(r.stdout);
  let load = "?";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    // Not Linux: the load is not shown.
  }
  process.stdout.write(`machine at the ${when}: load average ${load}; a fresh 4 KiB page of memory faults in ${Number.isFinite(us) ? us.toFixed(1) : "?"} us\n`);
}

if (!haveGnuTime) process.stdout.write("note: /usr/bin/time not found (apt-get install time): whole-process figures are skipped\n");
machineState("start");
const only = process.argv[2];
if (!only || only === "pages") benchPages();
if (haveGnuTime && (!only || only === "info")) benchInfo();
if (haveGnuTime && (!only || only === "scale")) benchScale();
if (haveGnuTime && (!only || only === "sys")) benchSys();
if (!only || only === "commands") await benchCommands();
if (!only || only === "service") await benchService(f("dump.lzo"), f("vmlinux"));
if (!only || only === "report") await (await import("./report")).benchReport(f("dump.lzo"), f("vmlinux"));
if (!only || only === "detect") benchDetect(f("dump.lzo"), f("vmlinux"), section);
if (!only || only === "search") await (await import("./search")).benchSearch(f("dump.lzo"), f("vmlinux"), CRASH, section);
if (!only || only === "kernel-scale") benchKernelScale();
if (haveGnuTime && (!only || only === "dwarf")) (await import("./dwarf")).benchDwarf(f("vmlinux"), f("dump.lzo"), hasPythonModule("drgn") ? SYSTEM_PYTHON : undefined, section, goals);
machineState("end");
goals.print((t) => process.stdout.write(t));
