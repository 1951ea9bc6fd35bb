import { describe, expect, it } from "vitest";
import {
  PAGE_OFFSET_BASE_L4,
  PAGE_OFFSET_BASE_L5,
  START_KERNEL_MAP,
  X86_64AddressSpace,
  X86_64Layout,
  perCpuAddress,
} from "../../../../src/core/arch/x86_64/layout";
import { PageNotPresentError } from "../../../../src/core/arch/x86_64/pagetable";
import { ExcludedPageError, InvalidAddressError } from "../../../../src/core/io/errors";
import { GLOBAL, KERNPG_TABLE, NX, PAGE, PageTableBuilder, SyntheticMemory, USER } from "../../../fixtures/memory-builder";

const PHYS_BASE = -20971520n; // the fixture's NUMBER(phys_base)
const TEXT_PAGE = 0xffffffffa141a000n; // -> 0x2001a000 with that phys_base

function setup(la57: boolean, extra: Partial<{ pageOffsetBase: bigint; vmallocBase: bigint; vmemmapBase: bigint }> = {}) {
  const mem = new SyntheticMemory();
  const pt = new PageTableBuilder(mem, la57);
  const as = new X86_64AddressSpace({ dump: mem, pgdPhys: pt.root, physBase: PHYS_BASE, la57, ...extra });
  return { mem, pt, as };
}

function fill(mem: SyntheticMemory, phys: number, seed: number): void {
  const b = new Uint8Array(PAGE);
  for (let i = 0; i < PAGE; i++) b[i] = (i + seed) & 0xff;
  mem.writeBytes(phys, b);
}

