// The ELF reader and ElfVmcore on the real fixtures: dump.elf (makedumpfile -E -d 31), the debug vmlinux and
// the rootkit module. Expected values: ../shared/fixtures/README.md, manifest.json, reference/libkdumpfile.
import { sha256 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { ElfFile, ET_EXEC, ET_REL, STB_GLOBAL, STT_FUNC, STT_OBJECT } from "../../../src/core/dump/elf";
import { ElfVmcore } from "../../../src/core/dump/elf-vmcore";
import { ExcludedPageError } from "../../../src/core/io/errors";
import { fixture, haveFixtures, manifest, reference } from "../../fixtures";

const ZERO_PAGE_SHA256 = "ad7facb2586fc6e966c004d7d1d16b024f5805ff7cb47c7a85dabd8b48892ca7";

describe.skipIf(!haveFixtures("dump.elf", "manifest.json"))("ElfVmcore on dump.elf", () => {
  const dump = () => ElfVmcore.open(new NodeFileSource("dump.elf", fixture("dump.elf")!));

  it("reads VMCOREINFO and the 4 CPUs' PRSTATUS", () => {
    const d = dump();
    const m = manifest();
    expect(d.vmcoreinfo?.osrelease).toBe("6.1.0-50-cloud-amd64");
    expect(d.vmcoreinfo?.osrelease).toBe(m.kernel.osrelease);
    expect(d.vmcoreinfo?.buildId).toBe("bb603a9147d3efe4744bf83c83eee397c591cc20");
    expect(d.vmcoreinfo?.kernelOffset).toBe(0x1ea00000n);
    expect(d.cpus).toHaveLength(4);
    expect(d.cpus.length).toBe(m.machine.cpus);
    // The panic task ran on CPU 0 (reference/bt.txt).
    expect(d.cpus[m.panic.cpu]!.pid).toBe(m.panic.pid);
    expect(d.format).toMatchObject({ kind: "elf", description: "ELF64 core (makedumpfile -E, filtered)" });
    expect(d.format.details).toMatchObject({ phnum: 21, loads: 20, filtered: true });
  });

  it("counts memory over unique physical ranges; max pfn agrees with the kdump header's max_mapnr", () => {
    const d = dump();
    expect(d.memoryRanges).toEqual([
      { start: 0x1000, end: 0x9fc00 },
      { start: 0x100000, end: 0x22000000 }, // the five kernel-text PT_LOADs alias ranges inside this one
      { start: 0x2e000000, end: 0x2ffdd000 }, // 0x22000000-0x2e000000: the crashkernel reservation
    ]);
    expect(d.maxPfn).toBe(196573);
    const stats = d.pageStats();
    expect(stats.present + stats.excluded).toBe(159 + 139008 + 8157);
    expect(stats.byCompression).toEqual({ none: stats.present });
  });

  it("a long read gives the bytes page by page; an excluded page in it fails the read, or reads as zeros when asked", () => {
    const d = dump();
    const pages = (from: number, n: number) => {
      const out = new Uint8Array(n * 4096);
      for (let k = 0; k < n; k++) out.set(d.readPage(from + k), k * 4096);
      return out;
    };
    expect(Buffer.compare(d.readPhys(0x2000 * 4096 + 10, 100 * 4096), pages(0x2000, 101).subarray(10, 10 + 100 * 4096))).toBe(0);
    // pfn 0x9f is filtered (makedumpfile -d 31), 0x80-0x9e are present: a short read and a long one.
    for (const pages of [2, 32]) {
      const from = (0x9f - pages + 1) * 4096;
      expect(() => d.readPhys(from, pages * 4096)).toThrow(/physical address 0x9f000: page excluded/);
      const filled = d.readPhys(from, pages * 4096, { zeroFill: true });
      expect(Buffer.compare(filled.subarray((pages - 2) * 4096, (pages - 1) * 4096), d.readPage(0x9e))).toBe(0);
      expect(filled.subarray((pages - 1) * 4096).every((b) => b === 0)).toBe(true);
    }
  });

  it("gives the pages libkdumpfile hashed (reference/libkdumpfile/pages-dump.elf.txt)", async () => {
    const d = dump();
    const lines = reference("libkdumpfile/pages-dump.elf.txt").split("\n").filter((l) => /^0x/.test(l));
    expect(lines.length).toBe(5);
    for (const line of lines) {
      const [addrText, ...rest] = line.split(" ");
      const addr = Number(addrText);
      const pfn = addr / d.pageSize;
      if (rest.join(" ") === "error: Page not found") {
        expect(d.pageState(pfn)).toBe("excluded");
        expect(() => d.readPage(pfn)).toThrow(ExcludedPageError);
        expect(await sha256(d.readPhys(addr, d.pageSize, { zeroFill: true }))).toBe(ZERO_PAGE_SHA256);
      } else {
        expect(d.pageState(pfn)).toBe("present");
        expect(await sha256(d.readPage(pfn)), addrText).toBe(rest[0]);
      }
    }
    expect(await sha256(d.readPage(0x2001a000 / 4096))).toBe("f84024307883a16cd941db929c622ef12e2cb7b5afaa3b7d10777ced7d2530be");
  });

  it("reads linux_banner at its physical address (reference/rd-p-64-linux_banner)", () => {
    const text = new TextDecoder("latin1").decode(dump().readPhys(0x1f71fa00, 14));
    expect(text).toBe("Linux version ");
  });
});

describe.skipIf(!haveFixtures("vmlinux"))("ElfFile on the vmlinux", () => {
  if (!haveFixtures("vmlinux")) return; // skipped: nothing to open while collecting
  const elf = ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!));

  it("lists its sections without reading them", () => {
    expect(elf.header).toMatchObject({ type: ET_EXEC, machine: 62, littleEndian: true });
    for (const name of [".text", ".BTF", ".debug_info", ".debug_abbrev", ".debug_str", ".debug_line", ".debug_aranges", ".symtab", ".strtab", ".orc_unwind", ".orc_unwind_ip", ".rela.debug_info"]) {
      expect(elf.sectionHeader(name), name).toBeDefined();
    }
    expect(elf.sectionHeader(".debug_names")).toBeUndefined();
    expect(elf.sectionHeader(".debug_info")!.size).toBeGreaterThan(150 * 2 ** 20);
    const btf = elf.section(".BTF")!;
    expect(Array.from(btf.read(0, 2))).toEqual([0x9f, 0xeb]); // BTF_MAGIC 0xeb9f, little-endian
  });

  it("has the build id of the dump's kernel", () => {
    expect(elf.buildId()).toBe("bb603a9147d3efe4744bf83c83eee397c591cc20");
  });

  it("parses the ~118,800 symbols; init_task sits at the dump's address minus the KASLR offset", () => {
    const t = elf.symbols()!;
    expect(t.count).toBe(118811);
    const initTask = t.lookup("init_task")!;
    // reference: init_task ffffffffa141aa40 in the dump, KASLR offset 0x1ea00000.
    expect(initTask.value).toBe(0xffffffffa141aa40n - 0x1ea00000n);
    expect(initTask).toMatchObject({ value: 0xffffffff82a1aa40n, size: 9728n, type: STT_OBJECT, bind: STB_GLOBAL });
    expect(t.lookup("linux_banner")!.value).toBe(0xffffffffa0b1fa00n - 0x1ea00000n);
    expect(t.lookup("crash_kexec")?.type).toBe(STT_FUNC);
  });
});

