// The console's Session in this thread, for a script (`-c "cmd; cmd"`, `-i FILE`): a script has no prompt to
// keep alive while a command runs (Ctrl-C ends the process, as it does with the worker), so it is spared the
// worker thread's start-up and a second copy of the core in memory. The interactive console keeps the worker
// (worker-session.ts), so that Ctrl-C can cancel a command and leave the session open.
// This module is the entry of out/cli/session-core.cjs, which core-bundle.ts loads through V8's code cache:
// its classes are not the console's, so what crosses over is data (replies as on the worker's wire).
// The worker thread (session-worker.ts) serves its Session from here too (serveWorker).
import type { CallOptions, MethodName, Reply } from "../core/session/contract";
import { serveContract, type HostEvent } from "../core/session/host";
import { SessionService } from "../core/session/service";
import { nodeHost } from "./host";
import { prepareCodecsFor } from "./node-codecs";

// This module's copy of the codecs' state is the one its Session uses: the console readies the decoders a
// dump needs through it.
export { prepareCodecsFor };

export interface LocalService {
  /** One call's answer as the worker posts it: a result, or a Problem (never a thrown error). */
  call(method: MethodName, params: unknown, options?: CallOptions): Reply<MethodName>;
}

export function startLocalService(): LocalService {
  const service = new SessionService(nodeHost());
  return { call: (method, params, options) => service.callSync(method, params, options) };
}

/** What the worker thread's port offers: Node's MessagePort, as worker_threads' parentPort is. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
}

/**
 * Serves the contract on a worker thread's port: calls one at a time in their order, each open after the
 * decoders its dump needs are ready (node-codecs.ts). `opened` runs once, after the first open is answered.
 */
export function serveWorker(port: WorkerPort, data: { cancelFlags?: SharedArrayBuffer; cache?: boolean } | undefined, opened?: () => void): void {
  const flags = data?.cancelFlags ? new Int32Array(data.cancelFlags) : undefined;
  const service = new SessionService(nodeHost({ cache: data?.cache }));
  let first = opened;
  serveContract(
    service,
    {
      postMessage: (m: HostEvent) => port.postMessage(m),
      onMessage: (handler) => {
        let queue: Promise<void> = Promise.resolve();
        port.on("message", (m: unknown) => {
          const dump = openedDump(m);
          queue = queue
            .then(() => (dump === undefined ? undefined : prepareCodecsFor(dump)))
            .then(() => handler(m))
            .then(() => {
              if (dump === undefined || first === undefined) return;
              const f = first;
              first = undefined;
              f();
            });
        });
      },
    },
    flags,
  );
}

/** The dump path of an `open` call, if `m` is one. */
function openedDump(m: unknown): string | undefined {
  const r = m as { t?: unknown; method?: unknown; params?: { dump?: unknown } } | null;
  return r !== null && typeof r === "object" && r.t === "call" && r.method === "open" && typeof r.params?.dump === "string" ? r.params.dump : undefined;
}
