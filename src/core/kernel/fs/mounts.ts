// The mounts of a mount namespace, as crash's `mount` lists them (filesys.c get_mount_list, show_mounts):
// from a task's nsproxy->mnt_ns, up to 6.7 the namespace's root mount first, then along mnt_list until the
// namespace's own list head (fs/mount.h struct mnt_namespace.list); from 6.8 the rbtree
// mnt_namespace.mounts of struct mount.mnt_node, in order (at most nr_mounts of them). Each mount's super
// block, file-system type name, device name and mount point path (dPath from mnt_mountpoint in the parent
// mount). Bounded; a bad list pointer or tree node ends the list with WalkAborted after the good mounts.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { layout, optional, variants } from "../../program/layout";
import type { Program } from "../../program/program";
import { rbInorder } from "../../program/rbtree";
import { dPath, fsLayout, latin1, type FsLayout, type PathResult } from "./fs";

/** More mounts than this in one namespace is a corrupt list (the kernel's default mount-max is 100000). */
export const MAX_MOUNTS = 1 << 17;
/** crash reads file-system type and device names into buffers of BUFSIZE/2 and BUFSIZE. */
const MAX_NAME = 1499;

const MOUNT_NS_LAYOUT = layout(
  {
    taskNsproxy: "task_struct.nsproxy",
    nsproxyMntNs: "nsproxy.mnt_ns",
    mntNsRoot: "mnt_namespace.root",
    // Up to 6.7 a list through mount.mnt_list (`mounts` was then a count); 6.8 made it an rb_root.
    mntNsMounts: variants({ list: "mnt_namespace.list", rbtree: "mnt_namespace.mounts" }),
    mntNsNrMounts: optional("mnt_namespace.nr_mounts"),
    mountMntNode: optional("mount.mnt_node"), // 6.8+: the mount's node in mnt_namespace.mounts
  },
  (o, m) => ({
    rbtree: m.mntNsMounts.variant === "rbtree",
    /** mnt_namespace.list, up to 6.7. */
    mntNsList: m.mntNsMounts.variant === "list" ? o.mntNsMounts : undefined,
  }),
);

export type MountNsLayout = ReturnType<typeof MOUNT_NS_LAYOUT.of>;

export const mountNsLayout: (prog: Program) => MountNsLayout = MOUNT_NS_LAYOUT.of;

export interface Mount {
  /** struct mount (struct vfsmount before 3.3). */
  mount: bigint;
  /** Its struct vfsmount (mount + offsetof(struct mount, mnt)). */
  vfsmount: bigint;
  superBlock: bigint;
  /** file_system_type.name; undefined when unreadable (crash prints "unknown"). */
  fsType: string | undefined;
  /** mnt_devname; undefined when unreadable (crash prints "(unknown)"). */
  devname: string | undefined;
  /** Where it is mounted, crash's way (get_pathname of mnt_mountpoint in mnt_parent). */
  dirname: PathResult;
}

export interface MountList {
  /** The mnt_namespace walked. */
  mntNs: bigint;
  mounts: Mount[];
  /** Where the list walk stopped early; the mounts before it are in `mounts`. */
  problem?: WalkAborted;
}

/** The mount namespace of a task (task->nsproxy->mnt_ns); 0n when it has none (an exiting task). */
export function taskMntNamespace(prog: Program, task: bigint): bigint {
  const l = mountNsLayout(prog);
  const nsproxy = prog.readU64(task + BigInt(l.taskNsproxy));
  if (nsproxy === 0n) return 0n;
  return prog.readU64(nsproxy + BigInt(l.nsproxyMntNs));
}

