// The VMA walker: the pre-6.1 mm->mmap list and the 6.1 maple tree, on maps built in synthetic memory
// (good, looping, out of order, unreadable, over budget), then on the fixture: every VMA of the three
// processes drgn listed (reference/drgn/vmas.txt), and the fixture's tree with a node made unreadable.
import { describe, expect, it } from "vitest";
import { InvalidAddressError, KdwError, WalkAborted } from "../../../../src/core/io/errors";
import { taskTable } from "../../../../src/core/kernel/tasks/tasks";
import { forEachVma, vmaLayout, vmaWalk, type Vma, type VmaLayout } from "../../../../src/core/kernel/mm/vma";
import type { AddressSpace } from "../../../../src/core/program/address-space";
import { MAPLE_LAYOUT_6_1, MAPLE_LEAF_64, mtForEachObj } from "../../../../src/core/program/maple-tree";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures, reference } from "../../../fixtures";
import { MapleBuilder, SparseSpace } from "../../../fixtures/maple-builder";
import { fixtureSession } from "../../../session-fixture";

/** A 4.x-like vm_area_struct: vm_start, vm_end, vm_next first; mm_struct.mmap at 0. */
const LIST: VmaLayout = { mmMt: undefined, mmMmap: 0, vmNext: 16, vmStart: 0, vmEnd: 8, vmMm: 64, vmFlags: 80, vmFlagsSize: 8, vmFile: 160, vmPgoff: 152, readSize: 168 };
/** The 6.1 layout of the fields read (pahole: vm_start 0, vm_end 8, vm_mm 16, vm_flags 32, vm_pgoff 104, vm_file 112). */
const MAPLE: VmaLayout = { mmMt: 0, mmMmap: undefined, vmNext: undefined, vmStart: 0, vmEnd: 8, vmMm: 16, vmFlags: 32, vmFlagsSize: 8, vmFile: 112, vmPgoff: 104, readSize: 120 };

const MM = 0xffff888000200000n;
const vmaAt = (i: number): bigint => 0xffff888000300000n + BigInt(i) * 0x100n;

function writeVma(mem: SparseSpace, l: VmaLayout, at: bigint, start: bigint, end: bigint, next = 0n): void {
  mem.write(at, new Uint8Array(l.readSize));
  mem.writeU64(at + BigInt(l.vmStart), start);
  mem.writeU64(at + BigInt(l.vmEnd), end);
  mem.writeU64(at + BigInt(l.vmMm), MM);
  mem.writeU64(at + BigInt(l.vmFlags), 0x8100073n);
  if (l.vmNext !== undefined) mem.writeU64(at + BigInt(l.vmNext), next);
}

function collect(gen: Generator<Vma>): { vmas: Vma[]; error?: unknown } {
  const vmas: Vma[] = [];
  try {
    for (const v of gen) vmas.push(v);
  } catch (error) {
    return { vmas, error };
  }
  return { vmas };
}

const RANGES: [bigint, bigint][] = [
  [0x400000n, 0x401000n],
  [0x401000n, 0x48c000n],
  [0x7ffd0000n, 0x7ffd2000n],
];

describe("VMAs: the mm->mmap list (before 6.1)", () => {
  const build = (): SparseSpace => {
    const mem = new SparseSpace();
    mem.writeU64(MM, vmaAt(0));
    RANGES.forEach(([s, e], i) => writeVma(mem, LIST, vmaAt(i), s, e, i + 1 < RANGES.length ? vmaAt(i + 1) : 0n));
    return mem;
  };

  it("walks the list in order", () => {
    const r = collect(vmaWalk(build(), LIST, undefined, MM));
    expect(r.error).toBeUndefined();
    expect(r.vmas.map((v) => [v.address, v.start, v.end, v.flags, v.mm])).toEqual(RANGES.map(([s, e], i) => [vmaAt(i), s, e, 0x8100073n, MM]));
  });

  it("a vm_next back to an earlier VMA is a loop", () => {
    const mem = build();
    mem.writeU64(vmaAt(2) + 16n, vmaAt(0));
    const r = collect(vmaWalk(mem, LIST, undefined, MM, { what: "test map" }));
    expect(r.vmas).toHaveLength(3);
    expect((r.error as WalkAborted).message).toBe(`test map: walk stopped after 3 steps: loop at ${vmaAt(0).toString(16)}`);
  });

  it("a VMA below the previous one's end is not this list", () => {
    const mem = build();
    mem.writeU64(vmaAt(2), 0x400000n);
    const r = collect(vmaWalk(mem, LIST, undefined, MM));
    expect(r.vmas).toHaveLength(2);
    expect(r.error).toBeInstanceOf(WalkAborted);
    expect((r.error as WalkAborted).reason).toMatch(/out of order \(400000-7ffd2000\)/);
  });

  it("an unreadable VMA, an unreadable mm and a budget", () => {
    const mem = build();
    mem.writeU64(vmaAt(1) + 16n, 0xffff888099990000n);
    const r = collect(vmaWalk(mem, LIST, undefined, MM));
    expect(r.vmas).toHaveLength(2);
    expect((r.error as WalkAborted).reason).toMatch(/^vm_area_struct ffff888099990000: invalid address/);

    const r2 = collect(vmaWalk(new SparseSpace(), LIST, undefined, MM));
    expect((r2.error as WalkAborted).reason).toMatch(/^mm_struct.mmap: invalid address/);

    const r3 = collect(vmaWalk(build(), LIST, undefined, MM, { budget: 2 }));
    expect(r3.vmas).toHaveLength(2);
    expect((r3.error as WalkAborted).reason).toBe("more than 2 VMAs");
  });
});

