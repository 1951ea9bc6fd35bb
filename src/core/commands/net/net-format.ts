// crash's net text: the device list (show_net_devices_v3), the socket table (dump_sockets, get_sock_info)
// and -N's dotted quad.
import type { Neighbour } from "../../kernel/net/neighbour";
import type { NetDevice } from "../../kernel/net/net";
import { AF_INET, AF_INET6, type TaskSocket } from "../../kernel/net/sockets";
import { escapeControl as printable } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { NetResult, NetSocketsResult, NetTaskSockets } from "./net";

export const SOCKET_HEADER = "FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT";

/** net.c get_sock_info's family names (glibc's AF_* numbers). */
const FAMILIES: Readonly<Record<number, string>> = {
  0: "UNSPEC",
  1: "UNIX",
  2: "INET",
  3: "AX25",
  4: "IPX",
  5: "APPLETALK",
  6: "NETROM",
  7: "BRIDGE",
  8: "ATMPVC",
  9: "X25",
  10: "INET6",
  11: "ROSE",
  12: "DECnet",
  13: "NETBEUI",
  14: "SECURITY/KEY",
  16: "NETLINK/ROUTE",
  17: "PACKET",
  18: "ASH",
  19: "ECONET",
  20: "ATMSVC",
  22: "SNA",
  23: "IRDA",
  24: "PPPOX",
};

/** Socket types; crash prints DGRAM with a trailing space. */
const TYPES: Readonly<Record<number, string>> = { 1: "STREAM", 2: "DGRAM ", 3: "RAW", 4: "RDM", 5: "SEQPACKET", 10: "PACKET" };

/** dump_in6_addr_port: the eight groups uncompressed, then "-port". */
function in6AddrPort(words: readonly number[], port: number): string {
  return `${words.map((w) => w.toString(16)).join(":")}-${port}`;
}

/** get_sock_info's text: FAMILY:TYPE, then for INET and INET6 the source and destination address-port. */
export function formatSockInfo(s: TaskSocket): string {
  let out = `${FAMILIES[s.family] ?? String(s.family)}:${TYPES[s.type] ?? String(s.type)} `;
  if (s.family === AF_INET) out += ` ${s.sourceAddress ?? "0.0.0.0"}-${s.sourcePort} ${s.destinationAddress ?? "0.0.0.0"}-${s.destinationPort}`;
  else if (s.family === AF_INET6) {
    if (!s.sourceIpv6Words || !s.destinationIpv6Words) out += "(cannot get IPv6 addresses)";
    else {
      const src = in6AddrPort(s.sourceIpv6Words, s.sourcePort);
      out += `${src.padStart(12)} ${center(in6AddrPort(s.destinationIpv6Words, s.destinationPort), src.length)}`;
    }
  }
  return out;
}

export function formatSocketRow(s: TaskSocket): string {
  return `${String(s.fd).padStart(2)} ${s.socket.toString(16).padStart(VADDR_PRLEN)} ${s.sock.toString(16).padStart(VADDR_PRLEN)} ${formatSockInfo(s)}`;
}

export function formatNetDevices(devices: readonly NetDevice[]): string {
  const lines = [`${center("NET_DEVICE", VADDR_PRLEN)}  NAME       IP ADDRESS(ES)`];
  for (const d of devices) lines.push(`${d.address.toString(16).padStart(VADDR_PRLEN)}  ${printable(d.name).padEnd(10)} ${[...d.ipv4, ...d.ipv6].join(", ")}`);
  return lines.join("\n") + "\n";
}

/** net -S: each socket's FD / SOCKET / SOCK lines, then its structures (a blank line before the next socket's). */
function formatFullSockets(t: NetTaskSockets): string {
  return t.sockets
    .map((s, i) => {
      const structs = t.structs?.[i];
      const head = `${i ? "\n" : ""}FD  ${center("SOCKET", VADDR_PRLEN)}  ${center("SOCK", VADDR_PRLEN)}\n${String(s.fd).padStart(2)}  ${s.socket.toString(16).padStart(VADDR_PRLEN)}  ${s.sock.toString(16).padStart(VADDR_PRLEN)}\n\n`;
      return head + (structs ? structs.socket + structs.sock : "");
    })
    .join("");
}

