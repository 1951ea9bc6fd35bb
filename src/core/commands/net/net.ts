// crash's `net` (net.c cmd_net): the network devices of init_net (or of a task's namespace with -n) with
// their IPv4 and IPv6 addresses (show_net_devices_v3), the open sockets of tasks (-s: dump_sockets,
// sym_socket_dump, get_sock_info), and -N (a 32-bit value as a dotted quad).
import { netDevices, taskNetNamespace, type NetDevice } from "../../kernel/net/net";
import { taskSockets, type TaskSocket } from "../../kernel/net/sockets";
import type { Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { currentTask, forEachTaskArg, requireTaskArg } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatNet } from "./net-format";

export interface NetDevicesResult {
  devices: NetDevice[];
  problems: string[];
}

export interface NetTaskSockets extends TaskRef {
  sockets: TaskSocket[];
  /** crash's layout: a blank line before the header (another block, or an error, came before). */
  blankBefore: boolean;
}

export interface NetSocketsResult {
  tasks: NetTaskSockets[];
  problems: string[];
  /** Error lines, in the order met: sockets that could not be read, arguments that named no task. */
  errors: string[];
}

export type NetResult = ({ kind: "devices" } & NetDevicesResult) | ({ kind: "sockets" } & NetSocketsResult) | { kind: "dottedQuad"; value: bigint };

type NetOptions = { mode: "devices"; namespaceOf?: string; current: boolean } | { mode: "sockets"; words: string[] } | { mode: "dottedQuad"; value: bigint };

const USAGE = "usage: net [-n [pid | taskp]] [-s [pid | taskp] ...] [-N value]";

function sockets(ctx: CommandContext, words: readonly string[], only?: readonly Task[]): NetSocketsResult {
  const data: NetSocketsResult = { tasks: [], problems: [], errors: [] };
  // crash puts a blank line before every block but the first; an invalid word (an INFO message in crash's
  // output stream) counts as a block.
  let blocks = 0;
  const one = (task: Task): void => {
    const { sockets, problems } = taskSockets(ctx.prog, task.address);
    data.tasks.push({ ...taskRef(task), sockets, blankBefore: blocks++ > 0 });
    for (const p of problems) {
      data.problems.push(p.message);
      data.errors.push(`net: ${p.message}`);
    }
  };
  forEachTaskArg(ctx, "net", words, only, one, (line) => {
    blocks++;
    data.errors.push(line);
  });
  return data;
}

function execute(ctx: CommandContext, o: NetOptions, only?: readonly Task[]): NetResult {
  // foreach net: the sockets of each task.
  if (only && o.mode !== "dottedQuad") return { kind: "sockets", ...sockets(ctx, [], only) };
  if (o.mode === "dottedQuad") return { kind: "dottedQuad", value: o.value };
  if (o.mode === "sockets") return { kind: "sockets", ...sockets(ctx, o.words) };
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
    -N value          a 32-bit value in network byte order as a dotted quad.

  crash's -a (ARP cache), -S (sockets as full structures), -R, -x and -d are not supported.`,
  options: { flags: "snaSRxd", values: "N" },
  parse(args): NetOptions {
    for (const f of args.flags) if ("aSRxd".includes(f)) throw new CommandError("net", `option -${f} is not supported`);
    const n = args.value("N");
    if (n !== undefined) {
      if (!/^(0x)?[0-9a-fA-F]+$/.test(n)) throw new CommandError("net", `invalid value: ${n}`);
      return { mode: "dottedQuad", value: BigInt(/^\d+$/.test(n) ? n : n.startsWith("0x") ? n : "0x" + n) & 0xffffffffn };
    }
    if (args.has("s")) return { mode: "sockets", words: [...args.operands] };
    if (args.has("n")) return { mode: "devices", namespaceOf: args.operands[0], current: true };
    if (args.operands.length) throw new CommandError("net", USAGE);
    return { mode: "devices", current: false };
  },
  execute,
  format: formatNet,
  errors: (r) => (r.kind === "devices" ? r.problems.map((p) => `net: ${p}`) : r.kind === "sockets" ? r.errors : []),
  perTask: true,
});
