// Starts a Session in a worker thread and returns the contract's Call to it. Cancels go through a shared
// flag the worker's long walks poll, so Ctrl-C (or an HTTP cancel) stops a running command at once.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Call } from "../core/session/contract";
import { portClient } from "../core/session/client";
import type { HostEvent } from "../core/session/host";
import { lazyBuiltin } from "./builtin";
import { WORKER_END } from "./worker-end";

/** Loaded when a worker starts (a console script runs its Session in its own thread). */
const workerThreads = lazyBuiltin<typeof import("node:worker_threads")>("node:worker_threads");

/** How long closing waits for the worker to answer its close, and then for its thread to end. */
const CLOSE_WAIT_MS = 1000;

export interface WorkerSession {
  call: Call;
  /** Calls not answered yet. */
  pending(): number;
  /** Ends the session and its thread: "ended" when the thread ended on its own, "terminated" when it had to be. */
  close(): Promise<"ended" | "terminated">;
}

/** The bundled worker next to this bundle (out/cli), else the one `npm run build:cli` made (tests run TS). */
function workerFile(): URL {
  const beside = new URL("./session-worker.mjs", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL("../../out/cli/session-worker.mjs", import.meta.url);
}

export function startWorkerSession(options: { cache?: boolean } = {}): WorkerSession {
  const shared = new SharedArrayBuffer(4);
  const flags = new Int32Array(shared);
  const worker = new (workerThreads().Worker)(workerFile(), { workerData: { cancelFlags: shared, cache: options.cache } });
  // The worker keeps the process alive only while a call is pending: an idle session never blocks exit.
  worker.unref();
  const inner = portClient(
    {
      postMessage: (m) => worker.postMessage(m),
      onMessage: (handler) => worker.on("message", (m: HostEvent) => handler(m)),
    },
    flags,
  );
  let active = 0;
  const call = (async (method, params, options) => {
    if (active++ === 0) worker.ref();
    try {
      return await inner(method, params, options);
    } finally {
      if (--active === 0) worker.unref();
    }
  }) as Call;
  worker.on("error", (err) => {
    process.stderr.write(`kdw: session worker failed: ${err.message}\n`);
  });
  return {
    call,
    pending: () => inner.pending(),
    close: async () => {
      // The worker answers calls in order, and after each one records what it compiled (its code cache):
      // once a close is answered, that is done for the calls before it. Then it is told to end, and its
      // thread ends on its own (worker-end.ts); the process is kept alive until it has. One that does not
      // answer or end within a second (a walk that does not end) is terminated.
      if (active === 0) {
        worker.ref();
        const exited = new Promise<void>((r) => worker.once("exit", () => r()));
        const within = async (p: Promise<unknown>): Promise<boolean> => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), CLOSE_WAIT_MS)));
          const inTime = await Promise.race([p.then(() => true, () => true), late]);
          clearTimeout(timer);
          return inTime;
        };
        if (await within(call("close", {}))) {
          worker.postMessage(WORKER_END);
          if (await within(exited)) return "ended";
        }
      }
      await worker.terminate();
      return "terminated";
    },
  };
}
