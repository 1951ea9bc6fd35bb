// The service's own costs: each contract query over HTTP (kdw serve's server, Session in a worker) beside
// the same query in-process, medians of several calls; and `tasks` over 50,000 tasks (the fixture's kernel
// with copies of a real task_struct linked into its task list).
import { existsSync } from "node:fs";
import { SessionService } from "../../src/core/session/service";
import { nodeHost } from "../../src/cli/host";
import { startWorkerSession } from "../../src/cli/worker-session";
import { startServer } from "../../src/server/server";
import type { MethodName } from "../../src/core/session/contract";
import { tasksPage } from "../../src/core/session/queries/tasks";
import { withSyntheticTasks } from "../fixtures/synthetic-tasks";
import { fixtureSession } from "../session-fixture";
import { median } from "./harness";

const RUNS = 15;

const QUERIES: [MethodName, unknown][] = [
  ["hello", {}],
  ["sys", {}],
  ["tasks", { limit: 1000 }],
  ["task", { pid: 1 }],
  ["backtrace", {}],
  ["modules", {}],
  ["log", { limit: 1000 }],
  ["files", { pid: 1 }],
  ["readMemory", { space: "physical", address: "0x1000000", length: 4096 }],
  ["symbolAt", { address: "0xffffffff81000000" }],
  ["lookup", { name: "init_task" }],
  ["layout", { type: "task_struct" }],
  ["console", { line: "ps" }],
];

export async function benchService(dump: string, vmlinux: string): Promise<void> {
  process.stdout.write(`\n== the service: each query in-process and over HTTP (kdw serve, Session in a worker), median of ${RUNS} after one warm-up (ms)\n`);
  if (!existsSync(dump) || !existsSync(vmlinux)) return void process.stdout.write("fixtures absent\n");
  const local = new SessionService(nodeHost({ cache: false }));
  await local.call("open", { dump, vmlinux });
  const worker = startWorkerSession({ cache: false });
  await worker.call("open", { dump, vmlinux });
  const token = "bench";
  const server = await startServer({ call: worker.call, token });
  const http = async (method: string, params: unknown) => {
    const res = await fetch(`${server.url}api/call/${method}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(params) });
    const body = (await res.json()) as { ok: boolean };
    if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body)}`);
  };
  process.stdout.write(`${"query".padEnd(14)}${"in-process".padStart(12)}${"http".padStart(10)}${"overhead".padStart(10)}\n`);
  const overheads: number[] = [];
  for (const [method, params] of QUERIES) {
    const timeOf = async (fn: () => Promise<unknown>) => {
      await fn();
      const t: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const a = performance.now();
        await fn();
        t.push(performance.now() - a);
      }
      return median(t);
    };
    const inProc = await timeOf(() => local.call(method, params as never));
    const overHttp = await timeOf(() => http(method, params));
    overheads.push(overHttp - inProc);
    process.stdout.write(`${method.padEnd(14)}${inProc.toFixed(2).padStart(12)}${overHttp.toFixed(2).padStart(10)}${(overHttp - inProc).toFixed(2).padStart(10)}\n`);
  }
  process.stdout.write(`median HTTP overhead over the queries: ${median(overheads).toFixed(2)} ms (goal: under 5 ms)\n`);
  // How soon a cancel stops a long command, through the worker.
  const ac = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    ac.abort();
  }, 50);
  const r = await worker.call("console", { line: "foreach bt -f" }, { signal: ac.signal });
  process.stdout.write(`foreach bt -f cancelled ${r.cancelled ? `${(performance.now() - abortedAt).toFixed(1)} ms after the cancel` : "(finished before the cancel)"} (goal: under 100 ms)\n`);
  await server.close();
  await worker.close();

  process.stdout.write("\n== tasks over 50,000 tasks (the fixture's kernel plus 50,000 copies of a real task_struct), in-process (ms)\n");
  const session = fixtureSession();
  if (!session) return;
  const syn = withSyntheticTasks(session.context.prog, 50_000);
  const t0 = performance.now();
  const first = tasksPage(syn.prog, { offset: 0, limit: 1000 });
  const t1 = performance.now();
  let rows = first.items.length;
  for (let off = 1000; off < first.total; off += 1000) rows += tasksPage(syn.prog, { offset: off, limit: 1000 }).items.length;
  const t2 = performance.now();
  process.stdout.write(`${first.total} tasks: first page of 1000 ${(t1 - t0).toFixed(0)} ms (goal: under 100), all ${rows} rows ${(t2 - t0).toFixed(0)} ms (goal: under 2000)\n`);
}
