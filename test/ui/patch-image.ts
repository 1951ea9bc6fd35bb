// A patched copy of the fixture's ELF dump carrying hostile strings where a dump can hold them: a task's
// comm, a module's name, a kernel log record, and a 4,000-character file name on a task's executable. The
// places are found through the contract (tasks, modules, layout, console's struct/vtop) on the original,
// which is only read; the copy lives in a temporary folder, never next to the evidence.
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Served } from "./serve";

export const HOSTILE = {
  comm: "<script>\x1b[31m\xff",
  module: '<svg onload=alert(1)>\x1b]0;pwn\x07\xe2\x80\xae"',
  /** Same length as the record it replaces (the banner), padded with spaces. */
  log: '<img src=x onerror="window.__kdwPwned=1">\x1b[2J\x1b]0;pwned\x07 \xff\xfe\xc3\x28 "><script>window.__kdwPwned=2</script> ',
  nameUnit: "<img src=x onerror=alert(1)>\x1b[1m/",
  nameLength: 4000,
};

interface LoadSegment {
  offset: bigint;
  paddr: bigint;
  filesz: bigint;
}

function loadSegments(file: string): LoadSegment[] {
  const fd = openSync(file, "r");
  try {
    const h = Buffer.alloc(64);
    readSync(fd, h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file}: not ELF`);
    const phoff = h.readBigUInt64LE(0x20);
    const phentsize = h.readUInt16LE(0x36);
    const phnum = h.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, Number(phoff));
    const out: LoadSegment[] = [];
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      if (ph.readUInt32LE(o) !== 1) continue;
      out.push({ offset: ph.readBigUInt64LE(o + 8), paddr: ph.readBigUInt64LE(o + 24), filesz: ph.readBigUInt64LE(o + 32) });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

async function consoleOut(s: Served, line: string): Promise<string> {
  const r = await s.call<{ output: string; errors: string[] }>("console", { line });
  if (r.errors.length) throw new Error(`${line}: ${r.errors.join("; ")}`);
  return r.output;
}

async function physOf(s: Served, virt: bigint): Promise<bigint> {
  const out = await consoleOut(s, `vtop ${virt.toString(16)}`);
  const m = /^\s*([0-9a-f]{8,16})\s+([0-9a-f]+)\s*$/m.exec(out);
  if (!m || BigInt("0x" + m[1]) !== virt) throw new Error(`vtop ${virt.toString(16)}: ${out.slice(0, 200)}`);
  return BigInt("0x" + m[2]);
}

async function memberOffset(s: Served, type: string, member: string): Promise<number> {
  const l = await s.call<{ members: { name: string; offset: number }[] }>("layout", { type });
  const m = l.members.find((x) => x.name === member);
  if (!m) throw new Error(`${type}.${member}: no such member`);
  return m.offset;
}

/** A pointer from crash's `struct TYPE.MEMBER ADDR` output (`field` names it inside a struct member). */
async function pointerMember(s: Served, type: string, member: string, address: bigint, field = member): Promise<bigint> {
  const out = await consoleOut(s, `struct ${type}.${member} ${address.toString(16)}`);
  const m = new RegExp(`\\b${field} = (0x[0-9a-f]+)`).exec(out);
  if (!m) throw new Error(`struct ${type}.${member}: ${out.slice(0, 200)}`);
  return BigInt(m[1]!);
}

export interface Patched {
  dump: string;
  dir: string;
  comm: { pid: number };
  module: { name: string };
  exe: { pid: number };
}

/** Makes the patched copy of `elfDump`; `original` serves the unpatched dump (read only). */
export async function patchImage(original: Served, elfDump: string): Promise<Patched> {
  const dir = mkdtempSync(join(tmpdir(), "kdw-hostile-"));
  const dump = join(dir, "hostile.elf");
  copyFileSync(elfDump, dump);
  const segments = loadSegments(dump);
  const fd = openSync(dump, "r+");
  const writes: { virt: bigint; bytes: Buffer }[] = [];
  try {
    const writePhys = (phys: bigint, bytes: Buffer): void => {
      const seg = segments.find((g) => phys >= g.paddr && phys + BigInt(bytes.length) <= g.paddr + g.filesz);
      if (!seg) throw new Error(`physical ${phys.toString(16)}+${bytes.length} is not in the file (excluded page?)`);
      writeSync(fd, bytes, 0, bytes.length, Number(seg.offset + (phys - seg.paddr)));
    };
    const writeVirt = async (virt: bigint, bytes: Buffer): Promise<void> => {
      // Page by page: virtually contiguous is not physically contiguous.
      for (let at = 0; at < bytes.length; ) {
        const v = virt + BigInt(at);
        const room = Number(4096n - (v & 4095n));
        const n = Math.min(room, bytes.length - at);
        writePhys(await physOf(original, v), bytes.subarray(at, at + n));
        at += n;
      }
      writes.push({ virt, bytes });
    };

    // 1. A task's comm (15 bytes and a NUL at most).
    const tasks = await original.call<{ items: { pid: number; tgid: number; comm: string; task: string; kernelThread: boolean }[] }>("tasks", {});
    const victim = tasks.items.find((t) => !t.kernelThread && t.pid === t.tgid && t.pid > 1 && t.comm !== "x")!;
    const commOff = await memberOffset(original, "task_struct", "comm");
    await writeVirt(BigInt(victim.task) + BigInt(commOff), Buffer.concat([Buffer.from(HOSTILE.comm, "latin1"), Buffer.alloc(16 - HOSTILE.comm.length)]));

    // 2. A listed module's name (56 bytes).
    const mods = await original.call<{ items: { name: string; address: string; hidden: boolean }[] }>("modules", {});
    const mod = mods.items.find((m) => !m.hidden)!;
    const nameOff = await memberOffset(original, "module", "name");
    await writeVirt(BigInt(mod.address) + BigInt(nameOff), Buffer.concat([Buffer.from(HOSTILE.module, "latin1"), Buffer.alloc(56 - HOSTILE.module.length)]));

    // 3. The first log record (the kernel banner), in every copy the dump holds, same length.
    const log = await original.call<{ items: { text: string }[] }>("log", { offset: 0, limit: 1 });
    const banner = Buffer.from(log.items[0]!.text, "latin1");
    const payload = Buffer.from(HOSTILE.log.padEnd(banner.length, " ").slice(0, banner.length), "latin1");
    const file = readFileSync(dump);
    let found = 0;
    for (let at = file.indexOf(banner); at >= 0; at = file.indexOf(banner, at + 1)) {
      writeSync(fd, payload, 0, payload.length, at);
      found++;
    }
    if (!found) throw new Error("the banner's log record is not in the file");

    // 4. A 4,000-character name for the executable of the task whose exe is deleted ("x"): the bytes go
    //    over a kernel function nothing in the test reads, and the exe's dentry points its name there.
    const x = tasks.items.find((t) => t.comm === "x")!;
    const mm = await pointerMember(original, "task_struct", "mm", BigInt(x.task));
    const exeFile = await pointerMember(original, "mm_struct", "exe_file", mm);
    const dentry = await pointerMember(original, "file", "f_path", exeFile, "dentry");
    const dName = await memberOffset(original, "dentry", "d_name");
    let region: bigint | undefined;
    for (const name of ["ext4_fill_super", "tcp_ack", "ext4_ext_map_blocks", "tcp_sendmsg_locked", "do_sys_openat2"]) {
      const sym = (await original.call<{ symbols: { name: string; address: string; size?: number }[] }>("lookup", { name, limit: 5 })).symbols.find((y) => y.name === name);
      if (sym?.size && sym.size > HOSTILE.nameLength + 16) {
        region = BigInt(sym.address);
        break;
      }
    }
    if (region === undefined) throw new Error("no kernel function large enough for the long name");
    const unit = Buffer.from(HOSTILE.nameUnit, "latin1");
    const name = Buffer.alloc(HOSTILE.nameLength + 1);
    for (let i = 0; i < HOSTILE.nameLength; i++) name[i] = unit[i % unit.length]!;
    name[HOSTILE.nameLength - 1] = 0x41;
    await writeVirt(region, name);
    const qstr = Buffer.alloc(16);
    const old = await original.call<{ chunks: { hex?: string }[] }>("readMemory", { space: "kernel", address: `0x${(BigInt(dentry) + BigInt(dName)).toString(16)}`, length: 16 });
    Buffer.from(old.chunks[0]!.hex!, "hex").copy(qstr);
    // struct qstr on little-endian: u32 hash, u32 len (hash_len = len << 32 | hash), then the name pointer.
    qstr.writeUInt32LE(HOSTILE.nameLength, 4);
    qstr.writeBigUInt64LE(region, 8);
    await writeVirt(dentry + BigInt(dName), qstr);
    return { dump, dir, comm: { pid: victim.pid }, module: { name: mod.name }, exe: { pid: x.pid } };
  } finally {
    closeSync(fd);
  }
}
