// A kdump-compressed dump of production shape (test/bench/scale-dump.ts: 16 GiB of address space with a PCI
// hole, 64 of every 1024 pfns dumped, every 4th dumped page the shared zero page), read through the chunked
// bitmaps and the on-demand descriptor table: page states, descriptor ranks and page contents at pfns spread
// over every bitmap chunk agree with the layout the generator wrote, and so do the statistics.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { DiskdumpVmcore } from "../../../src/core/dump/diskdump";
import { writeScaleDump, type ScaleDump } from "../../bench/scale-dump";

const GIB = 2 ** 30;
const PS = 4096;
const HOLE = [(3 * GIB) / PS, (4 * GIB) / PS];
const K = 64; // dumped pfns at the start of each group of 1024

let dir = "";
let made: ScaleDump;
let dump: DiskdumpVmcore;
let source: NodeFileSource;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kdw-scale-test-"));
  // 3840 groups of 1024 pfns outside the hole, 64 dumped in each.
  made = writeScaleDump(join(dir, "scale.kdump"), 16, 3840 * K);
  source = new NodeFileSource("scale.kdump", made.path);
  dump = DiskdumpVmcore.open(source);
});

afterAll(() => {
  source?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const inHole = (pfn: number) => pfn >= HOLE[0]! && pfn < HOLE[1]!;
const isDumped = (pfn: number) => !inHole(pfn) && pfn % 1024 < K;
/** The page_desc index of a dumped pfn: the dumped pfns before it. */
function rank(pfn: number): number {
  const group = Math.floor(pfn / 1024);
  const holeGroups = Math.max(0, Math.min(group, HOLE[1]! / 1024) - HOLE[0]! / 1024);
  return (group - holeGroups) * K + (inHole(pfn) ? 0 : Math.min(pfn % 1024, K));
}

describe("a 16 GiB synthetic kdump-compressed dump", () => {
  it("has the generator's counts, ranges and codecs", () => {
    expect(dump.maxPfn).toBe((16 * GIB) / PS);
    expect(made.dumped).toBe(rank(dump.maxPfn));
    const stats = dump.pageStats();
    expect(stats.present).toBe(made.dumped);
    expect(stats.excluded).toBe(dump.maxPfn - (HOLE[1]! - HOLE[0]!) - made.dumped);
    expect(stats.byCompression).toEqual({ none: made.dumped - made.dumped / 4, zero: made.dumped / 4 });
    expect(dump.memoryRanges).toEqual([
      { start: 0, end: 3 * GIB },
      { start: 4 * GIB, end: 16 * GIB },
    ]);
  });

  it("gives every sampled pfn its state, descriptor and bytes", () => {
    const data = new Uint8Array(PS).map((_, i) => (i * 31 + 7) & 0xff);
    let dumped = 0;
    // A stride prime to 1024 visits every offset in a group and every bitmap chunk; then the edges.
    const pfns = [0, 63, 64, 1023, 1024, HOLE[0]! - 1, HOLE[0]!, HOLE[1]! - 1, HOLE[1]!, dump.maxPfn - 1];
    for (let pfn = 5; pfn < dump.maxPfn; pfn += 997) pfns.push(pfn);
    for (const pfn of pfns) {
      const want = isDumped(pfn) ? "present" : inHole(pfn) ? "absent" : "excluded";
      expect(dump.pageState(pfn), `pfn ${pfn}`).toBe(want);
      if (want !== "present") {
        expect(dump.pageDescriptor(pfn)).toBeNull();
        continue;
      }
      dumped++;
      const pd = dump.pageDescriptor(pfn)!;
      expect(pd.descOffset).toBe(dump.header.dataOffset + rank(pfn) * 24);
      const page = dump.readPage(pfn);
      if (rank(pfn) % 4 === 3) expect(page.every((b) => b === 0)).toBe(true);
      else expect(Buffer.compare(page, data)).toBe(0);
    }
    expect(dumped).toBeGreaterThan(200);
  });
});