describe.each([false, true])("X86_64AddressSpace (la57=%s)", (la57) => {
  const pob = la57 ? PAGE_OFFSET_BASE_L5 : PAGE_OFFSET_BASE_L4;

  it("computes the kernel text mapping with phys_base, without reading memory", () => {
    const { mem, as } = setup(la57);
    mem.reads = 0;
    expect(as.translate(TEXT_PAGE + 0xa40n)).toBe(0x2001aa40);
    expect(as.translate(START_KERNEL_MAP + 0x1400000n)).toBe(0);
    expect(mem.reads).toBe(0);
    expect(() => as.translate(START_KERNEL_MAP)).toThrow(/below physical 0/);
  });

  it("computes the direct map from page_offset_base, and ptov inverts it", () => {
    const { mem, as } = setup(la57);
    mem.reads = 0;
    expect(as.translate(pob + 0x1234_5678_9abcn)).toBe(0x1234_5678_9abc);
    expect(as.translate(pob)).toBe(0);
    expect(as.ptov(0x2001aa40)).toBe(pob + 0x2001aa40n);
    expect(mem.reads).toBe(0);
    const kaslr = 0xff16e68000000000n;
    const moved = setup(la57, { pageOffsetBase: kaslr }).as;
    expect(moved.translate(kaslr + 0x2ecb1000n)).toBe(0x2ecb1000);
    expect(moved.ptov(0x2ecb1000)).toBe(0xff16e6802ecb1000n);
    expect(as.withLayout({ pageOffsetBase: kaslr }).translate(kaslr + 0x5000n)).toBe(0x5000);
    expect(() => as.ptov(-1)).toThrow(InvalidAddressError);
  });

  it("walks the page tables for vmalloc, vmemmap, modules and fixmap addresses", () => {
    const { mem, pt, as } = setup(la57);
    const l = as.layout;
    const cases: [bigint, number][] = [
      [l.vmallocStart + 0x7000n, 0x400000],
      [l.vmemmapStart + 0x800000n, 0x401000],
      [l.modulesVaddr + 0x5dc000n, 0x402000],
      [0xffffffffff5fd000n, 0x403000], // fixmap, below the vsyscall page
      [0xfffffe0000001000n, 0x404000], // cpu_entry_area
    ];
    for (const [va, phys] of cases) pt.map4k(va, phys);
    for (const [va, phys] of cases) {
      as.walker.flush();
      mem.reads = 0;
      expect(as.translate(va + 0x5en)).toBe(phys + 0x5e);
      expect(mem.reads).toBe(la57 ? 5 : 4);
    }
    expect(() => as.translate(l.modulesVaddr + 0x10000000n)).toThrow(PageNotPresentError);
  });

  it("ends the direct map where vmalloc begins", () => {
    const vmallocBase = pob + (1n << 40n);
    const { pt, as } = setup(la57, { vmallocBase });
    expect(as.layout.directMapEnd).toBe(vmallocBase);
    expect(as.translate(vmallocBase - 1n)).toBe(2 ** 40 - 1);
    expect(() => as.translate(vmallocBase)).toThrow(PageNotPresentError);
    pt.map4k(vmallocBase, 0x7000);
    as.walker.flush(); // synthetic memory changed under the walker's copied tables
    expect(as.translate(vmallocBase + 1n)).toBe(0x7001);
  });

  it("walks even computed addresses in translateVerbose, as crash's vtop does", () => {
    const { pt, as } = setup(la57);
    pt.map2m(0xffffffffa1400000n, 0x20000000 - 0x200000 + 0x200000);
    const w = as.translateVerbose(TEXT_PAGE + 0xa40n);
    expect(w.phys).toBe(0x2001aa40);
    expect(w.levels.length).toBe(la57 ? 4 : 3);
    expect(w.pageSize).toBe(0x200000);
  });

  it("tryTranslate returns -1 where translate throws", () => {
    const { pt, as } = setup(la57);
    const va = as.layout.vmallocStart + 0x5000n;
    pt.map4k(va, 0x222000);
    expect(as.tryTranslate(va + 1n)).toBe(0x222001);
    expect(as.tryTranslate(va + 0x1000n)).toBe(-1);
    expect(as.tryTranslate(TEXT_PAGE)).toBe(0x2001a000);
    expect(as.tryTranslate(pob + 0x10n)).toBe(0x10);
    expect(as.tryTranslate(START_KERNEL_MAP)).toBe(-1);
    expect(as.tryTranslate(0x401000n)).toBe(-1);
    expect(as.tryTranslate(-1n)).toBe(-1);
    expect(as.tryTranslate(1n << 64n)).toBe(-1);
    const mm = new PageTableBuilder(pt.mem, la57, 0x900000);
    mm.map4k(0x401000n, 0x333000);
    const user = as.userSpace(mm.root);
    expect(user.tryTranslate(0x401008n)).toBe(0x333008);
    expect(user.tryTranslate(0x402000n)).toBe(-1);
    expect(user.tryTranslate(-5n)).toBe(-1);
    expect(user.tryTranslate(va)).toBe(0x222000);
  });

  it("refuses user and non-canonical addresses in the kernel address space", () => {
    const { as } = setup(la57);
    expect(() => as.translate(0x401000n)).toThrow(/user address/);
    expect(() => as.translate(-1n)).toThrow(InvalidAddressError);
    expect(() => as.translate(1n << 64n)).toThrow(InvalidAddressError);
    if (!la57) expect(() => as.translate(0xff00000000000000n)).toThrow(/non-canonical/);
  });

  it("reads across pages that map to scattered physical pages", () => {
    const { mem, pt, as } = setup(la57);
    const va = as.layout.vmallocStart + 0x10000n;
    pt.map4k(va, 0x500000);
    pt.map4k(va + 0x1000n, 0x300000);
    pt.map4k(va + 0x2000n, 0x700000);
    fill(mem, 0x500000, 1);
    fill(mem, 0x300000, 2);
    fill(mem, 0x700000, 3);
    const got = as.read(va + 0xff0n, 0x1020);
    expect(got.length).toBe(0x1020);
    expect(got[0]).toBe((0xff0 + 1) & 0xff);
    expect(got[0x10]).toBe(2);
    expect(got[0x101f]).toBe((0x100f + 3) & 0xff);
    // Inside one page: a view of the dump's page, no copy.
    const view = as.read(va + 0x10n, 16);
    expect(view.buffer).toBe(mem.page(0x500000).buffer);
    expect(as.read(va, 0).length).toBe(0);
  });

  it("reads u64 and u32 values, across a page boundary too", () => {
    const { mem, pt, as } = setup(la57);
    const va = as.layout.vmallocStart;
    pt.map4k(va, 0x500000);
    pt.map4k(va + 0x1000n, 0x300000);
    mem.writeU64(0x500008, 0x0123456789abcdefn);
    mem.writeBytes(0x500ffc, new Uint8Array([0x11, 0x22, 0x33, 0x44]));
    mem.writeBytes(0x300000, new Uint8Array([0x55, 0x66, 0x77, 0x88]));
    expect(as.readU64(va + 8n)).toBe(0x0123456789abcdefn);
    expect(as.readU32(va + 8n)).toBe(0x89abcdef);
    expect(as.readU64(va + 0xffcn)).toBe(0x8877665544332211n);
  });

  it("readU64 and readU32 give what read() gives, value or error, wherever they land", () => {
    const { mem, pt, as } = setup(la57);
    const va = as.layout.vmallocStart;
    pt.map4k(va, 0x500000);
    pt.map4k(va + 0x1000n, 0x300000);
    for (let i = 0; i < 0x1000; i += 4) mem.writeBytes(0x500000 + i, new Uint8Array([i & 0xff, (i >> 8) & 0xff, 0xa5, 0x5a]));
    mem.writeBytes(0x300000, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    mem.exclude(0x2001a000);
    const outcome = (f: () => bigint | number): string => {
      try {
        return `value ${f().toString(16)}`;
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
    };
    const addresses = [
      ...[0n, 1n, 8n, 0x7f8n, 0xff8n, 0xff9n, 0xffcn, 0xffdn, 0xfffn, 0x1000n, 0x1ffcn, 0x2000n].map((o) => va + o), // mapped, across pages, then unmapped
      pob + 0x500010n, // the direct map
      TEXT_PAGE, // an excluded page reached through the text mapping
      TEXT_PAGE + 0xffcn,
      0x00007ffc12345678n, // user space
      0x0000800000000000n, // non-canonical
      0xfffffffffffffffcn,
      -8n,
      1n << 64n,
    ];
    let values = 0;
    for (const a of addresses) {
      const viaRead64 = outcome(() => {
        const b = as.read(a, 8);
        return (BigInt((b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0) << 32n) | BigInt((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0);
      });
      expect(outcome(() => as.readU64(a)), a.toString(16)).toBe(viaRead64);
      const viaRead32 = outcome(() => {
        const b = as.read(a, 4);
        return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      });
      expect(outcome(() => as.readU32(a)), a.toString(16)).toBe(viaRead32);
      if (viaRead32.startsWith("value")) values++;
    }
    // Eleven reads in the two mapped pages (across their boundary too) and the direct map's; the rest fail.
    expect(values).toBe(12);
  });

  it("throws ExcludedPageError naming the virtual address for an excluded data page", () => {
    const { mem, pt, as } = setup(la57);
    const va = as.layout.vmallocStart + 0x3000n;
    pt.map4k(va, 0x600000);
    fill(mem, 0x600000, 0);
    mem.exclude(0x600000);
    let err: unknown;
    try {
      as.read(va + 0x10n, 8);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExcludedPageError);
    expect((err as Error).message).toContain((va + 0x10n).toString(16));
    expect((err as Error).message).toContain("0x600000");
    expect(as.read(va, 4, { zeroFill: true })).toEqual(new Uint8Array(4));
    // Excluded text page reached arithmetically: same error, same address.
    mem.exclude(0x2001a000);
    expect(() => as.readU64(TEXT_PAGE)).toThrow(/ffffffffa141a000/);
  });

  it("rejects bad read lengths and reads past the top of the address space", () => {
    const { as } = setup(la57);
    expect(() => as.read(pob, -1)).toThrow(InvalidAddressError);
    expect(() => as.read(pob, 1.5)).toThrow(InvalidAddressError);
    expect(() => as.read(0xfffffffffffffff8n, 16)).toThrow(/leaves the address space/);
  });

  it("translates user addresses through a task's pgd, and kernel addresses through the kernel", () => {
    const { mem, pt, as } = setup(la57);
    const mm = new PageTableBuilder(mem, la57, 0x900000);
    const uva = 0x00007ffc12345678n;
    mm.map4k(uva, 0x654000, KERNPG_TABLE | USER | NX);
    const user = as.userSpace(mm.root);
    expect(user.translate(uva)).toBe(0x654678);
    expect(user.translateVerbose(uva).levels[0]!.entryAddr).toBe(mm.root + mm.index(uva, "PGD") * 8);
    expect(user.translate(TEXT_PAGE)).toBe(0x2001a000);
    expect(() => as.translate(uva)).toThrow(InvalidAddressError);
    expect(() => user.translate(0x00007ffc00000000n)).toThrow(PageNotPresentError);
    pt.map4k(as.layout.vmallocStart, 0x111000, KERNPG_TABLE | GLOBAL);
    expect(user.translate(as.layout.vmallocStart)).toBe(0x111000);
  });
});

describe("X86_64Layout", () => {
  it("uses 6.1's defaults", () => {
    const l4 = new X86_64Layout({ la57: false, physBase: 0n });
    expect(l4.pageOffsetBase).toBe(0xffff888000000000n);
    expect(l4.vmallocStart).toBe(0xffffc90000000000n);
    expect(l4.vmemmapStart).toBe(0xffffea0000000000n);
    expect(l4.modulesVaddr).toBe(0xffffffffc0000000n);
    expect(l4.modulesEnd).toBe(0xffffffffff000000n);
    expect(l4.directMapEnd).toBe(0xffff888000000000n + (1n << 46n));
    const l5 = new X86_64Layout({ la57: true, physBase: 0n, kernelImageSize: 512n << 20n });
    expect(l5.pageOffsetBase).toBe(0xff11000000000000n);
    expect(l5.vmallocStart).toBe(0xffa0000000000000n);
    expect(l5.vmemmapStart).toBe(0xffd4000000000000n);
    expect(l5.modulesVaddr).toBe(0xffffffffa0000000n);
    expect(l5.directMapEnd).toBe(0xff11000000000000n + (1n << 52n));
  });

  it("names regions", () => {
    const l = new X86_64Layout({ la57: true, physBase: PHYS_BASE, pageOffsetBase: 0xff16e68000000000n, vmemmapBase: 0xffc5fe1600000000n, vmallocBase: 0xff8f000000000000n });
    const cases: [bigint, string][] = [
      [0x401000n, "user"],
      [0x0100000000000000n, "non-canonical"],
      [0xff16e6832ecb1000n, "direct map"],
      [0xff8f000000001000n, "vmalloc"],
      [0xffc0ffffffffffffn, "vmalloc"],
      [0xffc5fe15ffffffffn, "kernel hole"],
      [0xffc5fe1600800680n, "vmemmap"],
      [0xfffffe0000001000n, "cpu_entry_area"],
      [0xffffff0000001000n, "espfix"],
      [0xffffffef00001000n, "efi"],
      [0xffffffffa141aa40n, "kernel text"],
      [0xffffffffc05dc05en, "modules"],
      [0xffffffffff600000n, "vsyscall"],
      [0xffffffffff5fd000n, "fixmap"],
      [0xff10000000000000n, "kernel hole"],
      [-1n, "non-canonical"],
    ];
    for (const [va, name] of cases) expect([va.toString(16), l.region(va)]).toEqual([va.toString(16), name]);
    expect(new X86_64Layout({ la57: false, physBase: 0n }).region(0xff16e6832ecb1000n)).toBe("non-canonical");
  });

  it("ends vmalloc where vmemmap begins", () => {
    const l = new X86_64Layout({ la57: true, physBase: 0n, vmallocBase: 0xffc0000000000000n, vmemmapBase: 0xffc5fe1600000000n });
    expect(l.vmallocEnd).toBe(0xffc5fe1600000000n);
    expect(l.region(0xffc5fe15ffffffffn)).toBe("vmalloc");
    expect(l.region(0xffc5fe1600000000n)).toBe("vmemmap");
  });

  it("adds per-CPU offsets modulo 2^64", () => {
    expect(perCpuAddress(0x1f000n, 0xff16e6833ec00000n)).toBe(0xff16e6833ec1f000n);
    expect(perCpuAddress(0xffffffffffffffffn, 2n)).toBe(1n);
  });
});
