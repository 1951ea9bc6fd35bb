// crash's `net` (net.c cmd_net): the network devices of init_net (or of a task's namespace with -n) with
// their IPv4 and IPv6 addresses (show_net_devices_v3), the open sockets of tasks (-s: dump_sockets,
// sym_socket_dump, get_sock_info), and -N (a 32-bit value as a dotted quad).
import { netDevices, taskNetNamespace, type NetDevice } from "../../kernel/net/net";
import { AF_INET, AF_INET6, taskSockets, type TaskSocket } from "../../kernel/net/sockets";
import { tasksByPid, taskTable, type Task } from "../../kernel/tasks/tasks";
import type { Program } from "../../program/program";
import { CommandError, splitOptions, type Command, type CommandContext } from "../command";
import { escapeControl as printable } from "../shared/escape";
import { formatTaskHeader } from "../tasks/ps-format";
import { currentTask, resolveTaskArg } from "../tasks/set";

const VADDR_PRLEN = 16;
export const SOCKET_HEADER = "FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT";

export interface NetDevicesResult {
  devices: NetDevice[];
  problems: string[];
}

export interface NetSocketsResult {
  tasks: { pid: number; task: bigint; comm: string; sockets: TaskSocket[] }[];
  problems: string[];
}

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

/** mkstring(..., CENTER): centred, the odd space on the right. */
function center(s: string, width: number): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = Math.floor(extra / 2);
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

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

/** str_to_context for net -s: every task with a decimal pid (pid 0: one per CPU), else a task address. */
function tasksOf(prog: Program, arg: string): Task[] {
  if (/^\d+$/.test(arg)) {
    const byPid = tasksByPid(taskTable(prog), Number(arg));
    if (byPid.length) return byPid;
  }
  const t = resolveTaskArg(prog, arg);
  return t ? [t] : [];
}

function showSockets(ctx: CommandContext, targets: string[]): { data: NetSocketsResult; text: string; errors: string[] } {
  const prog = ctx.prog;
  const data: NetSocketsResult = { tasks: [], problems: [] };
  const errors: string[] = [];
  let text = "";
  let subsequent = 0;
  const one = (task: Task): void => {
    text += (subsequent++ ? "\n" : "") + formatTaskHeader(task) + "\n";
    const { sockets, problems } = taskSockets(prog, task.address);
    data.tasks.push({ pid: task.pid, task: task.address, comm: task.comm, sockets });
    for (const p of problems) {
      data.problems.push(p.message);
      errors.push(`net: ${p.message}`);
    }
    if (sockets.length === 0) text += "No open sockets.\n";
    else text += [SOCKET_HEADER, ...sockets.map(formatSocketRow)].join("\n") + "\n";
  };
  if (targets.length === 0) one(currentTask(ctx));
  for (const arg of targets) {
    const tasks = tasksOf(prog, arg);
    if (tasks.length === 0) {
      // crash prints this as an INFO message in the output stream and goes on with the next argument.
      errors.push(`net: invalid task or pid value: ${arg}`);
      subsequent++;
      continue;
    }
    tasks.forEach(one);
  }
  return { data, text, errors };
}

export const netCommand: Command = {
  name: "net",
  summary: "network command",
  help: `NAME
  net - network command

SYNOPSIS
  net [-n [pid | taskp]] [-s [pid | taskp] ...] [-N value]

DESCRIPTION
  With no option, lists the network devices of the initial network namespace: the address of each
  struct net_device, its name, and its IPv4 addresses followed by its IPv6 addresses.

    -n [pid | taskp]  the devices of the network namespace of that task (default: the current task).
    -s [pid | taskp]  the open sockets of each task (default: the current task): file descriptor,
                      struct socket and struct sock addresses, FAMILY:TYPE, and for INET and INET6
                      sockets the local and remote address-port pairs (IPv6 written out in full).
    -N value          a 32-bit value in network byte order as a dotted quad.

  crash's -a (ARP cache), -S (sockets as full structures), -R, -x and -d are not supported.`,
  run(ctx, args) {
    let opts;
    try {
      opts = splitOptions(args, ["N"]);
    } catch (err) {
      throw new CommandError("net", (err as Error).message);
    }
    for (const f of opts.flags) {
      if (f === "s" || f === "n") continue;
      throw new CommandError("net", "aSRxd".includes(f) ? `option -${f} is not supported` : `invalid option: -${f}`);
    }
    const prog = ctx.prog;
    const n = opts.values.get("N");
    if (n !== undefined) {
      if (!/^(0x)?[0-9a-fA-F]+$/.test(n)) throw new CommandError("net", `invalid value: ${n}`);
      const v = BigInt(/^\d+$/.test(n) ? n : n.startsWith("0x") ? n : "0x" + n) & 0xffffffffn;
      // in_addr.s_addr = value; inet_ntoa prints its bytes in memory (little-endian) order.
      const text = [0n, 8n, 16n, 24n].map((s) => String((v >> s) & 0xffn)).join(".") + "\n";
      return { data: { value: v }, text };
    }
    if (opts.flags.has("s")) return showSockets(ctx, opts.rest);
    let net: bigint | undefined;
    if (opts.flags.has("n")) {
      let task: Task | undefined = currentTask(ctx);
      if (opts.rest[0] !== undefined) {
        task = resolveTaskArg(prog, opts.rest[0]);
        if (!task) throw new CommandError("net", `invalid task or pid value: ${opts.rest[0]}`);
      }
      net = taskNetNamespace(prog, task.address);
    } else if (opts.rest.length) throw new CommandError("net", "usage: net [-n [pid | taskp]] [-s [pid | taskp] ...] [-N value]");
    const list = netDevices(prog, net);
    const problems = list.problems.map((p) => p.message);
    return { data: { devices: list.devices, problems } satisfies NetDevicesResult, text: formatNetDevices(list.devices), errors: problems.map((p) => `net: ${p}`) };
  },
};
