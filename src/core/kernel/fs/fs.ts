// Dentries, mounts and paths (include/linux/dcache.h struct dentry, fs/mount.h struct mount,
// include/linux/mount.h struct vfsmount). dPath names a dentry the way crash 8.0.6 does (filesys.c
// get_pathname): names prepended up the d_parent chain, and at a mount's root, a step to the mount point in
// the parent mount (mnt_mountpoint, mnt_parent) until the root mount, whose parent is itself. Like crash and
// unlike the kernel's d_path, it adds no " (deleted)" for an unlinked dentry: that is `dUnlinked`, reported
// beside the path. Every walk is bounded and guarded against cycles; a dentry or mount that cannot be read
// ends the path where it is, marked incomplete.
import { findMember, resolveType, sizeOf } from "../../debuginfo/types";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import type { Program } from "../../program/program";

/** crash's BUFSIZE: a component that would make the path this long is skipped, as get_pathname does. */
const CRASH_BUFSIZE = 1500;
/** Most components a path may have (PATH_MAX / 2: every component at least one character and a slash). */
export const MAX_PATH_COMPONENTS = 2048;
/** Longest name read for one component (NAME_MAX is 255; PATH_MAX 4096 bounds what anyone could store). */
const MAX_NAME_LEN = 4096;

export interface FsLayout {
  /** The span of struct dentry read at once: offset 0 to the end of d_iname. */
  dentryReadSize: number;
  dentryParent: number; // dentry.d_parent
  dentryNameLen: number; // dentry.d_name.len
  dentryNameName: number; // dentry.d_name.name
  dentryIname: number; // dentry.d_iname (short names live inline)
  dentryInode: number; // dentry.d_inode
  /** dentry.d_hash.pprev: NULL when the dentry is unhashed (d_unhashed). */
  dentryHashPprev: number | undefined;
  /** Offset of struct vfsmount inside struct mount (fs/mount.h, 3.3+); 0 when there is no struct mount. */
  mountMnt: number;
  /** Offsets in struct mount (or in struct vfsmount before 3.3). */
  mountParent: number; // mnt_parent
  mountMountpoint: number; // mnt_mountpoint
  mountDevname: number; // mnt_devname
  mountList: number | undefined; // mnt_list (on mnt_namespace.list)
  /** Offsets in struct vfsmount. */
  vfsmountRoot: number; // mnt_root
  vfsmountSb: number; // mnt_sb
  /** struct file.f_path.{dentry,mnt}. */
  fileDentry: number;
  fileVfsmnt: number;
  /** struct inode. */
  inodeMode: number; // i_mode
  inodeModeSize: number;
  inodeOp: number | undefined; // i_op
  inodeFop: number | undefined; // i_fop
  /** super_block.s_type -> file_system_type.name. */
  sbType: number;
  fsTypeName: number;
}

const layouts = new WeakMap<Program, FsLayout>();

export function fsLayout(prog: Program): FsLayout {
  let l = layouts.get(prog);
  if (!l) {
    l = resolveFsLayout(prog);
    layouts.set(prog, l);
  }
  return l;
}

function need(prog: Program, type: string, path: string): number {
  const off = prog.memberOffset(type, path);
  if (off === undefined) throw new MissingDebugInfo(`${type} has no member ${path}`);
  return off;
}

