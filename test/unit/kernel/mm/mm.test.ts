// struct page, sparsemem sections, page flag names and the memory counters, on the fixture's Program and on
// the same Program with chosen words of memory rewritten or hidden (bad roots, unreadable tables, loops).
import { describe, expect, it } from "vitest";
import { center } from "../../../../src/core/commands/shared/mkstring";
import { pagesToSize } from "../../../../src/core/commands/memory/kmem-format";
import { countMemMap, decodePageFlags, forEachPresentSection, mmLayout, nrToSection, pageToPfn, pageflagMask, pageflagNames, pfnToPage, readStructPage } from "../../../../src/core/kernel/mm/mm";
import { hugetlbTotalPages, nrBlockdevPages, overcommit, swapTotals, totalramPages, vmNodeStat, vmStat, vmZoneStat, zonesFreePages } from "../../../../src/core/kernel/mm/stat";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


const good = () => fixtureSession()!.kernel.program;
function patched(patches: Map<bigint, bigint | null>): Program {
  const prog = good();
  return patchedProgram(prog, patches);
}
const VMEMMAP = 0xffc5fe1600000000n;
const INIT_TASK_PAGE = 0xffc5fe1600800680n; // struct page of pfn 0x2001a (reference/vtop-init_task.txt)

describe("crash's text helpers", () => {
  it("pages_to_size: KB below a MiB, one decimal above, .0 dropped, printf's round-half-even", () => {
    expect(pagesToSize(0)).toBe("0");
    expect(pagesToSize(1)).toBe("4 KB");
    expect(pagesToSize(256)).toBe("1 MB");
    expect(pagesToSize(135054)).toBe("527.6 MB");
    expect(pagesToSize(320)).toBe("1.2 MB"); // 1.25 MiB: %.1f gives 1.2 (toFixed would give 1.3)
    expect(pagesToSize(352)).toBe("1.4 MB"); // 1.375 MiB: not a tie at one decimal
    expect(pagesToSize(262144 + 26214)).toBe("1.1 GB");
  });
  it("mkstring centring: the odd space goes left with RJUST, right otherwise", () => {
    expect(center("PAGE", 16)).toBe("      PAGE      ");
    expect(center("MAPPING", 16, true)).toBe("     MAPPING    ");
    expect(center("INDEX", 8, true)).toBe("  INDEX ");
    expect(center("PTE", 16)).toBe("      PTE       ");
    expect(center("toolongvalue", 4)).toBe("toolongvalue");
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("struct page and sections (fixture)", () => {
  it("the layout comes from VMCOREINFO and the types", () => {
    expect(mmLayout(good())).toMatchObject({ pageStructSize: 64, pageFlagsOff: 0, pageRefcountOff: 52, pageMappingOff: 24, pageIndexOff: 32, memSectionSize: 16, pfnSectionShift: 15, sectionsPerRoot: 256 });
  });
  it("page flag names come from pageflag_names[] in the kernel's order", () => {
    const names = pageflagNames(good());
    // mm/debug.c __def_pageflag_names: not in bit order (waiters and error come before referenced).
    expect(names.slice(0, 5)).toEqual([
      { name: "locked", mask: 1n },
      { name: "waiters", mask: 0x80n },
      { name: "error", mask: 0x100n },
      { name: "referenced", mask: 0x2n },
      { name: "uptodate", mask: 0x4n },
    ]);
    expect(names).toHaveLength(24);
    expect(pageflagMask(good(), "reserved")).toBe(1n << 12n);
    expect(decodePageFlags(good(), 0xfffffc0003000n)).toEqual(["reserved", "private"]);
    expect(decodePageFlags(good(), 0xfffffc008003en)).toEqual(["referenced", "uptodate", "dirty", "lru", "active", "swapbacked"]);
    expect(decodePageFlags(good(), 0n)).toEqual([]);
  });
  it("without a readable pageflag_names[] the names come from enum pageflags", () => {
    const prog = good();
    const nameOff = prog.memberOffset("struct trace_print_flags", "name")!;
    const bad = patched(new Map([[prog.symbolAddress("pageflag_names") + BigInt(nameOff), null]]));
    const names = pageflagNames(bad);
    expect(names[0]).toEqual({ name: "locked", mask: 1n });
    expect(names.find((n) => n.name === "reserved")!.mask).toBe(1n << 12n);
    expect(decodePageFlags(bad, 0xfffffc0001000n)).toEqual(["reserved"]);
  });
  it("pfn_to_page and back", () => {
    const prog = good();
    expect(pfnToPage(prog, 0x2001a)).toBe(INIT_TASK_PAGE);
    expect(pfnToPage(prog, 0)).toBe(VMEMMAP);
    expect(pageToPfn(prog, INIT_TASK_PAGE, VMEMMAP)).toBe(0x2001a);
    expect(pageToPfn(prog, INIT_TASK_PAGE + 8n, VMEMMAP)).toBeUndefined(); // not at a struct page boundary
    expect(pageToPfn(prog, VMEMMAP - 64n, VMEMMAP)).toBeUndefined();
    expect(pfnToPage(prog, 2 ** 40)).toBeUndefined(); // no section there
    expect(pfnToPage(prog, -1)).toBeUndefined();
    const p = readStructPage(prog, INIT_TASK_PAGE, 0x2001a);
    expect(p).toEqual({ page: INIT_TASK_PAGE, pfn: 0x2001a, flags: 0xfffffc0001000n, count: 1, mapping: 0n, index: 0n });
  });
  it("a section without SECTION_MARKED_PRESENT, or with a NULL root, has no pages", () => {
    const prog = good();
    const section = nrToSection(prog, 0x2001a >> 15)!;
    const notPresent = patched(new Map([[section, (prog.readU64(section) & ~1n) & ((1n << 64n) - 1n)]]));
    expect(pfnToPage(notPresent, 0x2001a)).toBeUndefined();
    expect(pfnToPage(notPresent, 0x1000)).toBe(VMEMMAP + 0x1000n * 64n); // other sections still work
    const rootTable = prog.readU64(prog.symbolAddress("mem_section"));
    expect(pfnToPage(patched(new Map([[rootTable, 0n]])), 0x2001a)).toBeUndefined();
    expect(pfnToPage(patched(new Map([[rootTable, null]])), 0x2001a)).toBeUndefined();
    expect([...forEachPresentSection(patched(new Map([[rootTable, null]])), prog.dump.maxPfn)]).toEqual([]);
  });
  it("the present sections cover the dump's memory", () => {
    const prog = good();
    const sections = [...forEachPresentSection(prog, prog.dump.maxPfn)];
    expect(sections.map((s) => s.nr)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sections[1]).toEqual({ nr: 1, firstPfn: 32768, memMap: VMEMMAP + 32768n * 64n, pages: 32768 });
  });
  it("the memory-map walk counts crash's SHARED pages, and counts an unreadable part as zeroes", () => {
    const prog = good();
    const all = countMemMap(prog, prog.dump.maxPfn);
    expect(all.shared).toBe(1266); // reference/kmem-i.txt
    expect(all.pages).toBe(6 * 32768);
    expect(all.unreadableBytes).toBe(0);
    // Hide the 4 KiB of struct pages holding init_task's page: 64 pages counted as zeroes (neither reserved nor shared).
    const hidden = patched(new Map([[INIT_TASK_PAGE & ~0xfffn, null]]));
    const part = countMemMap(hidden, prog.dump.maxPfn);
    expect(part.unreadableBytes).toBe(4096);
    expect(part.pages).toBe(all.pages);
    expect(part.reserved).toBeLessThan(all.reserved);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("memory counters (fixture, reference/kmem-i.txt)", () => {
  it("vmstat items by name, from the right array", () => {
    const prog = good();
    expect(vmZoneStat(prog, "NR_FREE_PAGES")).toBeGreaterThan(0n);
    expect(vmNodeStat(prog, "NR_FREE_PAGES")).toBeUndefined();
    expect(vmStat(prog, "NO_SUCH_ITEM")).toBeUndefined();
    expect(vmStat(prog, "NR_VM_NODE_STAT_ITEMS")).toBeUndefined(); // the count is not an item
    const slab = vmStat(prog, "NR_SLAB_RECLAIMABLE_B")! + vmStat(prog, "NR_SLAB_UNRECLAIMABLE_B")!;
    expect(slab).toBe(4779n);
    expect(vmStat(prog, "NR_FILE_PAGES")! - vmStat(prog, "NR_SWAPCACHE")!).toBe(6985n);
  });
  it("totalram, free pages, block-device pages, hugetlb, swap, overcommit", () => {
    const prog = good();
    expect(totalramPages(prog)).toBe(135054);
    expect(zonesFreePages(prog)).toBe(119786);
    expect(nrBlockdevPages(prog)).toEqual({ pages: 0 });
    expect(hugetlbTotalPages(prog)).toEqual({ total: 0, free: 0 });
    expect(swapTotals(prog)).toEqual({ total: 0, used: 0 });
    expect(overcommit(prog)).toEqual({ kbytes: 0, ratio: 50, committed: 8030 });
  });
  it("a negative vm_committed_as is shown as 0, as crash does", () => {
    const prog = good();
    const at = prog.symbolAddress("vm_committed_as") + BigInt(prog.memberOffset("struct percpu_counter", "count")!);
    expect(overcommit(patched(new Map([[at, -5n]])))!.committed).toBe(0);
  });
  it("an implausible hstate order is skipped, not multiplied", () => {
    const prog = good();
    const at = prog.symbolAddress("hstates") + BigInt(prog.memberOffset("struct hstate", "order")!);
    const nr = prog.symbolAddress("hstates") + BigInt(prog.memberOffset("struct hstate", "nr_huge_pages")!);
    expect(hugetlbTotalPages(patched(new Map([[at, 200n], [nr, 7n]])))).toEqual({ total: 0, free: 0 });
    // order 9 (2 MiB pages) with 7 pages counts 7 * 512 base pages (the 4-byte order shares a word with the next field)
    const orderWord = (prog.readU64(at & ~7n) & ~(0xffffffffn << (8n * (at & 7n)))) | (9n << (8n * (at & 7n)));
    expect(hugetlbTotalPages(patched(new Map([[at & ~7n, orderWord], [nr, 7n]])))!.total).toBe(7 * 512);
  });
  it("a loop in the block-device inode list ends the walk with a marked partial result", () => {
    const prog = good();
    const sb = prog.readU64(prog.symbolAddress("blockdev_superblock"));
    const head = sb + BigInt(prog.memberOffset("struct super_block", "s_inodes")!);
    const first = prog.readU64(head);
    const r = nrBlockdevPages(patched(new Map([[first, first]])));
    expect(r.aborted?.message).toMatch(/blockdev inodes: walk stopped after \d+ steps: loop at /);
  });
  it("a swap_info pointer that cannot be read is skipped", () => {
    const prog = good();
    const nr = prog.symbolAddress("nr_swapfiles");
    const bad = patched(new Map([[nr, 1n], [prog.symbolAddress("swap_info"), null]]));
    expect(swapTotals(bad)).toEqual({ total: 0, used: 0 });
  });
});
