// SHA-256 of evidence files in a worker thread, with Node's own hashing (SHA-NI where the CPU has it): the
// report hashes a 600 MB vmlinux while the main thread gathers the analysis, instead of after it.
import { Worker } from "node:worker_threads";

// Plain CommonJS evaluated in the worker (no file to bundle or find): read each file whole, 4 MiB at a time.
const HASHER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const out = {};
const buf = Buffer.allocUnsafe(4 << 20);
for (const [key, path] of Object.entries(workerData)) {
  let fd;
  try {
    fd = openSync(path, "r");
    const hash = createHash("sha256");
    let n;
    while ((n = readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, n));
    out[key] = { sha256: hash.digest("hex") };
  } catch (err) {
    out[key] = { error: (err && err.message) || String(err) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
parentPort.postMessage(out);
`;

export type HashResults<K extends string> = Record<K, { sha256?: string; error?: string }>;

export interface Hashing<K extends string> {
  /** Resolves when every file is hashed (a file that cannot be read gets an error, not a rejection). */
  done: Promise<HashResults<K>>;
  /** Stops the thread (the report failed before it needed the hashes). */
  stop(): void;
}

export function hashFiles<K extends string>(files: Record<K, string>): Hashing<K> {
  const worker = new Worker(HASHER, { eval: true, workerData: files });
  const done = new Promise<HashResults<K>>((resolve, reject) => {
    // Its script ends after it posts: the thread ends on its own (worker-end.ts says why not terminate()).
    worker.once("message", (m: HashResults<K>) => resolve(m));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the hashing thread stopped (exit ${code})`)));
  });
  return { done, stop: () => void worker.terminate() };
}