describe("VMAs: the maple tree mm->mm_mt (6.1+)", () => {
  const build = (extra: bigint[] = []): SparseSpace => {
    const b = new MapleBuilder(new SparseSpace(), MM);
    RANGES.forEach(([s, e], i) => writeVma(b.mem, MAPLE, vmaAt(i), s, e));
    // Leaf slots: gap, VMA 0, VMA 1, gap, VMA 2, then whatever the test adds, each ending at its pivot.
    const slots = [0n, vmaAt(0), vmaAt(1), 0n, vmaAt(2), ...extra];
    const pivots = [0x3fffffn, 0x400fffn, 0x48bfffn, 0x7ffcffffn, 0x7ffd1fffn, ...extra.map((_, i) => 0x7fff0000n + BigInt(i) * 0x1000n)];
    b.setRoot(b.node(MAPLE_LEAF_64, slots, pivots));
    return b.mem;
  };

  it("walks the tree's entries", () => {
    const r = collect(vmaWalk(build(), MAPLE, MAPLE_LAYOUT_6_1, MM));
    expect(r.error).toBeUndefined();
    expect(r.vmas.map((v) => [v.address, v.start, v.end])).toEqual(RANGES.map(([s, e], i) => [vmaAt(i), s, e]));
  });

  it("skips internal entries (XA_ZERO_ENTRY), and stops at an unreadable VMA keeping the ones before", () => {
    const XA_ZERO_ENTRY = (257n << 2n) | 2n;
    expect(collect(vmaWalk(build([XA_ZERO_ENTRY]), MAPLE, MAPLE_LAYOUT_6_1, MM)).vmas).toHaveLength(3);
    const r = collect(vmaWalk(build([0xffff888055550000n]), MAPLE, MAPLE_LAYOUT_6_1, MM));
    expect(r.vmas).toHaveLength(3);
    expect((r.error as WalkAborted).reason).toMatch(/^vm_area_struct ffff888055550000: invalid address/);
  });
});

/** drgn's reference: "# pid N comm C" then START END FLAGS FILE rows per process. */
function drgnVmas(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let rows: string[] | undefined;
  for (const line of reference("drgn/vmas.txt").split("\n")) {
    const m = /^# pid (\d+) /.exec(line);
    if (m) out.set(Number(m[1]), (rows = []));
    else if (rows && /^[0-9a-f]{16} /.test(line)) rows.push(line.trimEnd());
  }
  return out;
}

/** Reads through `inner`, except the chosen ranges, which are unreadable. */
class HoledSpace implements AddressSpace {
  constructor(
    private readonly inner: AddressSpace,
    private readonly holes: bigint[],
  ) {}

  read(vaddr: bigint, length: number): Uint8Array {
    for (const h of this.holes) if (h >= vaddr && h < vaddr + BigInt(length)) throw new InvalidAddressError(h, "hidden by the test");
    return this.inner.read(vaddr, length);
  }
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("VMAs on the fixture (6.1 maple tree)", () => {
  const prog = () => fixtureSession()!.kernel.program;

  it("agrees with drgn's walk of mm_mt for mountinfo, httpd and AliYunDun, entry for entry", () => {
    const p = prog();
    const table = taskTable(p);
    const expected = drgnVmas();
    expect([...expected.keys()]).toEqual([324, 128, 303]);
    for (const [pid, rows] of expected) {
      const task = table.tasks.find((t) => t.pid === pid)!;
      const ours = [...forEachVma(p, task.mm)].map((v) => `${v.start.toString(16).padStart(16, "0")} ${v.end.toString(16).padStart(16, "0")} ${v.flags.toString(16).padStart(8, "0")}`);
      expect(ours).toEqual(rows.map((r) => r.split(" ").slice(0, 3).join(" ")));
    }
  });

  it("the Obj-level iterator gives the same VMAs as typed objects", () => {
    const p = prog();
    const task = taskTable(p).tasks.find((t) => t.pid === 128)!;
    const mm = p.object("struct mm_struct", task.mm);
    const objs = [...mtForEachObj(p, mm.member("mm_mt"), p.type("struct vm_area_struct"))];
    const vmas = [...forEachVma(p, task.mm)];
    expect(objs.map((o) => [o.obj.address, o.obj.member("vm_start").value(), o.obj.member("vm_end").value()])).toEqual(vmas.map((v) => [v.address, v.start, v.end]));
    // The tree's ranges are the VMAs' [vm_start, vm_end - 1].
    expect(objs.map((o) => [o.first, o.last + 1n])).toEqual(vmas.map((v) => [v.start, v.end]));
  });

  it("with one of the tree's nodes unreadable, keeps the VMAs before it", () => {
    const p = prog();
    const task = taskTable(p).tasks.find((t) => t.pid === 324)!;
    const all = [...forEachVma(p, task.mm)];
    expect(all).toHaveLength(22);
    // The root of pid 324's tree and its second child: hide that child.
    const l = vmaLayout(p);
    const rootEntry = p.readU64(task.mm + BigInt(l.mmMt!) + 8n);
    const root = rootEntry & ~0xffn;
    const child = p.readU64(root + BigInt(MAPLE_LAYOUT_6_1.arange64SlotOff) + 8n) & ~0xffn;
    const holed = new Program({ dump: p.dump, types: p.types, symbols: p.symbols, kernel: new HoledSpace(p.kernel, [child]), vmcoreinfo: p.vmcoreinfo });
    const r = collect(forEachVma(holed, task.mm));
    expect(r.error).toBeInstanceOf(WalkAborted);
    expect((r.error as KdwError).message).toMatch(new RegExp(`node ${child.toString(16)}: invalid address`));
    expect(r.vmas.length).toBeGreaterThan(0);
    expect(r.vmas.length).toBeLessThan(22);
    expect(r.vmas).toEqual(all.slice(0, r.vmas.length));
  });
});
