// Dentries, mounts and paths (include/linux/dcache.h struct dentry, fs/mount.h struct mount,
// include/linux/mount.h struct vfsmount). dPath names a dentry the way crash 8.0.6 does (filesys.c
// get_pathname): names prepended up the d_parent chain, and at a mount's root, a step to the mount point in
// the parent mount (mnt_mountpoint, mnt_parent) until the root mount, whose parent is itself. Like crash and
// unlike the kernel's d_path, it adds no " (deleted)" for an unlinked dentry: that is `dUnlinked`, reported
// beside the path. Every walk is bounded and guarded against cycles; a dentry or mount that cannot be read
// ends the path where it is, marked incomplete.
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { layout, members, optional, variants } from "../../program/layout";
import { perProgram, perProgramKeyed, type Program } from "../../program/program";
import { latin1Chars, latin1String } from "../../io/latin1";

/** All of the bytes as Latin-1 (io/latin1.ts). */
export { latin1String as latin1 };

/** crash's BUFSIZE: a component that would make the path this long is skipped, as get_pathname does. */
const CRASH_BUFSIZE = 1500;
/** Most components a path may have (PATH_MAX / 2: every component at least one character and a slash). */
export const MAX_PATH_COMPONENTS = 2048;
/** Longest name read for one component (NAME_MAX is 255; PATH_MAX 4096 bounds what anyone could store). */
const MAX_NAME_LEN = 4096;

const FS_LAYOUT = layout(
  {
    ...members("dentry", {
      dentryParent: "d_parent",
      dentryNameLen: "d_name.len",
      dentryNameName: "d_name.name",
      dentryIname: "d_iname", // short names live inline
      dentryInode: "d_inode",
      dentryHashPprev: optional("d_hash.pprev"), // NULL when the dentry is unhashed (d_unhashed)
    }),
    // struct mount (3.3+) wraps struct vfsmount; before it, vfsmount itself had the tree links.
    mountMountpoint: variants({ mount: "mount.mnt_mountpoint", vfsmount: "vfsmount.mnt_mountpoint" }),
    mountParent: ["mount.mnt_parent", "vfsmount.mnt_parent"],
    mountDevname: ["mount.mnt_devname", "vfsmount.mnt_devname"],
    mountList: optional("mount.mnt_list", "vfsmount.mnt_list"), // on mnt_namespace.list
    mountMntOff: optional("mount.mnt"), // the struct vfsmount inside struct mount
    vfsmountRoot: "vfsmount.mnt_root",
    vfsmountSb: "vfsmount.mnt_sb",
    fileDentry: ["file.f_path.dentry", "file.f_dentry"],
    fileVfsmnt: ["file.f_path.mnt", "file.f_vfsmnt"],
    inodeMode: "inode.i_mode",
    inodeOp: optional("inode.i_op"),
    inodeFop: optional("inode.i_fop"),
    sbType: "super_block.s_type", // -> file_system_type.name
    fsTypeName: "file_system_type.name",
  },
  (o, m) => {
    const inMount = m.mountMountpoint.variant === "mount";
    if (inMount && o.mountMntOff === undefined) throw new MissingDebugInfo("struct mount has no member mnt");
    return {
      /** The span of struct dentry read at once: offset 0 to the end of d_iname. */
      dentryReadSize: o.dentryIname + m.dentryIname.size,
      /** Offset of struct vfsmount inside struct mount; 0 when there is no struct mount. */
      mountMnt: inMount ? o.mountMntOff! : 0,
      inodeModeSize: m.inodeMode.size,
    };
  },
);

export type FsLayout = ReturnType<typeof FS_LAYOUT.of>;

export const fsLayout: (prog: Program) => FsLayout = FS_LAYOUT.of;

/** A dentry's name as crash reads it (get_pathname_component): the stored length must match the string. */
export interface DentryInfo {
  address: bigint;
  parent: bigint;
  inode: bigint;
  /** Latin-1 (no byte lost); undefined when the name is empty, missing or its length does not match. */
  name: string | undefined;
}

export function readDentry(prog: Program, dentry: bigint, l: FsLayout = fsLayout(prog)): DentryInfo {
  const v = FS_LAYOUT.view(prog, prog.read(dentry, l.dentryReadSize));
  const len = v.u32("dentryNameLen");
  const nameAddr = v.pointer("dentryNameName");
  const info: DentryInfo = { address: dentry, parent: v.pointer("dentryParent"), inode: v.pointer("dentryInode"), name: undefined };
  if (len === 0 || nameAddr === 0n || len > MAX_NAME_LEN) return info;
  let raw: Uint8Array;
  if (nameAddr === dentry + BigInt(l.dentryIname)) {
    raw = v.memberBytes("dentryIname");
    const nul = raw.indexOf(0);
    if (nul >= 0) raw = raw.subarray(0, nul);
  } else raw = prog.readCString(nameAddr, len + 1);
  if (raw.length !== len) return info;
  info.name = latin1Chars(raw, 0, raw.length);
  return info;
}

