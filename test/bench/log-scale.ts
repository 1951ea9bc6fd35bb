// `log` with a 16 MiB kernel log: the fixture's kernel with a lockless printk ring of 2^24 bytes of text
// (test/fixtures/synthetic-log.ts: the fixture's records repeated until the ring is full, several laps in),
// each run on a fresh Program (the ring not yet read), in-process, median of RUNS.
import { fixtureSession } from "../session-fixture";
import { withSyntheticLog } from "../fixtures/synthetic-log";
import { logPage } from "../../src/core/session/queries/log";
import type { CommandContext } from "../../src/core/commands/command";
import { median } from "./harness";
import type { TasksScaleFigure } from "./tasks-scale";

const RUNS = 3;

export function benchLogScale(dataBits = 24): { figures: TasksScaleFigure[]; records: number; textBytes: number } | undefined {
  const session = fixtureSession();
  if (!session) return undefined;
  const base = session.context;
  const syn = withSyntheticLog(base.prog, dataBits);
  const figures: TasksScaleFigure[] = [];
  const time = (name: string, goalMs: number, fn: () => string) => {
    const walls: number[] = [];
    const cpus: number[] = [];
    let note = "";
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      note = fn();
      const c = process.cpuUsage(c0);
      walls.push(performance.now() - t0);
      cpus.push((c.user + c.system) / 1000);
    }
    figures.push({ name, goalMs, wallMs: median(walls), cpuMs: median(cpus), note });
  };
  time("log", 300, () => {
    const ctx: CommandContext = { ...base, prog: syn.fresh(), state: { valueHistory: 0 } };
    const r = base.commands.find("log")!.run(ctx, []);
    // The first char: a text made by concatenation is joined into one string here, as printing it would.
    return `${(r.text.length / 2 ** 20).toFixed(1)} MiB of text (${r.text.charCodeAt(r.text.length >> 1)}), ${(r.errors ?? []).length} error lines`;
  });
  time("log query: first page", 300, () => `${logPage(syn.fresh(), { offset: 0, limit: 5000 }).items.length} records`);
  return { figures, records: syn.records, textBytes: syn.textBytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchLogScale(Number(process.argv[2] ?? 24));
  if (!r) process.stdout.write("fixtures absent\n");
  else {
    process.stdout.write(`${r.records} records, ${(r.textBytes / 2 ** 20).toFixed(1)} MiB of text in the ring\n`);
    for (const f of r.figures) process.stdout.write(`${f.name.padEnd(24)} ${f.wallMs.toFixed(0).padStart(6)} ms wall ${f.cpuMs.toFixed(0).padStart(6)} ms CPU  goal ${f.goalMs} ms  ${f.note}\n`);
  }
}
