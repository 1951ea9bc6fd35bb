// The mount list of a 6.8+ kernel, built in code: struct mnt_namespace keeps its mounts in an rbtree
// (`mounts`, in an anonymous struct, with nr_mounts) of struct mount.mnt_node. The layout picks that variant
// where mnt_namespace.list is gone, and picks the list where it is there (where `mounts` was a count). The
// walk is in order, bounded by nr_mounts, and a loop ends it with WalkAborted after the mounts before it.
import { describe, expect, it } from "vitest";
import { Btf } from "../../../../src/core/debuginfo/btf";
import { WalkAborted } from "../../../../src/core/io/errors";
import { mntNamespaceMountList, mountNsLayout } from "../../../../src/core/kernel/fs/mounts";
import { Program } from "../../../../src/core/program/program";
import { BtfBuilder } from "../../../fixtures/btf-builder";
import { SparseSpace } from "../../../fixtures/maple-builder";
import { SyntheticMemory } from "../../../fixtures/memory-builder";

const NS = 0xffff888000001000n;
const MOUNT = (i: number): bigint => 0xffff888000002000n + BigInt(i) * 0x100n;
const MNT_NODE = 32; // mount.mnt_node
const MOUNTS = 16; // mnt_namespace.mounts (rb_root)
const NR_MOUNTS = 48; // mnt_namespace.nr_mounts

/** 6.8+ (`rbtree`) or 6.7 (`list`, with `unsigned int mounts` the count) struct mnt_namespace. */
function types(kind: "rbtree" | "list"): Btf {
  const b = new BtfBuilder();
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const rbNode = b.reserve();
  const rbPtr = b.ptr(rbNode);
  b.struct("rb_node", 24, [{ name: "__rb_parent_color", type: ulong, bitOffset: 0 }, { name: "rb_right", type: rbPtr, bitOffset: 64 }, { name: "rb_left", type: rbPtr, bitOffset: 128 }], { at: rbNode });
  const rbRoot = b.struct("rb_root", 8, [{ name: "rb_node", type: rbPtr, bitOffset: 0 }]);
  const listHead = b.reserve();
  b.struct("list_head", 16, [{ name: "next", type: b.ptr(listHead), bitOffset: 0 }, { name: "prev", type: b.ptr(listHead), bitOffset: 64 }], { at: listHead });
  const mount = b.reserve();
  const nodeUnion = b.struct(undefined, 24, [{ name: "mnt_node", type: rbNode, bitOffset: 0 }], { union: true });
  b.struct("mount", 64, [{ name: "mnt_parent", type: b.ptr(mount), bitOffset: 0 }, { type: nodeUnion, bitOffset: MNT_NODE * 8 }], { at: mount });
  const ns = b.reserve();
  if (kind === "rbtree") {
    const anon = b.struct(undefined, 24, [{ name: "mounts", type: rbRoot, bitOffset: 0 }, { name: "mnt_last_node", type: rbPtr, bitOffset: 64 }]);
    b.struct("mnt_namespace", 56, [{ name: "root", type: b.ptr(mount), bitOffset: 64 }, { type: anon, bitOffset: MOUNTS * 8 }, { name: "nr_mounts", type: uint, bitOffset: NR_MOUNTS * 8 }], { at: ns });
  } else {
    b.struct("mnt_namespace", 56, [{ name: "root", type: b.ptr(mount), bitOffset: 64 }, { name: "list", type: listHead, bitOffset: 16 * 8 }, { name: "mounts", type: uint, bitOffset: NR_MOUNTS * 8 }], { at: ns });
  }
  const nsproxy = b.struct("nsproxy", 16, [{ name: "mnt_ns", type: b.ptr(ns), bitOffset: 64 }]);
  b.struct("task_struct", 16, [{ name: "nsproxy", type: b.ptr(nsproxy), bitOffset: 0 }]);
  return new Btf(b.build(), { file: "mounts.btf" });
}

function program(kind: "rbtree" | "list", mem = new SparseSpace()): Program {
  return new Program({ dump: new SyntheticMemory(16), types: types(kind), symbols: { addressOf: () => undefined }, kernel: mem, vmcoreinfo: null });
}

/** Mount 0 at the top, 1 on its left, 2 on its right: in order 1, 0, 2. */
function tree(nr: number): SparseSpace {
  const mem = new SparseSpace();
  const node = (i: number): bigint => MOUNT(i) + BigInt(MNT_NODE);
  for (let i = 0; i < 3; i++) mem.write(MOUNT(i), new Uint8Array(64));
  mem.write(NS, new Uint8Array(56));
  mem.writeU64(NS + BigInt(MOUNTS), node(0));
  mem.write(NS + BigInt(NR_MOUNTS), Uint8Array.of(nr, 0, 0, 0));
  mem.writeU64(node(0) + 16n, node(1)); // rb_left
  mem.writeU64(node(0) + 8n, node(2)); // rb_right
  return mem;
}

describe("mount namespaces of 6.8+ (an rbtree of mounts)", () => {
  it("choose the variant this kernel has", () => {
    expect(mountNsLayout(program("rbtree"))).toMatchObject({ rbtree: true, mntNsList: undefined, mntNsMounts: MOUNTS, mntNsNrMounts: NR_MOUNTS, mountMntNode: MNT_NODE });
    expect(mountNsLayout(program("list"))).toMatchObject({ rbtree: false, mntNsList: 16, mntNsMounts: 16 });
  });

  it("lists the mounts in tree order", () => {
    expect(mntNamespaceMountList(program("rbtree", tree(3)), NS)).toEqual({ mounts: [MOUNT(1), MOUNT(0), MOUNT(2)] });
    expect(mntNamespaceMountList(program("rbtree", tree(0)), NS)).toEqual({ mounts: [] });
  });

  it("stops at nr_mounts and at a loop, keeping the mounts before", () => {
    const short = mntNamespaceMountList(program("rbtree", tree(2)), NS);
    expect(short.mounts).toEqual([MOUNT(1), MOUNT(0)]);
    expect(short.problem).toBeInstanceOf(WalkAborted);
    const loop = tree(3);
    loop.writeU64(MOUNT(2) + BigInt(MNT_NODE) + 16n, MOUNT(0) + BigInt(MNT_NODE)); // 2's left child is 0
    const r = mntNamespaceMountList(program("rbtree", loop), NS);
    expect(r.mounts).toEqual([MOUNT(1), MOUNT(0)]);
    expect(r.problem?.reason).toMatch(/loop/);
  });
});
