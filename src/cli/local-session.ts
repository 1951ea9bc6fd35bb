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
import { callAnswered } from "./cache";
import { scavengeIfFilling, settleHeap, warmYoungGeneration } from "./heap";
import { nodeHost } from "./host";
import { prepareCodecsFor } from "./node-codecs";
import { isWorkerEnd } from "./worker-end";

// This module's copy of the codecs' state is the one its Session uses: the console readies the decoders a
// dump needs through it. So is its copy of the index cache's count of images written (core-bundle.ts).
export { prepareCodecsFor };
export { indexImagesWrittenByOpens } from "./cache";

export interface LocalService {
  /** One call's answer as the worker posts it: a result, or a Problem (never a thrown error). */
  call(method: MethodName, params: unknown, options?: CallOptions): Reply<MethodName>;
  /** What the worker does after it answers an open, no call waiting (settleHeap, then warmAfterOpen), run now: the bench times it apart. */
  afterOpenIdle(): void;
  /** What the worker does after it answers any other call, no call waiting (afterCallIdle), run now: the bench times it apart. */
  afterCallIdle(): void;
}

/**
 * The Session in this thread. With `settle` (the default) an open ends with one full collection (heap.ts),
 * as the worker's does after it answers; a script of one command, which ends after it, is spared it.
 */
export function startLocalService(options: { settle?: boolean } = {}): LocalService {
  const service = new SessionService(nodeHost());
  const settle = options.settle ?? true;
  return {
    call: (method, params, callOptions) => {
      const reply = service.callSync(method, params, callOptions);
      callAnswered(method);
      if (method === "open" && settle) settleHeap();
      return reply;
    },
    afterOpenIdle: () => {
      settleHeap();
      warmAfterOpen(service);
    },
    afterCallIdle,
  };
}

/**
 * What the worker does once an open is answered and its heap settled, while the prompt is up: the buffers
 * the dump's pages are read into mapped (SessionService.idle), the young generation warmed (heap.ts).
 */
function warmAfterOpen(service: SessionService): void {
  service.idle();
  warmYoungGeneration();
}

/** What the worker does once it has answered another call, while the user reads: the young generation scavenged if it is filling (heap.ts). */
function afterCallIdle(): void {
  scavengeIfFilling();
}

/** What the worker thread's port offers: Node's MessagePort, as worker_threads' parentPort is. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
  close?(): void;
}

/**
 * Serves the contract on a worker thread's port: calls one at a time in their order, each open after the
 * decoders its dump needs are ready (node-codecs.ts). `handled` runs after each call is answered, with its
 * method and, for a console call, its line (the worker writes its code cache then: core-bundle.ts).
 */
export function serveWorker(port: WorkerPort, data: { cancelFlags?: SharedArrayBuffer; cache?: boolean } | undefined, handled?: (method: string, line: string | undefined) => void): void {
  const flags = data?.cancelFlags ? new Int32Array(data.cancelFlags) : undefined;
  const service = new SessionService(nodeHost({ cache: data?.cache }));
  /** The method of each call not yet answered, by id: an answer tells the cache's count whose it was. */
  const methods = new Map<number, string>();
  serveContract(
    service,
    {
      postMessage: (m: HostEvent) => {
        if (m.t === "reply") {
          callAnswered(methods.get(m.id) ?? "");
          methods.delete(m.id);
        }
        port.postMessage(m);
      },
      onMessage: (handler) => {
        let queue: Promise<void> = Promise.resolve();
        /** Messages received and not yet handled: idle work waits for none to be left. */
        let waiting = 0;
        /** `work` once the messages already sent to the worker are handled, if none is waiting then. */
        const whenIdle = (work: () => void): void => {
          setImmediate(() => {
            if (waiting === 0) work();
          });
        };
        port.on("message", (m: unknown) => {
          if (isWorkerEnd(m)) {
            queue = queue.then(() => port.close?.());
            return;
          }
          waiting++;
          const call = callOf(m);
          if (call && typeof call.id === "number" && typeof call.method === "string") methods.set(call.id, call.method);
          queue = queue
            .then(() => (call?.method === "open" && typeof call.params?.dump === "string" ? prepareCodecsFor(call.params.dump) : undefined))
            .then(() => handler(m))
            .then(() => {
              if (call !== undefined && typeof call.method === "string") handled?.(call.method, typeof call.params?.line === "string" ? call.params.line : undefined);
              waiting--;
              // The open is answered (the prompt is up): its garbage is collected while the user types, then,
              // with no call waiting, the first commands' memory is made ready (heap.ts). After another call,
              // the young generation is scavenged while the user reads the answer, if it is filling.
              if (call?.method === "open") {
                settleHeap();
                whenIdle(() => warmAfterOpen(service));
              } else if (call !== undefined && call.method !== "close") whenIdle(afterCallIdle);
            }, () => {
              // Readying the decoders failed (the Session's own decoders do the work): the next messages are
              // still handled.
              waiting--;
            });
        });
      },
    },
    flags,
  );
}

/** The method and parameters of a call message, if `m` is one. */
function callOf(m: unknown): { id?: unknown; method?: unknown; params?: { dump?: unknown; line?: unknown } } | undefined {
  const r = m as { t?: unknown; id?: unknown; method?: unknown; params?: { dump?: unknown; line?: unknown } } | null;
  return r !== null && typeof r === "object" && r.t === "call" ? r : undefined;
}
