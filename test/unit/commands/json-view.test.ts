// Results are plain data with one JSON view (command.ts): jsonView's conversions, and every command run on
// the fixture returns plain data (no class instance, Map or function) that survives JSON unchanged.
import { describe, expect, it } from "vitest";
import { jsonView, notPlainData } from "../../../src/core/commands/json-view";
import { haveFixtures } from "../../fixtures";
import { fixtureSession } from "../../session-fixture";

describe("jsonView", () => {
  it("turns bigints into 0x… (64-bit two's complement), bytes into hex, and drops undefined members", () => {
    const v = jsonView({ task: 0xff16e6831f478000n, tte: -1n, bytes: new Uint8Array([0, 0xab, 7]), gone: undefined, list: [1n, undefined, "x"], nested: { ok: true, n: 3 } });
    expect(v).toEqual({ task: "0xff16e6831f478000", tte: "0xffffffffffffffff", bytes: "00ab07", list: ["0x1", null, "x"], nested: { ok: true, n: 3 } });
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it("turns a column (a typed array other than bytes) into its numbers, 64-bit ones into 0x…", () => {
    const v = jsonView({ level: Int16Array.from([6, -1]), at: Uint32Array.from([0, 4294967295]), seq: BigUint64Array.from([1n, 2n ** 64n - 1n]) });
    expect(v).toEqual({ level: [6, -1], at: [0, 4294967295], seq: ["0x1", "0xffffffffffffffff"] });
    expect(notPlainData({ t: { level: new Int16Array(2), seq: new BigUint64Array(1) } })).toBeUndefined();
    expect(notPlainData({ v: new DataView(new ArrayBuffer(4)) })).toBe("data.v: a DataView instance");
  });

  it("bounds depth and keeps non-finite numbers as text", () => {
    type Deep = { next?: Deep };
    const deep: Deep = {};
    let cur = deep;
    for (let i = 0; i < 100; i++) cur = cur.next = {};
    expect(JSON.stringify(jsonView(deep))).toContain("[…]");
    expect(jsonView({ n: Number.NaN })).toEqual({ n: "NaN" });
  });

  it("notPlainData names what is not plain data", () => {
    expect(notPlainData({ a: [1n, { b: new Uint8Array(2) }] })).toBeUndefined();
    expect(notPlainData({ a: [{ m: new Map() }] })).toBe("data.a[0].m: a Map instance");
    expect(notPlainData({ e: new Error("x") })).toBe("data.e: a Error instance");
    expect(notPlainData({ f: () => 1 })).toBe("data.f: a function");
  });
});

const LINES = [
  "help",
  "help ps",
  "sys",
  "sys -t",
  "ps",
  "ps -p 324",
  "ps -c 1",
  "ps -g 324",
  "ps -t 324",
  "ps -l",
  "ps -m",
  "ps -a 324",
  "ps -S",
  "set",
  "task -R pid,comm 324",
  "bt",
  "bt -a",
  "bt -t 324",
  "runq",
  "rd -s init_task 4",
  "rd -a linux_banner",
  "search -s init_task -l 0x4000 init_task",
  "search -x 1 -s init_task -l 0x4000 init_task",
  "search -s linux_banner -l 0x100 -c Linux",
  "search -T -m ffff ffffffffc05d0000",
  "ascii 41",
  "btop 1000",
  "ptob 1",
  "pte 8000000002001063",
  "mach",
  "mach -m",
  "alias",
  "repeat -n 2 ascii 41",
  "* list_head ffffffffa141aa40",
  "vtop ffffffffa141aa40",
  "ptov 1000 0:a",
  "kmem -p 1000",
  "kmem -s",
  "kmem -S task_struct",
  "kmem -s ff16e683011f0000",
  "kmem -v",
  "kmem -V",
  "kmem -n",
  "kmem -z",
  "kmem -F",
  "kmem -f ffc5fe1600004800",
  "kmem -g 4080",
  "kmem -h",
  "kmem -o",
  "kmem -m lru,flags 1000",
  "kmem ffffffffa141aa40",
  "kmem",
  "swap",
  "vm 324",
  "files 324",
  "mount",
  "net",
  "net -s 128",
  "net -N 0x0100007f",
  "log",
  "log -a",
  "dev",
  "dev -d",
  "irq -s",
  "timer",
  "timer -r",
  "mod",
  "mod -t",
  "sym init_task",
  "sym -q no_such_symbol_anywhere",
  "dis -x crash_kexec 3",
  "whatis pid_t",
  "ptype struct list_head",
  "struct list_head init_task",
  "p jiffies",
  "eval 1+2",
  "list -H modules -o module.list -s module.name",
  "foreach 1 2 bt",
  "foreach 324 ps",
  "sig 324",
  "sig -g 303",
  "sig -l",
  "sig -s 800A000000000201",
  "waitq log_wait",
  "fuser /var/tmp/.xmr.log",
  "ipcs",
  "tree -t rbtree -p -o vmap_area.rb_node -s vmap_area.va_start vmap_area_root",
  "tree -t maple -p ff16e6832fc4a400",
  "tree -t xarray -r pid_namespace.idr init_pid_ns",
  "bpf",
  "sbitmapq ff16e6832ffaea90",
  "gdb p init_task.comm",
  "gdb info symbol 0xffffffffa141aa40",
];

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("every command's result on the fixture", () => {
  it("is plain data whose JSON view survives JSON unchanged", () => {
    const s = fixtureSession()!;
    for (const line of LINES) {
      const r = s.run(line);
      expect(r.data, line).toBeDefined();
      expect(notPlainData(r.data, line)).toBeUndefined();
      const view = jsonView(r.data);
      const json = JSON.stringify(view);
      expect(json, line).not.toContain("[…]");
      expect(JSON.parse(json), line).toEqual(view);
    }
    s.run("set -p");
  });
});
