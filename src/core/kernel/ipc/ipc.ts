// System V IPC objects (ipc/util.h, include/linux/ipc_namespace.h), as crash's `ipcs` reads them (ipcs.c):
// an IPC namespace (a task's nsproxy->ipc_ns, init_ipc_ns for the init task) holds three struct ipc_ids —
// semaphores, message queues, shared memory, in that order — each an IDR (its XArray idr_rt, 4.20+) of
// pointers to the struct kern_ipc_perm inside a sem_array, msg_queue or shmid_kernel. Every walk is bounded;
// an object that cannot be read is named and the rest of the answer kept. Kernels before 4.20 keep the IDR
// in a radix tree kdw does not walk: MissingDebugInfo says so.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { xaForEach } from "../../program/xarray";

/** include/linux/ipc_namespace.h: ids[IPC_SEM_IDS], ids[IPC_MSG_IDS], ids[IPC_SHM_IDS]. */
export type IpcKind = "sem" | "msg" | "shm";
const IDS_INDEX: Record<IpcKind, number> = { sem: 0, msg: 1, shm: 2 };
/** ipc/util.h IPCMNI_EXTEND: no namespace holds more objects of one kind. */
const MAX_IPC_OBJECTS = 1 << 24;
/** include/uapi/linux/shm.h SHM_DEST, SHM_LOCKED (kern_ipc_perm.mode bits). */
export const SHM_DEST = 0o1000;
export const SHM_LOCKED = 0o2000;

const IPC = layout(
  {
    taskNsproxy: "task_struct.nsproxy",
    nsproxyIpcNs: "nsproxy.ipc_ns",
    nsIds: "ipc_namespace.ids",
    idsInUse: "ipc_ids.in_use",
    idsIdr: "ipc_ids.ipcs_idr",
    idrRt: "idr.idr_rt",
    permKey: "kern_ipc_perm.key",
    permId: "kern_ipc_perm.id",
    permUid: "kern_ipc_perm.uid",
    permMode: "kern_ipc_perm.mode",
    permDeleted: "kern_ipc_perm.deleted",
    shmPerm: "shmid_kernel.shm_perm",
    shmSegsz: "shmid_kernel.shm_segsz",
    shmNattch: "shmid_kernel.shm_nattch",
    shmFile: "shmid_kernel.shm_file",
    semPerm: "sem_array.sem_perm",
    semNsems: "sem_array.sem_nsems",
    msgPerm: "msg_queue.q_perm",
    msgCbytes: "msg_queue.q_cbytes",
    msgQnum: "msg_queue.q_qnum",
    fileDentry: "file.f_path.dentry",
    fileOp: "file.f_op",
    filePrivate: "file.private_data",
    dentryInode: "dentry.d_inode",
    inodeMapping: "inode.i_mapping",
    inodeSb: "inode.i_sb",
    mappingNrpages: "address_space.nrpages",
    shmemVfsInode: "shmem_inode_info.vfs_inode",
    shmemSwapped: "shmem_inode_info.swapped",
    shmFileDataFile: optional("shm_file_data.file"),
    sbFsInfo: "super_block.s_fs_info",
    hugetlbHstate: optional("hugetlbfs_sb_info.hstate"),
    hstateOrder: optional("hstate.order"),
  },
  (_o, m, prog) => ({ idsSize: prog.sizeOf("struct ipc_ids"), uidSize: m.permUid.size, modeSize: m.permMode.size }),
);

/** What the three kinds share: the kern_ipc_perm. */
export interface IpcPerm {
  /** The sem_array, msg_queue or shmid_kernel. */
  address: bigint;
  key: number;
  id: number;
  uid: number;
  /** kern_ipc_perm.mode: permissions and, for shared memory, SHM_DEST / SHM_LOCKED. */
  mode: number;
  deleted: boolean;
}

export interface ShmSegment extends IpcPerm {
  bytes: bigint;
  nattch: bigint;
  /** The shmem (or hugetlbfs) inode behind the segment. */
  inode: bigint;
  /** Pages in memory and swapped out (crash's add_rss_swap). */
  rss: bigint;
  swap: bigint;
  hugepages: boolean;
}

export interface SemArray extends IpcPerm {
  nsems: bigint;
}

export interface MsgQueue extends IpcPerm {
  bytes: bigint;
  messages: bigint;
}

export interface IpcIds<T> {
  /** The struct ipc_ids. */
  address: bigint;
  inUse: number;
  objects: T[];
  /** Objects or walks that could not be read; the rest are in `objects`. */
  problems: string[];
}

/** The IPC namespace of a task (nsproxy->ipc_ns); init_ipc_ns when its nsproxy is gone (an exiting task). */
export function taskIpcNamespace(prog: Program, task: bigint): bigint {
  const l = IPC.of(prog);
  const nsproxy = prog.readU64(task + BigInt(l.taskNsproxy));
  if (nsproxy === 0n) return prog.symbolAddress("init_ipc_ns");
  return prog.readU64(nsproxy + BigInt(l.nsproxyIpcNs));
}

