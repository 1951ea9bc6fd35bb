// An inode's page cache and a dentry's place in the mount tree: what crash's `files -c`, `files -p` and
// `files -d` read (filesys.c get_inode_nrpages, dump_inode_page_cache_info, display_dentry_info).
// inode->i_mapping is the struct address_space whose nrpages counts the cached pages and whose i_pages (an
// XArray since 4.20; a radix tree with the same node layout before) holds a struct page per index; value
// entries (shadows of evicted pages) are not pages. A dentry's path is built under the mount of pid 1's
// namespace whose super block is the inode's (crash takes the last such mount), else under pipe_mnt or
// sock_mnt.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";
import { xaForEach, xaIsValue } from "../../program/xarray";
import { dPath, fsLayout, type PathResult } from "./fs";
import { taskMounts } from "./mounts";
import { inodeType, type InodeType } from "./files";
import { taskTable } from "../tasks/tasks";

const INODE_LAYOUT = layout({
  iMapping: "inode.i_mapping",
  iSb: "inode.i_sb",
  dSb: "dentry.d_sb",
  nrpages: "address_space.nrpages",
  iPages: ["address_space.i_pages", "address_space.page_tree"],
  mode: "inode.i_mode",
});

/** More cached pages than one file can have on a machine with 2^40 bytes of page cache. */
const MAX_CACHED_PAGES = 1 << 28;

/** inode->i_mapping and its nrpages (crash's get_inode_nrpages). */
export function inodePageCache(prog: Program, inode: bigint): { mapping: bigint; nrpages: bigint } {
  const l = INODE_LAYOUT.of(prog);
  const mapping = prog.readU64(inode + BigInt(l.iMapping));
  return { mapping, nrpages: mapping === 0n ? 0n : prog.readU64(mapping + BigInt(l.nrpages)) };
}

/** The struct pages in a mapping's i_pages, by index; a bad node ends the walk with a problem after what was read. */
export function mappingPages(prog: Program, mapping: bigint, budget = MAX_CACHED_PAGES): { pages: { index: bigint; page: bigint }[]; problem?: WalkAborted } {
  const l = INODE_LAYOUT.of(prog);
  const pages: { index: bigint; page: bigint }[] = [];
  try {
    for (const e of xaForEach(prog, mapping + BigInt(l.iPages), { budget, what: `address_space ${mapping.toString(16)} i_pages` })) {
      if (!xaIsValue(e.entry)) pages.push({ index: e.index, page: e.entry });
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { pages, problem: err instanceof WalkAborted ? err : new WalkAborted("i_pages", err.message, pages.length) };
  }
  return { pages };
}

/** pid 1's task_struct: crash's pid_to_context(1), whose mount namespace files -d searches. */
const INIT = perProgram((prog) => taskTable(prog).tasks.find((t) => t.pid === 1)?.address);

export interface DentryPlace {
  dentry: bigint;
  inode: bigint;
  /** inode->i_sb, or dentry->d_sb when there is no inode. */
  superBlock: bigint;
  /** undefined when the dentry has no inode (crash: "N/A"). */
  type?: InodeType;
  /** "" when no mount of the super block was found. */
  path: PathResult;
}

/** crash's display_dentry_info: a dentry's inode, super block, type and path. */
export function dentryPlace(prog: Program, dentry: bigint): DentryPlace {
  const l = INODE_LAYOUT.of(prog);
  const fl = fsLayout(prog);
  const inode = prog.readU64(dentry + BigInt(fl.dentryInode));
  const superBlock = inode !== 0n ? prog.readU64(inode + BigInt(l.iSb)) : prog.readU64(dentry + BigInt(l.dSb));
  const place: DentryPlace = { dentry, inode, superBlock, path: { path: "", complete: true } };
  if (superBlock !== 0n) {
    let vfsmnt: bigint | undefined;
    const init = INIT.of(prog);
    if (init !== undefined) {
      for (const m of taskMounts(prog, init).mounts) if (m.superBlock === superBlock) vfsmnt = m.vfsmount;
    }
    for (const sym of ["pipe_mnt", "sock_mnt"]) {
      if (vfsmnt !== undefined || !prog.hasSymbol(sym)) continue;
      const v = prog.readU64(prog.symbolAddress(sym));
      if (v !== 0n && prog.readU64(v + BigInt(fl.vfsmountSb)) === superBlock) vfsmnt = v;
    }
    if (vfsmnt !== undefined) place.path = dPath(prog, dentry, vfsmnt, fl);
  }
  if (inode !== 0n) {
    const b = prog.read(inode + BigInt(l.mode), fl.inodeModeSize);
    const mode = fl.inodeModeSize === 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : b[0]! | (b[1]! << 8);
    place.type = inodeType(prog, inode, mode, fl);
    if (place.type === "PIPE" || (place.type === "SOCK" && place.path.path === "/")) place.path = { ...place.path, path: "" };
  }
  return place;
}

