// The DWARF name index built in Node worker threads (the core's DwarfIndexWorkers). Each worker opens the
// vmlinux again by path and takes the next range of units nobody has taken (a counter in shared memory that
// the caller's thread takes from too), builds it (buildIndexPart) and posts the image back, until none is
// left. The core's calls are synchronous: at the end the caller waits with Atomics.wait on each running
// worker's state and takes the images with receiveMessageOnPort. A worker that has not started by then is
// told to take nothing, and a range a worker failed to build, or did not answer for in time, is built by
// the caller.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { lazyBuiltin } from "./builtin";
import type { ByteSource } from "../core/io/byte-source";
import type { DwarfIndexWorkers, IndexJob, IndexRange } from "../core/session/host-types";
import { NodeFileSource } from "./node-file-source";

/** Int32 slots of the shared memory: the next range to take, then one state per worker. */
export const NEXT_RANGE = 0;
export const FIRST_STATE = 1;
/** A worker's state: not started, taking ranges, finished, or told to take none (it started too late). */
export const STATE_WAITING = 0;
export const STATE_RUNNING = 1;
export const STATE_DONE = 2;
export const STATE_ABANDONED = 3;

/** What a worker is given (dwarf-index-worker.ts reads it). */
export interface IndexWorkerData {
  path: string;
  name: string;
  ranges: IndexRange[];
  shared: SharedArrayBuffer;
  /** This worker's state slot. */
  slot: number;
  port: MessagePort;
}

/** What a worker posts, once per range it took: the part's image, or why there is none. */
export type IndexWorkerReply = { range: number; image: Uint8Array } | { range: number; error: string };

/** Loaded when a build starts threads: a session that never builds the index does not pay for it. */
const workerThreads = lazyBuiltin<typeof import("node:worker_threads")>("node:worker_threads");
/** Longer than any part takes (a whole vmlinux: about a second of CPU); past it the caller builds the rest. */
const WORKER_TIMEOUT_MS = 120_000;
const WAIT_SLICE_MS = 250;
/** A worker's heap: its part's index and one unit window are a few MiB. */
const WORKER_HEAP_MB = 256;
/**
 * The young generation: the build keeps what it makes (the index), and V8 answers a high survival rate by
 * growing the young generation to its maximum (32 MiB), all of it resident. A small one costs no time here.
 */
const WORKER_YOUNG_MB = 3;

/** The bundled worker next to this bundle (out/cli), else the one `npm run build:cli` made (tests run TS). */
function workerFile(): URL | undefined {
  for (const url of [new URL("./dwarf-index-worker.mjs", import.meta.url), new URL("../../out/cli/dwarf-index-worker.mjs", import.meta.url)]) {
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * Worker threads for the index build: `threads` besides the caller's (default: defaultThreads()). Undefined
 * when there are none to use or the worker bundle is absent.
 */
export function nodeIndexWorkers(threads: number = defaultThreads()): DwarfIndexWorkers | undefined {
  const file = workerFile();
  if (!file || threads < 1) return undefined;
  return {
    threads,
    start(source: ByteSource, ranges: readonly IndexRange[]): IndexJob | undefined {
      if (!(source instanceof NodeFileSource)) return undefined;
      const shared = new SharedArrayBuffer(4 * (FIRST_STATE + threads));
      const state = new Int32Array(shared);
      const started = Array.from({ length: threads }, (_, w) => {
        const { MessageChannel, Worker } = workerThreads();
        const { port1, port2 } = new MessageChannel();
        const workerData: IndexWorkerData = { path: source.path, name: source.name, ranges: [...ranges], shared, slot: FIRST_STATE + w, port: port2 };
        const worker = new Worker(file, { workerData, transferList: [port2], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
        worker.unref();
        // Failures are answered through the port (or by the timeout); the event only keeps Node from throwing.
        worker.on("error", () => undefined);
        return { worker, port: port1, slot: FIRST_STATE + w };
      });
      return {
        claim() {
          const i = Atomics.add(state, NEXT_RANGE, 1);
          return i < ranges.length ? i : -1;
        },
        remaining: () => Math.max(0, ranges.length - Atomics.load(state, NEXT_RANGE)),
        finish() {
          const answers = new Map<number, Uint8Array | Error>();
          const deadline = Date.now() + WORKER_TIMEOUT_MS;
          for (const { worker, port, slot } of started) {
            // A worker that has not started yet is told to take nothing (and ended: it has run none of the
            // build); the others are waited for. One that finished ends on its own, its script done and
            // nothing left in its event loop: it has compiled the build's hot code, and a thread with V8's
            // background work still under way is better left to end than terminated (worker-end.ts). Only
            // one still running past the deadline is terminated.
            const abandoned = Atomics.compareExchange(state, slot, STATE_WAITING, STATE_ABANDONED) === STATE_WAITING;
            if (!abandoned) {
              while (Atomics.load(state, slot) === STATE_RUNNING && Date.now() < deadline) Atomics.wait(state, slot, STATE_RUNNING, WAIT_SLICE_MS);
            }
            if (abandoned || Atomics.load(state, slot) === STATE_RUNNING) void worker.terminate();
            const { receiveMessageOnPort } = workerThreads();
            for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
              const reply = m.message as IndexWorkerReply;
              answers.set(reply.range, "image" in reply ? reply.image : new Error(`index worker ${slot}: ${reply.error}`));
            }
            port.close();
          }
          return answers;
        },
      };
    },
  };
}

/** Below this many cores the caller builds the index alone. */
const MIN_CORES_FOR_WORKERS = 4;

/**
 * Workers besides the caller: $KDW_INDEX_THREADS - 1 when set; else one per core beyond the first on a
 * machine of MIN_CORES_FOR_WORKERS cores or more, none below. A worker costs 0.15-0.3 s of CPU before it
 * builds anything (its isolate, the bundle, its own reading of the unit headers and strings) and 15-30 MiB;
 * on two cores the caller alone builds the vmlinux's index in ~0.75 s, and a worker gains at most a quarter
 * of a second there while it loses time whenever the other core is busy (test/bench/dwarf.ts).
 */
function defaultThreads(): number {
  const env = Number(process.env.KDW_INDEX_THREADS);
  if (Number.isInteger(env) && env >= 1) return env - 1;
  const cores = availableParallelism();
  return cores >= MIN_CORES_FOR_WORKERS ? cores - 1 : 0;
}
