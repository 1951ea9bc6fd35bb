// The worker thread that holds the Session for the console and `kdw serve`: the main thread stays free to
// read keys (Ctrl-C), serve HTTP and stream output while a long command runs here.
import { parentPort, workerData } from "node:worker_threads";
import { serveContract, type HostEvent } from "../core/session/host";
import { SessionService } from "../core/session/service";
import { nodeHost } from "./host";
import { prepareCodecsFor } from "./node-codecs";

const port = parentPort;
if (!port) throw new Error("session-worker: not started as a worker thread");
const data = workerData as { cancelFlags?: SharedArrayBuffer; cache?: boolean } | undefined;
const flags = data?.cancelFlags ? new Int32Array(data.cancelFlags) : undefined;
const service = new SessionService(nodeHost({ cache: data?.cache }));
serveContract(
  service,
  {
    postMessage: (m: HostEvent) => port.postMessage(m),
    // An open waits for the decoders its dump needs (node-codecs.ts); messages keep their order.
    onMessage: (handler) => {
      let queue: Promise<void> = Promise.resolve();
      port.on("message", (m: unknown) => {
        const dump = openedDump(m);
        if (dump === undefined) {
          queue = queue.then(() => handler(m));
          return;
        }
        queue = queue.then(() => prepareCodecsFor(dump)).then(() => handler(m));
      });
    },
  },
  flags,
);

/** The dump path of an `open` call, if `m` is one. */
function openedDump(m: unknown): string | undefined {
  const r = m as { t?: unknown; method?: unknown; params?: { dump?: unknown } } | null;
  return r !== null && typeof r === "object" && r.t === "call" && r.method === "open" && typeof r.params?.dump === "string" ? r.params.dump : undefined;
}
