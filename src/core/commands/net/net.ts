// crash's `net` (net.c cmd_net): the network devices of init_net (or of a task's namespace with -n) with
// their IPv4 and IPv6 addresses (show_net_devices_v3), the open sockets of tasks (-s: dump_sockets,
// sym_socket_dump, get_sock_info; -S with the struct socket and struct inet_sock printed, -x/-d their
// radix; -R REF only the sockets that refer to REF), the ARP cache (-a: dump_arp), and -N (a 32-bit value
// as a dotted quad).
import { KdwError } from "../../io/errors";
import { taskOpenFiles } from "../../kernel/fs/files";
import { arpCache, type Neighbour } from "../../kernel/net/neighbour";
import { netDevices, taskNetNamespace, type NetDevice } from "../../kernel/net/net";
import { taskSockets, type TaskSocket } from "../../kernel/net/sockets";
import type { Task } from "../../kernel/tasks/tasks";
import { formatStructValue } from "../../program/gdb-format/gdb-format";
import { valueOptions } from "../shared/type-args";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { currentTask, forEachTaskArg, requireTaskArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatNet } from "./net-format";

export interface NetDevicesResult {
  devices: NetDevice[];
  problems: string[];
}

/** net -S: a socket's struct socket and struct inet_sock (crash prints the sock as an inet_sock, whatever its family). */
export interface SocketStructs {
  socket: string;
  sock: string;
}

export interface NetTaskSockets extends TaskRef {
  sockets: TaskSocket[];
  /** -S: each socket's structures, in the order of `sockets`. */
  structs?: SocketStructs[];
  /** crash's layout: a blank line before the header (another block, or an error, came before). */
  blankBefore: boolean;
}

export interface NetSocketsResult {
  /** -S: the structures are shown; -R: only the sockets that refer to this. */
  full: boolean;
  reference?: string;
  tasks: NetTaskSockets[];
  problems: string[];
  /** Error lines, in the order met: sockets that could not be read, arguments that named no task. */
  errors: string[];
}

export type NetResult =
  | ({ kind: "devices" } & NetDevicesResult)
  | ({ kind: "sockets" } & NetSocketsResult)
  | { kind: "dottedQuad"; value: bigint }
  /** net -a: the ARP cache, then (with -s or -S) the sockets. */
  | { kind: "arp"; neighbours: Neighbour[]; sockets?: NetSocketsResult; problems: string[] };

interface SocketOptions {
  full: boolean;
  radix?: 10 | 16;
  reference?: string;
  words: string[];
}

type NetOptions = { mode: "devices"; namespaceOf?: string; current: boolean } | ({ mode: "sockets"; arp: boolean } & SocketOptions) | { mode: "arp" } | { mode: "dottedQuad"; value: bigint };

const USAGE = "usage: net [[-s | -S] [-xd] [-R ref] [pid | task]] [-a] [ -n [pid | task]] [-N addr]";

/** sym_socket_dump's reference check: an address of the socket or sock, or the descriptor (decimal up to max_fds). */
function socketRefers(ref: string, maxFds: number, s: TaskSocket): boolean {
  if (!/^(0x)?[0-9a-fA-F]+$/.test(ref)) return false;
  const hex = BigInt("0x" + ref.replace(/^0x/i, ""));
  if (/[a-fA-FxX]/.test(ref) || BigInt(ref) > BigInt(maxFds)) return hex === s.sock || hex === s.socket || hex === BigInt(s.fd);
  return BigInt(ref) === BigInt(s.fd);
}

