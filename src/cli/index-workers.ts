// The DWARF name index built in Node worker threads (the core's DwarfIndexWorkers): each worker opens the
// vmlinux again by path, builds the index over its range of units (buildIndexPart) and posts the image back.
// The core's calls are synchronous, so the caller waits with Atomics.wait on a shared flag per worker and takes
// each image with receiveMessageOnPort; meanwhile it builds the first range itself. A worker that fails, or
// does not answer in time, is reported as an Error and its range is built by the caller.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { ByteSource } from "../core/io/byte-source";
import type { DwarfIndexWorkers, IndexRange } from "../core/session/host-types";
import { NodeFileSource } from "./node-file-source";

/** What a worker is given (dwarf-index-worker.ts reads it). */
export interface IndexWorkerData {
  path: string;
  name: string;
  range: IndexRange;
  /** One Int32 per worker: set to 1, and notified, once the worker has posted its answer. */
  flags: SharedArrayBuffer;
  slot: number;
  port: MessagePort;
}

/** What a worker posts: the part's image, or why there is none. */
export type IndexWorkerReply = { image: Uint8Array } | { error: string };

/** Longer than any part takes (a whole vmlinux: about a second of CPU); past it the caller builds the part. */
const WORKER_TIMEOUT_MS = 120_000;
const WAIT_SLICE_MS = 250;
/** A worker's heap: its part's index and one unit window are a few tens of MiB. */
const WORKER_HEAP_MB = 256;
/**
 * The young generation: the build keeps what it makes (abbreviations, the index), and V8 answers a high
 * survival rate by growing the young generation to its maximum (32 MiB), all of it resident. A small one
 * costs no time here and keeps the worker's memory to what it holds.
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
 * Worker threads for the index build: `threads` besides the caller's (default: one per core beyond the first,
 * or $KDW_INDEX_THREADS - 1). Undefined when there are none to use or the worker bundle is absent.
 */
export function nodeIndexWorkers(threads: number = defaultThreads()): DwarfIndexWorkers | undefined {
  const file = workerFile();
  if (!file || threads < 1) return undefined;
  return {
    threads,
    start(source: ByteSource, ranges: readonly IndexRange[]) {
      if (!(source instanceof NodeFileSource)) return undefined;
      const flags = new Int32Array(new SharedArrayBuffer(4 * ranges.length));
      const started = ranges.map((range, slot) => {
        const { port1, port2 } = new MessageChannel();
        const workerData: IndexWorkerData = { path: source.path, name: source.name, range, flags: flags.buffer as SharedArrayBuffer, slot, port: port2 };
        const worker = new Worker(file, { workerData, transferList: [port2], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
        worker.unref();
        // Errors are answered through the port (or by the timeout); the event only keeps Node from throwing.
        worker.on("error", () => undefined);
        return { worker, port: port1 };
      });
      return () => {
        const deadline = Date.now() + WORKER_TIMEOUT_MS;
        return started.map(({ worker, port }, slot) => {
          while (Atomics.load(flags, slot) === 0 && Date.now() < deadline) Atomics.wait(flags, slot, 0, WAIT_SLICE_MS);
          const reply = receiveMessageOnPort(port)?.message as IndexWorkerReply | undefined;
          port.close();
          void worker.terminate();
          if (!reply) return new Error(`index worker ${slot + 1}: no answer`);
          return "image" in reply ? reply.image : new Error(`index worker ${slot + 1}: ${reply.error}`);
        });
      };
    },
  };
}

function defaultThreads(): number {
  const env = Number(process.env.KDW_INDEX_THREADS);
  const total = Number.isInteger(env) && env >= 1 ? env : availableParallelism();
  return Math.max(0, total - 1);
}
