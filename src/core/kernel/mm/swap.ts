// Swap devices (mm/swapfile.c swap_info[MAX_SWAPFILES] of struct swap_info_struct *, nr_swapfiles), as
// crash's dump_swap_info lists them for `swap`: each used device's type (a block device or a file), its
// size and use in pages, its priority and its path. Whether it is a partition: swap_info_struct.old_block_size
// is set for block devices (up to 6.9; the older name swap_device before it); since 6.10 the swap file's
// inode mode says (S_ISBLK).
import { KdwError } from "../../io/errors";
import { layout, members, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { dPath, fsLayout, mountDevname } from "../fs/fs";

/** MAX_SWAPFILES is 32 or fewer; more than this is not a swap table. */
const MAX_SWAPFILES = 64;
/** include/linux/swap.h SWP_USED. */
const SWP_USED = 1n;
/** S_IFMT and S_IFBLK (include/uapi/linux/stat.h). */
const S_IFMT = 0o170000;
const S_IFBLK = 0o060000;

const SWAP = layout({
  ...members("swap_info_struct", {
    flags: "flags",
    prio: "prio",
    max: "max",
    pages: "pages",
    inusePages: optional("inuse_pages"),
    swapFile: "swap_file",
    swapDevice: optional("old_block_size", "swap_device"),
  }),
  fileInode: "file.f_inode",
});

export interface SwapDevice {
  /** The struct swap_info_struct. */
  address: bigint;
  partition: boolean;
  /** swap_info_struct.pages and inuse_pages. */
  pages: number;
  inusePages: number;
  prio: number;
  /** The swap file's path, "(unknown)" without one. */
  path: string;
}

function readSigned(prog: Program, addr: bigint, size: number): number {
  const b = prog.read(addr, size);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return size === 2 ? dv.getInt16(0, true) : size === 4 ? dv.getInt32(0, true) : Number(dv.getBigInt64(0, true));
}

function swapPath(prog: Program, file: bigint): string {
  if (file === 0n) return "(unknown)";
  const l = fsLayout(prog);
  const dentry = prog.readU64(file + BigInt(l.fileDentry));
  const mnt = prog.readU64(file + BigInt(l.fileVfsmnt));
  let path = dPath(prog, dentry, mnt, l).path;
  const devname = mountDevname(prog, mnt);
  // crash: a device node on devtmpfs (or udev) is named under /dev.
  if ((devname === "devtmpfs" || devname === "udev") && !path.startsWith("/dev/")) path = "/dev" + path;
  return path;
}

/** Every swap device in use (SWP_USED), in swap_info[] order; a slot that cannot be read is skipped. */
export function swapDevices(prog: Program): SwapDevice[] {
  if (!prog.hasSymbol("swap_info") || !prog.hasSymbol("nr_swapfiles")) return [];
  const l = SWAP.of(prog);
  const m = SWAP.members(prog);
  const nr = Math.min(MAX_SWAPFILES, prog.readU32(prog.symbolAddress("nr_swapfiles")));
  const base = prog.symbolAddress("swap_info");
  const out: SwapDevice[] = [];
  for (let i = 0; i < nr; i++) {
    try {
      const si = prog.readU64(base + BigInt(i * 8));
      if (si === 0n) continue;
      const flags = m.flags.size === 4 ? BigInt(prog.readU32(si + BigInt(l.flags))) : prog.readU64(si + BigInt(l.flags));
      if (!(flags & SWP_USED)) continue;
      const file = prog.readU64(si + BigInt(l.swapFile));
      let partition: boolean;
      if (l.swapDevice !== undefined) partition = prog.readS32(si + BigInt(l.swapDevice)) !== 0;
      else {
        const inode = file === 0n ? 0n : prog.readU64(file + BigInt(l.fileInode));
        const mode = inode === 0n ? 0 : prog.read(inode + BigInt(fsLayout(prog).inodeMode), 2);
        partition = typeof mode !== "number" && ((mode[0]! | (mode[1]! << 8)) & S_IFMT) === S_IFBLK;
      }
      out.push({
        address: si,
        partition,
        pages: prog.readS32(si + BigInt(l.pages)),
        inusePages: l.inusePages === undefined ? 0 : Number(m.inusePages!.size === 4 ? prog.readU32(si + BigInt(l.inusePages)) : prog.readU64(si + BigInt(l.inusePages))),
        prio: readSigned(prog, si + BigInt(l.prio), m.prio.size),
        path: swapPath(prog, file),
      });
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
    }
  }
  return out;
}
