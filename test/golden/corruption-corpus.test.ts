// A generated corruption corpus over every format kdw reads: truncations, zeroed and flipped fields, looping
// structures. Every case must end (no hang), fail only with kdw's typed one-line errors or answer (no stack
// trace, no "internal error"), and write nothing: the evidence is hashed before and after. Cases are made
// from a fixed seed, in code, over
//  A. small dumps built here in every container: ELF core, kdump-compressed with each codec (none, zlib, lzo,
//     snappy, zstd) and makedumpfile's flattened form: each opened, described (kdw info) and read page by page;
//  B. the fixture's own files: cut short, and their VMCOREINFO values changed: each opened as a console
//     with no vmlinux, running sys, ps and bt;
//  C. the fixture's kernel memory, words rewritten under a Program (test/fixtures/patched-program.ts): lists
//     made to loop, pointers zeroed, made wild or unreadable, fields flipped; each running the commands that
//     walk what was damaged.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { dumpInfo } from "../../src/core/session/dump-info";
import type { CommandContext } from "../../src/core/commands/command";
import { openDump } from "../../src/core/dump/open";
import { readDiskdumpHeader } from "../../src/core/dump/diskdump-header";
import { ElfFile } from "../../src/core/dump/elf";
import { BytesSource, type ByteSource } from "../../src/core/io/byte-source";
import { KdwError } from "../../src/core/io/errors";
import { moduleList } from "../../src/core/kernel/modules/modules";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { errorLine, Session } from "../../src/core/session/session";
import { buildDiskdump, flatten, initBuilderCodecs, testPage, type BuildCodec } from "../fixtures/diskdump-builder";
import { buildElfCore, prstatusDesc, vmcoreinfoDesc } from "../fixtures/elf-builder";
import { cutShort, OverlaySource } from "../fixtures/damaged-dumps";
import { patchedProgram } from "../fixtures/patched-program";
import { fixture, fixturesDir, haveFixtures } from "../fixtures";
import { lzoTestCompress } from "../unit/codec/lzo-encoder";

/** Cases run, by part: the report's count. */
const counted = { containers: 0, fixtureFiles: 0, memory: 0 };
const CORPUS_TIMEOUT = 900_000;

/** mulberry32: the corpus is the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A thrown value that kdw does not type is a defect: it would reach the user as a stack trace. */
function expectTyped(err: unknown, what: string): void {
  if (!(err instanceof KdwError)) throw new Error(`${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} is not a KdwError`, { cause: err });
  expect(err.message, what).not.toContain("\n");
}

/** The lines a command gave: none an internal error, none more than one line. */
function expectClean(r: { text: string; errors: string[] }, what: string): void {
  for (const e of r.errors) {
    expect(e, what).not.toMatch(/internal error/);
    expect(e, what).not.toContain("\n");
  }
  expect(r.text, what).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}

/** Opens a damaged container and reads all it claims to hold, as `kdw info` and the console's first reads do. */
function exerciseContainer(source: ByteSource, what: string): void {
  try {
    const dump = openDump(source);
    void dump.memoryRanges;
    dumpInfo(dump, source.size);
    let read = 0;
    for (let pfn = 0; pfn < dump.maxPfn && read < 4096; pfn++) {
      if (dump.pageState(pfn) !== "present") continue;
      read++;
      try {
        dump.readPage(pfn);
      } catch (err) {
        expectTyped(err, `${what}: page ${pfn}`);
      }
    }
  } catch (err) {
    expectTyped(err, what);
  }
}

/** The ways a file is damaged: cut, 8 bytes zeroed, one bit flipped, 4 bytes made huge. */
function mutations(bytes: Uint8Array, structural: number[], rnd: () => number, n: number): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const spots = [...structural, ...Array.from({ length: n }, () => Math.floor(rnd() * bytes.length))];
  spots.forEach((at, i) => {
    const kind = i % 4;
    if (kind === 0) out.push({ name: `cut at ${at}`, bytes: bytes.subarray(0, at) });
    else if (kind === 1) {
      const b = bytes.slice();
      b.fill(0, at, at + 8);
      out.push({ name: `8 bytes zeroed at ${at}`, bytes: b });
    } else if (kind === 2) {
      const b = bytes.slice();
      b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
      out.push({ name: `bit flipped at ${at}`, bytes: b });
    } else {
      const b = bytes.slice();
      new DataView(b.buffer).setUint32(Math.min(at, b.length - 4), 0xfffffff0 - Math.floor(rnd() * 64), true);
      out.push({ name: `huge u32 at ${at}`, bytes: b });
    }
  });
  return out;
}

const VMCOREINFO = "OSRELEASE=6.1.0-corpus\nPAGESIZE=4096\nKERNELOFFSET=1ea00000\nNUMBER(phys_base)=-20971520\nSYMBOL(swapper_pg_dir)=ffffffff82410000\n";

