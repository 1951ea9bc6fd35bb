// The operation tables behind /proc and the socket lists it shows (volatility3's check_afinfo and
// linux.check_fop): a rootkit hides processes, files or connections by pointing a function of one of these
// at its own code (an in-place overwrite of, say, tcp4_seq_ops.show), or by pointing a /proc entry at a copy.
// Two sources:
// - named kernel tables, when this kernel has them: struct seq_operations of /proc/net/{tcp,tcp6,udp,...},
//   the file and inode operations of /proc itself and of /proc/PID, and (before 4.18) the embedded seq_ops
//   and seq_fops of the tcp/udp afinfo structures. Every function pointer, embedded structs included.
// - every /proc entry (struct proc_dir_entry, fs/proc/internal.h) under /proc and /proc/net of init_net:
//   its proc_ops (file_operations before 5.6; proc_dir_ops for directories) and, for seq files, seq_ops.
// Every function pointer is returned as a site; detect/ decides which are hooks (by who owns the table and
// who owns the code). Bounded: entries, depth and tables.
import { resolveType, type Type } from "../../debuginfo/types";
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import { optionalType } from "../../program/optional-types";
import { rbInorder } from "../../program/rbtree";
import { MAX_HOOKS, type HookKind, type HookSite } from "./site";
import { latin1String as latin1 } from "../../io/latin1";

/** Kernel tables worth checking by name, with their type (only those this kernel has are read). */
export const NAMED_OPS_TABLES: readonly { symbol: string; type: string }[] = [
  { symbol: "tcp4_seq_ops", type: "struct seq_operations" },
  { symbol: "tcp6_seq_ops", type: "struct seq_operations" },
  { symbol: "udp_seq_ops", type: "struct seq_operations" },
  { symbol: "udp6_seq_ops", type: "struct seq_operations" },
  { symbol: "raw_seq_ops", type: "struct seq_operations" },
  { symbol: "raw6_seq_ops", type: "struct seq_operations" },
  { symbol: "unix_seq_ops", type: "struct seq_operations" },
  { symbol: "packet_seq_ops", type: "struct seq_operations" },
  { symbol: "netlink_seq_ops", type: "struct seq_operations" },
  { symbol: "modules_op", type: "struct seq_operations" },
  { symbol: "proc_root_operations", type: "struct file_operations" },
  { symbol: "proc_root_inode_operations", type: "struct inode_operations" },
  { symbol: "proc_tgid_base_operations", type: "struct file_operations" },
  { symbol: "proc_tgid_base_inode_operations", type: "struct inode_operations" },
  { symbol: "proc_tid_base_operations", type: "struct file_operations" },
  { symbol: "proc_tid_base_inode_operations", type: "struct inode_operations" },
  { symbol: "tcp4_seq_afinfo", type: "struct tcp_seq_afinfo" },
  { symbol: "tcp6_seq_afinfo", type: "struct tcp_seq_afinfo" },
  { symbol: "udp4_seq_afinfo", type: "struct udp_seq_afinfo" },
  { symbol: "udp6_seq_afinfo", type: "struct udp_seq_afinfo" },
];

const MAX_ENTRIES = 8192;
const MAX_DEPTH = 6;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

export interface ProcEntry {
  /** struct proc_dir_entry. */
  address: bigint;
  path: string;
  /** The proc_ops / file_operations table and its slot in the entry. */
  ops: bigint;
  opsSlot: bigint;
  opsType: string;
  /** seq_operations of a seq file (0 when none). */
  seqOps: bigint;
  seqOpsSlot: bigint;
}

export interface ProcOpsScan {
  entries: ProcEntry[];
  /** Every function pointer of every table read (named tables and the entries' tables). */
  sites: HookSite[];
  problems: WalkAborted[];
  /** Named tables this kernel has not got (their names). */
  absentTables: string[];
}

interface PdeLayout {
  name: number;
  mode: number;
  subdir: number;
  subdirNode: number;
  ops: number;
  opsType: string;
  seqOps: number | undefined;
}

function pdeLayout(prog: Program): PdeLayout | undefined {
  const t = optionalType(prog, "struct proc_dir_entry");
  if (!t) return undefined;
  const off = (m: string) => prog.memberOffset(t, m);
  const name = off("name");
  const mode = off("mode");
  const subdir = off("subdir");
  const subdirNode = off("subdir_node");
  const procOps = off("proc_ops");
  const fops = off("proc_fops");
  if (name === undefined || mode === undefined || subdir === undefined || subdirNode === undefined || (procOps === undefined && fops === undefined)) return undefined;
  return { name, mode, subdir, subdirNode, ops: procOps ?? fops!, opsType: procOps !== undefined && optionalType(prog, "struct proc_ops") ? "struct proc_ops" : "struct file_operations", seqOps: off("seq_ops") };
}

