// net and net -s against crash 8.0.6's reference outputs, byte for byte, and the other sockets of the
// fixture's tasks in crash's layout (no reference exists for those; the values are checked against what
// the fixture's services do: httpd listens on port 80, echod on 127.0.0.1:7777 with echoc connected).
import { describe, expect, it } from "vitest";
import { formatSocketRow } from "../../src/core/commands/net/net-format";
import { netDevices } from "../../src/core/kernel/net/net";
import { taskSockets } from "../../src/core/kernel/net/sockets";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("net (golden)", () => {
  const prog = () => fixtureSession()!.kernel.program;

  it("net equals crash's net.txt, byte for byte", () => {
    const r = fixtureSession()!.run("net");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(reference("net.txt"));
    const data = dataOf(r.data, "devices");
    expect(data.devices.map((d) => [d.name, d.ipv4, d.ipv6])).toEqual([
      ["lo", ["127.0.0.1"], ["::1"]],
      ["eth0", ["10.0.2.15"], ["fec0::5054:ff:fe12:3456", "fe80::5054:ff:fe12:3456"]],
    ]);
  });

  it("net -s 128 equals crash's net-s-httpd.txt, byte for byte (the trailing space included)", () => {
    const r = fixtureSession()!.run("net -s 128");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(reference("net-s-httpd.txt"));
    expect(normalize(r.text)).toBe(normalize(reference("net-s-httpd.txt")));
    const t = dataOf(r.data, "sockets").tasks;
    expect(t).toHaveLength(1);
    expect(t[0]!.sockets[0]).toMatchObject({ fd: 3, family: 10, type: 1, sourcePort: 80, destinationPort: 0, sourceAddress: "::", destinationAddress: "::", state: 10 /* TCP_LISTEN */ });
  });

  it("net -n 1 shows init's namespace: init_net, the same devices", () => {
    const s = fixtureSession()!;
    expect(s.run("net -n 1").text).toBe(reference("net.txt"));
    expect(netDevices(prog()).net).toBe(prog().symbolAddress("init_net"));
  });

  it("net -s: several tasks, a task without sockets, an invalid pid", () => {
    const r = fixtureSession()!.run("net -s 130 1 99999");
    const lines = r.text.split("\n");
    expect(lines[0]).toMatch(/^PID: 130 {6}TASK: [0-9a-f]{16} {2}CPU: \d {4}COMMAND: "echod"$/);
    expect(lines[1]).toBe("FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT");
    expect(lines[2]).toMatch(/^ 3 [0-9a-f]{16} [0-9a-f]{16} INET:STREAM {2}127\.0\.0\.1-7777 0\.0\.0\.0-0$/);
    expect(lines[3]).toBe("");
    expect(lines[4]).toMatch(/^PID: 1 {8}TASK: ff16e683011f0000 {2}CPU: 0 {4}COMMAND: "init"$/);
    expect(lines[5]).toBe("No open sockets.");
    expect(r.errors).toEqual(["net: invalid task or pid value: 99999"]);
  });

  it("reads UNIX and connected INET sockets as crash lays them out", () => {
    const p = prog();
    const rows = (pid: number) => taskSockets(p, taskTable(p).tasks.find((t) => t.pid === pid)!.address).sockets;
    const echoc = rows(132);
    expect(echoc).toHaveLength(1);
    expect(formatSocketRow(echoc[0]!)).toMatch(/^ 3 [0-9a-f]{16} [0-9a-f]{16} INET:STREAM {2}127\.0\.0\.1-\d+ 127\.0\.0\.1-7777$/);
    // The accepted end in the second echod has the client's port as its destination.
    const accepted = rows(140);
    expect(accepted[0]!.destinationPort).toBe(echoc[0]!.sourcePort);
    expect(accepted[0]!.sourcePort).toBe(7777);
    expect(formatSocketRow(rows(131)[0]!)).toMatch(/ UNIX:STREAM $/);
    expect(formatSocketRow(rows(125)[0]!)).toMatch(/ UNIX:DGRAM {2}$/);
  });

  it("-N prints a dotted quad; a stray word is the usage in one line", () => {
    const s = fixtureSession()!;
    expect(s.run("net -N 0x0100007f").text).toBe("127.0.0.1\n");
    expect(s.run("net bogus").errors[0]).toMatch(/^net: usage: /);
  });
});
