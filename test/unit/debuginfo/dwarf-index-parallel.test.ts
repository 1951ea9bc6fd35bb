// The name index built in parts (index-parallel.ts): unit ranges that cover every unit once, and parts that
// merge into the same image, byte for byte, as one build, whatever the number of threads and whichever
// parts a worker failed to build. The workers here run in this thread (what a DwarfIndexWorkers does with
// them is the adapter's business: test/unit/cli/index-workers.test.ts runs real threads).
import { describe, expect, it } from "vitest";
import { Dwarf } from "../../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { buildIndex, partitionUnits } from "../../../src/core/debuginfo/dwarf/index-build";
import { buildIndexParallel, buildIndexPart, type DwarfIndexWorkers, type ParallelBuildReport } from "../../../src/core/debuginfo/dwarf/index-parallel";
import { IK_STRUCT, IK_VARIABLE, mergeIndexes } from "../../../src/core/debuginfo/dwarf/name-index";
import { EM_X86_64, ET_EXEC, ElfFile } from "../../../src/core/dump/elf";
import { BytesSource, type ByteSource } from "../../../src/core/io/byte-source";
import { manyUnitsDwarf, manyUnitsElf } from "../../fixtures/dwarf-many-units";
import { buildElf } from "../../fixtures/elf-builder";

const built = manyUnitsDwarf(24);
const elf = manyUnitsElf(built);

function open(): { dwarf: Dwarf; source: ByteSource } {
  const source = new BytesSource("many.elf", elf);
  return { dwarf: new Dwarf(dwarfSectionsFromElf(ElfFile.open(source))!), source };
}

/**
 * Workers that build in this thread, each range from its own reading of the file, as a thread would: they
 * take the ranges `takes` picks (by index) before the caller claims any; the caller claims the rest.
 */
function inline(threads: number, takes: (i: number) => boolean, tamper?: (i: number, image: Uint8Array) => Uint8Array | Error | undefined): DwarfIndexWorkers & { asked: number[] } {
  const asked: number[] = [];
  return {
    threads,
    asked,
    start(source, ranges) {
      asked.push(ranges.length);
      const answers = new Map<number, Uint8Array | Error>();
      ranges.forEach((r, i) => {
        if (!takes(i)) return;
        const image = buildIndexPart(new BytesSource(source.name, elf), r);
        const answer = tamper ? tamper(i, image) : image;
        if (answer) answers.set(i, answer);
      });
      let next = 0;
      return {
        claim() {
          while (next < ranges.length && takes(next)) next++;
          return next < ranges.length ? next++ : -1;
        },
        remaining: () => ranges.length - next,
        finish: () => answers,
      };
    },
  };
}

const none: ParallelBuildReport = { threads: 0, ranges: 0, byCaller: 0, rebuilt: [] };

describe("partitionUnits", () => {
  it("splits the units into ranges that hold each unit once, in order, of about equal bytes", () => {
    const { dwarf } = open();
    const units = dwarf.units();
    for (const parts of [1, 2, 3, 5, 24, 40]) {
      const ranges = partitionUnits(dwarf, parts);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(dwarf.infoLength);
      ranges.slice(1).forEach((r, i) => expect(r.start).toBe(ranges[i]!.end));
      for (const u of units) expect(ranges.filter((r) => u.offset >= r.start && u.offset < r.end)).toHaveLength(1);
      if (parts > 1 && parts <= 5) {
        const sizes = ranges.map((r) => r.end - r.start);
        expect(Math.max(...sizes)).toBeLessThan((2 * dwarf.infoLength) / ranges.length);
      }
    }
  });
});

describe("buildIndexParallel", () => {
  const single = buildIndex(new Dwarf(built)).serialize();

  it("gives the image of one build whatever the number of threads and whoever builds which range", () => {
    for (const threads of [0, 1, 2, 3, 5]) {
      for (const [how, takes] of [["every other range", (i: number) => i % 2 === 1], ["none", () => false], ["all", () => true], ["the first three", (i: number) => i < 3]] as const) {
        const { dwarf, source } = open();
        const workers = inline(threads, takes);
        const report = { ...none };
        const image = buildIndexParallel(dwarf, source, workers, report).serialize();
        expect(image, `${threads} threads, workers take ${how}`).toEqual(single);
        expect(report.rebuilt).toEqual([]);
        if (threads === 0) {
          expect(report).toMatchObject({ threads: 1, ranges: 1, byCaller: 1 });
          continue;
        }
        const ranges = partitionUnits(dwarf, (threads + 1) * 4).length;
        expect(workers.asked).toEqual([ranges]);
        expect(report.threads).toBe(threads + 1);
        expect(report.ranges).toBe(ranges);
        expect(report.byCaller).toBe(Array.from({ length: ranges }, (_, i) => i).filter((i) => !takes(i)).length);
      }
    }
  });

  it("keeps the first definition and the first name across parts", () => {
    const { dwarf } = open();
    const parts = partitionUnits(dwarf, 4).map((r) => buildIndex(dwarf, r));
    const merged = mergeIndexes(dwarf.sections, parts);
    const whole = buildIndex(dwarf);
    expect(merged.lookup("shared", IK_STRUCT)).toEqual(whole.lookup("shared", IK_STRUCT));
    expect(merged.lookup("shared", IK_STRUCT)!.flags).toBe(0);
    // An inline name (DW_FORM_string) seen as a declaration in the first part and defined in a later one.
    expect(merged.lookup("jif", IK_VARIABLE)).toEqual(whole.lookup("jif", IK_VARIABLE));
    expect(merged.lookup("jif", IK_VARIABLE)!.flags).toBe(0);
    expect(parts[0]!.lookup("jif", IK_VARIABLE)!.flags).not.toBe(0);
  });

  it("builds here a part that a worker could not build, or whose image does not load", () => {
    const { dwarf, source } = open();
    const report = { ...none };
    const workers = inline(3, (i) => i < 3, (i, image) => (i === 0 ? new Error("worker died") : i === 1 ? image.subarray(0, 10) : undefined));
    expect(buildIndexParallel(dwarf, source, workers, report).serialize()).toEqual(single);
    expect(report.rebuilt).toHaveLength(3);
    expect(report.rebuilt[0]).toMatch(/worker died/);
    expect(report.rebuilt[1]).toMatch(/dwarf index/);
    expect(report.rebuilt[2]).toMatch(/no answer/);
  });

  it("builds everything here when the workers cannot read the source", () => {
    const { dwarf, source } = open();
    const report = { ...none };
    const workers: DwarfIndexWorkers = { threads: 2, start: () => undefined };
    expect(buildIndexParallel(dwarf, source, workers, report).serialize()).toEqual(single);
    expect(report.threads).toBe(1);
    expect(buildIndexParallel(open().dwarf, undefined, workers).serialize()).toEqual(single);
  });

  it("refuses a file without DWARF in a part's build", () => {
    const bare = buildElf({ type: ET_EXEC, machine: EM_X86_64, sections: [{ name: ".debug_str", type: 1, data: built.str! }] }).bytes;
    expect(() => buildIndexPart(new BytesSource("bare.elf", bare), { start: 0, end: 1 })).toThrow(/bare\.elf: no DWARF/);
  });
});
