// The name index built in parts, in parallel, by whoever can run threads. The core has none: an adapter
// (src/cli: Node worker threads) passes a DwarfIndexWorkers that runs buildIndexPart() over unit ranges of the
// same ELF file in other threads, while this thread builds the first range. The parts merge in .debug_info
// order (mergeIndexes), so the index is the same, byte for byte, whatever the number of threads; without
// workers (tests, the browser, a source another thread cannot open) everything is built here.
import { ElfFile } from "../../dump/elf";
import type { ByteSource } from "../../io/byte-source";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { Dwarf } from "./dwarf";
import { dwarfSectionsFromElf } from "./elf-sections";
import { buildIndex, partitionUnits, type IndexRange } from "./index-build";
import { DwarfIndex, mergeIndexes } from "./name-index";

/** What an adapter with threads provides. */
export interface DwarfIndexWorkers {
  /** Threads that may build parts besides the caller's (0: everything is built in the caller's). */
  readonly threads: number;
  /**
   * Starts buildIndexPart(file, range) for each range in other threads and returns a function that waits
   * (blocking) for all of them: each part's image, or the Error it ended with, in the order of `ranges`.
   * Undefined when `source` cannot be opened from another thread (the caller then builds alone).
   */
  start(source: ByteSource, ranges: readonly IndexRange[]): (() => (Uint8Array | Error)[]) | undefined;
}

/** How the index was built, for the bench and for messages. */
export interface ParallelBuildReport {
  /** Threads that built parts (1: the caller alone). */
  threads: number;
  /** Parts another thread could not build, built again here, with the reason. */
  rebuilt: string[];
}

/**
 * The index of `dwarf` (read from ELF file `source`), built by the caller's thread and `workers`' threads
 * together. A part that a worker could not build (it failed, or its image does not load) is built here.
 */
export function buildIndexParallel(dwarf: Dwarf, source: ByteSource | undefined, workers: DwarfIndexWorkers | undefined, report?: ParallelBuildReport): DwarfIndex {
  const extra = workers && source ? Math.max(0, Math.floor(workers.threads)) : 0;
  if (report) {
    report.threads = 1;
    report.rebuilt = [];
  }
  if (extra === 0) return buildIndex(dwarf);
  const ranges = partitionUnits(dwarf, extra + 1);
  if (ranges.length < 2) return buildIndex(dwarf);
  const wait = workers!.start(source!, ranges.slice(1));
  if (!wait) return buildIndex(dwarf);
  const parts = [buildIndex(dwarf, ranges[0])];
  const images = wait();
  if (report) report.threads = ranges.length;
  ranges.slice(1).forEach((range, i) => {
    const image = images[i];
    let part: DwarfIndex | undefined;
    let why = image === undefined ? "no answer" : image instanceof Error ? image.message : undefined;
    if (image instanceof Uint8Array) {
      try {
        part = DwarfIndex.deserialize(dwarf.sections, image);
      } catch (e) {
        if (!(e instanceof KdwError)) throw e;
        why = e.message;
      }
    }
    if (!part) {
      report?.rebuilt.push(`units 0x${range.start.toString(16)}-0x${range.end.toString(16)}: ${why}`);
      part = buildIndex(dwarf, range);
    }
    parts.push(part);
  });
  // One part is already the index (merging re-adds its entries in the same order).
  return parts.length === 1 ? parts[0]! : mergeIndexes(dwarf.sections, parts);
}

/**
 * One part of the index, as a worker thread builds it: the DWARF of the ELF file in `source` (read by ranges),
 * the units whose header starts in `range`, serialized.
 */
export function buildIndexPart(source: ByteSource, range: IndexRange): Uint8Array {
  const sections = dwarfSectionsFromElf(ElfFile.open(source));
  if (!sections) throw new MissingDebugInfo(`${source.name}: no DWARF (.debug_info)`);
  return buildIndex(new Dwarf(sections), range).serialize();
}