describe.skipIf(!haveFixtures("mzoneinfo.ko"))("ElfFile on mzoneinfo.ko (ET_REL)", () => {
  if (!haveFixtures("mzoneinfo.ko")) return; // skipped: nothing to open while collecting
  const elf = ElfFile.open(new NodeFileSource("mzoneinfo.ko", fixture("mzoneinfo.ko")!));

  it("reads sections, build id and symbols of the module", () => {
    expect(elf.header.type).toBe(ET_REL);
    expect(elf.programHeaders).toEqual([]);
    expect(elf.sections).toHaveLength(52);
    expect(elf.sectionHeader(".gnu.linkonce.this_module")).toBeDefined();
    expect(elf.sectionHeader(".debug_info")).toBeDefined();
    expect(elf.sectionHeader(".BTF")).toBeUndefined();
    expect(elf.buildId()).toBe("60050db69c68dd652ceb2e6cf86ed7c4b4431f3b");
    expect(elf.notes().filter((n) => n.name === "Linux")).toHaveLength(2);
    const t = elf.symbols()!;
    expect(t.count).toBe(69);
    expect(t.lookup("mz_getdents_pre")).toMatchObject({ value: 0n, size: 119n, type: STT_FUNC, shndx: 3 });
    expect(t.lookup("init_module")).toMatchObject({ size: 97n, bind: STB_GLOBAL, shndx: 5 });
  });
});
