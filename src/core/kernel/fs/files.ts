// A task's open files and its root and working directory (include/linux/fdtable.h struct files_struct /
// struct fdtable, include/linux/fs_struct.h), read the way crash 8.0.6's `files` reads them (filesys.c
// open_files_dump, file_dump, inode_type): the open_fds bitmap of files->fdt, one row per set bit, each
// file's dentry, inode, type and path. Bounded: max_fds is capped, and a file that cannot be read ends the
// table with WalkAborted after the rows before it. The dump does not change: what is read is kept per
// Program by the pointer it was read from (the threads of a process share one files_struct and fs_struct,
// descriptors of many processes one struct file), and the tables and rows given out are shared: read-only.
import { KdwError, WalkAborted } from "../../io/errors";
import { dataView, u16le, u32le } from "../../io/little-endian";
import { layout } from "../../program/layout";
import { perProgramKeyed, type Program } from "../../program/program";
import { dPath, dUnlinked, fsLayout, mountDevname, mountParentVfsmount, type FsLayout, type PathResult } from "./fs";

/** More descriptors than this is a corrupt fdtable (sysctl fs.nr_open defaults to 1048576). */
export const MAX_FDS = 1 << 20;

/** include/uapi/linux/stat.h S_IFMT and the file types. */
const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFBLK = 0o060000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;

/** crash's inode_type(): UNKN when the mode has no known file type (anon inodes have none). */
export type InodeType = "REG" | "LNK" | "DIR" | "CHR" | "BLK" | "FIFO" | "PIPE" | "SOCK" | "UNKN";

/** Kernels before 2.6.26 (no fs_struct.root as a struct path, no files_struct.fdt) are not supported. */
const FILES_LAYOUT = layout({
  taskFs: "task_struct.fs",
  taskFiles: "task_struct.files",
  fsRootMnt: "fs_struct.root.mnt",
  fsRootDentry: "fs_struct.root.dentry",
  fsPwdMnt: "fs_struct.pwd.mnt",
  fsPwdDentry: "fs_struct.pwd.dentry",
  filesFdt: "files_struct.fdt",
  fdtMaxFds: "fdtable.max_fds",
  fdtFd: "fdtable.fd",
  fdtOpenFds: "fdtable.open_fds",
});

export type FilesLayout = ReturnType<typeof FILES_LAYOUT.of>;

export const filesLayout: (prog: Program) => FilesLayout = FILES_LAYOUT.of;

export interface TaskFsPaths {
  /** task->fs (fs_struct). */
  fs: bigint;
  rootDentry: bigint;
  pwdDentry: bigint;
  /** "" when the dentry is NULL, as crash prints it. */
  root: PathResult;
  cwd: PathResult;
}

/** ROOT and CWD of a task; undefined when task->fs is NULL (an exiting task). */
export function taskFsPaths(prog: Program, task: bigint): TaskFsPaths | undefined {
  const l = filesLayout(prog);
  const fs = prog.readU64(task + BigInt(l.taskFs));
  return fs === 0n ? undefined : FS_PATHS.get(prog, fs);
}

/** ROOT and CWD by fs_struct, the descriptors by files_struct, a row (but its fd) by struct file. */
const FS_PATHS = perProgramKeyed(fsPaths);
const FD_TABLES = perProgramKeyed(fdTable);
const OPEN_FILES = perProgramKeyed((prog, file: bigint): Readonly<OpenFile> => openFileRow(prog, file, fsLayout(prog)));

function fsPaths(prog: Program, fs: bigint): TaskFsPaths {
  const l = filesLayout(prog);
  const rootDentry = prog.readU64(fs + BigInt(l.fsRootDentry));
  const pwdDentry = prog.readU64(fs + BigInt(l.fsPwdDentry));
  const path = (dentry: bigint, mntOff: number): PathResult => (dentry === 0n ? { path: "", complete: true } : dPath(prog, dentry, prog.readU64(fs + BigInt(mntOff))));
  return { fs, rootDentry, pwdDentry, root: path(rootDentry, l.fsRootMnt), cwd: path(pwdDentry, l.fsPwdMnt) };
}

export interface OpenFile {
  fd: number;
  file: bigint;
  /** 0n when the file has no dentry (crash prints zeros and "?"). */
  dentry: bigint;
  /** 0n when the dentry has no inode. */
  inode: bigint;
  /** undefined when there is no inode to read it from. */
  type: InodeType | undefined;
  mode: number;
  /** crash's path: "" for pipes and unnamed pseudo files, the protocol name for sockets ("TCP", "UNIX");
   *  "" too when there is no dentry or inode (crash prints "?"). */
  path: PathResult;
  /** The dentry is unlinked (d_unlinked): the file was deleted while open. crash does not say so. */
  deleted: boolean;
}

export interface FdTable {
  files: bigint;
  fdt: bigint;
  maxFds: number;
  open: OpenFile[];
  /** Where reading stopped early; the rows before it are in `open`. */
  problem?: WalkAborted;
}

/** The open files of a task; undefined when it has no files_struct or fdtable (crash: "No open files"). */
export function taskOpenFiles(prog: Program, task: bigint): FdTable | undefined {
  const l = filesLayout(prog);
  const files = prog.readU64(task + BigInt(l.taskFiles));
  return files === 0n ? undefined : FD_TABLES.get(prog, files);
}

