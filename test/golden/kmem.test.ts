// kmem -i and kmem -p against crash 8.0.6 (reference/kmem-i.txt; test/golden/extra-reference/kmem-p-*.txt,
// made by make-crash-references.sh extra-reference).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

function extra(name: string): string {
  return readFileSync(join(__dirname, "extra-reference", `${name}.txt`), "latin1");
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("kmem (golden)", () => {
  it("kmem -i equals crash's kmem-i.txt", () => {
    const r = fixtureSession()!.run("kmem -i");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("kmem-i.txt")));
  });
  it("kmem -i gives the rows as data", () => {
    const info = dataOf(fixtureSession()!.run("kmem -i").data, "info");
    const byLabel = new Map(info.rows.flat().map((r) => [r.label, r]));
    expect(byLabel.get("TOTAL MEM")!.pages).toBe(135054);
    expect(byLabel.get("FREE")).toMatchObject({ pages: 119786, percent: 88, percentOf: "TOTAL MEM" });
    expect(byLabel.get("SHARED")!.pages).toBe(1266);
    expect(byLabel.get("COMMITTED")).toMatchObject({ pages: 8030, percent: 11, percentOf: "TOTAL LIMIT" });
  });
  for (const [file, cmd] of [
    ["kmem-p-phys", "kmem -p 2001aa40"],
    ["kmem-p-page", "kmem -p ffc5fe1600800680"],
    ["kmem-p-kvaddr", "kmem -p ffffffffa141aa40"],
    ["kmem-p-two", "kmem -p 1f71f000 2001a000"],
    ["kmem-p-direct-map", "kmem -p ff16e6832001aa40"],
    ["kmem-p-pfn0", "kmem -p 1"],
    ["kmem-p-module", "kmem -p ffffffffc05dc05e"],
    ["kmem-p-no-section", "kmem -p 7fffffff000"],
  ] as const) {
    it(`${cmd} equals crash's extra-reference/${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(extra(file)));
    });
  }
  it("unsupported options and missing addresses are one-line errors", () => {
    const s = fixtureSession()!;
    expect(s.run("kmem -s").errors).toEqual(["kmem: option -s is not supported by kdw (supported: -i, -p, -P)"]);
    expect(s.run("kmem -p").errors).toEqual(["kmem: -p needs an address"]);
    expect(s.run("kmem -i -p 1000").errors).toEqual(["kmem: only one flag allowed!"]);
  });
});