/** The named tables and the /proc entries' tables, every function pointer as a site. */
export function procOpsTables(prog: Program): ProcOpsScan {
  const out: ProcOpsScan = { entries: [], sites: [], problems: [], absentTables: [] };
  for (const { symbol, type } of NAMED_OPS_TABLES) {
    const t = optionalType(prog, type);
    if (!prog.hasSymbol(symbol) || !t) {
      out.absentTables.push(symbol);
      continue;
    }
    const kind: HookKind = type === "struct seq_operations" || type.endsWith("afinfo") ? "seq_ops" : "file_ops";
    tableSites(prog, prog.symbolAddress(symbol), t, symbol, kind, `${type.replace("struct ", "")} ${symbol}`, out);
  }
  const l = pdeLayout(prog);
  if (!l) {
    out.problems.push(new WalkAborted("/proc entries", "no struct proc_dir_entry with name, mode, subdir and its operations in the types", 0));
    return out;
  }
  const seqFileOps = new Set(["proc_seq_ops", "proc_net_seq_ops"].map((s) => prog.symbols.addressOf(s)).filter((a): a is bigint => a !== undefined));
  const roots: [bigint, string][] = [];
  if (prog.hasSymbol("proc_root")) roots.push([prog.symbolAddress("proc_root"), ""]);
  const net = optionalType(prog, "struct net");
  const procNetOff = net && prog.memberOffset(net, "proc_net");
  if (procNetOff !== undefined && prog.hasSymbol("init_net")) {
    try {
      const pn = prog.readU64(prog.symbolAddress("init_net") + BigInt(procNetOff));
      if (pn !== 0n) roots.push([pn, "/net"]);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted("init_net.proc_net", err.message, 0));
    }
  }
  const seen = new Set<bigint>();
  const walk = (dir: bigint, path: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    const what = `/proc${path || "/"} entries`;
    let top: bigint;
    try {
      top = prog.readU64(dir + BigInt(l.subdir));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted(what, err.message, 0));
      return;
    }
    const children: bigint[] = [];
    try {
      for (const node of rbInorder(prog, top, { budget: MAX_ENTRIES, what })) children.push(node - BigInt(l.subdirNode));
    } catch (err) {
      if (err instanceof WalkAborted) out.problems.push(err);
      else if (err instanceof KdwError) out.problems.push(new WalkAborted(what, err.message, children.length));
      else throw err;
    }
    for (const pde of children) {
      if (seen.has(pde) || seen.size >= MAX_ENTRIES) continue;
      seen.add(pde);
      try {
        const name = latin1(prog.readCString(prog.readU64(pde + BigInt(l.name)), 256));
        const modeBytes = prog.read(pde + BigInt(l.mode), 2);
        const mode = modeBytes[0]! | (modeBytes[1]! << 8);
        const full = `${path}/${name}`;
        const dirEntry = (mode & S_IFMT) === S_IFDIR;
        const opsSlot = pde + BigInt(l.ops);
        const ops = prog.readU64(opsSlot);
        const opsType = dirEntry ? "struct file_operations" : l.opsType;
        const seqOpsSlot = l.seqOps === undefined ? 0n : pde + BigInt(l.seqOps);
        const seqOps = seqOpsSlot !== 0n && seqFileOps.has(ops) ? prog.readU64(seqOpsSlot) : 0n;
        const entry: ProcEntry = { address: pde, path: `/proc${full}`, ops, opsSlot, opsType, seqOps, seqOpsSlot };
        out.entries.push(entry);
        const opsT = optionalType(prog, opsType);
        if (ops !== 0n && opsT) tableSites(prog, ops, opsT, `/proc${full}`, "file_ops", `${opsType.replace("struct ", "")} of /proc${full} (proc_dir_entry ${hex(pde)})`, out);
        const seqT = optionalType(prog, "struct seq_operations");
        if (seqOps !== 0n && seqT) tableSites(prog, seqOps, seqT, `/proc${full}`, "seq_ops", `seq_operations of /proc${full} (proc_dir_entry ${hex(pde)})`, out);
        if (dirEntry && full !== "/self" && full !== "/thread-self") walk(pde, full, depth + 1);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        out.problems.push(new WalkAborted(what, `proc_dir_entry ${hex(pde)}: ${err.message}`, seen.size));
      }
    }
  };
  for (const [root, path] of roots) walk(root, path, 0);
  return out;
}

interface FnMember {
  /** "show", or "seq_ops.show" inside an embedded struct. */
  path: string;
  offset: number;
}

const fnMemberCache = new WeakMap<Type, { size: number; members: FnMember[] }>();

/** The function-pointer members of a struct (embedded structs followed two levels), resolved once per type. */
function fnMembers(type: Type): { size: number; members: FnMember[] } {
  let c = fnMemberCache.get(type);
  if (c) return c;
  const members: FnMember[] = [];
  const visit = (t: Type, base: number, prefix: string, depth: number) => {
    const s = resolveType(t);
    if (s.kind !== "struct" && s.kind !== "union") return;
    for (const m of s.members) {
      if (m.bitSize !== undefined || m.bitOffset % 64 !== 0) continue;
      const off = base + m.bitOffset / 8;
      const mt = resolveType(m.type);
      if (mt.kind === "pointer" && resolveType(mt.target).kind === "function") members.push({ path: `${prefix}${m.name ?? "?"}`, offset: off });
      else if ((mt.kind === "struct" || mt.kind === "union") && depth < 2) visit(mt, off, `${prefix}${m.name ? m.name + "." : ""}`, depth + 1);
    }
  };
  visit(type, 0, "", 0);
  const r = resolveType(type);
  c = { size: r.kind === "struct" || r.kind === "union" ? r.size : 0, members };
  fnMemberCache.set(type, c);
  return c;
}

/** Every non-NULL function pointer of the table at `addr`. */
function tableSites(prog: Program, addr: bigint, type: Type, target: string, kind: HookKind, details: string, out: ProcOpsScan): void {
  const { size, members } = fnMembers(type);
  if (members.length === 0) return;
  let bytes: Uint8Array;
  try {
    bytes = prog.read(addr, size);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.problems.push(new WalkAborted(details, err.message, 0));
    return;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const m of members) {
    if (m.offset + 8 > bytes.length) continue;
    const fn = dv.getBigUint64(m.offset, true);
    if (fn === 0n || out.sites.length >= MAX_HOOKS) continue;
    out.sites.push({ kind, target: `${target} ${m.path}`, role: m.path, handler: fn, slot: addr + BigInt(m.offset), slotSize: 8, slotValue: fn, holder: addr, details });
  }
}

function hex(v: bigint): string {
  return "0x" + v.toString(16);
}


