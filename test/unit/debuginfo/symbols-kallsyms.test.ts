import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { Btf } from "../../../src/core/debuginfo/btf";
import { decodeKallsyms, kallsymsFromVmcoreinfo, readKallsyms, type KallsymsLocation, type ReadVirtual } from "../../../src/core/debuginfo/kallsyms";
import { symbolTableFromElf } from "../../../src/core/debuginfo/symbols";
import { ElfFile } from "../../../src/core/dump/elf";
import { openDump } from "../../../src/core/dump/open";
import { DumpFormatError, InvalidAddressError } from "../../../src/core/io/errors";
import { fixture, haveFixtures } from "../../fixtures";

interface Sym {
  type: string;
  name: string;
  address: bigint;
}

/** Multi-character tokens in slots 1..N; every printable byte is its own token. */
const MULTI = ["init", "_task", "sys_", "per_cpu", "__"];

/**
 * Lays out kallsyms tables at BASE as scripts/kallsyms.c does (6.1): offsets, relative_base, num_syms,
 * names, token_table, token_index. Returns the memory, the reader and the tables' addresses.
 */
function buildKallsyms(syms: Sym[], opts: { relativeBase: bigint; absolutePercpu?: boolean; tamper?: (mem: Uint8Array, loc: KallsymsLocation) => void }) {
  const BASE = 0xffffffff82000000n;
  const tokens: string[] = new Array(256).fill("");
  MULTI.forEach((t, i) => (tokens[i + 1] = t));
  for (let c = 0x20; c < 0x7f; c++) tokens[c] = String.fromCharCode(c);
  const encode = (s: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < s.length; ) {
      const m = MULTI.findIndex((t) => s.startsWith(t, i));
      if (m >= 0) {
        out.push(m + 1);
        i += MULTI[m]!.length;
      } else {
        out.push(s.charCodeAt(i));
        i++;
      }
    }
    return out;
  };
  const names: number[] = [];
  for (const s of syms) {
    const codes = encode(s.type + s.name);
    if (codes.length > 0x7f) names.push((codes.length & 0x7f) | 0x80, codes.length >> 7);
    else names.push(codes.length);
    names.push(...codes);
  }
  const tokenTable: number[] = [];
  const tokenIndex: number[] = [];
  for (const t of tokens) {
    tokenIndex.push(tokenTable.length);
    for (const c of t) tokenTable.push(c.charCodeAt(0));
    tokenTable.push(0);
  }
  const absolute = opts.absolutePercpu ?? true;
  const offsets = syms.map((s) => {
    if (!absolute) return Number(s.address - opts.relativeBase);
    if (s.address < 0x80000000n) return Number(s.address); // per-CPU: absolute
    return Number(opts.relativeBase - 1n - s.address) | 0; // negative: relative to base - 1
  });
  const loc = {
    offsets: BASE,
    relativeBase: BASE + BigInt(offsets.length * 4),
    numSyms: BASE + BigInt(offsets.length * 4 + 8),
    names: BASE + BigInt(offsets.length * 4 + 16),
    tokenTable: 0n,
    tokenIndex: 0n,
  };
  loc.tokenTable = loc.names + BigInt(names.length);
  loc.tokenIndex = loc.tokenTable + BigInt(tokenTable.length);
  // Memory comes in pages: a reader can always read the whole page of a byte it can read.
  const size = Math.ceil((Number(loc.tokenIndex - BASE) + 512) / 4096) * 4096;
  const mem = new Uint8Array(size);
  const v = new DataView(mem.buffer);
  offsets.forEach((o, i) => v.setInt32(i * 4, o | 0, true));
  v.setBigUint64(Number(loc.relativeBase - BASE), opts.relativeBase, true);
  v.setUint32(Number(loc.numSyms - BASE), syms.length, true);
  mem.set(names, Number(loc.names - BASE));
  mem.set(tokenTable, Number(loc.tokenTable - BASE));
  tokenIndex.forEach((t, i) => v.setUint16(Number(loc.tokenIndex - BASE) + 2 * i, t, true));
  opts.tamper?.(mem, loc);
  const read: ReadVirtual = (addr, length) => {
    const off = addr - BASE;
    if (off < 0n || off + BigInt(length) > BigInt(mem.length)) throw new InvalidAddressError(addr, "not mapped");
    return mem.subarray(Number(off), Number(off) + length);
  };
  return { mem, read, loc, BASE };
}

const T = 0xffffffff81000000n;
const SYMS: Sym[] = [
  { type: "D", name: "__per_cpu_start", address: 0n },
  { type: "D", name: "runqueues", address: 0x31980n },
  { type: "T", name: "_text", address: T },
  { type: "T", name: "__x64_sys_getdents64", address: T + 0x1000n },
  { type: "t", name: "nmi_handle.part.0", address: T + 0x2000n },
  { type: "D", name: "init_task", address: T + 0x1a1aa40n },
  { type: "d", name: "x".repeat(200), address: T + 0x1a1ab00n }, // a "big" symbol: two length bytes
];

