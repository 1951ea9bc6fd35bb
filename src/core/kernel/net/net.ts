// Network devices of a network namespace and their addresses, as crash's `net` shows them (net.c
// show_net_devices_v3): net->dev_base_head, a list of struct net_device through dev_list; each device's
// IPv4 addresses from ip_ptr (struct in_device) -> ifa_list, a chain of struct in_ifaddr through ifa_next,
// then its IPv6 addresses from ip6_ptr (struct inet6_dev) -> addr_list, a list of struct inet6_ifaddr
// through if_list. Sockets of a task are in net-sockets.ts.
// Every walk is bounded and cycle-guarded; a bad pointer keeps the devices and addresses read before it.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";

/** More devices, or addresses on one device, than a namespace holds. */
export const MAX_NET_DEVICES = 1 << 16;
export const MAX_DEVICE_ADDRESSES = 1 << 12;

const NET_LAYOUT = layout(
  {
    devName: "net_device.name", // char[IFNAMSIZ]
    devList: "net_device.dev_list",
    netDevBaseHead: "net.dev_base_head",
    ipPtr: optional("net_device.ip_ptr"), // struct in_device *
    ip6Ptr: optional("net_device.ip6_ptr"), // struct inet6_dev *
    inDeviceIfaList: optional("in_device.ifa_list"),
    ifaNext: optional("in_ifaddr.ifa_next"),
    ifaAddress: optional("in_ifaddr.ifa_address"), // __be32
    inet6DevAddrList: optional("inet6_dev.addr_list"),
    inet6IfaddrAddr: optional("inet6_ifaddr.addr"), // struct in6_addr
    taskNsproxy: optional("task_struct.nsproxy"),
    nsproxyNetNs: optional("nsproxy.net_ns"),
  },
  (_o, m) => ({ devNameLen: m.devName.size }),
);

export type NetLayout = ReturnType<typeof NET_LAYOUT.of>;

export const netLayout: (prog: Program) => NetLayout = NET_LAYOUT.of;

const DEVICE_NAME = NET_LAYOUT.span("devName");

export interface NetDevice {
  /** Address of the struct net_device. */
  address: bigint;
  /** net_device.name as Latin-1; escape it at output. */
  name: string;
  /** Dotted quads, in ifa_list order. */
  ipv4: string[];
  /** RFC 5952 text as glibc's inet_ntop writes it, in addr_list order. */
  ipv6: string[];
}

export interface NetDeviceList {
  /** The namespace walked (struct net). */
  net: bigint;
  devices: NetDevice[];
  problems: WalkAborted[];
}

/** The struct net of a task (task->nsproxy->net_ns), as crash's show_net_devices_v3 finds it. */
export function taskNetNamespace(prog: Program, task: bigint): bigint {
  const l = netLayout(prog);
  if (l.taskNsproxy === undefined || l.nsproxyNetNs === undefined) return prog.symbolAddress("init_net");
  const nsproxy = prog.readU64(task + BigInt(l.taskNsproxy));
  if (nsproxy === 0n) return prog.symbolAddress("init_net");
  return prog.readU64(nsproxy + BigInt(l.nsproxyNetNs));
}

/** The devices of network namespace `net` (default: init_net), with their addresses. */
export function netDevices(prog: Program, net: bigint = prog.symbolAddress("init_net"), options: { budget?: number } = {}): NetDeviceList {
  const l = netLayout(prog);
  const what = `net_device list (net ${net.toString(16)} dev_base_head)`;
  const devices: NetDevice[] = [];
  const problems: WalkAborted[] = [];
  try {
    for (const obj of listForEachEntry(prog, net + BigInt(l.netDevBaseHead), prog.type("struct net_device"), "dev_list", { budget: options.budget ?? MAX_NET_DEVICES, what })) {
      const address = obj.address!;
      let name = "";
      try {
        name = DEVICE_NAME.read(prog, address).chars("devName");
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(new WalkAborted(`net_device ${address.toString(16)}`, err.message, devices.length));
        continue;
      }
      const dev: NetDevice = { address, name, ipv4: [], ipv6: [] };
      deviceIpv4(prog, l, dev, problems);
      deviceIpv6(prog, l, dev, problems);
      devices.push(dev);
    }
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err);
  }
  return { net, devices, problems };
}

/** get_device_address: ip_ptr -> in_device.ifa_list -> in_ifaddr chain. */
function deviceIpv4(prog: Program, l: NetLayout, dev: NetDevice, problems: WalkAborted[]): void {
  if (l.ipPtr === undefined || l.inDeviceIfaList === undefined || l.ifaNext === undefined || l.ifaAddress === undefined) return;
  const what = `IPv4 addresses of ${dev.name} (net_device ${dev.address.toString(16)})`;
  const seen = new Set<bigint>();
  try {
    const inDev = prog.readU64(dev.address + BigInt(l.ipPtr));
    if (inDev === 0n) return;
    let ifa = prog.readU64(inDev + BigInt(l.inDeviceIfaList));
    while (ifa !== 0n) {
      if (seen.has(ifa)) throw new WalkAborted(what, `loop at ${ifa.toString(16)}`, seen.size);
      if (seen.size >= MAX_DEVICE_ADDRESSES) throw new WalkAborted(what, `more than ${MAX_DEVICE_ADDRESSES} addresses`, seen.size);
      seen.add(ifa);
      dev.ipv4.push(formatIpv4(prog.read(ifa + BigInt(l.ifaAddress), 4)));
      ifa = prog.readU64(ifa + BigInt(l.ifaNext));
    }
  } catch (err) {
    if (err instanceof WalkAborted) problems.push(err);
    else if (err instanceof KdwError) problems.push(new WalkAborted(what, err.message, seen.size));
    else throw err;
  }
}

/** get_device_ip6_address: ip6_ptr -> inet6_dev.addr_list of inet6_ifaddr (if_list). */
function deviceIpv6(prog: Program, l: NetLayout, dev: NetDevice, problems: WalkAborted[]): void {
  if (l.ip6Ptr === undefined || l.inet6DevAddrList === undefined || l.inet6IfaddrAddr === undefined) return;
  const type = prog.findType("struct inet6_ifaddr");
  if (!type) return;
  const what = `IPv6 addresses of ${dev.name} (net_device ${dev.address.toString(16)})`;
  try {
    const idev = prog.readU64(dev.address + BigInt(l.ip6Ptr));
    if (idev === 0n) return;
    for (const ifa of listForEachEntry(prog, idev + BigInt(l.inet6DevAddrList), type, "if_list", { budget: MAX_DEVICE_ADDRESSES, what })) {
      dev.ipv6.push(formatIpv6(prog.read(ifa.address! + BigInt(l.inet6IfaddrAddr), 16)));
    }
  } catch (err) {
    if (err instanceof WalkAborted) problems.push(err);
    else if (err instanceof KdwError) problems.push(new WalkAborted(what, err.message, dev.ipv6.length));
    else throw err;
  }
}

/** inet_ntoa of a network-order address. */
export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * inet_ntop(AF_INET6) as glibc writes it (resolv/inet_ntop.c): the longest run of two or more zero groups
 * (the first, on a tie) becomes "::"; an IPv4-compatible (::a.b.c.d) or -mapped (::ffff:a.b.c.d) address
 * ends in a dotted quad.
 */
export function formatIpv6(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (cur.base === -1) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += formatIpv4(b.subarray(12, 16));
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ":";
  return out;
}
