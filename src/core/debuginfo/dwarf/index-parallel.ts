// The name index built in parts, in parallel, by whoever can run threads. The core has none: an adapter
// (src/cli: Node worker threads) passes a DwarfIndexWorkers that runs buildIndexPart() over unit ranges of the
// same ELF file in other threads, while this thread builds ranges too; each thread takes the next range
// nobody has taken. The parts merge in .debug_info order (mergeIndexes), so the index is the same, byte for
// byte, whatever the number of threads and whoever built what; without workers (tests, the browser, a
// source another thread cannot open) everything is built here.
import { ElfFile } from "../../dump/elf";
import type { ByteSource } from "../../io/byte-source";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { Dwarf } from "./dwarf";
import { dwarfSectionsFromElf } from "./elf-sections";
import { buildIndex, partitionUnits, type IndexRange } from "./index-build";
import { DwarfIndex, mergeIndexes } from "./name-index";

/** Ranges per thread: small enough that a thread that starts late or runs slow leaves its share to the others. */
const RANGES_PER_THREAD = 4;

/** What an adapter with threads provides. */
export interface DwarfIndexWorkers {
  /** Threads that may build parts besides the caller's (0: everything is built in the caller's). */
  readonly threads: number;
  /**
   * Starts worker threads on `ranges` of the ELF file `source`: each claims ranges nobody has taken yet (a
   * shared counter) and runs buildIndexPart() on them, until none is left. Undefined when `source` cannot be
   * opened from another thread (the caller then builds alone).
   */
  start(source: ByteSource, ranges: readonly IndexRange[]): IndexJob | undefined;
}

/** The ranges of one parallel build, shared between the caller and the workers. */
export interface IndexJob {
  /** Claims the next range nobody has taken, for the caller to build; -1 when none is left. */
  claim(): number;
  /** Ranges nobody has taken yet (progress). */
  remaining(): number;
  /**
   * Waits (blocking) for the ranges the workers took: each one's image, or the Error it ended with. A range a
   * worker took and never answered for is absent; a worker that had not started by now takes none.
   */
  finish(): Map<number, Uint8Array | Error>;
}

/** How the index was built, for the bench and for messages. */
export interface ParallelBuildReport {
  /** Threads that could build parts (1: the caller alone). */
  threads: number;
  /** Ranges the units were split into, and how many of them the caller built. */
  ranges: number;
  byCaller: number;
  /** Ranges a worker took and could not build, built again here, with the reason. */
  rebuilt: string[];
}

/**
 * The index of `dwarf` (read from ELF file `source`), built by the caller's thread and `workers`' threads
 * together: the units are split into a few ranges per thread that whoever is free takes next, so a worker
 * that starts late or runs on a busy core costs little. A range a worker could not build (it failed, or its
 * image does not load) is built here. The parts merge in unit order: the same index whoever built what.
 */
export function buildIndexParallel(dwarf: Dwarf, source: ByteSource | undefined, workers: DwarfIndexWorkers | undefined, report?: ParallelBuildReport): DwarfIndex {
  const extra = workers && source ? Math.max(0, Math.floor(workers.threads)) : 0;
  const alone = (): DwarfIndex => {
    if (report) Object.assign(report, { threads: 1, ranges: 1, byCaller: 1, rebuilt: [] });
    return buildIndex(dwarf);
  };
  if (extra === 0) return alone();
  const ranges = partitionUnits(dwarf, (extra + 1) * RANGES_PER_THREAD);
  if (ranges.length < 2) return alone();
  const job = workers!.start(source!, ranges);
  if (!job) return alone();
  const parts: (DwarfIndex | undefined)[] = new Array<DwarfIndex | undefined>(ranges.length);
  let byCaller = 0;
  for (let i = job.claim(); i >= 0; i = job.claim()) {
    if (i >= ranges.length || parts[i]) throw new RangeError(`index job: range ${i} claimed twice or out of range`);
    parts[i] = buildIndex(dwarf, ranges[i]);
    byCaller++;
  }
  const theirs = job.finish();
  const rebuilt: string[] = [];
  ranges.forEach((range, i) => {
    if (parts[i]) return;
    const image = theirs.get(i);
    let why = image === undefined ? "no answer" : image instanceof Error ? image.message : undefined;
    if (image instanceof Uint8Array) {
      try {
        parts[i] = DwarfIndex.deserialize(dwarf.sections, image);
      } catch (e) {
        if (!(e instanceof KdwError)) throw e;
        why = e.message;
      }
    }
    if (!parts[i]) {
      rebuilt.push(`units 0x${range.start.toString(16)}-0x${range.end.toString(16)}: ${why}`);
      parts[i] = buildIndex(dwarf, range);
    }
  });
  if (report) Object.assign(report, { threads: extra + 1, ranges: ranges.length, byCaller, rebuilt });
  return mergeIndexes(dwarf.sections, parts as DwarfIndex[]);
}

/**
 * The parts of the index, as a worker thread builds them: the DWARF of the ELF file in `source` (read by
 * ranges), opened once; each call builds the units whose header starts in `range`, serialized.
 */
export function indexPartBuilder(source: ByteSource): (range: IndexRange) => Uint8Array {
  const sections = dwarfSectionsFromElf(ElfFile.open(source));
  if (!sections) throw new MissingDebugInfo(`${source.name}: no DWARF (.debug_info)`);
  const dwarf = new Dwarf(sections);
  return (range) => buildIndex(dwarf, range).serialize();
}

/** One part of the index from a file opened for it alone (indexPartBuilder for several). */
export function buildIndexPart(source: ByteSource, range: IndexRange): Uint8Array {
  return indexPartBuilder(source)(range);
}
