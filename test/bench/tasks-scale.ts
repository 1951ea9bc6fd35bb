// Tasks at scale: the fixture's kernel with 50,000 more tasks (test/fixtures/synthetic-tasks.ts), each query
// on a fresh Program (no table cached), in-process.
import { fixtureSession } from "../session-fixture";
import { withSyntheticTasks } from "../fixtures/synthetic-tasks";
import { tasksPage } from "../../src/core/session/queries/tasks";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import type { CommandContext } from "../../src/core/commands/command";

export function benchTasksScale(count = 50_000, only?: string): void {
  const session = fixtureSession();
  if (!session) return void process.stdout.write("fixtures absent\n");
  const base = session.context;
  const syn = withSyntheticTasks(base.prog, count);
  const fresh = syn.fresh;
  process.stdout.write(`${count} synthetic tasks: ${count - syn.userTasks} kernel threads, ${syn.userTasks} user threads in groups of ${syn.threadsPerGroup}\n`);
  const time = (name: string, fn: () => unknown) => {
    if (only && !name.startsWith(only)) return;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = fn();
    const c = process.cpuUsage(c0);
    process.stdout.write(`${name.padEnd(28)} ${(performance.now() - t0).toFixed(0).padStart(7)} ms ${((c.user + c.system) / 1000).toFixed(0).padStart(7)} ms CPU  ${r ?? ""}\n`);
  };
  const ctxOf = (prog: CommandContext["prog"]): CommandContext => ({ ...base, prog, state: { valueHistory: 0 } });
  time("task table", () => taskTable(fresh()).tasks.length);
  time("tasks: first page of 1000", () => tasksPage(fresh(), { offset: 0, limit: 1000 }).items.length);
  time("tasks: first page of 100", () => tasksPage(fresh(), { offset: 0, limit: 100 }).items.length);
  time("tasks: every page", () => {
    const prog = fresh();
    const first = tasksPage(prog, { offset: 0, limit: 1000 });
    let rows = first.items.length;
    for (let off = 1000; off < first.total; off += 1000) rows += tasksPage(prog, { offset: off, limit: 1000 }).items.length;
    return rows;
  });
  const run = (line: string) => {
    const ctx = ctxOf(fresh());
    const [name, ...args] = line.split(" ");
    const out = base.commands.find(name!)!.run(ctx, args);
    return `${out.text.length} chars, ${(out.errors ?? []).length} errors`;
  };
  time("ps", () => run("ps"));
  time("foreach bt", () => run("foreach bt"));
}

if (import.meta.url === `file://${process.argv[1]}`) benchTasksScale(Number(process.argv[2] ?? 50_000), process.argv[3]);