function formatTaskSockets(r: NetSocketsResult, t: NetTaskSockets): string {
  if (r.reference !== undefined) {
    // Only the tasks with a socket that refers to the reference: their header, the sockets, a blank line.
    if (t.sockets.length === 0) return "";
    return formatTaskHeader(t) + "\n" + (r.full ? formatFullSockets(t) : [SOCKET_HEADER, ...t.sockets.map(formatSocketRow)].join("\n") + "\n") + "\n";
  }
  const body = t.sockets.length === 0 ? "No open sockets.\n" : r.full ? formatFullSockets(t) : [SOCKET_HEADER, ...t.sockets.map(formatSocketRow)].join("\n") + "\n";
  return (t.blankBefore ? "\n" : "") + formatTaskHeader(t) + "\n" + body;
}

function formatSockets(r: NetSocketsResult): string {
  return r.tasks.map((t) => formatTaskSockets(r, t)).join("");
}

/** ARPHRD_* names as print_neighbour_q knows them; the rest are UNKNOWN. */
const HW_TYPES: Readonly<Record<number, string>> = { 1: "ETHER", 0: "NETROM", 2: "EETHER", 3: "AX25", 4: "PRONET", 5: "CHAOS", 6: "IEEE802", 7: "ARCNET", 8: "APPLETLK", 15: "DLCI", 23: "METRICOM" };
/** NUD_* (include/uapi/linux/neighbour.h) in arp_state_to_flags's order. */
const NUD_STATES: readonly [number, string][] = [
  [0x01, "INCOMPLETE"],
  [0x02, "REACHABLE"],
  [0x04, "STALE"],
  [0x08, "DELAY"],
  [0x10, "PROBE"],
  [0x20, "FAILED"],
  [0x40, "NOARP"],
  [0x80, "PERMANENT"],
];

/** dump_arp / print_neighbour_q: "%-16lx %-16s", "%-10s " type, the hardware address, " %-6s  " device, state. */
export function formatArp(neighbours: readonly Neighbour[]): string {
  if (neighbours.length === 0) return "";
  const lines = ["NEIGHBOUR        IP ADDRESS      HW TYPE    HW ADDRESS         DEVICE  STATE"];
  for (const n of neighbours) {
    const hex = (b: number): string => b.toString(16).padStart(2, "0");
    const type = HW_TYPES[n.deviceType] ?? "UNKNOWN";
    const ha = type === "ETHER" ? n.hardwareAddress.map((b, i) => hex(b) + (i === n.hardwareAddress.length - 1 ? " " : ":")).join("") : n.hardwareAddress.map((b) => hex(b) + " ").join("");
    const state = NUD_STATES.filter(([bit]) => n.state & bit).map(([, name]) => name).join("|");
    lines.push(`${n.address.toString(16).padEnd(16)} ${n.ip.padEnd(16)}${type.padEnd(10)} ${ha} ${printable(n.deviceName).padEnd(6)}  ${state}`);
  }
  return lines.join("\n") + "\n";
}

export function formatNet(r: NetResult): string {
  switch (r.kind) {
    case "devices":
      return formatNetDevices(r.devices);
    case "sockets":
      return formatSockets(r);
    case "arp":
      return formatArp(r.neighbours) + (r.sockets ? formatSockets(r.sockets) : "");
    case "dottedQuad":
      // in_addr.s_addr = value; inet_ntoa prints its bytes in memory (little-endian) order.
      return [0n, 8n, 16n, 24n].map((s) => String((r.value >> s) & 0xffn)).join(".") + "\n";
  }
}
