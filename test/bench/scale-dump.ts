// Synthetic kdump-compressed dumps of production size for `npm run bench` (the scale table): the headers,
// both bitmaps and one page_desc per dumped page laid out as makedumpfile writes them (diskdump_mod.h:
// disk_dump_header, kdump_sub_header with its notes and VMCOREINFO, 1st and 2nd bitmap, page_desc[], page
// data), streamed to the file so that a 1 TiB dump is made without holding it. The page data is one shared
// zero page (pd_zero, dump level 31) and one shared data page: the figures measured are those that grow with
// the dump's size (bitmaps and descriptors), not page decoding.
//
// Memory: all RAM except the PCI hole [3 GiB, 4 GiB). In every group of 1024 pfns the first k are dumped
// (k chosen to reach the requested number of dumped pages), every 4th of them a zero page.
//
// Usage: npx tsx test/bench/scale-dump.ts OUT.kdump MEMORY_GIB DUMPED_PAGES   (e.g. out.kdump 1024 8388608)
import { closeSync, openSync, writeSync } from "node:fs";

const BLOCK_SIZE = 4096;
const PAGE_DESC_SIZE = 24;
const GROUP = 1024;
const HOLE_START = (3 * 2 ** 30) / BLOCK_SIZE;
const HOLE_END = (4 * 2 ** 30) / BLOCK_SIZE;
const SUB_HEADER_SIZE = 0x68;
const PRSTATUS_SIZE = 336;
const DESCS_PER_WRITE = 1 << 16;
const CPUS = 2;

export interface ScaleDump {
  path: string;
  maxPfn: number;
  dumped: number;
  fileBytes: number;
  /** A pfn that reads the shared data page. */
  dataPfn: number;
}

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const align4 = (n: number) => (n + 3) & ~3;
  const nameBytes = new TextEncoder().encode(name + "\0");
  const out = new Uint8Array(12 + align4(nameBytes.length) + align4(desc.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, nameBytes.length, true);
  v.setUint32(4, desc.length, true);
  v.setUint32(8, type, true);
  out.set(nameBytes, 12);
  out.set(desc, 12 + align4(nameBytes.length));
  return out;
}

function prstatus(cpu: number): Uint8Array {
  const d = new Uint8Array(PRSTATUS_SIZE);
  const v = new DataView(d.buffer);
  v.setInt32(32, 1 + cpu, true); // elf_prstatus.pr_pid
  v.setBigUint64(112 + 16 * 8, 0xffffffff81000000n + BigInt(cpu), true); // pr_reg.rip
  return d;
}

/** Dumped pfns in a group of 1024 starting at `first` (0 in the PCI hole). */
function dumpedIn(first: number, k: number): number {
  return first >= HOLE_START && first < HOLE_END ? 0 : k;
}