describe("A: built dumps of every container, damaged", () => {
  beforeAll(async () => {
    await initBuilderCodecs();
  });

  const pages = new Map<number, Uint8Array>();
  for (let p = 0; p < 40; p++) if (p % 7 !== 3) pages.set(p, testPage(p));
  for (let p = 200; p < 216; p++) pages.set(p, testPage(p));

  const builds: [string, () => { bytes: Uint8Array; structural: number[] }][] = [
    ["elf", () => {
      const load = (first: number, count: number) => {
        const b = new Uint8Array(count * 4096);
        for (let i = 0; i < count; i++) b.set(testPage(first + i), i * 4096);
        return b;
      };
      const built = buildElfCore({
        notes: [
          { name: "CORE", type: 1, desc: prstatusDesc(1, { rip: 0xffffffff81001000n }) },
          { name: "CORE", type: 1, desc: prstatusDesc(2) },
          { name: "VMCOREINFO", type: 0, desc: vmcoreinfoDesc(VMCOREINFO) },
        ],
        loads: [
          { paddr: 0x1000, vaddr: 0xffffffff81000000n, data: load(1, 8) },
          { paddr: 0x1000, data: load(1, 8) },
          { paddr: 0x40000, data: load(0x40, 4), memsz: 8 * 4096 },
        ],
      });
      return { bytes: built.bytes, structural: [0, 16, 0x20, 0x38, built.phoff, built.phoff + 8, built.phoff + 0x20, ...built.segmentOffsets] };
    }],
    ...(["none", "zlib", "lzo", "snappy", "zstd"] as BuildCodec[]).map((codec): [string, () => { bytes: Uint8Array; structural: number[] }] => [`kdump ${codec}`, () => {
      const precompressed = codec === "lzo" ? new Map([...pages].map(([pfn, p]) => [pfn, { flags: 0x2, bytes: lzoTestCompress(p) }])) : undefined;
      const b = buildDiskdump({ pages, excluded: [3, 10, 17], maxMapnr: 256, compression: codec === "lzo" ? "none" : codec, precompressed, cpus: 2, vmcoreinfo: VMCOREINFO });
      return { bytes: b.bytes, structural: [0, 8, 0x1b4, 4096, 4096 + 0x30, b.noteOffset, b.bitmap1Offset, b.bitmap2Offset, b.dataOffset, ...b.descOffset.values(), ...[...b.pageOffset.values()].slice(0, 6)] };
    }]),
    ["flattened", () => {
      const plain = buildDiskdump({ pages, excluded: [3, 10, 17], maxMapnr: 256, compression: "zlib", cpus: 2, vmcoreinfo: VMCOREINFO });
      const flat = flatten(plain.bytes, { recordSize: 1000 });
      return { bytes: flat.bytes, structural: [0, 16, 24, ...flat.recordHeaders.slice(0, 12), ...flat.recordHeaders.slice(0, 12).map((h) => h + 8)] };
    }],
  ];

  for (const [format, build] of builds) {
    it(`${format}: 110 damaged copies each fail in one line or read`, { timeout: CORPUS_TIMEOUT }, () => {
      const { bytes, structural } = build();
      exerciseContainer(new BytesSource(`${format}.dump`, bytes), `${format} intact`);
      const rnd = prng(0x6b6477 ^ format.length ^ bytes.length);
      const cases = mutations(bytes, structural, rnd, Math.max(0, 110 - structural.length)).slice(0, 110);
      expect(cases).toHaveLength(110);
      for (const c of cases) {
        exerciseContainer(new BytesSource(`${format}.dump`, c.bytes), `${format}: ${c.name}`);
        counted.containers++;
      }
    });
  }
});

