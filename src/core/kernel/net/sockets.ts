// The open sockets of a task, as crash's `net -s` finds them (net.c dump_sockets_workhorse, sym_socket_dump,
// get_sock_info): every open file descriptor whose inode is a socket (S_ISSOCK(i_mode)); its struct socket
// is the inode's container (struct socket_alloc { struct socket socket; struct inode vfs_inode; }), and
// socket->sk the struct sock. Family and type come from sock_common.skc_family and sock.sk_type; IPv4
// ends from sock_common (skc_rcv_saddr, skc_daddr, skc_dport) and inet_sock.inet_sport; IPv6 ends from
// sock_common.skc_v6_rcv_saddr / skc_v6_daddr (3.13+).
//
// The descriptors come from the fd-table walker (files.ts taskOpenFiles), so `net -s` and `files` agree on
// what a task has open.
import { findMember, resolveType, sizeOf } from "../../debuginfo/types";
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import { taskOpenFiles } from "../fs/files";
import { formatIpv4, formatIpv6 } from "./net";

const S_IFMT = 0o170000; // include/uapi/linux/stat.h
const S_IFSOCK = 0o140000;

export interface SocketLayout {
  socketAllocInode: number; // socket_alloc.vfs_inode
  socketSk: number; // socket.sk
  skFamily: number; // sock_common.skc_family (sock.__sk_common at 0)
  skType: { byte: number; bitOffset: number; bitSize: number }; // sock.sk_type (u16, or a bitfield before 4.18)
  skRcvSaddr: number | undefined; // sock_common.skc_rcv_saddr
  skDaddr: number | undefined; // sock_common.skc_daddr
  skDport: number | undefined; // sock_common.skc_dport
  inetSport: number | undefined; // inet_sock.inet_sport
  skV6RcvSaddr: number | undefined; // sock_common.skc_v6_rcv_saddr
  skV6Daddr: number | undefined; // sock_common.skc_v6_daddr
  skState: number | undefined; // sock_common.skc_state
  /** Bytes of struct sock read per socket: enough for every field above. */
  span: number;
}

const layouts = new WeakMap<Program, SocketLayout>();

export function socketLayout(prog: Program): SocketLayout {
  let l = layouts.get(prog);
  if (l) return l;
  const off = (type: string, m: string): number | undefined => {
    const t = prog.findType(type);
    return t ? prog.memberOffset(t, m) : undefined;
  };
  const req = (type: string, m: string): number => {
    const o = off(type, m);
    if (o === undefined) throw new MissingDebugInfo(`${type} has no member ${m}`);
    return o;
  };
  const skCommon = off("struct sock", "__sk_common") ?? 0;
  const common = (m: string): number | undefined => {
    const o = off("struct sock_common", m);
    return o === undefined ? undefined : skCommon + o;
  };
  const sock = prog.type("struct sock");
  const typeMember = findMember(sock, "sk_type");
  if (!typeMember) throw new MissingDebugInfo("struct sock has no member sk_type");
  const bitSize = typeMember.member.bitSize ?? sizeOf(resolveType(typeMember.member.type)) * 8;
  const byte = Math.floor(typeMember.bitOffset / 8);
  const skType = { byte, bitOffset: typeMember.bitOffset - byte * 8, bitSize };
  const fields = {
    skFamily: common("skc_family") ?? req("struct sock_common", "skc_family"),
    skRcvSaddr: common("skc_rcv_saddr"),
    skDaddr: common("skc_daddr"),
    skDport: common("skc_dport"),
    inetSport: off("struct inet_sock", "inet_sport"),
    skV6RcvSaddr: common("skc_v6_rcv_saddr"),
    skV6Daddr: common("skc_v6_daddr"),
    skState: common("skc_state"),
  };
  const ends = [skType.byte + 4, ...Object.values(fields).filter((o): o is number => o !== undefined).map((o) => o + 16)];
  l = {
    socketAllocInode: req("struct socket_alloc", "vfs_inode"),
    socketSk: req("struct socket", "sk"),
    skType,
    ...fields,
    span: Math.max(...ends),
  };
  layouts.set(prog, l);
  return l;
}