/** The descriptors of files_struct `files`; undefined when it has no fdtable. */
function fdTable(prog: Program, files: bigint): FdTable | undefined {
  const l = filesLayout(prog);
  const fdt = prog.readU64(files + BigInt(l.filesFdt));
  if (fdt === 0n) return undefined;
  let maxFds = prog.readU32(fdt + BigInt(l.fdtMaxFds));
  const openFdsAddr = prog.readU64(fdt + BigInt(l.fdtOpenFds));
  const fdArray = prog.readU64(fdt + BigInt(l.fdtFd));
  const table: FdTable = { files, fdt, maxFds, open: [] };
  if (maxFds === 0 || openFdsAddr === 0n || fdArray === 0n) return table;
  const what = `fdtable ${fdt.toString(16)}`;
  if (maxFds > MAX_FDS) {
    table.problem = new WalkAborted(what, `max_fds ${maxFds} is over ${MAX_FDS}: only the first ${MAX_FDS} read`, 0);
    maxFds = MAX_FDS;
  }
  const words = Math.ceil(maxFds / 64);
  try {
    const bits = dataView(prog.read(openFdsAddr, words * 8));
    for (let j = 0; j < words; j++) {
      let lo = bits.getUint32(j * 8, true);
      let hi = bits.getUint32(j * 8 + 4, true);
      if (lo === 0 && hi === 0) continue;
      // One read of the 64 file pointers this bitmap word covers.
      const pv = dataView(prog.read(fdArray + BigInt(j * 64 * 8), 64 * 8));
      for (let b = 0; b < 64 && (lo !== 0 || hi !== 0); b++) {
        const set = b < 32 ? lo & 1 : hi & 1;
        if (b < 32) lo >>>= 1;
        else hi >>>= 1;
        if (!set) continue;
        const file = pv.getBigUint64(b * 8, true);
        if (file === 0n) continue;
        table.open.push(readOpenFile(prog, j * 64 + b, file));
      }
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    const earlier = table.problem ? `${table.problem.reason}; then ` : "";
    table.problem = new WalkAborted(what, earlier + err.message, table.open.length);
  }
  return table;
}

/** file_dump(file, 0, 0, fd, DUMP_FULL_NAME|DUMP_EMPTY_FILE): one open file's row. */
export function readOpenFile(prog: Program, fd: number, file: bigint): OpenFile {
  const row = OPEN_FILES.get(prog, file);
  return row.fd === fd ? row : { ...row, fd };
}

function openFileRow(prog: Program, file: bigint, l: FsLayout): OpenFile {
  const fd = -1;
  const row: OpenFile = { fd, file, dentry: 0n, inode: 0n, type: undefined, mode: 0, path: { path: "", complete: true }, deleted: false };
  row.dentry = prog.readU64(file + BigInt(l.fileDentry));
  if (row.dentry === 0n) return row;
  row.inode = prog.readU64(row.dentry + BigInt(l.dentryInode));
  if (row.inode === 0n) return row;
  const vfsmnt = rootVfsmount(prog, prog.readU64(file + BigInt(l.fileVfsmnt)), l);
  const path = dPath(prog, row.dentry, vfsmnt, l);
  // crash: a devpts file opened through a devpts mount is shown under /dev.
  if (path.path.startsWith("/pts/") && mountDevname(prog, vfsmnt) === "devpts") path.path = "/dev" + path.path;
  row.mode = readMode(prog, row.inode, l);
  row.type = inodeType(prog, row.inode, row.mode, l);
  if (row.type === "PIPE" || (row.type === "SOCK" && path.path === "/")) path.path = "";
  row.path = path;
  row.deleted = dUnlinked(prog, row.dentry, l);
  return row;
}

/**
 * crash's get_root_vfsmount: a file on a devtmpfs (or udev) mount whose parent mount has the same device
 * name is named from the parent mount (the initramfs /dev moved onto the real root).
 */
function rootVfsmount(prog: Program, vfsmnt: bigint, l: FsLayout): bigint {
  const dev = mountDevname(prog, vfsmnt);
  if (dev !== "udev" && dev !== "devtmpfs") return vfsmnt;
  try {
    const parent = mountParentVfsmount(prog, vfsmnt, l);
    return mountDevname(prog, parent) === dev ? parent : vfsmnt;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return vfsmnt;
  }
}

function readMode(prog: Program, inode: bigint, l: FsLayout): number {
  const b = prog.read(inode + BigInt(l.inodeMode), l.inodeModeSize);
  return l.inodeModeSize === 4 ? u32le(b, 0) : u16le(b, 0);
}

/** inode_type(): the S_IFMT type; a FIFO whose i_op/i_fop is the kernel's pipe operations is a PIPE. */
export function inodeType(prog: Program, inode: bigint, mode: number, l: FsLayout = fsLayout(prog)): InodeType {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "REG";
    case S_IFLNK:
      return "LNK";
    case S_IFDIR:
      return "DIR";
    case S_IFCHR:
      return "CHR";
    case S_IFBLK:
      return "BLK";
    case S_IFSOCK:
      return "SOCK";
    case S_IFIFO: {
      // Only kernels that still have pipe_inode_operations (or rdwr_pipe_fops) let crash tell a pipe apart.
      const check = (symbol: string, off: number | undefined): boolean => off !== undefined && prog.readU64(inode + BigInt(off)) === prog.symbolAddress(symbol);
      if (prog.hasSymbol("pipe_inode_operations")) return check("pipe_inode_operations", l.inodeOp) ? "PIPE" : "FIFO";
      if (prog.hasSymbol("rdwr_pipe_fops") && check("rdwr_pipe_fops", l.inodeFop)) return "PIPE";
      return "FIFO";
    }
    default:
      return "UNKN";
  }
}