function sockets(ctx: CommandContext, o: SocketOptions, only?: readonly Task[]): NetSocketsResult {
  const data: NetSocketsResult = { full: o.full, ...(o.reference !== undefined ? { reference: o.reference } : {}), tasks: [], problems: [], errors: [] };
  const prog = ctx.prog;
  // crash puts a blank line before every block but the first; an invalid word (an INFO message in crash's
  // output stream) counts as a block.
  let blocks = 0;
  const one = (task: Task): void => {
    const found = taskSockets(prog, task.address);
    const problems = found.problems;
    let sockets = found.sockets;
    if (o.reference !== undefined) {
      const ref = o.reference;
      let maxFds = 0;
      try {
        maxFds = taskOpenFiles(prog, task.address)?.maxFds ?? 0;
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
      sockets = sockets.filter((s) => socketRefers(ref, maxFds, s));
    }
    const entry: NetTaskSockets = { ...taskRef(task), sockets, blankBefore: blocks++ > 0 && o.reference === undefined };
    if (o.full) {
      entry.structs = sockets.map((s) => {
        const struct = (type: string, name: string, at: bigint): string => {
          try {
            return formatStructValue(prog.type(type), prog.read(at, prog.sizeOf(type)), { ...valueOptions(ctx, at), name, radix: o.radix });
          } catch (err) {
            if (!(err instanceof KdwError)) throw err;
            data.errors.push(`net: ${name} ${at.toString(16)}: ${err.message}`);
            return "";
          }
        };
        const sockType = prog.findType("struct inet_sock") ? "struct inet_sock" : "struct sock";
        return { socket: struct("struct socket", "socket", s.socket), sock: struct(sockType, sockType.slice(7), s.sock) };
      });
    }
    data.tasks.push(entry);
    for (const p of problems) {
      data.problems.push(p.message);
      data.errors.push(`net: ${p.message}`);
    }
  };
  forEachTaskArg(ctx, "net", o.words, only, one, (line) => {
    blocks++;
    data.errors.push(line);
  });
  return data;
}

function execute(ctx: CommandContext, o: NetOptions, only?: readonly Task[]): NetResult {
  // foreach net: the sockets of each task.
  if (only && o.mode !== "dottedQuad") return { kind: "sockets", ...sockets(ctx, o.mode === "sockets" ? o : { full: false, words: [] }, only) };
  if (o.mode === "dottedQuad") return { kind: "dottedQuad", value: o.value };
  if (o.mode === "arp" || (o.mode === "sockets" && o.arp)) {
    const arp = arpCache(ctx.prog);
    return { kind: "arp", neighbours: arp.neighbours, problems: arp.problems.map((p) => p.message), ...(o.mode === "sockets" ? { sockets: sockets(ctx, o) } : {}) };
  }
  if (o.mode === "sockets") return { kind: "sockets", ...sockets(ctx, o) };
  let net: bigint | undefined;
  if (o.namespaceOf !== undefined || o.current) {
    const task = o.namespaceOf !== undefined ? requireTaskArg(ctx.prog, "net", o.namespaceOf) : currentTask(ctx);
    net = taskNetNamespace(ctx.prog, task.address);
  }
  const list = netDevices(ctx.prog, net);
  return { kind: "devices", devices: list.devices, problems: list.problems.map((p) => p.message) };
}

export const netCommand = defineCommand({
  name: "net",
  summary: "network command",
  help: `SYNOPSIS
  net [-n [pid | taskp]] [-s [pid | taskp] ...] [-N value]

DESCRIPTION
  With no option, lists the network devices of the initial network namespace: the address of each
  struct net_device, its name, and its IPv4 addresses followed by its IPv6 addresses.

    -n [pid | taskp]  the devices of the network namespace of that task (default: the current task).
    -s [pid | taskp]  the open sockets of each task (default: the current task): file descriptor,
                      struct socket and struct sock addresses, FAMILY:TYPE, and for INET and INET6
                      sockets the local and remote address-port pairs (IPv6 written out in full).
    -S [pid | taskp]  the same sockets, each followed by its struct socket and its struct inet_sock as
                      gdb prints them (-x / -d: hexadecimal / decimal numbers).
    -R ref            with -s or -S: only the sockets that refer to ref (the address of the struct
                      socket or struct sock, or the file descriptor), and only the tasks that have one.
    -a                the ARP cache: each neighbour's address, IPv4 address, hardware type and
                      address, device and NUD state.
    -N value          a 32-bit value in network byte order as a dotted quad.`,
  options: { flags: "snaSxd", values: "NR" },
  parse(args): NetOptions {
    if (args.values("R").length > 1) throw new CommandError("net", "only one -R option allowed");
    if (args.has("s") && args.has("S")) throw new CommandError("net", "only one -s or -S option allowed");
    if (args.has("x") && args.has("d")) throw new CommandError("net", "-d and -x are mutually exclusive");
    const n = args.value("N");
    if (n !== undefined) {
      if (!/^(0x)?[0-9a-fA-F]+$/.test(n)) throw new CommandError("net", `invalid value: ${n}`);
      return { mode: "dottedQuad", value: BigInt(/^\d+$/.test(n) ? n : n.startsWith("0x") ? n : "0x" + n) & 0xffffffffn };
    }
    const r = args.value("R");
    if (args.has("s") || args.has("S")) {
      return { mode: "sockets", arp: args.has("a"), full: args.has("S"), words: [...args.operands], ...(r !== undefined ? { reference: r } : {}), ...(args.has("x") ? { radix: 16 as const } : args.has("d") ? { radix: 10 as const } : {}) };
    }
    if (args.has("n")) return { mode: "devices", namespaceOf: args.operands[0], current: true };
    if (args.has("a")) return { mode: "arp" };
    if (args.operands.length || args.flags.length || r !== undefined) throw new CommandError("net", USAGE);
    return { mode: "devices", current: false };
  },
  execute,
  format: formatNet,
  errors: (r) => (r.kind === "devices" || r.kind === "arp" ? [...r.problems.map((p) => `net: ${p}`), ...(r.kind === "arp" ? (r.sockets?.errors ?? []) : [])] : r.kind === "sockets" ? r.errors : []),
  perTask: true,
});