export function writeScaleDump(path: string, memoryGiB: number, wantDumped: number): ScaleDump {
  const maxPfn = (memoryGiB * 2 ** 30) / BLOCK_SIZE;
  const groups = Math.ceil(maxPfn / GROUP);
  const holeGroups = Math.max(0, Math.min(HOLE_END, maxPfn) - HOLE_START) / GROUP;
  const k = Math.max(1, Math.min(GROUP, Math.round(wantDumped / (groups - holeGroups))));
  let dumped = 0;
  for (let g = 0; g < groups; g++) dumped += Math.min(dumpedIn(g * GROUP, k), maxPfn - g * GROUP);

  const vmcoreinfo = new TextEncoder().encode(`OSRELEASE=6.1.0-scale\nPAGESIZE=${BLOCK_SIZE}\nNUMBER(phys_base)=0\nSYMBOL(init_task)=ffffffff8200aa40\n`);
  const notes = [prstatus(0), prstatus(1)].map((p) => note("CORE", 1, p));
  const notesBefore = notes.reduce((n, p) => n + p.length, 0);
  notes.push(note("VMCOREINFO", 0, vmcoreinfo));
  const noteBytes = notes.reduce((n, p) => n + p.length, 0);
  const noteOffset = BLOCK_SIZE + SUB_HEADER_SIZE;
  const vmcoreinfoOffset = noteOffset + notesBefore + 12 + 12; // name "VMCOREINFO\0" padded to 12
  const subHdrSize = Math.ceil((SUB_HEADER_SIZE + noteBytes) / BLOCK_SIZE);
  const oneBitmap = Math.ceil(maxPfn / 8 / BLOCK_SIZE);
  const bitmap1Offset = (1 + subHdrSize) * BLOCK_SIZE;
  const dataOffset = bitmap1Offset + 2 * oneBitmap * BLOCK_SIZE;
  const zeroPageOffset = dataOffset + dumped * PAGE_DESC_SIZE;
  const dataPageOffset = zeroPageOffset + BLOCK_SIZE;

  const fd = openSync(path, "w");
  try {
    const head = new Uint8Array(bitmap1Offset);
    const v = new DataView(head.buffer);
    head.set(new TextEncoder().encode("KDUMP   "), 0);
    v.setInt32(0x08, 6, true); // header_version
    ["Linux", "scale", "6.1.0-scale", "#1 SMP", "x86_64", "(none)"].forEach((s, i) => head.set(new TextEncoder().encode(s), 0x0c + i * 65));
    v.setBigInt64(0x198, 1_700_000_000n, true); // timestamp.tv_sec
    v.setUint32(0x1a8, 0x2, true); // status: DUMP_DH_COMPRESSED_LZO
    v.setInt32(0x1ac, BLOCK_SIZE, true);
    v.setInt32(0x1b0, subHdrSize, true);
    v.setUint32(0x1b4, 2 * oneBitmap, true); // bitmap_blocks
    v.setUint32(0x1b8, Math.min(maxPfn, 0xffffffff), true); // max_mapnr (32-bit)
    v.setInt32(0x1cc, CPUS, true); // nr_cpus
    const s = BLOCK_SIZE; // kdump_sub_header
    v.setInt32(s + 0x08, 31, true); // dump_level
    v.setBigUint64(s + 0x20, BigInt(vmcoreinfoOffset), true);
    v.setBigUint64(s + 0x28, BigInt(vmcoreinfo.length), true);
    v.setBigUint64(s + 0x30, BigInt(noteOffset), true);
    v.setBigUint64(s + 0x38, BigInt(noteBytes), true);
    v.setBigUint64(s + 0x58, BigInt(maxPfn), true); // end_pfn_64
    v.setBigUint64(s + 0x60, BigInt(maxPfn), true); // max_mapnr_64
    let at = noteOffset;
    for (const n of notes) {
      head.set(n, at);
      at += n.length;
    }
    writeSync(fd, head);

    // 1st bitmap (in memory), then 2nd (dumped).
    const memory = new Uint8Array(oneBitmap * BLOCK_SIZE);
    const dump = new Uint8Array(oneBitmap * BLOCK_SIZE);
    memory.fill(0xff, 0, Math.floor(maxPfn / 8));
    for (let pfn = Math.floor(maxPfn / 8) * 8; pfn < maxPfn; pfn++) memory[pfn >> 3]! |= 1 << (pfn & 7);
    memory.fill(0, HOLE_START / 8, Math.min(HOLE_END, maxPfn) / 8);
    for (let g = 0; g < groups; g++) {
      const first = g * GROUP;
      const n = Math.min(dumpedIn(first, k), maxPfn - first);
      dump.fill(0xff, first / 8, (first + n) >> 3);
      for (let pfn = first + ((n >> 3) << 3); pfn < first + n; pfn++) dump[pfn >> 3]! |= 1 << (pfn & 7);
    }
    writeSync(fd, memory);
    writeSync(fd, dump);

    // page_desc[]: every 4th dumped page is the shared zero page, the rest the shared data page.
    const batch = new Uint8Array(DESCS_PER_WRITE * PAGE_DESC_SIZE);
    const dv = new DataView(batch.buffer);
    for (let i = 0; i < dumped; i += DESCS_PER_WRITE) {
      const n = Math.min(DESCS_PER_WRITE, dumped - i);
      for (let j = 0; j < n; j++) {
        const o = j * PAGE_DESC_SIZE;
        const zero = (i + j) % 4 === 3;
        dv.setBigUint64(o, BigInt(zero ? zeroPageOffset : dataPageOffset), true); // page_desc.offset
        dv.setUint32(o + 8, BLOCK_SIZE, true); // page_desc.size
        dv.setUint32(o + 12, 0, true); // page_desc.flags: stored raw
        dv.setBigUint64(o + 16, 0n, true); // page_desc.page_flags
      }
      writeSync(fd, batch.subarray(0, n * PAGE_DESC_SIZE));
    }
    writeSync(fd, new Uint8Array(BLOCK_SIZE));
    const page = new Uint8Array(BLOCK_SIZE);
    for (let i = 0; i < BLOCK_SIZE; i++) page[i] = (i * 31 + 7) & 0xff;
    writeSync(fd, page);
  } finally {
    closeSync(fd);
  }
  return { path, maxPfn, dumped, fileBytes: dataPageOffset + BLOCK_SIZE, dataPfn: 0 };
}

if (process.argv[1] && /scale-dump\.ts$/.test(process.argv[1])) {
  const [out, gib, pages] = process.argv.slice(2);
  if (!out || !gib || !pages) {
    process.stderr.write("usage: npx tsx test/bench/scale-dump.ts OUT MEMORY_GIB DUMPED_PAGES\n");
    process.exit(2);
  }
  const d = writeScaleDump(out, Number(gib), Number(pages));
  process.stdout.write(`${out}: ${gib} GiB of address space (${d.maxPfn} pfns), ${d.dumped} pages dumped, ${d.fileBytes} bytes\n`);
}
