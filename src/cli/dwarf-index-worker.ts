// A worker thread of the DWARF name index build (index-workers.ts starts it): it opens the vmlinux by path,
// read-only, then takes ranges of units from the shared counter and posts each range's image back, until no
// range is left; then it says it is done. One that starts after the caller has finished takes nothing.
import { workerData } from "node:worker_threads";
import { indexPartBuilder } from "../core/session/host-types";
import { NEXT_RANGE, STATE_DONE, STATE_RUNNING, STATE_WAITING, type IndexWorkerData, type IndexWorkerReply } from "./index-workers";
import { NodeFileSource } from "./node-file-source";

const data = workerData as IndexWorkerData;
const state = new Int32Array(data.shared);
if (Atomics.compareExchange(state, data.slot, STATE_WAITING, STATE_RUNNING) === STATE_WAITING) {
  let source: NodeFileSource | undefined;
  try {
    source = new NodeFileSource(data.name, data.path);
    const build = indexPartBuilder(source);
    for (let range = Atomics.add(state, NEXT_RANGE, 1); range < data.ranges.length; range = Atomics.add(state, NEXT_RANGE, 1)) {
      try {
        const image = build(data.ranges[range]!);
        data.port.postMessage({ range, image } satisfies IndexWorkerReply, [image.buffer as ArrayBuffer]);
      } catch (err) {
        // This range is answered with the error; the ranges left are the caller's.
        data.port.postMessage({ range, error: err instanceof Error ? err.message : String(err) } satisfies IndexWorkerReply);
        break;
      }
    }
  } catch {
    // The file would not open, or holds no DWARF: no range was taken, the caller builds them all.
  } finally {
    source?.close();
    Atomics.store(state, data.slot, STATE_DONE);
    Atomics.notify(state, data.slot);
  }
}