/** Hashes, sizes and times of the fixture files, and the folder's listing: nothing may change. */
function evidenceState(): string {
  const out: string[] = [readdirSync(fixturesDir).sort().join(",")];
  for (const f of ["dump.lzo", "dump.elf", "dump.flat", "dump.zlib", "dump.zstd"]) {
    const p = fixture(f)!;
    const st = statSync(p);
    out.push(`${f} ${st.size} ${st.mtimeMs} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
  }
  return out.join("\n");
}

const FIXTURES = ["dump.lzo", "dump.elf", "dump.flat", "dump.zlib", "dump.zstd", "vmlinux"];

describe.skipIf(!haveFixtures(...FIXTURES))("B and C: the fixture, damaged", () => {
  let before = "";
  beforeAll(() => {
    before = evidenceState();
  });

  /** Opens a console with no vmlinux on a damaged dump and runs the start of an analysis. */
  function exerciseConsole(source: ByteSource, what: string): void {
    let s: Session;
    try {
      s = Session.open(source, undefined, { decoder: new IcedDecoder() });
    } catch (err) {
      expectTyped(err, what);
      return;
    }
    for (const c of ["sys", "ps", "bt"]) expectClean(s.run(c), `${what}: ${c}`);
  }

  it("B: each file cut at 13 places opens or says why in one line; sys, ps and bt answer on what is left", { timeout: CORPUS_TIMEOUT }, () => {
    for (const f of ["dump.lzo", "dump.elf", "dump.flat", "dump.zlib", "dump.zstd"]) {
      const src = new NodeFileSource(f, fixture(f)!);
      for (const fraction of [0, 0.0001, 0.001, 0.003, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.99]) {
        const cut = cutShort(src, fraction);
        if (fraction < 0.6) exerciseContainer(cut, `${f} cut at ${fraction}`);
        else exerciseConsole(cut, `${f} cut at ${fraction}`);
        counted.fixtureFiles++;
      }
    }
  });

  it("B: VMCOREINFO values changed (the kernel's placement, kallsyms, page size, ids) in dump.elf and dump.lzo", { timeout: CORPUS_TIMEOUT }, () => {
    const keys = ["OSRELEASE", "BUILD-ID", "PAGESIZE", "KERNELOFFSET", "NUMBER(phys_base)", "SYMBOL(swapper_pg_dir)", "SYMBOL(kallsyms_names)", "SYMBOL(kallsyms_num_syms)", "SYMBOL(kallsyms_token_table)", "SYMBOL(kallsyms_token_index)", "SYMBOL(kallsyms_offsets)", "SYMBOL(kallsyms_relative_base)", "SYMBOL(mem_section)", "NUMBER(pgtable_l5_enabled)", "SYMBOL(_stext)"];
    const rnd = prng(0x766d6369);
    for (const f of ["dump.elf", "dump.lzo"]) {
      const src = new NodeFileSource(f, fixture(f)!);
      let at: number;
      let size: number;
      if (f === "dump.elf") {
        const note = ElfFile.open(src).notes().find((n) => n.name === "VMCOREINFO")!;
        at = note.offset;
        size = note.desc.length;
      } else {
        const sub = readDiskdumpHeader(src).sub!;
        at = sub.offsetVmcoreinfo;
        size = sub.sizeVmcoreinfo;
      }
      const text = new TextDecoder("latin1").decode(src.read(at, size));
      for (const key of keys) {
        const i = text.startsWith(`${key}=`) ? -1 : text.indexOf(`\n${key}=`);
        expect(i, key).toBeGreaterThanOrEqual(text.startsWith(`${key}=`) ? -1 : 0);
        const start = i + key.length + 2;
        const end = text.indexOf("\n", start);
        // The value's characters replaced by others of the same kind (so the note keeps its length).
        const changed = Uint8Array.from(text.slice(start, end), (c) => (/[0-9a-f]/.test(c) ? "0123456789abcdef".charCodeAt(Math.floor(rnd() * 16)) : c.charCodeAt(0)));
        exerciseConsole(new OverlaySource(src, [{ offset: at + start, bytes: changed }], `${f} with ${key} changed`), `${f}: ${key}=${new TextDecoder().decode(changed)}`);
        counted.fixtureFiles++;
      }
    }
  });

  it("C: the kernel's lists made to loop, pointers zeroed, wild or unreadable, fields flipped", { timeout: CORPUS_TIMEOUT }, () => {
    const base = Session.open(new NodeFileSource("dump.lzo", fixture("dump.lzo")!), new NodeFileSource("vmlinux", fixture("vmlinux")!), { decoder: new IcedDecoder() });
    const prog = base.kernel.program;
    const rnd = prng(0x6d656d);
    const off = (type: string, member: string) => BigInt(prog.memberOffset(type, member)!);
    const tasks = taskTable(prog).tasks.filter((t) => !t.idle);
    const pick = <T>(xs: T[], n: number) => Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
    const tasksOff = off("struct task_struct", "tasks");
    const wild = () => [0n, 0xdead000000000100n, 0x7fffffffe000n, 0xffff800000000000n + BigInt(Math.floor(rnd() * 2 ** 40)) * 8n, 0xffffffffffffffffn, null][Math.floor(rnd() * 6)]!;
    const cases: { name: string; patches: Map<bigint, bigint | null>; commands: string[] }[] = [];

    // Task list: each picked task's tasks.next to itself, back to an earlier task, to init_task, or wild.
    for (const t of pick(tasks, 12)) {
      const node = t.address + tasksOff;
      const earlier = tasks[Math.floor(rnd() * tasks.length)]!.address + tasksOff;
      for (const [how, v] of [["loops on itself", node], ["loops back", earlier], ["wild", wild()]] as [string, bigint | null][]) {
        cases.push({ name: `pid ${t.pid} tasks.next ${how}`, patches: new Map([[node, v]]), commands: ["ps", "sys", "bt -a"] });
      }
    }
    // Task fields the commands follow: parent, mm, files, stack, pid, comm, thread.sp.
    for (const [member, commands] of [["real_parent", ["ps", "ps -p"]], ["parent", ["ps -c 1"]], ["mm", ["ps", "vm 324"]], ["files", ["files 324", "net -s 324"]], ["stack", ["bt 324"]], ["thread.sp", ["bt 128"]], ["pid", ["ps"]], ["comm", ["ps", "task 324"]], ["children.next", ["ps -c 1"]], ["signal", ["ps -G"]], ["fs", ["files 128"]], ["cred", ["ps -u"]]] as [string, string[]][]) {
      for (const t of [tasks.find((x) => x.pid === 324)!, tasks.find((x) => x.pid === 128)!, tasks.find((x) => x.pid === 1)!]) {
        const at = t.address + off("struct task_struct", member);
        cases.push({ name: `pid ${t.pid} ${member} wild`, patches: new Map([[at, wild()]]), commands });
        cases.push({ name: `pid ${t.pid} ${member} points at the task`, patches: new Map([[at, t.address]]), commands });
      }
    }
    // Modules: each list node to itself, to the head, wild; and a field of struct module flipped.
    const mods = moduleList(prog).modules;
    for (const m of mods) {
      const node = m.address + off("struct module", "list");
      cases.push({ name: `module ${m.name} list loops`, patches: new Map([[node, node]]), commands: ["mod", "mod -t"] });
      cases.push({ name: `module ${m.name} list wild`, patches: new Map([[node, wild()]]), commands: ["mod"] });
      const field = m.address + 8n * BigInt(Math.floor(rnd() * 100));
      cases.push({ name: `module ${m.name} word ${field - m.address} flipped`, patches: new Map([[field, prog.readU64(field) ^ (1n << BigInt(Math.floor(rnd() * 64)))]]), commands: ["mod", "mod -t", "sym ffffffffc05dc05e"] });
    }
    // The kernel log, the mount list, the miner's address space and open files: words of each flipped or wild.
    const prb = prog.symbolAddress("prb");
    const prbRing = prog.readU64(prb);
    for (let i = 0; i < 12; i++) cases.push({ name: `printk ring word ${i} wild`, patches: new Map([[prbRing + BigInt(8 * i), wild()]]), commands: ["log", "sys"] });
    const miner = tasks.find((x) => x.pid === 324)!;
    const mm = prog.readU64(miner.address + off("struct task_struct", "mm"));
    for (let i = 0; i < 16; i++) cases.push({ name: `miner mm word ${i} wild`, patches: new Map([[mm + BigInt(8 * i), wild()]]), commands: ["vm 324", "ps 324"] });
    const files = prog.readU64(miner.address + off("struct task_struct", "files"));
    for (let i = 0; i < 12; i++) cases.push({ name: `miner files_struct word ${i} wild`, patches: new Map([[files + BigInt(8 * i), wild()]]), commands: ["files 324"] });
    const nsproxy = prog.readU64(miner.address + off("struct task_struct", "nsproxy"));
    for (let i = 0; i < 8; i++) cases.push({ name: `miner nsproxy word ${i} wild`, patches: new Map([[nsproxy + BigInt(8 * i), wild()]]), commands: ["mount", "net"] });

    for (const c of cases) {
      const p = patchedProgram(prog, c.patches);
      const ctx: CommandContext = { ...base.context, prog: p, state: { valueHistory: 0 } };
      for (const line of c.commands) {
        const [name, ...args] = line.split(" ");
        let r: { text: string; errors: string[] };
        try {
          const out = base.commands.find(name!)!.run(ctx, args);
          r = { text: out.text, errors: out.errors ?? [] };
        } catch (err) {
          expectTyped(err, `${c.name}: ${line}`);
          r = { text: "", errors: [errorLine(err, name)] };
        }
        expectClean(r, `${c.name}: ${line}`);
      }
      counted.memory++;
    }
  });

  it("wrote nothing: the evidence files and their folder are as they were", () => {
    expect(evidenceState()).toBe(before);
  });
});

describe("the corpus", () => {
  it("counts at least 1,000 cases (where the fixtures are present)", () => {
    const total = counted.containers + counted.fixtureFiles + counted.memory;
    process.stdout.write(`corruption corpus: ${total} cases (${counted.containers} built containers, ${counted.fixtureFiles} fixture files, ${counted.memory} kernel-memory)\n`);
    // A run filtered to some of the tests (vitest -t) counts only those.
    if (counted.containers > 0) expect(counted.containers).toBe(770);
    if (counted.containers > 0 && counted.fixtureFiles > 0 && counted.memory > 0) expect(total).toBeGreaterThanOrEqual(1000);
  });
});
