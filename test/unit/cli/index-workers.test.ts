// The DWARF name index built by real worker threads (src/cli/index-workers.ts over the bundled
// dwarf-index-worker.mjs that the test setup builds): the same image as one build in this thread, and a
// worker that cannot read its file costs only time. (The fixture vmlinux's parts: dwarf-vmlinux.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeIndexWorkers } from "../../../src/cli/index-workers";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { buildIndex, partitionUnits } from "../../../src/core/debuginfo/dwarf/index-build";
import { buildIndexParallel, type ParallelBuildReport } from "../../../src/core/debuginfo/dwarf/index-parallel";
import { DwarfIndex, mergeIndexes } from "../../../src/core/debuginfo/dwarf/name-index";
import { ElfFile } from "../../../src/core/dump/elf";
import { BytesSource } from "../../../src/core/io/byte-source";
import { manyUnitsDwarf, manyUnitsElf } from "../../fixtures/dwarf-many-units";

const dir = mkdtempSync(join(tmpdir(), "kdw-index-workers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(source: NodeFileSource, threads: number, report?: ParallelBuildReport): Uint8Array {
  const dwarf = new Dwarf(dwarfSectionsFromElf(ElfFile.open(source))!);
  return buildIndexParallel(dwarf, source, nodeIndexWorkers(threads), report).serialize();
}

describe("index worker threads", () => {
  const built = manyUnitsDwarf(30);
  const path = join(dir, "many.elf");
  writeFileSync(path, manyUnitsElf(built));
  const single = buildIndex(new Dwarf(built)).serialize();

  it("build parts that merge into the image of one build", () => {
    for (const threads of [1, 3]) {
      const source = new NodeFileSource("many.elf", path);
      const report: ParallelBuildReport = { threads: 0, ranges: 0, byCaller: 0, rebuilt: [] };
      try {
        expect(build(source, threads, report)).toEqual(single);
      } finally {
        source.close();
      }
      expect(report).toMatchObject({ threads: threads + 1, ranges: partitionUnits(new Dwarf(built), (threads + 1) * 4).length, rebuilt: [] });
      expect(report.byCaller).toBeGreaterThan(0);
    }
  });

  it("take every range when the caller takes none, and their images merge into the image of one build", () => {
    const source = new NodeFileSource("many.elf", path);
    try {
      const dwarf = new Dwarf(dwarfSectionsFromElf(ElfFile.open(source))!);
      const ranges = partitionUnits(dwarf, 12);
      const job = nodeIndexWorkers(2)!.start(source, ranges)!;
      // Wait (up to a minute) for the workers to start and take every range.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let waited = 0; job.remaining() > 0 && waited < 60_000; waited += 50) Atomics.wait(pause, 0, 0, 50);
      expect(job.claim()).toBe(-1);
      const answers = job.finish();
      expect([...answers.keys()].sort((a, b) => a - b)).toEqual(ranges.map((_, i) => i));
      const parts = ranges.map((_, i) => {
        const image = answers.get(i);
        if (!(image instanceof Uint8Array)) throw new Error(`range ${i}: ${String(image)}`);
        return DwarfIndex.deserialize(dwarf.sections, image);
      });
      expect(mergeIndexes(dwarf.sections, parts).serialize()).toEqual(single);
    } finally {
      source.close();
    }
  });

  it("leave every range to the caller when they cannot open the file", () => {
    const gone = join(dir, "gone.elf");
    writeFileSync(gone, manyUnitsElf(built));
    const source = new NodeFileSource("gone.elf", gone);
    rmSync(gone);
    const report: ParallelBuildReport = { threads: 0, ranges: 0, byCaller: 0, rebuilt: [] };
    try {
      expect(build(source, 2, report)).toEqual(single);
    } finally {
      source.close();
    }
    // A worker that cannot open the file takes no range: the caller builds them all.
    const ranges = partitionUnits(new Dwarf(built), 12).length;
    expect(report).toMatchObject({ threads: 3, ranges, byCaller: ranges, rebuilt: [] });
  });

  it("are not used for a source they cannot reopen", () => {
    const workers = nodeIndexWorkers(2)!;
    expect(workers.start(new BytesSource("memory", new Uint8Array(0)), [{ start: 0, end: 1 }])).toBeUndefined();
    expect(nodeIndexWorkers(0)).toBeUndefined();
  });
});
