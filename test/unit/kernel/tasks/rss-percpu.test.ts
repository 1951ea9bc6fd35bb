// `ps` RSS on a 6.2+ kernel, built in code: mm_struct.rss_stat is an array of struct percpu_counter
// (count plus each online CPU's s32 in `counters`), summed as crash's percpu_counter_sum_positive does, for
// MM_FILEPAGES, MM_ANONPAGES and MM_SHMEMPAGES (not MM_SWAPENTS), each clamped at 0.
import { describe, expect, it } from "vitest";
import { Btf } from "../../../../src/core/debuginfo/btf";
import { taskMemUsage } from "../../../../src/core/kernel/tasks/mem";
import { taskLayout } from "../../../../src/core/kernel/tasks/layout";
import type { Task, TaskTable } from "../../../../src/core/kernel/tasks/tasks";
import { Program } from "../../../../src/core/program/program";
import { BtfBuilder } from "../../../fixtures/btf-builder";
import { SparseSpace } from "../../../fixtures/maple-builder";
import { SyntheticMemory } from "../../../fixtures/memory-builder";

const MM = 0xffff888000001000n;
const PER_CPU_OFFSET = 0xffffffff82000000n; // __per_cpu_offset[]
const ONLINE_MASK = 0xffffffff82001000n; // __cpu_online_mask
const COUNTERS = 0xffff888000010000n; // per-CPU area of the first counter
const CPU_STRIDE = 0x1000n; // __per_cpu_offset[cpu] = cpu * this
const RSS_STAT = 64; // mm_struct.rss_stat
const PCC_SIZE = 40; // sizeof(struct percpu_counter)

function types(): Btf {
  const b = new BtfBuilder();
  const int = b.int("int", 4, { signed: true });
  const uint = b.int("unsigned int", 4);
  const ulong = b.int("long unsigned int", 8);
  const s64 = b.int("long long int", 8, { signed: true });
  const char = b.int("char", 1, { char: true, signed: true });
  const listHead = b.reserve();
  b.struct("list_head", 16, [{ name: "next", type: b.ptr(listHead), bitOffset: 0 }, { name: "prev", type: b.ptr(listHead), bitOffset: 64 }], { at: listHead });
  const pcc = b.struct("percpu_counter", PCC_SIZE, [{ name: "lock", type: uint, bitOffset: 0 }, { name: "count", type: s64, bitOffset: 64 }, { name: "list", type: listHead, bitOffset: 128 }, { name: "counters", type: b.ptr(int), bitOffset: 256 }]);
  const mm = b.struct("mm_struct", RSS_STAT + 4 * PCC_SIZE, [{ name: "total_vm", type: ulong, bitOffset: 0 }, { name: "rss_stat", type: b.array(pcc, 4, uint), bitOffset: RSS_STAT * 8 }]);
  b.enum(undefined, 4, [["MM_FILEPAGES", 0n], ["MM_ANONPAGES", 1n], ["MM_SWAPENTS", 2n], ["MM_SHMEMPAGES", 3n], ["NR_MM_COUNTERS", 4n]]);
  const task = b.reserve();
  b.struct(
    "task_struct",
    128,
    [
      { name: "__state", type: uint, bitOffset: 0 },
      { name: "flags", type: uint, bitOffset: 32 },
      { name: "tasks", type: listHead, bitOffset: 64 },
      { name: "pid", type: int, bitOffset: 192 },
      { name: "tgid", type: int, bitOffset: 224 },
      { name: "parent", type: b.ptr(task), bitOffset: 256 },
      { name: "mm", type: b.ptr(mm), bitOffset: 320 },
      { name: "signal", type: b.ptr(0), bitOffset: 384 },
      { name: "comm", type: b.array(char, 16, uint), bitOffset: 448 },
    ],
    { at: task },
  );
  return new Btf(b.build(), { file: "rss.btf" });
}

function program(): Program {
  const mem = new SparseSpace();
  mem.write(MM, new Uint8Array(RSS_STAT + 4 * PCC_SIZE));
  mem.writeU64(MM, 1000n); // total_vm
  // [count, CPU 0, CPU 1] of MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES
  const counters: [bigint, number, number][] = [
    [10n, 1, 2],
    [100n, 5, -7],
    [999n, 0, 0],
    [-20n, 3, 4],
  ];
  counters.forEach(([count, c0, c1], i) => {
    const fbc = MM + BigInt(RSS_STAT + i * PCC_SIZE);
    const percpu = COUNTERS + BigInt(i * 8);
    mem.writeU64(fbc + 8n, BigInt.asUintN(64, count));
    mem.writeU64(fbc + 32n, percpu);
    for (const [cpu, v] of [c0, c1].entries()) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, v, true);
      mem.write(percpu + BigInt(cpu) * CPU_STRIDE, b);
    }
  });
  mem.write(PER_CPU_OFFSET, new Uint8Array(16));
  mem.writeU64(PER_CPU_OFFSET + 8n, CPU_STRIDE);
  mem.write(ONLINE_MASK, Uint8Array.of(0b11, ...new Array<number>(31).fill(0)));
  const symbols = new Map([
    ["__per_cpu_offset", PER_CPU_OFFSET],
    ["__cpu_online_mask", ONLINE_MASK],
  ]);
  return new Program({ dump: new SyntheticMemory(1 << 20), types: types(), symbols: { addressOf: (n) => symbols.get(n) }, kernel: mem, vmcoreinfo: null });
}

const task: Task = {
  address: 0xffff888000020000n,
  pid: 100,
  tgid: 100,
  comm: "miner",
  cpu: 0,
  state: 0,
  stateString: "RU",
  flags: 0,
  parent: 0n,
  realParent: 0n,
  ppid: 1,
  mm: MM,
  kernelThread: false,
  idle: false,
  active: false,
  panic: false,
  startTime: 0n,
  utime: 0n,
  stime: 0n,
  lastArrival: 0n,
  cred: 0n,
};
const table: TaskTable = { tasks: [task], byAddress: new Map([[task.address, task]]), problems: [], runqueues: [], panicTask: undefined, panicCpu: undefined };

describe("RSS of a 6.2+ mm (struct percpu_counter rss_stat[])", () => {
  it("resolves the percpu_counter variant", () => {
    const l = taskLayout(program());
    expect(l).toMatchObject({ mmRssStatCount: undefined, mmRssStatPercpu: RSS_STAT, percpuCounterSize: PCC_SIZE, rssStatCount: undefined });
  });

  it("sums count and every online CPU's counter, positive parts of file, anon and shmem only", () => {
    // file 10+1+2 = 13, anon 100+5-7 = 98, shmem -20+3+4 < 0: 0; swap entries are not resident
    expect(taskMemUsage(program(), table, task)).toMatchObject({ mm: MM, rss: 111, totalVm: 1000 });
  });
});
