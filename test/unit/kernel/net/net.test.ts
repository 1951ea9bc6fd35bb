// The network walkers: glibc's inet_ntop rules for IPv6 text, crash's socket line for each family and
// type, and the device, address and socket walks on corrupted memory (the fixture's Program read through an
// address space that rewrites or hides chosen 8-byte words). Each walk keeps what it read and reports the rest.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { netCommand } from "../../../../src/core/commands/net/net";
import { formatSockInfo, formatSocketRow } from "../../../../src/core/commands/net/net-format";
import { CommandRegistry } from "../../../../src/core/commands/registry";
import { formatIpv4, formatIpv6, netDevices, netLayout } from "../../../../src/core/kernel/net/net";
import { socketLayout, taskSockets, type TaskSocket } from "../../../../src/core/kernel/net/sockets";
import { taskTable } from "../../../../src/core/kernel/tasks/tasks";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";
import { dataOf } from "../../../data-of";

function v6(...words: number[]): Uint8Array {
  const b = new Uint8Array(16);
  words.forEach((w, i) => {
    b[2 * i] = w >> 8;
    b[2 * i + 1] = w & 0xff;
  });
  return b;
}

describe("formatIpv6 (glibc inet_ntop)", () => {
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0], "::"],
    [[0, 0, 0, 0, 0, 0, 0, 1], "::1"],
    [[0xfe80, 0, 0, 0, 0x5054, 0xff, 0xfe12, 0x3456], "fe80::5054:ff:fe12:3456"],
    [[1, 0, 0, 2, 0, 0, 0, 3], "1:0:0:2::3"], // the longest run
    [[1, 0, 0, 2, 0, 0, 3, 4], "1::2:0:0:3:4"], // the first of two equal runs
    [[1, 0, 2, 0, 3, 0, 4, 0], "1:0:2:0:3:0:4:0"], // single zero groups stay
    [[1, 0, 0, 0, 0, 0, 0, 0], "1::"],
    [[0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], "::ffff:1.2.3.4"], // IPv4-mapped
    [[0, 0, 0, 0, 0, 0, 0x0102, 0x0304], "::1.2.3.4"], // IPv4-compatible
    [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xabcd], "2001:db8::abcd"],
  ])("%j -> %s", (words, text) => {
    expect(formatIpv6(v6(...words))).toBe(text);
  });

  it("formatIpv4 prints network order", () => {
    expect(formatIpv4(new Uint8Array([10, 0, 2, 15]))).toBe("10.0.2.15");
  });
});

const sock = (over: Partial<TaskSocket>): TaskSocket => ({ fd: 5, file: 1n, socket: 0xff00n, sock: 0xee00n, family: 0, type: 0, state: undefined, sourcePort: 0, destinationPort: 0, ...over });

describe("crash's socket line (get_sock_info)", () => {
  it("names families and types as crash does, unknown ones by number", () => {
    expect(formatSockInfo(sock({ family: 1, type: 2 }))).toBe("UNIX:DGRAM  ");
    expect(formatSockInfo(sock({ family: 16, type: 3 }))).toBe("NETLINK/ROUTE:RAW ");
    expect(formatSockInfo(sock({ family: 17, type: 10 }))).toBe("PACKET:PACKET ");
    expect(formatSockInfo(sock({ family: 15, type: 7 }))).toBe("15:7 ");
  });

  it("INET: two spaces after the type, address-port pairs", () => {
    expect(formatSockInfo(sock({ family: 2, type: 1, sourceAddress: "10.0.2.15", sourcePort: 22, destinationAddress: "10.0.2.2", destinationPort: 51000 }))).toBe("INET:STREAM  10.0.2.15-22 10.0.2.2-51000");
  });

  it("INET6: groups written out, source right-justified in 12, destination centred in the source's width", () => {
    const s = sock({ family: 10, type: 1, sourcePort: 443, destinationPort: 5, sourceIpv6Words: [0xfe80, 0, 0, 0, 1, 2, 3, 4], destinationIpv6Words: [0, 0, 0, 0, 0, 0, 0, 1] });
    // source "fe80:0:0:0:1:2:3:4-443" (22), destination "0:0:0:0:0:0:0:1-5" (17): 2 spaces left, 3 right.
    expect(formatSockInfo(s)).toBe("INET6:STREAM fe80:0:0:0:1:2:3:4-443   0:0:0:0:0:0:0:1-5   ");
    expect(formatSockInfo(sock({ family: 10, type: 1 }))).toBe("INET6:STREAM (cannot get IPv6 addresses)");
    expect(formatSocketRow(sock({ fd: 12, family: 1, type: 1 }))).toBe("12             ff00             ee00 UNIX:STREAM ");
  });
});


