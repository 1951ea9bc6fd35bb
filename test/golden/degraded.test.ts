// Damaged dumps open in a degraded mode (test/fixtures/damaged-dumps.ts makes them over the fixtures without
// writing anything): the page holding page_offset_base, vmalloc_base and vmemmap_base excluded, and the files
// cut at 25, 50 and 75% of their size. What the dump still holds is answered as crash answers it on the whole
// dump; what is lost is marked.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../src/cli/node-file-source";
import type { ByteSource } from "../../src/core/io/byte-source";
import { MissingDebugInfo } from "../../src/core/io/errors";
import { Session } from "../../src/core/session/session";
import { cutShort, elfFileOffsets, excludeFromDiskdump, excludeFromElf, OverlaySource } from "../fixtures/damaged-dumps";
import { fixture, haveFixtures, reference } from "../fixtures";
import { normalize } from "../session-fixture";

const VMLINUX_NAME = "vmlinux-6.1.0-50-cloud-amd64";
/** Physical address of page_offset_base on the fixture (vmalloc_base and vmemmap_base share its page). */
const PAGE_OFFSET_BASE_PHYS = 0x1f996960;

function open(dump: ByteSource, withVmlinux: boolean, dumpName = "dump.lzo"): Session {
  return Session.open(dump, withVmlinux ? new NodeFileSource(VMLINUX_NAME, fixture("vmlinux")!) : undefined, { vmlinuxName: withVmlinux ? VMLINUX_NAME : undefined, dumpName });
}

