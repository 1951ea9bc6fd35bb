import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PageNotPresentError,
  PageTableWalker,
  decodePteFlags,
  entryPhysAddr,
  isCanonical,
  ExcludedVirtualPageError,
} from "../../../../src/core/arch/x86_64/pagetable";
import { AbsentPageError, ExcludedPageError, InvalidAddressError, KdwError } from "../../../../src/core/io/errors";
import { GLOBAL, KERNPG_TABLE, NX, P, PAGE, PSE, PageTableBuilder, SyntheticMemory, type Level } from "../../../fixtures/memory-builder";

const KVA = 0xffffffffa141aa40n; // init_task in the fixture
const USER_VA = 0x00007f1234567123n;

function setup(la57: boolean) {
  const mem = new SyntheticMemory();
  const pt = new PageTableBuilder(mem, la57);
  const walker = new PageTableWalker(mem, { la57 });
  return { mem, pt, walker };
}

function catchErr(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe.each([false, true])("PageTableWalker (la57=%s)", (la57) => {
  const names: Level[] = la57 ? ["PGD", "P4D", "PUD", "PMD", "PTE"] : ["PGD", "PUD", "PMD", "PTE"];

  it("translates a 4 KiB page and records every level", () => {
    const { mem, pt, walker } = setup(la57);
    const pteAddr = pt.map4k(USER_VA, 0x345000);
    expect(walker.translate(pt.root, USER_VA)).toBe(0x345123);
    const w = walker.walk(pt.root, USER_VA);
    expect(w.levels.map((l) => l.level)).toEqual(names);
    expect(w.levels[0]!.entryAddr).toBe(pt.root + pt.index(USER_VA, "PGD") * 8);
    for (const l of w.levels) expect(l.value).toBe(mem.readU64(l.entryAddr));
    expect(w.levels[names.length - 1]!.entryAddr).toBe(pteAddr);
    expect(w).toMatchObject({ pageSize: PAGE, pageBase: 0x345000, phys: 0x345123, pte: 0x345000n | KERNPG_TABLE | GLOBAL | NX });
  });

  it("translates a 2 MiB page (PMD PS), ignoring the PAT bit 12 of a large entry", () => {
    const { pt, walker } = setup(la57);
    pt.map2m(KVA, 0x20000000, KERNPG_TABLE | PSE | GLOBAL | NX | 0x1000n);
    expect(walker.translate(pt.root, KVA)).toBe(0x2001aa40);
    const w = walker.walk(pt.root, KVA);
    expect(w.levels.map((l) => l.level)).toEqual(names.slice(0, -1));
    expect(w).toMatchObject({ pageSize: 0x200000, pageBase: 0x20000000, phys: 0x2001aa40 });
  });

  it("translates a 1 GiB page (PUD PS) above 4 GiB", () => {
    const { pt, walker } = setup(la57);
    pt.map1g(KVA, 0x1c0000000);
    expect(walker.translate(pt.root, KVA)).toBe(0x1c0000000 + 0x2141aa40 - 0x00000000);
    const w = walker.walk(pt.root, KVA);
    expect(w.levels.map((l) => l.level)).toEqual(names.slice(0, -2));
    expect(w.pageSize).toBe(0x40000000);
    expect(w.pageBase).toBe(0x1c0000000);
  });

  it("follows tables and pages above 4 GiB (bits 32..51) and keeps NX out of the address", () => {
    const mem = new SyntheticMemory(1 << 30);
    const pt = new PageTableBuilder(mem, la57, 0x3_0000_0000);
    const walker = new PageTableWalker(mem, { la57 });
    pt.map4k(KVA, 0xf_ffff_f000, KERNPG_TABLE | NX);
    expect(pt.root).toBe(0x3_0000_0000);
    expect(walker.translate(pt.root, KVA)).toBe(0xf_ffff_fa40);
  });

  it.each(names)("throws PageNotPresentError naming the level when the %s entry is not present", (level) => {
    const { pt, walker } = setup(la57);
    pt.map4k(KVA, 0x345000);
    const at = pt.setEntry(KVA, level, 0x345000n); // PFN set, present bit clear
    const e = catchErr(() => walker.translate(pt.root, KVA));
    expect(e).toBeInstanceOf(PageNotPresentError);
    expect(e).toBeInstanceOf(InvalidAddressError);
    const err = e as PageNotPresentError;
    expect(err.level).toBe(level);
    expect(err.entryAddr).toBe(at);
    expect(err.entry).toBe(0x345000n);
    expect(err.message).toContain("ffffffffa141aa40");
    expect(err.message).toContain(level);
    const v = catchErr(() => walker.walk(pt.root, KVA)) as PageNotPresentError;
    expect(v.levels.map((l) => l.level)).toEqual(names.slice(0, names.indexOf(level) + 1));
  });

  it("throws ExcludedPageError with the virtual address when a page table is excluded", () => {
    const { mem, pt, walker } = setup(la57);
    pt.map4k(KVA, 0x345000);
    const pmdEntry = pt.entryAddr(KVA, "PMD");
    mem.exclude(pmdEntry);
    const e = catchErr(() => walker.translate(pt.root, KVA));
    expect(e).toBeInstanceOf(ExcludedPageError);
    expect(e).toBeInstanceOf(ExcludedVirtualPageError);
    expect((e as ExcludedPageError).physAddr).toBe(pmdEntry - (pmdEntry % PAGE));
    expect((e as Error).message).toContain("ffffffffa141aa40");
    expect((e as Error).message).toContain("PMD table");
  });

  it("throws AbsentPageError when an entry points outside memory", () => {
    const { mem, pt, walker } = setup(la57);
    pt.map4k(KVA, 0x345000);
    pt.setEntry(KVA, "PUD", BigInt(mem.maxPfn * PAGE + 0x5000) | KERNPG_TABLE);
    const e = catchErr(() => walker.translate(pt.root, KVA));
    expect(e).toBeInstanceOf(AbsentPageError);
    expect((e as Error).message).toContain("PMD table");
  });

  it("tryTranslate returns -1 instead of throwing, and the address when mapped", () => {
    const { mem, pt, walker } = setup(la57);
    pt.map4k(KVA, 0x345000);
    expect(walker.tryTranslate(pt.root, KVA)).toBe(0x345a40);
    const other = la57 ? KVA - (1n << 48n) : KVA - (1n << 39n); // another PGD slot, not present
    expect(walker.tryTranslate(pt.root, other)).toBe(-1);
    expect(walker.tryTranslate(pt.root, la57 ? 1n << 57n : 1n << 48n)).toBe(-1);
    expect(walker.tryTranslate(-1, KVA)).toBe(-1);
    const va2 = KVA + 0x1000n;
    pt.map4k(va2, 0x346000, 0n);
    walker.flush();
    expect(walker.tryTranslate(pt.root, va2)).toBe(-1);
    const va3 = KVA + 0x40000000n; // another PUD slot: its PMD table excluded
    pt.map4k(va3, 0x347000);
    mem.exclude(pt.entryAddr(va3, "PMD"));
    walker.flush();
    expect(walker.tryTranslate(pt.root, va3)).toBe(-1);
    expect(() => walker.translate(pt.root, va3)).toThrow(ExcludedPageError);
    pt.setEntry(va3, "PUD", BigInt(mem.maxPfn * PAGE) | KERNPG_TABLE);
    walker.flush();
    expect(walker.tryTranslate(pt.root, va3)).toBe(-1);
    expect(walker.tryTranslateHalves(pt.root, Number(KVA >> 32n), Number(KVA & 0xffffffffn))).toBe(0x345a40);
  });

  it("ends a walk through a table that points at itself after one step per level", () => {
    const { mem, pt, walker } = setup(la57);
    for (let i = 0; i < 512; i++) mem.writeU64(pt.root + i * 8, BigInt(pt.root) | KERNPG_TABLE);
    mem.reads = 0;
    expect(walker.translate(pt.root, KVA)).toBe(pt.root + 0xa40);
    expect(walker.walk(pt.root, KVA).levels.map((l) => l.level)).toEqual(names);
    expect(walker.tryTranslate(pt.root, KVA)).toBe(pt.root + 0xa40);
    expect(mem.reads).toBe(1); // the one table page, read once
  });

  it("reads each page-table page once, and copies it", () => {
    const { mem, pt, walker } = setup(la57);
    pt.map4k(KVA, 0x345000);
    pt.map4k(KVA + 0x1000n, 0x346000);
    mem.reads = 0;
    walker.translate(pt.root, KVA);
    expect(mem.reads).toBe(names.length);
    walker.translate(pt.root, KVA + 0x1000n);
    expect(mem.reads).toBe(names.length);
    // A walker keeps its own copy: later writes to the dump's buffer do not reach it, a new walker sees them.
    pt.map4k(KVA + 0x2000n, 0x347000);
    expect(walker.tryTranslate(pt.root, KVA + 0x2000n)).toBe(-1);
    expect(new PageTableWalker(mem, { la57 }).tryTranslate(pt.root, KVA + 0x2000n)).toBe(0x347a40);
    walker.flush();
    expect(walker.tryTranslate(pt.root, KVA + 0x2000n)).toBe(0x347a40);
  });

  it("rejects non-canonical addresses and bad roots", () => {
    const { pt, walker } = setup(la57);
    const nonCanonical = la57 ? 0x0100000000000000n : 0x0000800000000000n;
    expect(() => walker.translate(pt.root, nonCanonical)).toThrow(/non-canonical/);
    expect(() => walker.walk(pt.root, nonCanonical)).toThrow(InvalidAddressError);
    expect(() => walker.translate(-4096, KVA)).toThrow(InvalidAddressError);
    expect(() => walker.translate(Number.NaN, KVA)).toThrow(InvalidAddressError);
  });

  it("caches translations per root and per page size", () => {
    const { mem, pt, walker } = setup(la57);
    pt.map4k(USER_VA, 0x345000);
    pt.map2m(KVA, 0x20000000);
    const other = new PageTableBuilder(mem, la57, 0x800000);
    other.map4k(USER_VA, 0x999000);
    walker.translate(pt.root, USER_VA);
    walker.translate(pt.root, KVA);
    mem.reads = 0;
    expect(walker.translate(pt.root, USER_VA + 0x10n)).toBe(0x345133);
    expect(walker.translate(pt.root, KVA + 0x1000n)).toBe(0x2001ba40);
    expect(mem.reads).toBe(0);
    expect(walker.translate(other.root, USER_VA)).toBe(0x999123);
    expect(mem.reads).toBe(names.length);
    walker.flush();
    walker.translate(pt.root, USER_VA);
    expect(mem.reads).toBe(2 * names.length);
  });

  it("does not cache a failed walk", () => {
    const { mem, pt, walker } = setup(la57);
    const at = pt.map4k(USER_VA, 0x345000, 0n);
    expect(() => walker.translate(pt.root, USER_VA)).toThrow(PageNotPresentError);
    mem.writeU64(at, 0x345000n | P);
    walker.flush(); // drops the copied tables, not cached translations: there were none
    expect(walker.translate(pt.root, USER_VA)).toBe(0x345123);
  });

  it("clears the SME bit from entries", () => {
    const sme = 1n << 47n;
    const mem = new SyntheticMemory();
    const pt = new PageTableBuilder(mem, la57);
    pt.map4k(USER_VA, 0x345000);
    const addrs = names.map((l) => pt.entryAddr(USER_VA, l));
    for (const at of addrs) mem.writeU64(at, mem.readU64(at) | sme);
    const walker = new PageTableWalker(mem, { la57, smeMask: sme });
    expect(walker.translate(pt.root, USER_VA)).toBe(0x345123);
    expect(walker.walk(pt.root, USER_VA).levels.every((l) => (l.value & sme) === 0n)).toBe(true);
    expect(() => new PageTableWalker(mem, { la57 }).translate(pt.root, USER_VA)).toThrow(AbsentPageError);
  });

  it("accepts PROTNONE entries with inverted PFNs only when asked (user space)", () => {
    const { mem, pt, walker } = setup(la57);
    // A PROTNONE PTE: present clear, PROTNONE (=GLOBAL) set, PFN bits inverted (L1TF).
    const inverted = ~0x345000n & 0x000ffffffffff000n;
    pt.map4k(USER_VA, 0, inverted | GLOBAL);
    expect(() => walker.translate(pt.root, USER_VA)).toThrow(PageNotPresentError);
    const user = new PageTableWalker(mem, { la57, acceptProtnone: true });
    expect(user.translate(pt.root, USER_VA)).toBe(0x345123);
    const big = 0x00007f1234600000n;
    pt.setEntry(big, "PMD", (~0x40000000n & 0x000fffffffe00000n) | GLOBAL | PSE);
    user.flush();
    expect(user.translate(pt.root, big + 0x1234n)).toBe(0x40001234);
  });
});

describe("decodePteFlags", () => {
  it("names flags in crash's order", () => {
    expect(decodePteFlags(0x80000000200001e3n).join("|")).toBe("PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL|NX");
    expect(decodePteFlags(0x800000001f6001e1n).join("|")).toBe("PRESENT|ACCESSED|DIRTY|PSE|GLOBAL|NX");
    expect(decodePteFlags(0x1fn).join("|")).toBe("PRESENT|RW|USER|PWT|PCD");
  });
  it("shows PSE only when present and PROTNONE only when not", () => {
    expect(decodePteFlags(0x80n)).toEqual([]);
    expect(decodePteFlags(0x100n)).toEqual(["PROTNONE", "GLOBAL"]);
    expect(decodePteFlags(0x101n)).toEqual(["PRESENT", "GLOBAL"]);
  });
  it("says 'no mapping' for a zero entry", () => {
    expect(decodePteFlags(0n)).toEqual(["no mapping"]);
  });
});

describe("helpers", () => {
  it("entryPhysAddr keeps bits 12..51", () => {
    expect(entryPhysAddr(0xfff0_0001_2345_6fffn)).toBe(0x1_2345_6000);
  });
  it("isCanonical", () => {
    expect(isCanonical(0xffff800000000000n, false)).toBe(true);
    expect(isCanonical(0xff11000000000000n, false)).toBe(false);
    expect(isCanonical(0xff11000000000000n, true)).toBe(true);
    expect(isCanonical(0x00ff000000000000n, true)).toBe(true);
    expect(isCanonical(0x0100000000000000n, true)).toBe(false);
  });
});

describe("hostile page tables", () => {
  it("any table contents give an address or a typed error, never a raw one", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(
          fc.oneof(
            fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            // Mostly entries into the eight tables (or the page after them), with random flag bits.
            fc.tuple(fc.integer({ min: 0, max: 8 }), fc.bigInt({ min: 0n, max: 0xfffn }), fc.boolean()).map(
              ([page, flags, nx]) => BigInt(0x10000 + page * PAGE) | flags | (nx ? 1n << 63n : 0n),
            ),
            fc.constant(0n),
          ),
          { minLength: 16, maxLength: 16 },
        ),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 7 }),
        (la57, words, vaddr, excludedPage) => {
          const mem = new SyntheticMemory(64);
          // Eight table pages at 0x10000.., each entry one of the random words (pointing anywhere).
          for (let p = 0; p < 8; p++) for (let i = 0; i < 512; i++) mem.writeU64(0x10000 + p * PAGE + i * 8, words[(p * 7 + i) % 16]!);
          mem.exclude(0x10000 + excludedPage * PAGE);
          const walker = new PageTableWalker(mem, { la57, acceptProtnone: excludedPage % 2 === 0 });
          for (const f of [() => walker.translate(0x10000, vaddr), () => walker.walk(0x10000, vaddr).phys]) {
            try {
              const phys = f();
              expect(Number.isSafeInteger(phys) && phys >= 0).toBe(true);
            } catch (e) {
              expect(e).toBeInstanceOf(KdwError);
            }
          }
          const t = walker.tryTranslate(0x10000, vaddr);
          expect(Number.isSafeInteger(t) && t >= -1).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