export interface PathResult {
  path: string;
  /** False when a dentry or mount on the way could not be read, or a bound was hit: `path` is what was built. */
  complete: boolean;
  problem?: string;
}

/**
 * The path of `dentry` under the mount `vfsmnt` (a struct vfsmount pointer; 0 to stay in one file system),
 * as crash's get_pathname(dentry, ..., full=1, vfsmnt) builds it, including its quirks: a file system's root
 * is "/", so a mount's root directory reads "/proc/" and a pipe's unnamed dentry reads "".
 */
export function dPath(prog: Program, dentry: bigint, vfsmnt: bigint, l: FsLayout = fsLayout(prog)): PathResult {
  // The dump does not change: a path is walked once per session (tasks share their root, cwd and most
  // open files), and each caller gets its own copy (files.ts rewrites devpts and pipe paths).
  const byMount = PATHS.of(prog);
  let paths = byMount.get(vfsmnt);
  if (paths === undefined) {
    paths = new Map();
    byMount.set(vfsmnt, paths);
  }
  let r = paths.get(dentry);
  if (r === undefined) {
    r = walkPath(prog, dentry, vfsmnt, l);
    paths.set(dentry, r);
  }
  return { ...r };
}

/** dPath's results by vfsmount, then dentry. */
const PATHS = perProgram(() => new Map<bigint, Map<bigint, PathResult>>());
/** mountDevname's results by vfsmount. */
const DEVNAMES = perProgramKeyed(readDevname);

function walkPath(prog: Program, dentry: bigint, vfsmnt: bigint, l: FsLayout): PathResult {
  let path = "";
  let parent = dentry;
  let mnt = vfsmnt;
  const seen = new Set<string>();
  try {
    for (let steps = 0; ; steps++) {
      const cur = parent;
      if (steps >= MAX_PATH_COMPONENTS) return { path, complete: false, problem: `more than ${MAX_PATH_COMPONENTS} components` };
      const key = `${cur.toString(16)}@${mnt.toString(16)}`;
      if (seen.has(key)) return { path, complete: false, problem: `dentry ${cur.toString(16)} reached twice (loop)` };
      seen.add(key);
      const d = readDentry(prog, cur, l);
      if (d.name === undefined) break;
      if (cur !== dentry) {
        if (path.length + d.name.length < CRASH_BUFSIZE) {
          path = (d.name.length > 1 || d.name !== "/") && !path.startsWith("/") ? `${d.name}/${path}` : d.name + path;
        }
      } else path = d.name;
      parent = d.parent;
      if (cur === parent && mnt !== 0n) {
        // At the root of this mount: continue from its mount point in the parent mount.
        if (path.startsWith("//")) path = path.slice(1);
        const mount = mnt - BigInt(l.mountMnt);
        parent = prog.readU64(mount + BigInt(l.mountMountpoint));
        const mntParent = prog.readU64(mount + BigInt(l.mountParent));
        if (mount === mntParent) break;
        mnt = mntParent + BigInt(l.mountMnt);
      }
      if (cur === parent || parent === 0n) break;
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { path, complete: false, problem: err.message };
  }
  return { path, complete: true };
}

/** include/linux/dcache.h d_unlinked: unhashed and not a root (the file was deleted while open or mapped). */
export function dUnlinked(prog: Program, dentry: bigint, l: FsLayout = fsLayout(prog)): boolean {
  if (l.dentryHashPprev === undefined) return false;
  try {
    const pprev = prog.readU64(dentry + BigInt(l.dentryHashPprev));
    const parent = prog.readU64(dentry + BigInt(l.dentryParent));
    return pprev === 0n && parent !== dentry;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return false;
  }
}

/** A mount's mnt_devname ("" when unreadable), by its struct vfsmount pointer (crash's vfsmount_devname). */
export function mountDevname(prog: Program, vfsmnt: bigint): string {
  return DEVNAMES.get(prog, vfsmnt);
}

function readDevname(prog: Program, vfsmnt: bigint): string {
  const l = fsLayout(prog);
  try {
    const p = prog.readU64(vfsmnt - BigInt(l.mountMnt) + BigInt(l.mountDevname));
    return latin1String(prog.readCString(p, CRASH_BUFSIZE - 1));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return "";
  }
}

/** The parent mount's struct vfsmount pointer, by a child's struct vfsmount pointer. */
export function mountParentVfsmount(prog: Program, vfsmnt: bigint, l: FsLayout = fsLayout(prog)): bigint {
  return prog.readU64(vfsmnt - BigInt(l.mountMnt) + BigInt(l.mountParent)) + BigInt(l.mountMnt);
}

