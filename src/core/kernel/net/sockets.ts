// The open sockets of a task, as crash's `net -s` finds them (net.c dump_sockets_workhorse, sym_socket_dump,
// get_sock_info): every open file descriptor whose inode is a socket (S_ISSOCK(i_mode)); its struct socket
// is the inode's container (struct socket_alloc { struct socket socket; struct inode vfs_inode; }), and
// socket->sk the struct sock. Family and type come from sock_common.skc_family and sock.sk_type; IPv4
// ends from sock_common (skc_rcv_saddr, skc_daddr, skc_dport) and inet_sock.inet_sport; IPv6 ends from
// sock_common.skc_v6_rcv_saddr / skc_v6_daddr (3.13+).
//
// The descriptors come from the fd-table walker (files.ts taskOpenFiles), so `net -s` and `files` agree on
// what a task has open.
import { KdwError, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { taskOpenFiles } from "../fs/files";
import { formatIpv4, formatIpv6 } from "./net";

const S_IFMT = 0o170000; // include/uapi/linux/stat.h
const S_IFSOCK = 0o140000;

/** sock_common's members are read through struct sock, whose __sk_common comes first. */
const SOCKET_LAYOUT = layout(
  {
    socketAllocInode: "socket_alloc.vfs_inode",
    socketSk: "socket.sk",
    skCommon: optional("sock.__sk_common"),
    skTypeField: "sock.sk_type", // u16, or a bitfield before 4.18
    commonFamily: "sock_common.skc_family",
    commonRcvSaddr: optional("sock_common.skc_rcv_saddr"),
    commonDaddr: optional("sock_common.skc_daddr"),
    commonDport: optional("sock_common.skc_dport"),
    commonV6RcvSaddr: optional("sock_common.skc_v6_rcv_saddr"), // 3.13+
    commonV6Daddr: optional("sock_common.skc_v6_daddr"),
    commonState: optional("sock_common.skc_state"),
    inetSport: optional("inet_sock.inet_sport"),
  },
  (o, m) => {
    const base = o.skCommon ?? 0;
    const common = (off: number | undefined): number | undefined => (off === undefined ? undefined : base + off);
    const t = m.skTypeField;
    const skType = { byte: t.offset, bitOffset: t.bitOffset - t.offset * 8, bitSize: t.bitSize ?? t.size * 8 };
    const fields = {
      skFamily: base + o.commonFamily,
      skRcvSaddr: common(o.commonRcvSaddr),
      skDaddr: common(o.commonDaddr),
      skDport: common(o.commonDport),
      inetSport: o.inetSport,
      skV6RcvSaddr: common(o.commonV6RcvSaddr),
      skV6Daddr: common(o.commonV6Daddr),
      skState: common(o.commonState),
    };
    const ends = [skType.byte + 4, ...Object.values(fields).filter((f): f is number => f !== undefined).map((f) => f + 16)];
    /** span: bytes of struct sock read per socket, enough for every field above. */
    return { skType, ...fields, span: Math.max(...ends) };
  },
);

export type SocketLayout = ReturnType<typeof SOCKET_LAYOUT.of>;

export const socketLayout: (prog: Program) => SocketLayout = SOCKET_LAYOUT.of;

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
  const dv = dataView(b);
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
