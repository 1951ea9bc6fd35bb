// One contract, three transports: the same queries against the in-process SessionService, the worker-backed
// Session (what the console uses) and HTTP through kdw serve's server, with identical JSON from all three.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, haveFixtures, manifest } from "../../fixtures";
import { SessionService } from "../../../src/core/session/service";
import { nodeHost } from "../../../src/cli/host";
import { startWorkerSession, type WorkerSession } from "../../../src/cli/worker-session";
import { startServer, type RunningServer } from "../../../src/server/server";
import type { Call, CallOptions, MethodName, Params, Problem, Result } from "../../../src/core/session/contract";
import { ProblemError } from "../../../src/core/session/problems";

const have = haveFixtures("dump.lzo", "vmlinux");

/** The HTTP client the renderer uses, in its simplest form: POST /api/call or /api/stream with the token. */
function httpCall(server: RunningServer, token: string): Call {
  return (async <M extends MethodName>(method: M, params: Params<M>, options: CallOptions = {}): Promise<Result<M>> => {
    const id = `c${Math.random().toString(36).slice(2)}`;
    const stream = options.onOutput !== undefined || options.signal !== undefined;
    const signal = options.signal as AbortSignal | undefined;
    signal?.addEventListener("abort", () => {
      void fetch(`${server.url}api/cancel`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ call: id }) });
    });
    const res = await fetch(`${server.url}api/${stream ? "stream" : "call"}/${method}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-kdw-call": id },
      body: JSON.stringify(params),
    });
    if (!stream) {
      const reply = (await res.json()) as { ok: boolean; result?: Result<M>; problem?: Problem };
      if (!reply.ok) throw new ProblemError(reply.problem!);
      return reply.result!;
    }
    const text = await res.text();
    let reply: { ok: boolean; result?: Result<M>; problem?: Problem } | undefined;
    for (const block of text.split("\n\n")) {
      const ev = /^event: (\w+)\ndata: (.*)$/s.exec(block);
      if (!ev) continue;
      const data = JSON.parse(ev[2]!) as unknown;
      if (ev[1] === "output") options.onOutput?.(data as string);
      else if (ev[1] === "reply") reply = data as typeof reply;
    }
    if (!reply) throw new Error("no reply event");
    if (!reply.ok) throw new ProblemError(reply.problem!);
    return reply.result!;
  }) as Call;
}

/** The queries every face relies on; addresses come from the dump itself (sys, tasks), not from the test. */
const QUERIES: [MethodName, unknown][] = [
  ["hello", {}],
  ["sys", {}],
  ["tasks", { offset: 0, limit: 50 }],
  ["tasks", { offset: 100, limit: 50 }],
  ["task", { pid: 1 }],
  ["backtrace", {}],
  ["modules", {}],
  ["log", { offset: 0, limit: 20 }],
  ["files", { pid: 1 }],
  ["vm", { pid: 1 }],
  ["net", { pid: 1 }],
  ["lookup", { name: "init_task" }],
  ["layout", { type: "list_head" }],
  ["disassemble", { target: "crash_kexec", count: 8 }],
  ["console", { line: "ps | grep -c RU" }],
  ["console", { line: "sym -s init_task" }],
  ["complete", { line: "bt -a; dis crash_k" }],
  ["info", {}],
];

describe.skipIf(!have)("the contract over three transports", () => {
  let local: SessionService;
  let worker: WorkerSession;
  let server: RunningServer;
  let http: Call;
  const token = "t0k3n-for-the-test";

  beforeAll(async () => {
    const open = { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! };
    local = new SessionService(nodeHost({ cache: false }));
    await local.call("open", open);
    worker = startWorkerSession({ cache: false });
    await worker.call("open", open);
    server = await startServer({ call: worker.call, token });
    http = httpCall(server, token);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await worker?.close();
  });

  const transports = (): [string, Call][] => [
    ["in-process", (m, p, o) => local.call(m, p, o)],
    ["worker", worker.call],
    ["http", http],
  ];

  it("answers every query with identical JSON on all three", async () => {
    for (const [method, params] of QUERIES) {
      const answers: string[] = [];
      for (const [, call] of transports()) answers.push(JSON.stringify(await call(method, params as never)));
      expect(answers[1], `${method} ${JSON.stringify(params)} (worker)`).toBe(answers[0]);
      expect(answers[2], `${method} ${JSON.stringify(params)} (http)`).toBe(answers[0]);
    }
  });

  it("leaves the typed result out of a console reply that asks for text only (data: false), on every transport", async () => {
    for (const [name, call] of transports()) {
      const full = await call("console", { line: "ps" });
      const text = await call("console", { line: "ps", data: false });
      expect(full.data, name).toBeDefined();
      expect(text.data, name).toBeUndefined();
      expect(text.output, name).toBe(full.output);
      expect(text.errors, name).toEqual(full.errors);
    }
  });

  it("info with hash: true gives the evidence's SHA-256 (the manifest's) on every transport, with progress", async () => {
    const want = (manifest() as unknown as { files: { path: string; sha256: string }[] }).files.find((f) => f.path === "dump.lzo")?.sha256;
    expect(want).toMatch(/^[0-9a-f]{64}$/);
    for (const [name, call] of transports()) {
      const phases = new Set<string>();
      const info = await call("info", { hash: true }, { onProgress: (e) => phases.add(e.phase) });
      expect(info.sha256, name).toBe(want);
      expect((await call("info", {})).sha256, name).toBeUndefined();
      if (name === "in-process") expect([...phases]).toEqual(["sha256"]);
    }
  });

  it("reads memory with each page's state: present, excluded and unmapped", async () => {
    const sys = await local.call("sys", {});
    const panic = sys.panicTask!;
    // A present page: the panic task's own task_struct.
    const present = await local.call("readMemory", { space: "kernel", address: panic.task, length: 64 });
    expect(present.chunks).toHaveLength(1);
    expect(present.chunks[0]!.state).toBe("present");
    expect(present.chunks[0]!.hex).toHaveLength(128);
    // An unmapped address: the bottom of the kernel half, below every mapping.
    const unmapped = await local.call("readMemory", { space: "kernel", address: "0xffff800000000000", length: 16 });
    expect(unmapped.chunks.map((c) => c.state)).toEqual(["unmapped"]);
    // An excluded page: the first physical page the dump's own header says it left out.
    const info = await local.call("info", {});
    expect(info.pagesExcluded).toBeGreaterThan(0);
    let excludedAt: string | undefined;
    for (let pfn = 0; pfn < 0x40000 && !excludedAt; pfn += 1) {
      const r = await local.call("readMemory", { space: "physical", address: `0x${(pfn * 4096).toString(16)}`, length: 1 });
      if (r.chunks[0]!.state === "excluded") excludedAt = r.address;
    }
    expect(excludedAt).toBeDefined();
    for (const [name, call] of transports()) {
      const r = await call("readMemory", { space: "physical", address: excludedAt as `0x${string}`, length: 8192 });
      expect(r.chunks[0]!.state, name).toBe("excluded");
      expect(r.chunks[0]!.hex, name).toBeUndefined();
      expect(r.chunks[0]!.problem?.message, name).toMatch(/excluded/);
    }
  });

  it("info with the kernel open finds System RAM through the kernel's symbols, as the dump alone does through kallsyms", async () => {
    const alone = new SessionService(nodeHost({ cache: false }));
    await alone.call("open", { dump: fixture("dump.lzo")!, dumpOnly: true });
    const bare = await alone.call("info", {});
    await alone.call("close", {});
    const withKernel = await local.call("info", {});
    expect(withKernel.systemRamBytes).toBeGreaterThan(0);
    expect(withKernel.systemRamBytes).toBe(bare.systemRamBytes);
    expect(withKernel.systemRam).toBe(bare.systemRam);
  });

  it("names the hidden module's code through its own kallsyms (symbolAt)", async () => {
    const modules = await local.call("modules", {});
    const hidden = modules.items.filter((m) => m.hidden);
    expect(hidden.length).toBeGreaterThan(0);
    for (const m of hidden) {
      expect(m.seenBy).not.toContain("list");
      // The module's own text start: its first text symbol names it.
      const at = await local.call("symbolAt", { address: m.base });
      expect(at.symbol?.module).toBe(m.name);
      expect(at.symbol?.hiddenModule).toBe(true);
      const answers = await Promise.all(transports().map(([, call]) => call("symbolAt", { address: m.base })));
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    }
  });

  it("cancels a long foreach bt -t on every transport, and the session goes on", async () => {
    for (const [name, call] of transports()) {
      const ac = new AbortController();
      let chunks = 0;
      let abortedAt = 0;
      const options: CallOptions = {
        signal: ac.signal,
        onOutput: () => {
          chunks++;
        },
      };
      if (name === "in-process") {
        // In one thread nothing else runs while the command does: the signal is already raised.
        ac.abort();
        abortedAt = Date.now();
      } else
        setTimeout(() => {
          abortedAt = Date.now();
          ac.abort();
        }, 5);
      // bt -t (every text address on each stack): not one of the traces the session keeps, so each transport's
      // run walks every task again, however many ran before it.
      const r = await call("console", { line: "foreach bt -t" }, options);
      // How soon it stopped is the bench's to measure; here: it did stop, with nothing half-printed.
      expect(abortedAt, name).toBeGreaterThan(0);
      expect(r.cancelled, name).toBe(true);
      expect(r.ok, name).toBe(false);
      expect(chunks, name).toBe(0);
      // The session goes on.
      const sys = await call("sys", {});
      expect(sys.tasks, name).toBeGreaterThan(0);
    }
  });

  it("answers bad params with one bad-request Problem and stays usable", async () => {
    const bad: [MethodName, unknown][] = [
      ["tasks", { limit: "ten" }],
      ["tasks", { limit: 1e9 }],
      ["readMemory", { space: "kernel", address: "0xZZ", length: 8 }],
      ["readMemory", { space: "kernel", address: "0xffffffff81000000", length: 1 << 30 }],
      ["readMemory", { space: "disk", address: "0x0", length: 8 }],
      ["task", { pid: -1 }],
      ["console", { line: 42 }],
      ["layout", { type: "" }],
      ["task", { pid: 1, extra: true }],
    ];
    for (const [, call] of transports()) {
      for (const [method, params] of bad) {
        const err = await call(method, params as never).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `${method} ${JSON.stringify(params)}`).toBeInstanceOf(ProblemError);
        expect((err as ProblemError).problem.code).toBe("bad-request");
      }
      const missing = await call("task", { pid: 999999 }).catch((e: ProblemError) => e.problem);
      expect((missing as Problem).code).toBe("not-found");
      expect((await call("sys", {})).tasks).toBeGreaterThan(0);
    }
  });
});
