// kmem against crash 8.0.6: -i (reference/kmem-i.txt), -p (test/golden/extra-reference/kmem-p-*.txt), and
// every other option and `swap` (test/golden/kmem-reference/, made by make-crash-references.sh from its
// commands.txt). Text is compared value by value after the one normalisation of session-fixture.ts; where
// crash 8.0.6 is wrong, the test says why and checks the right answer from the kernel's own data.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

function extra(name: string): string {
  return readFileSync(join(__dirname, "extra-reference", `${name}.txt`), "latin1");
}

const KMEM_REF = join(__dirname, "kmem-reference");

function kmemRef(name: string): string {
  return readFileSync(join(KMEM_REF, `${name}.txt`), "latin1");
}

/** NAME|COMMAND lines of kmem-reference/commands.txt. */
function kmemCommands(): { name: string; cmd: string }[] {
  return readFileSync(join(KMEM_REF, "commands.txt"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => ({ name: l.slice(0, l.indexOf("|")), cmd: l.slice(l.indexOf("|") + 1) }));
}

/** crash prints these error lines before its text; kdw keeps them apart (they are the errors of the result). */
const ERRORS_FIRST = new Set(["kmem-not-found", "kmem-two-flags", "kmem-z-addr", "kmem-s-not-slab", "kmem-r", "kmem-c", "kmem-C", "kmem-unmapped"]);
/** Only error lines (crash separates two addresses' lines with a blank line; error lines carry none). */
const ERRORS_ONLY = new Set(["kmem-s-unmapped"]);
/** Where crash 8.0.6 is wrong: checked below, with the reason. */
const CRASH_WRONG = new Set(["kmem-f-11th", "kmem-f-one-past"]);

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

  for (const { name, cmd } of kmemCommands()) {
    if (CRASH_WRONG.has(name)) continue;
    it(`${cmd} equals crash's kmem-reference/${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      if (ERRORS_ONLY.has(name)) {
        expect(r.text).toBe("");
        expect(r.errors).toEqual(kmemRef(name).split("\n").filter(Boolean));
        return;
      }
      const errors = r.errors.length ? r.errors.join("\n") + "\n" : "";
      const got = ERRORS_FIRST.has(name) ? errors + r.text : r.text + errors;
      expect(normalize(got)).toBe(normalize(kmemRef(name)));
    });
  }

  // crash's ordinal() looks at the last digit only: the 11th page of a block is "11st" there.
  it("kmem -f names the 11th page of a block in English (crash 8.0.6 prints 11st)", () => {
    const r = fixtureSession()!.run("kmem -f ffc5fe1600004a80");
    const ref = kmemRef("kmem-f-11th");
    expect(ref).toContain("(ffc5fe1600004a80 is 11st of 32 pages)");
    expect(normalize(r.text)).toBe(normalize(ref.replace("11st", "11th")));
  });

  // crash's free_page_callback takes a page up to and including the one past a block (<= last_page), so the
  // head of the order-6 block that follows the order-5 block at ffc5fe1600004800 stops the search on the
  // order-5 list; its second check (address < block + size) then fails and it prints nothing. The kernel's
  // own free list says otherwise: crash's kmem -F lists ffc5fe1600005000 on free_area[6] (256k), and the
  // walk of that list below finds it too.
  it("kmem -f finds the head of a free block that follows another (crash 8.0.6 prints nothing)", () => {
    const s = fixtureSession()!;
    expect(kmemRef("kmem-f-one-past")).toBe("");
    const F = kmemRef("kmem-F").split("\n");
    const at = F.indexOf("ffc5fe1600005000");
    expect(F[at - 1]).toMatch(/^ {2}6 {5}256k {2}ff16e6832edb1310/);
    const lists = dataOf(s.run("kmem -F").data, "free").zones[0]!.lists;
    expect(lists.find((l) => l.pages?.includes(0xffc5fe1600005000n))).toMatchObject({ order: 6, migratetype: 0, head: 0xff16e6832edb1310n });
    const r = s.run("kmem -f ffc5fe1600005000");
    expect(r.errors).toEqual([]);
    const block = dataOf(r.data, "free-search").searches[0]!.hit!;
    expect(block).toMatchObject({ block: 0xffc5fe1600005000n, offset: 0, list: { order: 6 } });
    expect(r.text.trimEnd().split("\n").at(-1)).toBe("ffc5fe1600005000  (ffc5fe1600005000 is 1st of 64 pages)");
  });

  it("kmem -s gives every cache as data, its counts consistent with the kernel's per-node counters", () => {
    const s = fixtureSession()!;
    const slabs = dataOf(s.run("kmem -s").data, "slabs");
    expect(slabs.entries).toHaveLength(154);
    for (const e of slabs.entries) {
      const c = e.cache.counts!;
      expect(c.allocated + c.free).toBe(c.total);
      expect(c.allocated).toBeGreaterThanOrEqual(0);
    }
    // With CONFIG_SLUB_DEBUG, TOTAL is kmem_cache_node.total_objects and SLABS is nr_slabs (the per-CPU and
    // partial slabs are counted inside it): read them from -S's node lines, which come straight from memory.
    const verbose = dataOf(s.run("kmem -S task_struct").data, "slabs").entries[0]!;
    expect(verbose.nodes![0]).toMatchObject({ slabs: 43, partial: 0, perCpu: 4 });
    expect(verbose.cache.counts).toEqual({ allocated: 109, free: 20, total: 129, slabs: 43 });
    // The free objects: those of the four per-CPU slabs and of the per-CPU partial slabs.
    const cpuFree = verbose.cpus!.flatMap((c) => [c.slab, ...(c.partial ?? [])]).reduce((n, sl) => n + (sl ? sl.objects!.filter((o) => o.free).length : 0), 0);
    expect(cpuFree).toBe(20);
  });

  it("kmem -s ADDRESS says which object of which slab, free or allocated", () => {
    const s = fixtureSession()!;
    const free = dataOf(s.run("kmem -s ff16e6830149a040").data, "slabs").entries[0]!;
    expect(free.cache.name).toBe("kmalloc-rcl-64");
    expect(free.slab!.objects).toEqual([{ address: 0xff16e6830149a040n, free: true, cpuCache: 3 }]);
    const task = dataOf(s.run("kmem -s ff16e683011f0100").data, "slabs").entries[0]!;
    expect(task.slab!.objects).toEqual([{ address: 0xff16e683011f0000n, free: false }]);
  });

  it("usage errors, and options of other kernels, are crash's lines", () => {
    const s = fixtureSession()!;
    expect(s.run("kmem -i -p 1000").errors).toEqual(["kmem: only one flag allowed!"]);
    expect(s.run("kmem -S=x kmem_cache").errors).toEqual(["kmem: invalid cpu specification: x"]);
    expect(s.run("kmem -S:1 kmem_cache").errors).toEqual(["kmem: CPU-specific slab data to be displayed must be written as expected only e.g. -S=1,45."]);
    expect(s.run("kmem -s foo bar").errors).toEqual(["kmem: only one kmem_cache reference is allowed"]);
    expect(s.run("kmem -m nosuchmember 1000").errors).toEqual(["kmem: invalid page struct member: nosuchmember"]);
    expect(s.run("kmem -m lru, 1000").errors).toEqual(["kmem: invalid format: lru,"]);
  });

  it("help kmem and help swap are crash's", () => {
    const s = fixtureSession()!;
    expect(normalize(s.run("help kmem").text)).toBe(normalize(kmemRef("help-kmem")));
    expect(normalize(s.run("help swap").text)).toBe(normalize(kmemRef("help-swap")));
  });
});