function patched(prog: Program, patches: Map<bigint, bigint | null>): Program {
  return patchedProgram(prog, patches);
}

function context(prog: Program): CommandContext {
  return { ...fixtureSession()!.context, prog, state: { valueHistory: 0 }, commands: new CommandRegistry([netCommand]) };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("network walkers on corrupted memory", () => {
  const good = () => fixtureSession()!.kernel.program;
  const devices = () => netDevices(good()).devices;

  it("a loop in the device list keeps the devices before it; net prints them and the problem", () => {
    const prog = good();
    const l = netLayout(prog);
    const [lo, eth0] = devices();
    const bad = patched(prog, new Map([[eth0!.address + BigInt(l.devList), lo!.address + BigInt(l.devList)]]));
    const r = netDevices(bad);
    expect(r.devices.map((d) => d.name)).toEqual(["lo", "eth0"]);
    expect(r.problems[0]!.message).toMatch(/^net_device list \(net [0-9a-f]+ dev_base_head\): walk stopped after 2 steps: loop at /);
    const out = netCommand.run(context(bad), []);
    expect(dataOf(out.data, "devices").devices).toHaveLength(2);
    expect(out.errors).toEqual([`net: ${r.problems[0]!.message}`]);
  });

  it("a looping or unreadable address chain keeps the device and the addresses read before it", () => {
    const prog = good();
    const l = netLayout(prog);
    const eth0 = devices()[1]!;
    const inDev = prog.readU64(eth0.address + BigInt(l.ipPtr!));
    const ifa = prog.readU64(inDev + BigInt(l.inDeviceIfaList!));
    const loop = netDevices(patched(prog, new Map([[ifa + BigInt(l.ifaNext!), ifa]])));
    expect(loop.devices[1]).toMatchObject({ name: "eth0", ipv4: ["10.0.2.15"], ipv6: eth0.ipv6 });
    expect(loop.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^IPv4 addresses of eth0 \(net_device [0-9a-f]+\): walk stopped after 1 steps: loop at /)]);
    const idev = prog.readU64(eth0.address + BigInt(l.ip6Ptr!));
    const gone = netDevices(patched(prog, new Map([[idev + BigInt(l.inet6DevAddrList!), null]])));
    expect(gone.devices[1]).toMatchObject({ name: "eth0", ipv4: ["10.0.2.15"], ipv6: [] });
    expect(gone.problems[0]!.message).toMatch(/^IPv6 addresses of eth0 .*: walk stopped after 0 steps: head /);
  });

  it("a socket whose sock cannot be read is reported; the task's other sockets and the command survive", () => {
    const prog = good();
    const httpd = taskTable(prog).tasks.find((t) => t.pid === 128)!;
    const [s] = taskSockets(prog, httpd.address).sockets;
    const l = socketLayout(prog);
    const bad = patched(prog, new Map([[s!.socket + BigInt(l.socketSk), null]]));
    const r = taskSockets(bad, httpd.address);
    expect(r.sockets).toEqual([]);
    expect(r.problems[0]!.what).toBe(`fd 3 of task ${httpd.address.toString(16)} (file ${s!.file.toString(16)})`);
    const out = netCommand.run(context(bad), ["-s", "128"]);
    expect(out.text).toMatch(/COMMAND: "httpd"\nNo open sockets\.\n$/);
    expect((out.errors ?? [])[0]).toMatch(/^net: fd 3 of task /);
    expect(dataOf(out.data, "sockets").problems).toHaveLength(1);
  });

  it("a task whose files pointer is unreadable gives a problem, not a throw", () => {
    const prog = good();
    const httpd = taskTable(prog).tasks.find((t) => t.pid === 128)!;
    const filesOff = BigInt(prog.memberOffset("struct task_struct", "files")!);
    const r = taskSockets(patched(prog, new Map([[httpd.address + filesOff, UNMAPPED_FILES]])), httpd.address);
    expect(r.sockets).toEqual([]);
    expect(r.problems).toHaveLength(1);
  });

  it("net -n and -s reject what is not a task; -N prints a dotted quad", () => {
    const s = fixtureSession()!;
    expect(s.run("net -n 99999").errors).toEqual(["net: invalid task or pid value: 99999"]);
    expect(s.run("net -N 16777343").text).toBe("127.0.0.1\n");
    expect(s.run("net -N zz").errors).toEqual(["net: invalid value: zz"]);
  });
});

const UNMAPPED_FILES = 0xdead000000000200n;
