// The task walk's own parts (kernel/tasks/task-index.ts): the address table (halves as keys, tasks whose
// addresses share their low or high 32 bits, growth, lookups by BigInt), list_entry() in halves with the
// borrow, and crash's order (by pid, the idle tasks by CPU, equal pids in the order met, hostile pids).
import { describe, expect, it } from "vitest";
import { byPid, containerHi, containerLo, TaskAddressMap } from "../../../../src/core/kernel/tasks/task-index";
import { TaskWalkState, type TaskLinks } from "../../../../src/core/kernel/tasks/task-read";

const half = (v: bigint, high: boolean) => Number(BigInt.asIntN(32, high ? v >> 32n : v));

function links(address: bigint, pid = 1, cpu = 0): TaskLinks {
  return { address, addrHi: half(address, true), addrLo: half(address, false), pid, tgid: pid, cpu, idle: false, raw: undefined, task: undefined };
}

describe("TaskAddressMap", () => {
  it("finds each of 100,000 tasks, those sharing their low or high 32 bits apart, in the order added", () => {
    const m = new TaskAddressMap();
    const all: TaskLinks[] = [];
    for (let i = 0; i < 50_000; i++) {
      // Pairs with the same low half (a different high half), and many with the same high half.
      all.push(links(0xffff888000000000n + BigInt(i) * 0x2540n), links(0xffffc90000000000n + BigInt(i) * 0x2540n));
    }
    for (const t of all) m.add(t);
    expect(m.size).toBe(100_000);
    expect(m.items).toEqual(all);
    for (const t of all) {
      expect(m.get(t.address)).toBe(t);
      expect(m.at(t.addrHi, t.addrLo)).toBe(t);
    }
    expect(m.get(0xffff888000000000n + 7n)).toBeUndefined();
    expect(m.get(0xffffc90000000000n + 50_000n * 0x2540n)).toBeUndefined();
    expect(m.get(0n)).toBeUndefined();
  });
});

describe("containerLo/containerHi", () => {
  it("subtract an offset from a 64-bit pointer in halves, borrowing from the high half", () => {
    for (const [node, off] of [
      [0xffff888100000010n, 0x8c0],
      [0xffff888123456789n, 0x8c0],
      [0x0000000100000000n, 1],
      [0n, 0x10],
      [0xffffffffffffffffn, 0xffffffff],
    ] as const) {
      const want = BigInt.asUintN(64, node - BigInt(off));
      const lo = containerLo(half(node, false), off);
      const hi = containerHi(half(node, true), half(node, false), off);
      expect([hi, lo]).toEqual([half(want, true), half(want, false)]);
    }
  });
});

describe("byPid", () => {
  it("orders by pid, the idle tasks by CPU, equal pids as met, negative (hostile) pids first", () => {
    const met = [links(1n, 5), links(2n, 0, 3), links(3n, 2), links(4n, 0, 1), links(5n, 2), links(6n, -7), links(7n, 0x7fffffff), links(8n, 0, 0)];
    expect(byPid(met).map((t) => t.address)).toEqual([6n, 8n, 4n, 2n, 3n, 5n, 1n, 7n]);
    expect(byPid([])).toEqual([]);
  });
});

describe("TaskWalkState", () => {
  it("keeps what was written at every place as it grows past its capacity", () => {
    const s = new TaskWalkState(16);
    for (let at = 0; at < 5000; at++) {
      s.ensure(at);
      s.signalHi[at] = at;
      s.signalLo[at] = -at;
      s.tasksNextHi[at] = at * 3;
      s.tasksNextLo[at] = at ^ 0x5555;
      s.threadNextHi[at] = -1 - at;
      s.threadNextLo[at] = at * 7;
      s.mark[at] = at % 13;
    }
    for (let at = 0; at < 5000; at++) {
      expect([s.signalHi[at], s.signalLo[at], s.tasksNextHi[at], s.tasksNextLo[at], s.threadNextHi[at], s.threadNextLo[at], s.mark[at]]).toEqual([at, -at || 0, at * 3, at ^ 0x5555, -1 - at, at * 7, at % 13]);
    }
  });
});