function resolveFsLayout(prog: Program): FsLayout {
  const dentry = prog.type("struct dentry");
  const iname = findMember(resolveType(dentry), "d_iname");
  if (!iname) throw new MissingDebugInfo("struct dentry has no member d_iname");
  const dentryIname = iname.bitOffset / 8;
  // struct mount (3.3+) wraps struct vfsmount; before it, vfsmount itself had the tree links.
  const hasMount = prog.findType("struct mount") !== undefined && prog.memberOffset("struct mount", "mnt_mountpoint") !== undefined;
  const mountType = hasMount ? "struct mount" : "struct vfsmount";
  const inode = prog.type("struct inode");
  const mode = findMember(resolveType(inode), "i_mode");
  if (!mode) throw new MissingDebugInfo("struct inode has no member i_mode");
  const fDentry = prog.memberOffset("struct file", "f_path.dentry") ?? need(prog, "struct file", "f_dentry");
  const fMnt = prog.memberOffset("struct file", "f_path.mnt") ?? need(prog, "struct file", "f_vfsmnt");
  return {
    dentryReadSize: dentryIname + sizeOf(iname.member.type),
    dentryParent: need(prog, "struct dentry", "d_parent"),
    dentryNameLen: need(prog, "struct dentry", "d_name") + need(prog, "struct qstr", "len"),
    dentryNameName: need(prog, "struct dentry", "d_name") + need(prog, "struct qstr", "name"),
    dentryIname,
    dentryInode: need(prog, "struct dentry", "d_inode"),
    dentryHashPprev: prog.memberOffset("struct dentry", "d_hash.pprev"),
    mountMnt: hasMount ? need(prog, "struct mount", "mnt") : 0,
    mountParent: need(prog, mountType, "mnt_parent"),
    mountMountpoint: need(prog, mountType, "mnt_mountpoint"),
    mountDevname: need(prog, mountType, "mnt_devname"),
    mountList: prog.memberOffset(mountType, "mnt_list"),
    vfsmountRoot: need(prog, "struct vfsmount", "mnt_root"),
    vfsmountSb: need(prog, "struct vfsmount", "mnt_sb"),
    fileDentry: fDentry,
    fileVfsmnt: fMnt,
    inodeMode: mode.bitOffset / 8,
    inodeModeSize: sizeOf(mode.member.type),
    inodeOp: prog.memberOffset("struct inode", "i_op"),
    inodeFop: prog.memberOffset("struct inode", "i_fop"),
    sbType: need(prog, "struct super_block", "s_type"),
    fsTypeName: need(prog, "struct file_system_type", "name"),
  };
}

/** A dentry's name as crash reads it (get_pathname_component): the stored length must match the string. */
export interface DentryInfo {
  address: bigint;
  parent: bigint;
  inode: bigint;
  /** Latin-1 (no byte lost); undefined when the name is empty, missing or its length does not match. */
  name: string | undefined;
}

export function readDentry(prog: Program, dentry: bigint, l: FsLayout = fsLayout(prog)): DentryInfo {
  const bytes = prog.read(dentry, l.dentryReadSize);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(l.dentryNameLen, true);
  const nameAddr = dv.getBigUint64(l.dentryNameName, true);
  const info: DentryInfo = { address: dentry, parent: dv.getBigUint64(l.dentryParent, true), inode: dv.getBigUint64(l.dentryInode, true), name: undefined };
  if (len === 0 || nameAddr === 0n || len > MAX_NAME_LEN) return info;
  let raw: Uint8Array;
  if (nameAddr === dentry + BigInt(l.dentryIname)) {
    raw = bytes.subarray(l.dentryIname, l.dentryReadSize);
    const nul = raw.indexOf(0);
    if (nul >= 0) raw = raw.subarray(0, nul);
  } else raw = prog.readCString(nameAddr, len + 1);
  if (raw.length !== len) return info;
  let s = "";
  for (const c of raw) s += String.fromCharCode(c);
  info.name = s;
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
export function mountDevname(prog: Program, vfsmnt: bigint, l: FsLayout = fsLayout(prog)): string {
  try {
    const p = prog.readU64(vfsmnt - BigInt(l.mountMnt) + BigInt(l.mountDevname));
    return latin1(prog.readCString(p, CRASH_BUFSIZE - 1));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return "";
  }
}

/** The parent mount's struct vfsmount pointer, by a child's struct vfsmount pointer. */
export function mountParentVfsmount(prog: Program, vfsmnt: bigint, l: FsLayout = fsLayout(prog)): bigint {
  return prog.readU64(vfsmnt - BigInt(l.mountMnt) + BigInt(l.mountParent)) + BigInt(l.mountMnt);
}

export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const c of bytes) s += String.fromCharCode(c);
  return s;
}
