// Dentry paths and mounts on the fixture: paths across mounts, the deleted executable of the planted
// process `x`, then memory patched to hold a d_parent loop, an unreadable parent, a loop through mount
// parents and a loop in the namespace's mount list. Each ends in a marked partial result, not an exception.
import { describe, expect, it } from "vitest";
import { dPath, dUnlinked, fsLayout, readDentry } from "../../../../src/core/kernel/fs/fs";
import { mntNamespaceMountList, mountNsLayout, readMount, taskMntNamespace, taskMounts } from "../../../../src/core/kernel/fs/mounts";
import { taskOpenFiles } from "../../../../src/core/kernel/fs/files";
import { taskTable } from "../../../../src/core/kernel/tasks/tasks";
import { forEachVma } from "../../../../src/core/kernel/mm/vma";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures, manifest } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


function patched(prog: Program, patches: Map<bigint, bigint | null>): Program {
  return patchedProgram(prog, patches);
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("dentry paths and mounts (fixture)", () => {
  const prog = () => fixtureSession()!.kernel.program;
  const task = (pid: number) => taskTable(prog()).tasks.find((t) => t.pid === pid)!;
  /** The miner's fd 3: /var/tmp/.xmr.log, its dentry and mount. */
  const xmrLog = () => {
    const p = prog();
    const l = fsLayout(p);
    const f = taskOpenFiles(p, task(324).address)!.open.find((o) => o.fd === 3)!;
    return { p, l, dentry: f.dentry, mnt: p.readU64(f.file + BigInt(l.fileVfsmnt)) };
  };

  it("names a file up through its parents to the root mount", () => {
    const { p, dentry, mnt } = xmrLog();
    expect(dPath(p, dentry, mnt)).toEqual({ path: "/var/tmp/.xmr.log", complete: true });
    // Without a mount it stops at its file system's root, as crash's get_pathname does.
    expect(dPath(p, dentry, 0n).path).toBe("/var/tmp/.xmr.log");
    expect(readDentry(p, dentry).name).toBe(".xmr.log");
    expect(dUnlinked(p, dentry)).toBe(false);
  });

  it("the deleted executable of `x` keeps its name and is unlinked", () => {
    // The manifest's ground truth: the decoy `x` runs from an executable deleted after start.
    const decoys = (manifest() as unknown as { decoys: { name: string; pids: number[] }[] }).decoys;
    const x = decoys.find((d) => d.name === "x")!;
    const p = prog();
    const l = fsLayout(p);
    const first = [...forEachVma(p, task(x.pids[0]!).mm)][0]!;
    const dentry = p.readU64(first.file + BigInt(l.fileDentry));
    const mnt = p.readU64(first.file + BigInt(l.fileVfsmnt));
    expect(dPath(p, dentry, mnt).path).toBe("/tmp/.cache/x"); // crash 8.0.6's `vm 210` prints it so
    expect(dUnlinked(p, dentry)).toBe(true);
  });

  it("lists init's mounts with their mount points", () => {
    const list = taskMounts(prog(), task(1).address);
    expect(list.problem).toBeUndefined();
    expect(list.mounts.map((m) => [m.fsType, m.devname, m.dirname.path])).toEqual([
      ["rootfs", "rootfs", "/"],
      ["proc", "proc", "/proc"],
      ["sysfs", "sysfs", "/sys"],
      ["devtmpfs", "devtmpfs", "/dev"],
      ["devpts", "devpts", "/dev/pts"],
      ["tmpfs", "tmpfs", "/tmp"],
      ["tmpfs", "tmpfs", "/run"],
    ]);
  });

  it("a d_parent loop ends the path, marked incomplete", () => {
    const { p, l, dentry, mnt } = xmrLog();
    const tmp = readDentry(p, dentry).parent;
    const bad = patched(p, new Map([[tmp + BigInt(l.dentryParent), dentry]]));
    const r = dPath(bad, dentry, mnt);
    expect(r.complete).toBe(false);
    expect(r.path).toBe("tmp/.xmr.log");
    expect(r.problem).toBe(`dentry ${dentry.toString(16)} reached twice (loop)`);
  });

  it("an unreadable parent ends the path, marked incomplete", () => {
    const { p, dentry, mnt } = xmrLog();
    const tmp = readDentry(p, dentry).parent;
    const r = dPath(patched(p, new Map([[tmp, null]])), dentry, mnt);
    expect(r).toEqual({ path: ".xmr.log", complete: false, problem: `invalid address ${tmp.toString(16)}: hidden by the test` });
  });

  it("hostile names: a length that does not match, an absurd length, an unreadable name", () => {
    const { p, l, dentry, mnt } = xmrLog();
    const tmp = readDentry(p, dentry).parent;
    // crash's get_pathname_component: a stored length other than the string's ends the path there.
    const lenWord = (len: bigint) => (len << 32n) | (p.readU64(tmp + BigInt(l.dentryNameLen) - 4n) & 0xffffffffn);
    expect(dPath(patched(p, new Map([[tmp + BigInt(l.dentryNameLen) - 4n, lenWord(2n)]])), dentry, mnt)).toEqual({ path: ".xmr.log", complete: true });
    expect(dPath(patched(p, new Map([[tmp + BigInt(l.dentryNameLen) - 4n, lenWord(0xffffffffn)]])), dentry, mnt)).toEqual({ path: ".xmr.log", complete: true });
    // "tmp" is stored inline (d_iname); point d_name.name elsewhere, at unreadable memory.
    const r = dPath(patched(p, new Map([[tmp + BigInt(l.dentryNameName), 0xffff888066660000n]])), dentry, mnt);
    expect(r).toMatchObject({ path: ".xmr.log", complete: false });
    expect(r.problem).toMatch(/^invalid address ffff888066660000/);
  });

  it("a loop through mount parents ends the path", () => {
    const p = prog();
    const l = fsLayout(p);
    const mounts = taskMounts(p, task(1).address).mounts;
    const rootfs = mounts[0]!;
    const devtmpfs = mounts.find((m) => m.fsType === "devtmpfs")!;
    // rootfs's parent was itself (the end of every path); make it devtmpfs (whose parent is rootfs),
    // mounted on /dev: rootfs's root leads to /dev, whose root leads back to rootfs's root.
    const devMountpoint = p.readU64(devtmpfs.mount + BigInt(l.mountMountpoint));
    const parentOnly = patched(p, new Map([[rootfs.mount + BigInt(l.mountParent), devtmpfs.mount]]));
    expect(readMount(parentOnly, devtmpfs.mount).dirname).toEqual({ path: "/dev", complete: true }); // root dentry's mount point is itself: crash stops there
    const bad = patched(
      p,
      new Map([
        [rootfs.mount + BigInt(l.mountParent), devtmpfs.mount],
        [rootfs.mount + BigInt(l.mountMountpoint), devMountpoint],
      ]),
    );
    const r = readMount(bad, devtmpfs.mount).dirname;
    expect(r.complete).toBe(false);
    expect(r.problem).toMatch(/reached twice \(loop\)/);
  });

  it("a loop in the mount list keeps the mounts before it", () => {
    const p = prog();
    const fl = fsLayout(p);
    const ns = taskMntNamespace(p, task(1).address);
    const good = mntNamespaceMountList(p, ns).mounts;
    expect(good).toHaveLength(7);
    const bad = patched(p, new Map([[good[3]! + BigInt(fl.mountList!), good[1]! + BigInt(fl.mountList!)]]));
    const r = mntNamespaceMountList(bad, ns);
    expect(r.mounts).toEqual(good.slice(0, 4));
    expect(r.problem!.message).toBe(`mount list of mnt_namespace ${ns.toString(16)}: walk stopped after 4 steps: loop at ${(good[1]! + BigInt(fl.mountList!)).toString(16)}`);
    // An unreadable root mount pointer.
    const r2 = mntNamespaceMountList(patched(p, new Map([[ns + BigInt(mountNsLayout(p).mntNsRoot), null]])), ns);
    expect(r2.mounts).toEqual([]);
    expect(r2.problem!.reason).toMatch(/hidden by the test/);
    // A budget.
    expect(mntNamespaceMountList(p, ns, 3).problem!.reason).toBe("more than 3 mounts");
  });
});
