// crash's net text: the device list (show_net_devices_v3), the socket table (dump_sockets, get_sock_info)
// and -N's dotted quad.
import type { NetDevice } from "../../kernel/net/net";
import { AF_INET, AF_INET6, type TaskSocket } from "../../kernel/net/sockets";
import { escapeControl as printable } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { NetResult, NetSocketsResult } from "./net";

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

function formatSockets(r: NetSocketsResult): string {
  return r.tasks
    .map((t) => (t.blankBefore ? "\n" : "") + formatTaskHeader(t) + "\n" + (t.sockets.length === 0 ? "No open sockets.\n" : [SOCKET_HEADER, ...t.sockets.map(formatSocketRow)].join("\n") + "\n"))
    .join("");
}

export function formatNet(r: NetResult): string {
  switch (r.kind) {
    case "devices":
      return formatNetDevices(r.devices);
    case "sockets":
      return formatSockets(r);
    case "dottedQuad":
      // in_addr.s_addr = value; inet_ntoa prints its bytes in memory (little-endian) order.
      return [0n, 8n, 16n, 24n].map((s) => String((r.value >> s) & 0xffn)).join(".") + "\n";
  }
}
