// Tasks at scale: the fixture's kernel with 50,000 more tasks (test/fixtures/synthetic-tasks.ts: half kernel
// threads, half user threads in groups of 8), each query on a fresh Program (nothing walked or cached yet),
// in-process, median of RUNS. The copies live in memory (an overlay), so no page is decoded for them: on a
// compressed dump of that size the walk would also decompress the pages that hold the task_structs.
import { fixtureSession } from "../session-fixture";
import { withSyntheticTasks } from "../fixtures/synthetic-tasks";
import { tasksPage } from "../../src/core/session/queries/tasks";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import type { CommandContext } from "../../src/core/commands/command";
import { median } from "./harness";

const RUNS = 3;

export interface TasksScaleFigure {
  name: string;
  goalMs: number;
  wallMs: number;
  cpuMs: number;
  note: string;
}

/** Each query's median wall and CPU time over 50,000 more tasks than the fixture has. */
export function benchTasksScale(count = 50_000, only?: string): TasksScaleFigure[] | undefined {
  const session = fixtureSession();
  if (!session) return undefined;
  const base = session.context;
  const syn = withSyntheticTasks(base.prog, count);
  const fresh = syn.fresh;
  const out: TasksScaleFigure[] = [];
  const time = (name: string, goalMs: number, fn: () => string) => {
    if (only && !name.startsWith(only)) return;
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
    out.push({ name, goalMs, wallMs: median(walls), cpuMs: median(cpus), note });
  };
  const run = (line: string) => {
    const ctx: CommandContext = { ...base, prog: fresh(), state: { valueHistory: 0 } };
    const [name, ...args] = line.split(" ");
    const r = base.commands.find(name!)!.run(ctx, args);
    return `${r.text.split("\n").length - 1} lines, ${(r.errors ?? []).length} error lines`;
  };
  time("tasks: first page of 1000", 100, () => `${tasksPage(fresh(), { offset: 0, limit: 1000 }).items.length} rows`);
  time("tasks: every page of 1000", 2000, () => {
    const prog = fresh();
    const first = tasksPage(prog, { offset: 0, limit: 1000 });
    let rows = first.items.length;
    for (let off = 1000; off < first.total; off += 1000) rows += tasksPage(prog, { offset: off, limit: 1000 }).items.length;
    return `${rows} rows`;
  });
  time("task table", 2000, () => `${taskTable(fresh()).tasks.length} tasks`);
  time("ps", 2000, () => run("ps"));
  time("foreach bt", 2000, () => run("foreach bt"));
  return out;
}

export function printTasksScale(figures: TasksScaleFigure[] | undefined, count: number): void {
  if (!figures) return void process.stdout.write("fixtures absent\n");
  process.stdout.write(`${count} synthetic tasks besides the fixture's, each on a fresh Program, median of ${RUNS} (ms)\n`);
  process.stdout.write(`${"query".padEnd(28)}${"wall".padStart(8)}${"CPU".padStart(8)}${"goal".padStart(8)}  wall/goal\n`);
  for (const f of figures) {
    process.stdout.write(`${f.name.padEnd(28)}${f.wallMs.toFixed(0).padStart(8)}${f.cpuMs.toFixed(0).padStart(8)}${f.goalMs.toFixed(0).padStart(8)}  ${(f.wallMs / f.goalMs).toFixed(2)}x   ${f.note}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 50_000);
  printTasksScale(benchTasksScale(count, process.argv[3]), count);
}

/** ps once on the fixture's kernel with `count` more tasks, on a fresh Program: a row of the scale table. */
export function psAtScale(count: number): { tasks: number; wallMs: number; cpuMs: number } | undefined {
  const session = fixtureSession();
  if (!session) return undefined;
  const base = session.context;
  const syn = withSyntheticTasks(base.prog, count);
  const ctx: CommandContext = { ...base, prog: syn.fresh(), state: { valueHistory: 0 } };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = base.commands.find("ps")!.run(ctx, []);
  const c = process.cpuUsage(c0);
  return { tasks: r.text.split("\n").length - 2, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}