/** crash's line, or ours marking that the value is lost or came from the dump's headers. */
function expectLineOrMarked(ours: string, theirs: string, what: string): void {
  if (ours === theirs) return;
  expect(ours, what).toMatch(/\(lost: |\[from |\(incomplete, |\[TAINT lost: |\(Mhz lost: /);
  expect(ours.split(":")[0], what).toBe(theirs.split(":")[0]);
}

describe.skipIf(!haveFixtures("dump.lzo", "dump.elf", "dump.flat", "vmlinux"))("degraded dumps", () => {
  for (const variant of ["lzo", "elf"] as const) {
    for (const withVmlinux of [true, false]) {
      it(`dump.${variant} without the page holding page_offset_base, ${withVmlinux ? "with" : "without"} the vmlinux: the bases are derived, sys and ps are crash's`, () => {
        const source = new NodeFileSource(`dump.${variant}`, fixture(`dump.${variant}`)!);
        const damaged = variant === "elf" ? excludeFromElf(source, [PAGE_OFFSET_BASE_PHYS]) : excludeFromDiskdump(source, [PAGE_OFFSET_BASE_PHYS]);
        const s = open(damaged, withVmlinux, `dump.${variant}`);
        expect(s.dump.pageState(PAGE_OFFSET_BASE_PHYS >> 12)).toBe("excluded");
        const intact = open(new NodeFileSource(`dump.${variant}`, fixture(`dump.${variant}`)!), withVmlinux).kernel.addressSpace.layout;
        const l = s.kernel.addressSpace.layout;
        expect([l.pageOffsetBase, l.vmallocStart, l.vmemmapStart]).toEqual([intact.pageOffsetBase, intact.vmallocStart, intact.vmemmapStart]);
        expect(s.kernel.degraded).toEqual([
          `page_offset_base: virtual address ffffffffa0d96960: page: ${damaged.name}: physical address 0x1f996000: page excluded from the dump; derived from the page tables (SYMBOL(mem_section)): ${l.pageOffsetBase.toString(16)}`,
          `vmalloc_base: virtual address ffffffffa0d96958: page: ${damaged.name}: physical address 0x1f996000: page excluded from the dump; derived from VMCOREINFO's vmap_area_list (lowest vmap_area): ${l.vmallocStart.toString(16)}`,
          `vmemmap_base: virtual address ffffffffa0d96950: page: ${damaged.name}: physical address 0x1f996000: page excluded from the dump; derived from VMCOREINFO's mem_section (encoded mem_map): ${l.vmemmapStart.toString(16)}`,
        ]);
        const sys = s.run("sys");
        expect(sys.errors).toEqual([]);
        const kernelLine = (t: string) => t.replace(/KERNEL: \(no vmlinux: kallsyms and BTF from the dump\)/, `KERNEL: ${VMLINUX_NAME}`);
        expect(normalize(kernelLine(sys.text))).toBe(normalize(reference(`variants/sys-${variant}.txt`)));
        for (const [file, cmd] of [["ps", "ps"], ["ps-t", "ps -t"], ["kmem-i", "kmem -i"]]) {
          const r = s.run(cmd!);
          expect(r.errors, cmd).toEqual([]);
          expect(normalize(r.text), cmd).toBe(normalize(reference(`${file}.txt`)));
        }
      });
    }
  }

  for (const variant of ["lzo", "elf", "flat"] as const) {
    for (const fraction of [0.25, 0.5, 0.75]) {
      it(`dump.${variant} cut at ${fraction * 100}%: the console opens with the vmlinux; sys and ps answer what is there and mark what is lost`, () => {
        const cut = cutShort(new NodeFileSource(`dump.${variant}`, fixture(`dump.${variant}`)!), fraction);
        const s = open(cut, true);
        const sys = s.run("sys");
        expect(sys.errors).toEqual([]);
        const ours = normalize(sys.text).split("\n");
        const theirs = normalize(reference("sys.txt")).split("\n");
        expect(ours).toHaveLength(theirs.length);
        ours.forEach((line, i) => (i === 1 ? expect(line).toMatch(/^ DUMPFILE: dump\.lzo/) : expectLineOrMarked(line, theirs[i]!, `sys line ${i + 1}`)));
        // What VMCOREINFO, the CPU notes and (kdump formats) the header keep is never lost.
        for (const kept of ["CPUS: 4", "DATE: Thu Nov 26 03:41:41 UTC 2026", "RELEASE: 6.1.0-50-cloud-amd64"]) expect(ours.some((l) => l.trim().startsWith(kept)), kept).toBe(true);

        // ps: the rows it has are crash's rows, in crash's order; one error line says where the walk stopped.
        const ps = s.run("ps");
        const rows = normalize(ps.text).split("\n");
        const refRows = normalize(reference("ps.txt")).split("\n");
        expect(rows[0]).toBe(refRows[0]);
        let at = 1;
        for (const row of rows.slice(1)) {
          while (at < refRows.length && refRows[at] !== row) at++;
          expect(at < refRows.length, `ps row "${row}"`).toBe(true);
        }
        if (rows.length < refRows.length) expect(ps.errors.join("\n")).toMatch(/^ps: task list incomplete: .*(page lost: the dump is cut short|page excluded)/);
        else expect(ps.errors).toEqual([]);
      });
    }
  }

  it("cut short, with no vmlinux: the console opens while kallsyms and BTF are in the file; else one line says what is missing and what to give", () => {
    const outcomes: string[] = [];
    for (const variant of ["lzo", "elf"] as const) {
      for (const fraction of [0.25, 0.5, 0.75]) {
        const cut = cutShort(new NodeFileSource(`dump.${variant}`, fixture(`dump.${variant}`)!), fraction);
        try {
          const s = open(cut, false);
          expect(s.run("sys").text.split("\n")[0]).toMatch(/^ {6}KERNEL: \(no vmlinux: kallsyms and BTF from the dump\)/);
          expect(s.run("ps").text.split("\n")[1]).toMatch(/^>? +0 +0 +0 +ffffffffa141aa40 +RU .*\[swapper\/0\]$/);
          outcomes.push(`${variant} ${fraction}: opens`);
        } catch (err) {
          expect(err).toBeInstanceOf(MissingDebugInfo);
          const msg = (err as Error).message;
          expect(msg.split("\n")).toHaveLength(1);
          expect(msg).toMatch(/^no vmlinux, and the kernel's kallsyms cannot be read \(.*page lost: the dump is cut short \(never written\)\): give the debug vmlinux/);
          outcomes.push(`${variant} ${fraction}: kallsyms lost`);
        }
      }
    }
    // makedumpfile writes pages in physical order and the kernel image lies at 63% of memory; makedumpfile -E
    // writes the kernel text mapping's PT_LOADs first, so every cut of dump.elf keeps the image.
    expect(outcomes).toEqual(["lzo 0.25: kallsyms lost", "lzo 0.5: kallsyms lost", "lzo 0.75: opens", "elf 0.25: opens", "elf 0.5: opens", "elf 0.75: opens"]);
  });

  it("a kernel whose BTF cannot be used, with no vmlinux: one line names what is missing and what to give", () => {
    const source = new NodeFileSource("dump.elf", fixture("dump.elf")!);
    const start = open(source, false).kernel.symbolTable.lookup("__start_BTF")!.address;
    const phys = open(source, false).kernel.addressSpace.translate(start);
    // The BTF header's magic (0xeB9F) zeroed wherever the file holds that page.
    const damaged = new OverlaySource(source, elfFileOffsets(source, phys).map((offset) => ({ offset, bytes: new Uint8Array(2) })), "dump.elf (BTF magic zeroed)");
    let err: unknown;
    try {
      open(damaged, false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingDebugInfo);
    const msg = (err as Error).message;
    expect(msg.split("\n")).toHaveLength(1);
    expect(msg).toMatch(/^no vmlinux, and .*BTF.*: give the debug vmlinux \(kdw VMLINUX DUMP, or --debuginfo DIR \/ KDW_DEBUGINFO_PATH\)$/);
    // With the vmlinux, the same dump opens: its .BTF answers.
    expect(open(damaged, true).run("sys").errors).toEqual([]);
  });
});