export interface TaskSocket {
  fd: number;
  file: bigint;
  /** struct socket (the inode's socket_alloc). */
  socket: bigint;
  /** socket->sk: struct sock (0 for a socket not yet connected to a protocol). */
  sock: bigint;
  family: number;
  type: number;
  /** sock_common.skc_state (TCP_ESTABLISHED, TCP_LISTEN, ...). */
  state: number | undefined;
  /** Host-order ports; addresses as text (IPv4 dotted, IPv6 as inet_ntop), for AF_INET / AF_INET6. */
  sourcePort: number;
  destinationPort: number;
  sourceAddress?: string;
  destinationAddress?: string;
  /** The raw 16-bit IPv6 groups (crash prints them uncompressed). */
  sourceIpv6Words?: number[];
  destinationIpv6Words?: number[];
}

export const AF_INET = 2;
export const AF_INET6 = 10;

/** The task's sockets in fd order (crash's `net -s`): its open files whose inode is a socket. A socket whose
 *  struct socket or sock cannot be read is reported in `problems` and skipped. */
export function taskSockets(prog: Program, task: bigint): { sockets: TaskSocket[]; problems: WalkAborted[] } {
  const l = socketLayout(prog);
  const sockets: TaskSocket[] = [];
  const problems: WalkAborted[] = [];
  let table;
  try {
    table = taskOpenFiles(prog, task);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { sockets, problems: [new WalkAborted(`open files of task ${task.toString(16)}`, err.message, 0)] };
  }
  if (!table) return { sockets, problems };
  if (table.problem) problems.push(table.problem);
  for (const f of table.open) {
    if (f.inode === 0n || (f.mode & S_IFMT) !== S_IFSOCK) continue;
    try {
      sockets.push(socketOfInode(prog, l, f.fd, f.file, f.inode));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(`fd ${f.fd} of task ${task.toString(16)} (file ${f.file.toString(16)})`, err.message, sockets.length));
    }
  }
  return { sockets, problems };
}

/** sym_socket_dump / get_sock_info for one socket inode. */
export function socketOfInode(prog: Program, l: SocketLayout, fd: number, file: bigint, inode: bigint): TaskSocket {
  const socket = inode - BigInt(l.socketAllocInode);
  const sock = prog.readU64(socket + BigInt(l.socketSk));
  const out: TaskSocket = { fd, file, socket, sock, family: 0, type: 0, state: undefined, sourcePort: 0, destinationPort: 0 };
  if (sock === 0n) return out;
  const b = prog.read(sock, l.span);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const be16 = (o: number | undefined): number => (o === undefined ? 0 : dv.getUint16(o, false));
  out.family = dv.getUint16(l.skFamily, true);
  const raw = dv.getUint32(l.skType.byte, true);
  out.type = l.skType.bitSize >= 32 ? raw : (raw >>> l.skType.bitOffset) & ((1 << l.skType.bitSize) - 1);
  out.state = l.skState === undefined ? undefined : b[l.skState];
  out.sourcePort = be16(l.inetSport);
  out.destinationPort = be16(l.skDport);
  if (out.family === AF_INET) {
    if (l.skRcvSaddr !== undefined) out.sourceAddress = formatIpv4(b.subarray(l.skRcvSaddr, l.skRcvSaddr + 4));
    if (l.skDaddr !== undefined) out.destinationAddress = formatIpv4(b.subarray(l.skDaddr, l.skDaddr + 4));
  } else if (out.family === AF_INET6 && l.skV6RcvSaddr !== undefined && l.skV6Daddr !== undefined) {
    const src = b.subarray(l.skV6RcvSaddr, l.skV6RcvSaddr + 16);
    const dst = b.subarray(l.skV6Daddr, l.skV6Daddr + 16);
    out.sourceAddress = formatIpv6(src);
    out.destinationAddress = formatIpv6(dst);
    out.sourceIpv6Words = words16(src);
    out.destinationIpv6Words = words16(dst);
  }
  return out;
}

function words16(b: Uint8Array): number[] {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  return w;
}