/** The struct mount addresses of a namespace, in crash's order: the root mount, then along mnt_list. */
export function mntNamespaceMountList(prog: Program, mntNs: bigint, budget = MAX_MOUNTS): { mounts: bigint[]; problem?: WalkAborted } {
  const l = mountNsLayout(prog);
  if (l.mntNsList === undefined) return mntNamespaceMountTree(prog, l, mntNs, budget);
  const fl = fsLayout(prog);
  const what = `mount list of mnt_namespace ${mntNs.toString(16)}`;
  if (fl.mountList === undefined) throw new MissingDebugInfo("struct mount has no member mnt_list");
  const mounts: bigint[] = [];
  const head = mntNs + BigInt(l.mntNsList);
  const seen = new Set<bigint>();
  try {
    const root = prog.readU64(mntNs + BigInt(l.mntNsRoot));
    let node = root + BigInt(fl.mountList);
    while (node !== head) {
      if (mounts.length >= budget) return { mounts, problem: new WalkAborted(what, `more than ${budget} mounts`, mounts.length) };
      if (node === 0n) return { mounts, problem: new WalkAborted(what, "NULL next pointer", mounts.length) };
      if (seen.has(node)) return { mounts, problem: new WalkAborted(what, `loop at ${node.toString(16)}`, mounts.length) };
      seen.add(node);
      const next = prog.readU64(node);
      mounts.push(node - BigInt(fl.mountList));
      node = next;
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { mounts, problem: new WalkAborted(what, err.message, mounts.length) };
  }
  return { mounts };
}

/** 6.8+: the mounts in the namespace's rbtree, in order, at most nr_mounts of them (get_mount_list). */
function mntNamespaceMountTree(prog: Program, l: MountNsLayout, mntNs: bigint, budget: number): { mounts: bigint[]; problem?: WalkAborted } {
  if (l.mountMntNode === undefined) throw new MissingDebugInfo("struct mount has no member mnt_node");
  const what = `mount tree of mnt_namespace ${mntNs.toString(16)}`;
  const mounts: bigint[] = [];
  try {
    const nr = l.mntNsNrMounts === undefined ? budget : prog.readU32(mntNs + BigInt(l.mntNsNrMounts));
    if (nr === 0) return { mounts };
    const limit = Math.min(nr, budget);
    const top = prog.readU64(mntNs + BigInt(l.mntNsMounts));
    for (const node of rbInorder(prog, top, { budget: limit, what })) mounts.push(node - BigInt(l.mountMntNode));
  } catch (err) {
    if (err instanceof WalkAborted) return { mounts, problem: err };
    if (err instanceof KdwError) return { mounts, problem: new WalkAborted(what, err.message, mounts.length) };
    throw err;
  }
  return { mounts };
}

/** One mount's row: super block, type, device, mount point. Throws the read error of its struct mount. */
export function readMount(prog: Program, mount: bigint, l: FsLayout = fsLayout(prog)): Mount {
  const vfsmount = mount + BigInt(l.mountMnt);
  const superBlock = prog.readU64(vfsmount + BigInt(l.vfsmountSb));
  const devp = prog.readU64(mount + BigInt(l.mountDevname));
  const mntParent = prog.readU64(mount + BigInt(l.mountParent));
  const mountpoint = prog.readU64(mount + BigInt(l.mountMountpoint));
  const text = (addr: bigint): string | undefined => {
    try {
      return addr === 0n ? undefined : latin1(prog.readCString(addr, MAX_NAME));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return undefined;
    }
  };
  let fsType: string | undefined;
  try {
    const type = prog.readU64(superBlock + BigInt(l.sbType));
    fsType = text(prog.readU64(type + BigInt(l.fsTypeName)));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return { mount, vfsmount, superBlock, fsType, devname: text(devp), dirname: dPath(prog, mountpoint, mntParent + BigInt(l.mountMnt), l) };
}

/** All mounts of the namespace of `task` (crash: pid 1's, unless `mount -n` names another task). */
export function taskMounts(prog: Program, task: bigint): MountList {
  const mntNs = taskMntNamespace(prog, task);
  if (mntNs === 0n) throw new MissingDebugInfo(`task ${task.toString(16)} has no mount namespace (nsproxy is NULL)`);
  const list = mntNamespaceMountList(prog, mntNs);
  const mounts: Mount[] = [];
  let problem = list.problem;
  for (const m of list.mounts) {
    try {
      mounts.push(readMount(prog, m));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problem ??= new WalkAborted(`mount ${m.toString(16)}`, err.message, mounts.length);
    }
  }
  return { mntNs, mounts, problem };
}
