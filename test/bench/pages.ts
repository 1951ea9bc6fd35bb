// kdw's page throughput on one dump, in a process of its own, its figures as JSON on stdout: run.ts starts
// it bundled as the CLI is (out/bench/), a process for each variant, so that one variant's figure does not
// carry the heap and the collector's state another left (seen: the ELF figure halved or not by which
// variant ran before it in one process). Usage: node out/bench/pages.mjs DUMP RUNS
import { closeSync, openSync, readSync } from "node:fs";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { nodeCodecs } from "../../src/cli/node-codecs";
import { openDump } from "../../src/core/dump/open";
import { PT_LOAD } from "../../src/core/dump/elf";
import type { ElfVmcore } from "../../src/core/dump/elf-vmcore";
import type { Dump } from "../../src/core/dump/dump";
import { collectPrevious, median } from "./harness";

/** The median pass's wall and CPU seconds. */
export interface PassTimes {
  seconds: number;
  cpuSeconds: number;
}

export interface PageThroughput extends PassTimes {
  pages: number;
  /** The same pages read as a scan reads them (Dump.readPageTransient: `search`). */
  scan: PassTimes;
  /**
   * An ELF dump only: the present pages' bytes read from the file into one reused buffer, 256 KiB at a time,
   * and nothing else: the copy any reader without mmap makes, the floor of kdw's figures.
   */
  copyFloor?: PassTimes;
  /** The present pages, in the order read (libkdumpfile reads the same list). */
  pfns: number[];
  codecs: string;
}

/**
 * Reads every page listed, each a page the caller may keep (Dump.readPage). Functions of their own, called
 * for the warm-up and for each timed pass: with the loop in kdwPageThroughput, V8 compiled that function anew
 * on a background thread (on-stack replacement) during each timed pass, CPU time the decoding did not spend.
 */
function readEvery(dump: Dump, pfns: readonly number[]): void {
  for (const pfn of pfns) dump.readPage(pfn);
}

/**
 * Reads every page listed as `search` does (Dump.readPageTransient: a view valid until the next read), and
 * reads each page's first and last byte (a scan looks at every page).
 */
function scanEvery(dump: Dump, pfns: readonly number[]): number {
  let sum = 0;
  for (const pfn of pfns) {
    const page = dump.readPageTransient(pfn);
    sum += page[0]! + page[page.length - 1]!;
  }
  return sum;
}

/** The file's runs [offset, end) that hold the present pages of an ELF dump, in order, adjacent pages merged. */
function elfFileRuns(dump: ElfVmcore, pfns: readonly number[]): number[] {
  const loads = dump.elf.programHeaders.filter((p) => p.type === PT_LOAD);
  const runs: number[] = [];
  for (const pfn of pfns) {
    const addr = pfn * dump.pageSize;
    const p = loads.find((l) => Number(l.paddr) <= addr && addr + dump.pageSize <= Number(l.paddr) + l.filesz);
    if (!p) continue;
    const at = p.offset + (addr - Number(p.paddr));
    if (runs.length && runs[runs.length - 1] === at) runs[runs.length - 1] = at + dump.pageSize;
    else runs.push(at, at + dump.pageSize);
  }
  return runs;
}

function copyRuns(fd: number, runs: readonly number[], buf: Uint8Array): void {
  for (let i = 0; i < runs.length; i += 2) {
    for (let at = runs[i]!; at < runs[i + 1]!; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, runs[i + 1]! - at), at);
      if (n <= 0) throw new Error(`short read at ${at}`);
      at += n;
    }
  }
}

/** One timed pass of `f`. */
function timed(f: () => void): PassTimes {
  collectPrevious();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

const medianOf = (xs: PassTimes[]): PassTimes => ({ seconds: median(xs.map((x) => x.seconds)), cpuSeconds: median(xs.map((x) => x.cpuSeconds)) });

/**
 * Decodes every present page of a dump once per run, each way in turn; the median run's wall and CPU seconds
 * of each. A first pass of each way over another instance (its own caches) lets the JIT compile the
 * decoders: the timed passes measure decoding, not warm-up. Each timed pass is on a freshly opened dump
 * (nothing cached), after the previous pass's garbage is collected (libkdumpfile's object is freed when the
 * next one replaces it).
 */
function kdwPageThroughput(path: string, runs: number): PageThroughput {
  const open = () => {
    const src = new NodeFileSource(path);
    return { src, dump: openDump(src, { codecs: nodeCodecs }) };
  };
  const warm = open();
  const pfns: number[] = [];
  for (let pfn = 0; pfn < warm.dump.maxPfn; pfn++) if (warm.dump.pageState(pfn) === "present") pfns.push(pfn);
  readEvery(warm.dump, pfns);
  scanEvery(warm.dump, pfns);
  const runsInFile = warm.dump.format.kind === "elf" ? elfFileRuns(warm.dump as ElfVmcore, pfns) : undefined;
  const codecs = Object.entries(warm.dump.pageStats().byCompression).map(([k, v]) => `${k} ${v}`).join(", ");
  warm.src.close();
  const fd = runsInFile ? openSync(path, "r") : -1;
  const stage = new Uint8Array(256 << 10);
  if (runsInFile) copyRuns(fd, runsInFile, stage);
  const views: PassTimes[] = [];
  const scans: PassTimes[] = [];
  const floors: PassTimes[] = [];
  for (let run = 0; run < runs; run++) {
    let d = open();
    views.push(timed(() => readEvery(d.dump, pfns)));
    d.src.close();
    d = open();
    scans.push(timed(() => void scanEvery(d.dump, pfns)));
    d.src.close();
    if (runsInFile) floors.push(timed(() => copyRuns(fd, runsInFile, stage)));
  }
  if (runsInFile) closeSync(fd);
  return { pages: pfns.length, ...medianOf(views), scan: medianOf(scans), copyFloor: runsInFile ? medianOf(floors) : undefined, pfns, codecs };
}

const [path, runs] = process.argv.slice(2);
if (!path || !runs) throw new Error("usage: pages.mjs DUMP RUNS");
process.stdout.write(JSON.stringify(kdwPageThroughput(path, Number(runs))) + "\n");