describe("kallsyms", () => {
  it("decodes names, type letters and both kinds of offsets", () => {
    const { read, loc } = buildKallsyms(SYMS, { relativeBase: T });
    const t = readKallsyms(read, loc);
    expect(t.count).toBe(SYMS.length);
    expect(t.inRange(0n, 1n << 64n).map((s) => `${s.address.toString(16)} (${s.type}) ${s.name}`)).toEqual([
      "0 (D) __per_cpu_start",
      "31980 (D) runqueues",
      "ffffffff81000000 (T) _text",
      "ffffffff81001000 (T) __x64_sys_getdents64",
      "ffffffff81002000 (t) nmi_handle",
      "ffffffff82a1aa40 (D) init_task",
      `ffffffff82a1ab00 (d) ${"x".repeat(200)}`,
    ]);
    expect(t.symbolAt(T + 0x1010n)).toMatchObject({ symbol: { name: "__x64_sys_getdents64" }, offset: 0x10 });
    expect(t.lookup("init_task")?.size).toBeUndefined();
  });

  it("reads unsigned offsets without CONFIG_KALLSYMS_ABSOLUTE_PERCPU", () => {
    const syms = SYMS.filter((s) => s.address >= T);
    const { read, loc } = buildKallsyms(syms, { relativeBase: T, absolutePercpu: false });
    const t = readKallsyms(read, loc, { absolutePercpu: false });
    expect(t.lookup("init_task")?.address).toBe(T + 0x1a1aa40n);
    expect(t.lookup("_text")?.address).toBe(T);
  });

  it("finds the tables through VMCOREINFO", () => {
    const { loc } = buildKallsyms(SYMS, { relativeBase: T });
    const map = new Map<string, bigint>([
      ["kallsyms_names", loc.names],
      ["kallsyms_num_syms", loc.numSyms],
      ["kallsyms_token_table", loc.tokenTable],
      ["kallsyms_token_index", loc.tokenIndex],
      ["kallsyms_offsets", loc.offsets],
      ["kallsyms_relative_base", loc.relativeBase],
    ]);
    expect(kallsymsFromVmcoreinfo((n) => map.get(n))).toEqual(loc);
    map.delete("kallsyms_offsets");
    expect(kallsymsFromVmcoreinfo((n) => map.get(n))).toBeUndefined();
  });

  it("resolves names built to collide in the name index's sampled hash (same length, same sampled bytes)", () => {
    // 40-byte names that differ only at bytes 1, 3 and 4, which the index's hash does not sample: one chain,
    // until the index gives up the sampled hash for a hash over every byte. Each name still finds its own.
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const syms: Sym[] = [];
    for (let i = 0; syms.length < 3000; i++) {
      const name = ["a", letters[i % 26], "a", letters[Math.floor(i / 26) % 26], letters[Math.floor(i / 676) % 26], "a".repeat(35)].join("");
      syms.push({ type: "t", name, address: T + BigInt(syms.length) * 16n });
    }
    const { read, loc } = buildKallsyms(syms, { relativeBase: T });
    const image = decodeKallsyms(read, loc);
    for (const [i, s] of syms.entries()) expect(image.addressOf(s.name), s.name).toBe(T + BigInt(i) * 16n);
    expect(image.addressOf("azazz" + "a".repeat(35))).toBeUndefined();
  });

  it("rejects an absurd symbol count, a bad token index and an empty name", () => {
    const count = buildKallsyms(SYMS, { relativeBase: T, tamper: (m, l) => new DataView(m.buffer).setUint32(Number(l.numSyms - 0xffffffff82000000n), 0xffffffff, true) });
    expect(() => readKallsyms(count.read, count.loc)).toThrow(DumpFormatError);
    expect(() => readKallsyms(count.read, count.loc)).toThrow(/absurd symbol count/);
    const zero = buildKallsyms(SYMS, { relativeBase: T, tamper: (m, l) => new DataView(m.buffer).setUint32(Number(l.numSyms - 0xffffffff82000000n), 0, true) });
    expect(() => readKallsyms(zero.read, zero.loc)).toThrow(/absurd symbol count 0/);
    const token = buildKallsyms(SYMS, { relativeBase: T, tamper: (m, l) => new DataView(m.buffer).setUint16(Number(l.tokenIndex - 0xffffffff82000000n) + 2 * 7, 0xfff0, true) });
    expect(() => readKallsyms(token.read, token.loc)).toThrow(/token 7 at 65520 is outside the token table/);
    const empty = buildKallsyms(SYMS, { relativeBase: T, tamper: (m, l) => (m[Number(l.names - 0xffffffff82000000n)] = 0) });
    expect(() => readKallsyms(empty.read, empty.loc)).toThrow(/symbol 0 has an empty name/);
  });

  it("passes on the reader's error when a table is unreadable (an excluded page)", () => {
    const { read, loc } = buildKallsyms(SYMS, { relativeBase: T });
    const guarded: ReadVirtual = (addr, length) => {
      if (addr <= loc.names && loc.names < addr + BigInt(length)) throw new InvalidAddressError(addr, "page excluded");
      return read(addr, length);
    };
    expect(() => readKallsyms(guarded, loc)).toThrow(InvalidAddressError);
  });

  it("stops at the first empty entry when the count claims more names than there are", () => {
    const { read, loc } = buildKallsyms(SYMS, { relativeBase: T, tamper: (m, l) => new DataView(m.buffer).setUint32(Number(l.numSyms - 0xffffffff82000000n), 100_000, true) });
    expect(() => readKallsyms(read, loc)).toThrow(DumpFormatError);
  });
});

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo"))("kallsyms of the fixture dump", () => {
  it("gives the same symbols as the vmlinux, with no vmlinux", () => {
    const dump = openDump(new NodeFileSource(fixture("dump.lzo")!));
    const info = dump.vmcoreinfo!;
    const loc = kallsymsFromVmcoreinfo((n) => info.symbol(n))!;
    expect(loc).toBeDefined();
    // The kallsyms tables are in the kernel image: __START_KERNEL_map (0xffffffff80000000) + phys_base.
    const physBase = info.physBase!;
    const read: ReadVirtual = (addr, length) => dump.readPhys(Number(addr - 0xffffffff80000000n + physBase), length);
    const k = readKallsyms(read, loc);
    const elf = symbolTableFromElf(ElfFile.open(new NodeFileSource(fixture("vmlinux")!)), { kaslrOffset: info.kernelOffset! });
    // kallsyms leaves out what scripts/kallsyms drops (__ksymtab_*, __kstrtab_*, section symbols, ...)
    expect(k.count).toBe(87_182);
    for (const name of ["init_task", "jiffies", "linux_banner", "_text", "__crash_kexec", "nmi_handle"]) {
      const a = k.lookup(name);
      const b = elf.lookup(name);
      expect(a && `${a.address.toString(16)} (${a.type})`, name).toBe(b && `${b.address.toString(16)} (${b.type})`);
    }
    expect(k.lookup("init_task")?.address).toBe(0xffffffffa141aa40n);
    // scripts/kallsyms --absolute-percpu turns per-CPU symbols into absolute ones: 'A', not the vmlinux's 'D'
    expect(k.lookup("runqueues")).toMatchObject({ address: 0x31980n, type: "A" });
    // Every name resolves to the lowest address of the symbols that bear it once stripped (a plain Map's answer).
    const image = decodeKallsyms(read, loc);
    const lowest = new Map<string, bigint>();
    for (let i = 0; i < k.count; i++) {
      const s = k.at(i);
      if (!lowest.has(s.name) || s.address < lowest.get(s.name)!) lowest.set(s.name, s.address);
    }
    let mismatched = 0;
    for (const [name, address] of lowest) if (image.addressOf(name) !== address) mismatched++;
    expect(lowest.size).toBeGreaterThan(80_000);
    expect(mismatched).toBe(0);
    const ra1 = k.symbolAt(0xffffffff9fb64067n);
    expect(ra1 && `${ra1.symbol.name}+${ra1.offset}`).toBe("__crash_kexec+119");
  });
});

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo"))("no vmlinux: kallsyms, then BTF from kernel memory", () => {
  it("finds __start_BTF/__stop_BTF through kallsyms and reads the same .BTF the vmlinux carries", () => {
    const dump = openDump(new NodeFileSource(fixture("dump.lzo")!));
    const info = dump.vmcoreinfo!;
    const read: ReadVirtual = (addr, length) => dump.readPhys(Number(addr - 0xffffffff80000000n + info.physBase!), length);
    const k = readKallsyms(read, kallsymsFromVmcoreinfo((n) => info.symbol(n))!);
    const start = k.lookup("__start_BTF")!;
    const stop = k.lookup("__stop_BTF")!;
    const inMemory = read(start.address, Number(stop.address - start.address));
    const btf = new Btf(inMemory, { file: "kernel memory BTF" });
    const elf = ElfFile.open(new NodeFileSource(fixture("vmlinux")!));
    const fromFile = elf.sectionBytes(".BTF")!;
    expect(inMemory.length).toBe(fromFile.length);
    expect(Buffer.from(inMemory).equals(Buffer.from(fromFile))).toBe(true);
    const task = btf.findType("task_struct", "struct");
    expect(task?.kind === "struct" && task.size).toBe(9728);
  });
});
