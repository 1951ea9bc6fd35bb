// A worker thread that builds one part of the DWARF name index (index-workers.ts starts it): it opens the
// vmlinux by path, read-only, builds its range of units and posts the image back, then raises its flag.
import { workerData } from "node:worker_threads";
import { buildIndexPart } from "../core/session/host-types";
import type { IndexWorkerData, IndexWorkerReply } from "./index-workers";
import { NodeFileSource } from "./node-file-source";

const data = workerData as IndexWorkerData;
const flags = new Int32Array(data.flags);
let source: NodeFileSource | undefined;
try {
  source = new NodeFileSource(data.name, data.path);
  const image = buildIndexPart(source, data.range);
  data.port.postMessage({ image } satisfies IndexWorkerReply, [image.buffer as ArrayBuffer]);
} catch (err) {
  data.port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies IndexWorkerReply);
} finally {
  source?.close();
  Atomics.store(flags, data.slot, 1);
  Atomics.notify(flags, data.slot);
}
