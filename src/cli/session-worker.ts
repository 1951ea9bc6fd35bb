// The worker thread that holds the Session for the console and `kdw serve`: the main thread stays free to
// read keys (Ctrl-C), serve HTTP and stream output while a long command runs here.
import { parentPort, workerData } from "node:worker_threads";
import { serveContract, type HostEvent } from "../core/session/host";
import { SessionService } from "../core/session/service";
import { nodeHost } from "./host";

const port = parentPort;
if (!port) throw new Error("session-worker: not started as a worker thread");
const data = workerData as { cancelFlags?: SharedArrayBuffer; cache?: boolean } | undefined;
const flags = data?.cancelFlags ? new Int32Array(data.cancelFlags) : undefined;
const service = new SessionService(nodeHost({ cache: data?.cache }));
serveContract(
  service,
  {
    postMessage: (m: HostEvent) => port.postMessage(m),
    onMessage: (handler) => port.on("message", handler),
  },
  flags,
);
