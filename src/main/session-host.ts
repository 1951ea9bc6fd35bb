// The Electron utility process that holds one window's analysis. It relays the contract between main
// (process.parentPort) and a worker thread running the Session (out/cli/session-worker.mjs, the same one
// the console and `kdw serve` use), so a cancel reaches a running command through the shared flag at once.
import { Worker } from "node:worker_threads";
import { CANCEL_SLOT } from "../core/session/host";

interface ParentPort {
  on(event: "message", listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parent = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parent) throw new Error("session-host: not started as an Electron utility process");
const workerPath = process.env.KDW_SESSION_WORKER;
if (!workerPath) throw new Error("session-host: KDW_SESSION_WORKER is not set");

const shared = new SharedArrayBuffer(4);
const flags = new Int32Array(shared);
const worker = new Worker(workerPath, { workerData: { cancelFlags: shared } });
worker.on("message", (m: unknown) => parent.postMessage(m));
worker.on("error", (err) => {
  process.stderr.write(`kdw session: ${err.message}\n`);
  process.exit(1);
});
parent.on("message", (e) => {
  const m = e.data as { t?: unknown; id?: unknown };
  if (m && m.t === "cancel" && typeof m.id === "number") Atomics.store(flags, CANCEL_SLOT, m.id);
  worker.postMessage(m);
});
