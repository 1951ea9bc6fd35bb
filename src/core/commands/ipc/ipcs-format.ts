// crash's ipcs text (ipcs.c dump_shared_memory, dump_semaphore_arrays, dump_message_queues and their
// dump_*_info rows): a header per facility, its rows or "(none allocated)", a blank line; -M a block per
// segment; ids and addresses each their own header and row, or "invalid id or address".
import { SHM_DEST, SHM_LOCKED, type MsgQueue, type SemArray, type ShmSegment } from "../../kernel/ipc/ipc";
import { VADDR_PRLEN } from "../shared/mkstring";
import type { IpcsResult } from "./ipcs";

const PAGE_SHIFT = 12n;
const PAGE_SIZE = 1n << PAGE_SHIFT;
const col = (s: string, w: number): string => s.padEnd(w);
const SHM_HEADER = [col("SHMID_KERNEL", Math.max(12, VADDR_PRLEN)), col("KEY", 8), col("SHMID", 10), col("UID", 5), col("PERMS", 5), col("BYTES", 10), col("NATTCH", 6), col("STATUS", 6)].join(" ");
const SEM_HEADER = [col("SEM_ARRAY", Math.max(10, VADDR_PRLEN)), col("KEY", 8), col("SEMID", 10), col("UID", 5), col("PERMS", 5), col("NSEMS", 10)].join(" ");
const MSG_HEADER = [col("MSG_QUEUE", Math.max(10, VADDR_PRLEN)), col("KEY", 8), col("MSQID", 10), col("UID", 5), col("PERMS", 5), col("USED-BYTES", 12), col("MESSAGES", 12)].join(" ");

/** %08x of an int: its two's complement. */
const key8 = (k: number): string => (k >>> 0).toString(16).padStart(8, "0");

function shmRow(s: ShmSegment): string {
  const status = `${s.mode & SHM_DEST ? "dest" : ""} ${s.mode & SHM_LOCKED ? "locked" : ""}`;
  return `${col(s.address.toString(16), Math.max(12, VADDR_PRLEN))} ${key8(s.key)} ${col(String(s.id), 10)} ${col(String(s.uid), 5)} ${col((s.mode & 0o777).toString(8), 5)} ${col(BigInt.asIntN(64, s.bytes).toString(), 10)} ${col(BigInt.asIntN(64, s.nattch).toString(), 6)} ${status}`;
}

function shmVerbose(s: ShmSegment): string[] {
  return [SHM_HEADER, shmRow(s), `PAGES ALLOCATED/RESIDENT/SWAPPED: ${(s.bytes + PAGE_SIZE - 1n) >> PAGE_SHIFT}/${s.rss}/${s.swap}`, `INODE: ${s.inode.toString(16)}`, ""];
}

function semRow(s: SemArray): string {
  return `${col(s.address.toString(16), Math.max(10, VADDR_PRLEN))} ${key8(s.key)} ${col(String(s.id), 10)} ${col(String(s.uid), 5)} ${col((s.mode & 0o777).toString(8), 5)} ${col(s.nsems.toString(), 10)}`;
}

function msgRow(m: MsgQueue): string {
  return `${col(m.address.toString(16), Math.max(10, VADDR_PRLEN))} ${key8(m.key)} ${col(String(m.id), 10)} ${col(String(m.uid), 5)} ${col((m.mode & 0o777).toString(8), 5)} ${col(BigInt.asIntN(64, m.bytes).toString(), 12)} ${col(BigInt.asIntN(64, m.messages).toString(), 12)}`;
}

/** One facility's listing: header, rows, or "(none allocated)"; and the blank line after. */
function listing<T extends { deleted: boolean }>(header: string, ids: { inUse: number; objects: T[] }, row: (x: T) => string): string[] {
  if (ids.inUse === 0) return [header, "(none allocated)", ""];
  return [header, ...ids.objects.filter((x) => !x.deleted).map(row), ""];
}

export function formatIpcs(r: IpcsResult): string {
  const lines: string[] = [];
  if (r.lookups) {
    for (const l of r.lookups) {
      for (const s of l.shm) lines.push(...(r.verbose ? shmVerbose(s) : [SHM_HEADER, shmRow(s), ""]));
      for (const s of l.sem) lines.push(SEM_HEADER, semRow(s), "");
      for (const m of l.msg) lines.push(MSG_HEADER, msgRow(m), "");
      if (l.shm.length + l.sem.length + l.msg.length === 0) lines.push(`invalid id or address: ${l.value}`, "");
    }
    return lines.map((l) => l + "\n").join("");
  }
  if (r.shm) {
    if (!r.verbose) lines.push(...listing(SHM_HEADER, r.shm, shmRow));
    else if (r.shm.inUse === 0) lines.push(SHM_HEADER, "(none allocated)", "");
    else for (const s of r.shm.objects.filter((x) => !x.deleted)) lines.push(...shmVerbose(s));
  }
  if (r.sem) lines.push(...listing(SEM_HEADER, r.sem, semRow));
  if (r.msg) lines.push(...listing(MSG_HEADER, r.msg, msgRow));
  return lines.map((l) => l + "\n").join("");
}
