// kdw's page throughput on one dump, in a process of its own, its figures as JSON on stdout: run.ts starts
// it bundled as the CLI is (out/bench/), a process for each variant, so that one variant's figure does not
// carry the heap and the collector's state another left (seen: the ELF figure halved or not by which
// variant ran before it in one process). Usage: node out/bench/pages.mjs DUMP RUNS
import { NodeFileSource } from "../../src/cli/node-file-source";
import { nodeCodecs } from "../../src/cli/node-codecs";
import { openDump } from "../../src/core/dump/open";
import { collectPrevious, median } from "./harness";

export interface PageThroughput {
  pages: number;
  seconds: number;
  cpuSeconds: number;
  /** The present pages, in the order read (libkdumpfile reads the same list). */
  pfns: number[];
  codecs: string;
}

/**
 * Reads every page listed. A function of its own, called for the warm-up and for each timed pass: with the
 * loop in kdwPageThroughput, V8 compiled that function anew on a background thread (on-stack replacement)
 * during each timed pass, CPU time the decoding did not spend.
 */
function readEvery(dump: ReturnType<typeof openDump>, pfns: readonly number[]): void {
  for (const pfn of pfns) dump.readPage(pfn);
}

/**
 * Decodes every present page of a dump once per run; the median run's wall and CPU seconds. A first pass
 * over another instance (its own caches) lets the JIT compile the decoders: the timed passes measure
 * decoding, not warm-up. Each timed pass is on a freshly opened dump (nothing cached).
 */
function kdwPageThroughput(path: string, runs: number): PageThroughput {
  const warm = new NodeFileSource(path);
  const warmDump = openDump(warm, { codecs: nodeCodecs });
  const pfns: number[] = [];
  for (let pfn = 0; pfn < warmDump.maxPfn; pfn++) if (warmDump.pageState(pfn) === "present") pfns.push(pfn);
  readEvery(warmDump, pfns);
  warm.close();
  const times: number[] = [];
  const cpus: number[] = [];
  let codecs = "";
  for (let run = 0; run < runs; run++) {
    // What the previous pass left (its dump's decoded pages) is collected before this one is timed, as
    // libkdumpfile's object is freed when the next one replaces it.
    collectPrevious();
    const src = new NodeFileSource(path);
    const dump = openDump(src, { codecs: nodeCodecs });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    readEvery(dump, pfns);
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpus.push((c.user + c.system) / 1e6);
    codecs = Object.entries(dump.pageStats().byCompression).map(([k, v]) => `${k} ${v}`).join(", ");
    src.close();
  }
  return { pages: pfns.length, seconds: median(times), cpuSeconds: median(cpus), pfns, codecs };
}

const [path, runs] = process.argv.slice(2);
if (!path || !runs) throw new Error("usage: pages.mjs DUMP RUNS");
process.stdout.write(JSON.stringify(kdwPageThroughput(path, Number(runs))) + "\n");
