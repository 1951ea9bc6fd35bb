// The contract over a message port: what a Node worker, an Electron utility process (or any other host
// that passes messages) runs around one SessionService. Calls are served one at a time, in arrival order.
// A call runs synchronously, so a cancel cannot arrive as a message while it runs: the client also sets a
// shared flag (an Int32Array over a SharedArrayBuffer, when the host has one) that long walks poll.
import type { CallOptions, MethodName, ProgressEvent, Reply } from "./contract";
import { problem, toProblem, ProblemError } from "./problems";
import type { SessionService } from "./service";

/** Messages to the host. */
export type HostRequest = { t: "call"; id: number; method: string; params: unknown } | { t: "cancel"; id: number };

/** Messages from the host. */
export type HostEvent =
  | { t: "progress"; id: number; event: ProgressEvent }
  | { t: "output"; id: number; chunk: string }
  | { t: "reply"; id: number; reply: Reply<MethodName> };

export interface HostPort {
  postMessage(message: HostEvent): void;
  onMessage(handler: (message: unknown) => void): void;
}

/** Slot of the shared cancel flag: the id of the call to cancel. */
export const CANCEL_SLOT = 0;

function isRequest(m: unknown): m is HostRequest {
  if (typeof m !== "object" || m === null) return false;
  const r = m as { t?: unknown; id?: unknown; method?: unknown };
  if (typeof r.id !== "number" || !Number.isSafeInteger(r.id)) return false;
  return r.t === "cancel" || (r.t === "call" && typeof r.method === "string");
}

export function serveContract(service: SessionService, port: HostPort, cancelFlags?: Int32Array): void {
  const cancelled = new Set<number>();
  const queue: Extract<HostRequest, { t: "call" }>[] = [];
  let running = false;

  const run = async (req: Extract<HostRequest, { t: "call" }>) => {
    const signal = {
      get aborted(): boolean {
        return cancelled.has(req.id) || (cancelFlags !== undefined && Atomics.load(cancelFlags, CANCEL_SLOT) === req.id);
      },
    };
    const options: CallOptions = {
      signal,
      onProgress: (event) => port.postMessage({ t: "progress", id: req.id, event }),
      onOutput: (chunk) => port.postMessage({ t: "output", id: req.id, chunk }),
    };
    let reply: Reply<MethodName>;
    try {
      const result = await service.call(req.method as MethodName, req.params as never, options);
      reply = { ok: true, result };
    } catch (err) {
      reply = { ok: false, problem: err instanceof ProblemError ? err.problem : toProblem(err) };
    }
    cancelled.delete(req.id);
    port.postMessage({ t: "reply", id: req.id, reply });
  };

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      for (let req = queue.shift(); req; req = queue.shift()) await run(req);
    } finally {
      running = false;
    }
  };

  port.onMessage((message) => {
    if (!isRequest(message)) {
      const id = typeof (message as { id?: unknown })?.id === "number" ? (message as { id: number }).id : -1;
      port.postMessage({ t: "reply", id, reply: { ok: false, problem: problem("bad-request", "malformed message") } });
      return;
    }
    if (message.t === "cancel") {
      cancelled.add(message.id);
      return;
    }
    queue.push(message);
    void pump();
  });
}