/** The kern_ipc_perm pointers of one kind in a namespace, in id order, and the ipc_ids' in_use. */
function permPointers(prog: Program, ns: bigint, kind: IpcKind): { ids: bigint; inUse: number; perms: bigint[]; problem?: string } {
  const l = IPC.of(prog);
  const ids = ns + BigInt(l.nsIds + IDS_INDEX[kind] * l.idsSize);
  const inUse = prog.readS32(ids + BigInt(l.idsInUse));
  const out: { ids: bigint; inUse: number; perms: bigint[]; problem?: string } = { ids, inUse, perms: [] };
  if (inUse === 0) return out;
  try {
    for (const e of xaForEach(prog, ids + BigInt(l.idsIdr + l.idrRt), { budget: MAX_IPC_OBJECTS, what: `${kind} ids ${ids.toString(16)}` })) out.perms.push(e.entry);
  } catch (err) {
    if (err instanceof WalkAborted) out.problem = err.message;
    else throw err;
  }
  return out;
}

function readPerm(prog: Program, perm: bigint, container: number): IpcPerm {
  const l = IPC.of(prog);
  const bytes = prog.read(perm, Math.max(l.permKey, l.permId, l.permUid, l.permMode, l.permDeleted) + 8);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    address: perm - BigInt(container),
    key: dv.getInt32(l.permKey, true),
    id: dv.getInt32(l.permId, true),
    uid: dv.getUint32(l.permUid, true),
    mode: l.modeSize === 2 ? dv.getUint16(l.permMode, true) : dv.getUint32(l.permMode, true),
    deleted: bytes[l.permDeleted]! !== 0,
  };
}

function each<T>(prog: Program, ns: bigint, kind: IpcKind, read: (perm: bigint) => T, interrupt?: () => void): IpcIds<T> {
  const p = permPointers(prog, ns, kind);
  const out: IpcIds<T> = { address: p.ids, inUse: p.inUse, objects: [], problems: p.problem ? [p.problem] : [] };
  for (const perm of p.perms) {
    interrupt?.();
    try {
      out.objects.push(read(perm));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(`kern_ipc_perm ${perm.toString(16)}: ${err.message}`);
    }
  }
  return out;
}

export function semArrays(prog: Program, ns: bigint, interrupt?: () => void): IpcIds<SemArray> {
  const l = IPC.of(prog);
  return each(prog, ns, "sem", (perm) => {
    const p = readPerm(prog, perm, l.semPerm);
    return { ...p, nsems: BigInt(prog.readS32(p.address + BigInt(l.semNsems))) };
  }, interrupt);
}

export function msgQueues(prog: Program, ns: bigint, interrupt?: () => void): IpcIds<MsgQueue> {
  const l = IPC.of(prog);
  return each(prog, ns, "msg", (perm) => {
    const p = readPerm(prog, perm, l.msgPerm);
    return { ...p, bytes: prog.readU64(p.address + BigInt(l.msgCbytes)), messages: prog.readU64(p.address + BigInt(l.msgQnum)) };
  }, interrupt);
}

export function shmSegments(prog: Program, ns: bigint, interrupt?: () => void): IpcIds<ShmSegment> {
  const l = IPC.of(prog);
  return each(prog, ns, "shm", (perm) => {
    const p = readPerm(prog, perm, l.shmPerm);
    const file = prog.readU64(p.address + BigInt(l.shmFile));
    const dentry = prog.readU64(file + BigInt(l.fileDentry));
    const inode = prog.readU64(dentry + BigInt(l.dentryInode));
    const nrpages = prog.readU64(prog.readU64(inode + BigInt(l.inodeMapping)) + BigInt(l.mappingNrpages));
    const huge = isFileHugepages(prog, file);
    let rss: bigint;
    let swap = 0n;
    if (huge) rss = nrpages * hugePagesPerPage(prog, inode);
    else {
      rss = nrpages;
      swap = prog.readU64(inode - BigInt(l.shmemVfsInode) + BigInt(l.shmemSwapped));
    }
    return { ...p, bytes: prog.readU64(p.address + BigInt(l.shmSegsz)), nattch: prog.readU64(p.address + BigInt(l.shmNattch)), inode, rss, swap, hugepages: huge };
  }, interrupt);
}

/** crash's is_file_hugepages: the file's f_op is hugetlbfs's, or the huge shm file operations. */
function isFileHugepages(prog: Program, file: bigint): boolean {
  const l = IPC.of(prog);
  const sym = (name: string): bigint | undefined => prog.symbols.addressOf(name);
  let f = file;
  for (let hops = 0; hops < 4; hops++) {
    const fop = prog.readU64(f + BigInt(l.fileOp));
    if (fop !== 0n && fop === sym("hugetlbfs_file_operations")) return true;
    const huge = sym("shm_file_operations_huge");
    if (huge !== undefined) return fop === huge;
    if (fop === sym("shm_file_operations") && l.shmFileDataFile !== undefined) {
      f = prog.readU64(prog.readU64(f + BigInt(l.filePrivate)) + BigInt(l.shmFileDataFile));
      continue;
    }
    return false;
  }
  return false;
}

/** Base pages per huge page of a hugetlbfs inode: 1 << hstate.order (2 MiB pages where that is absent). */
function hugePagesPerPage(prog: Program, inode: bigint): bigint {
  const l = IPC.of(prog);
  if (l.hugetlbHstate === undefined || l.hstateOrder === undefined) return (1n << 21n) / 4096n;
  const sb = prog.readU64(inode + BigInt(l.inodeSb));
  const hstate = prog.readU64(prog.readU64(sb + BigInt(l.sbFsInfo)) + BigInt(l.hugetlbHstate));
  return 1n << BigInt(prog.readU32(hstate + BigInt(l.hstateOrder)));
}
