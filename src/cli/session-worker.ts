// The worker thread that holds the Session for the console and `kdw serve` (Electron's utility process
// starts it too): the main thread stays free to read keys (Ctrl-C), serve HTTP and stream output while a
// long command runs here. The Session's code is out/cli/session-core.cjs, loaded through V8's code cache
// (core-bundle.ts) as a console script loads it: the worker compiles none of the core itself. Its code cache
// is written after the first call is answered (when there was none), and again after a call the cache was
// not written after (a command first run in this bundle's life), so that its functions are compiled already
// in later sessions.
import { parentPort, workerData } from "node:worker_threads";
import { codeUse, loadBundledCore } from "./core-bundle";

const port = parentPort;
if (!port) throw new Error("session-worker: not started as a worker thread");
const loaded = loadBundledCore();
if (!loaded) throw new Error("session-worker: out/cli/session-core.cjs is missing beside it: run `npm run build:cli`");
loaded.core.serveWorker(port, workerData as { cancelFlags?: SharedArrayBuffer; cache?: boolean } | undefined, (method, line) => {
  // The session's end runs no code worth keeping, and the thread is ended right after it.
  if (method !== "close") loaded.save([codeUse(method, line)]);
});
