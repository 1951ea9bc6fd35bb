// vtop and ptov against crash 8.0.6: the golden references (reference/vtop-*.txt) and the extra references
// made with the same crash on dump.lzo (test/golden/extra-reference/, README there gives the commands).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

function extra(name: string): string {
  return readFileSync(join(__dirname, "extra-reference", `${name}.txt`), "latin1");
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("vtop (golden)", () => {
  for (const [file, cmd] of [
    ["vtop-init_task", "vtop ffffffffa141aa40"],
    ["vtop-linux_banner", "vtop ffffffffa0b1fa00"],
  ] as const) {
    it(`${cmd} equals crash's ${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(reference(`${file}.txt`)));
    });
  }
  it("takes a symbol", () => {
    const r = fixtureSession()!.run("vtop init_task");
    expect(normalize(r.text)).toBe(normalize(reference("vtop-init_task.txt")));
  });
  for (const [file, cmd] of [
    ["vtop-module-4k", "vtop ffffffffc05dc05e"],
    ["vtop-direct-map", "vtop ff16e6832001aa40"],
    ["vtop-vmemmap", "vtop ffc5fe1600800680"],
    ["vtop-k-user-address", "vtop -k 1000"],
    ["vtop-vsyscall-not-mapped", "vtop ffffffffff600000"],
    ["vtop-u-kernel-address", "vtop -u ffffffffa141aa40"],
    ["vtop-direct-map-beyond-memory", "vtop ff16e68400000000"],
  ] as const) {
    it(`${cmd} equals crash's extra-reference/${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(extra(file)));
    });
  }
  it("an unmapped hole in the kernel's half is not mapped (crash computes a physical address there)", () => {
    // crash's x86_64_kvtop treats every kernel address outside vmalloc, vmemmap, modules and the
    // cpu_entry_area as direct-mapped (x86_64_VTOP), so for these holes it prints vaddr - PAGE_OFFSET as the
    // physical address (extra-reference/vtop-vmalloc-hole.txt, vtop-pgd-not-present.txt) and then warns of
    // an invalid sparsemem section. kdw walks them: same walk lines, "(not mapped)", no page line.
    for (const [file, cmd] of [
      ["vtop-vmalloc-hole", "vtop ffffc90000000000"],
      ["vtop-pgd-not-present", "vtop fffe000000000000"],
    ] as const) {
      const crashLines = normalize(extra(file)).split("\n");
      const vaddr = cmd.split(" ")[1]!;
      const expected = [crashLines[0], `${vaddr} (not mapped)`, ...crashLines.slice(2).filter((l) => !l.startsWith("WARNING: sparsemem"))].join("\n");
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(expected));
    }
  });
  it("two addresses are separated by one blank line", () => {
    const r = fixtureSession()!.run("vtop ffffffffa141aa40 ffffffffa0b1fa00");
    expect(normalize(r.text)).toBe(normalize(reference("vtop-init_task.txt")) + "\n\n" + normalize(reference("vtop-linux_banner.txt")));
  });
  it("-u and -k together is crash's error", () => {
    expect(fixtureSession()!.run("vtop -u -k 1000").errors).toEqual(["vtop: -u and -k options are mutually exclusive"]);
  });
  it("a non-canonical address without -u/-k is ambiguous", () => {
    expect(fixtureSession()!.run("vtop 8000000000000000").errors).toEqual(["vtop: ambiguous address: 8000000000000000  (requires -u or -k)"]);
  });
  it("returns the walk as data", () => {
    const r = fixtureSession()!.run("vtop ffffffffc05dc05e");
    const [res] = dataOf(r.data);
    expect(res!.physical).toBe(0x1b7705e);
    expect(res!.levels.map((l) => l.level)).toEqual(["PGD", "P4D", "PUD", "PMD", "PTE"]);
    expect(res!.pageSize).toBe(4096);
    expect(res!.page!.pfn).toBe(0x1b77);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("vtop of user addresses (crash 8.0.6, without its VMA lines)", () => {
  // crash prints the VMA holding the address (vm_area_dump) and, for an unmapped page of a file mapping,
  // a FILE: line; kdw has no VMA walker yet, so those lines are dropped from crash's output before comparing.
  function withoutVma(text: string): string {
    const lines = text.split("\n");
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (/^ {6}VMA {11}START/.test(lines[i]!)) {
        i += 2; // header, the VMA line, the blank line after it
        continue;
      }
      if (lines[i]!.startsWith("FILE: ")) {
        i += 1;
        continue;
      }
      out.push(lines[i]!);
    }
    return out.join("\n");
  }
  for (const [file, cmd] of [
    ["vtop-c-324-401000", "vtop -c 324 401000"],
    ["vtop-c-324-3c62d000", "vtop -c 324 3c62d000"],
    ["vtop-c-324-7f203178a000", "vtop -c 324 7f203178a000"],
    ["vtop-400000", "vtop 400000"],
  ] as const) {
    it(`${cmd} equals crash's extra-reference/${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(withoutVma(extra(file))));
    });
  }
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("ptov (golden)", () => {
  for (const [file, cmd] of [
    ["ptov-init_task", "ptov 2001aa40"],
    ["ptov-two", "ptov 1f71fa00 2001aa40"],
    ["ptov-percpu-all", "ptov 1000:a"],
    ["ptov-percpu-1", "ptov 1000:1"],
    ["ptov-percpu-current", "ptov 1000:"],
  ] as const) {
    it(`${cmd} equals crash's extra-reference/${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(extra(file)));
    });
  }
  it("a bad cpu list is an error", () => {
    expect(fixtureSession()!.run("ptov 1000:9").errors).toEqual(["ptov: invalid cpu specification: 9"]);
  });
});
