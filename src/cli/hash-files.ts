// SHA-256 of evidence files in a worker thread, with Node's own hashing (SHA-NI where the CPU has it): the
// report hashes a 600 MB vmlinux while the main thread gathers the analysis, instead of after it.
import { Worker } from "node:worker_threads";

// Plain CommonJS evaluated in the worker (no file to bundle or find): each file read whole, 1 MiB at a time
// into two buffers in turn, the next read (on libuv's threads) under way while the last one is hashed: a
// 600 MB vmlinux hashed in ~430 ms instead of ~510 read and hashed in turn (256 KiB reads; 4 MiB ones, as
// the copy no longer fits the CPU's cache, took twice the kernel's time).
const HASHER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, read, closeSync } = require("node:fs");
const CHUNK = 1 << 20;
const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
const readAt = (fd, buf, pos) => new Promise((ok, fail) => read(fd, buf, 0, buf.length, pos, (err, n) => (err ? fail(err) : ok(n))));
(async () => {
  const out = {};
  for (const [key, path] of Object.entries(workerData)) {
    let fd;
    try {
      fd = openSync(path, "r");
      const hash = createHash("sha256");
      let pos = 0;
      let turn = 0;
      let pending = readAt(fd, bufs[0], 0);
      for (;;) {
        const n = await pending;
        if (n <= 0) break;
        const filled = bufs[turn & 1];
        pos += n;
        turn++;
        pending = readAt(fd, bufs[turn & 1], pos);
        hash.update(filled.subarray(0, n));
      }
      out[key] = { sha256: hash.digest("hex") };
    } catch (err) {
      out[key] = { error: (err && err.message) || String(err) };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  parentPort.postMessage(out);
})();
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
