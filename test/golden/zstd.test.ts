// dump.zstd: a real zstd kdump-compressed dump, written by makedumpfile 1.7.6 from dump.elf (fixtures README).
// It holds the same memory as dump.elf page by page, and every reference command gives on it what it gives
// on dump.lzo, the dump crash's references were made from: so it passes every golden test dump.lzo passes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { IcedDecoder } from "../../src/cli/iced-decoder";
import { openDump } from "../../src/core/dump/open";
import { Session } from "../../src/core/session/session";
import { fixture, haveFixtures, reference } from "../fixtures";
import { normalize } from "../session-fixture";

const EXTRA = join(__dirname, "extra-reference");

describe.skipIf(!haveFixtures("dump.zstd", "dump.elf", "dump.lzo", "vmlinux"))("dump.zstd", () => {
  it("agrees with dump.elf page by page: every page it holds, dump.elf holds with the same bytes", () => {
    const zstd = openDump(new NodeFileSource("dump.zstd", fixture("dump.zstd")!));
    const elf = openDump(new NodeFileSource("dump.elf", fixture("dump.elf")!));
    const lzo = openDump(new NodeFileSource("dump.lzo", fixture("dump.lzo")!));
    expect(zstd.format.description).toBe("kdump-compressed (diskdump) version 6");
    expect(Object.keys(zstd.pageStats().byCompression).sort()).toEqual(["none", "zero", "zstd"]);
    const states = new Map<string, number>();
    let both = 0;
    expect(zstd.maxPfn).toBe(elf.maxPfn);
    for (let pfn = 0; pfn < zstd.maxPfn; pfn++) {
      const a = zstd.pageState(pfn);
      const b = elf.pageState(pfn);
      states.set(`${a}/${b}`, (states.get(`${a}/${b}`) ?? 0) + 1);
      // Where the two differ, the kdump-compressed form makedumpfile wrote on the capture machine differs too:
      // the same filter passes as dump.lzo (variants-agree.test.ts counts them).
      if (a !== b) expect([pfn.toString(16), lzo.pageState(pfn)]).toEqual([pfn.toString(16), a]);
      if (a !== "present" || b !== "present") continue;
      both++;
      const x = zstd.readPage(pfn);
      const y = elf.readPage(pfn);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) expect.fail(`pfn ${pfn.toString(16)}: byte ${i} differs`);
    }
    expect(both).toBe(19_260);
    // Every page dump.zstd holds, dump.elf holds; 688 pages dump.elf keeps are filtered here as in dump.lzo,
    // and the one page of the ELF's memory map the kdump-compressed forms do not describe is absent here too.
    expect(Object.fromEntries(states)).toEqual({ "present/present": 19_260, "excluded/present": 688, "excluded/excluded": 127_375, "absent/excluded": 1, "absent/absent": 49_249 });
  });

  it("every reference command gives what it gives on dump.lzo (so the golden tests dump.lzo passes hold on dump.zstd)", () => {
    const open = (v: string) => Session.open(new NodeFileSource("dump", fixture(`dump.${v}`)!), new NodeFileSource("vmlinux-6.1.0-50-cloud-amd64", fixture("vmlinux")!), { decoder: new IcedDecoder() });
    const lzo = open("lzo");
    const zstd = open("zstd");
    const commands = reference("commands.resolved.txt").trim().split("\n").map((l) => l.split("|")[1]!);
    expect(commands.length).toBeGreaterThan(50);
    for (const c of commands) {
      const a = lzo.run(c);
      const b = zstd.run(c);
      expect([b.text, b.errors], c).toEqual([a.text, a.errors]);
    }
  });

  it("sys equals crash's, except crash's TASKS: crash drops a task whose task_struct ends in a page dump.zstd excludes", () => {
    const s = Session.open(new NodeFileSource("dump.zstd", fixture("dump.zstd")!), new NodeFileSource("vmlinux-6.1.0-50-cloud-amd64", fixture("vmlinux")!), { dumpName: "dump.zstd" });
    const crash = readFileSync(join(EXTRA, "sys-zstd.txt"), "latin1");
    // crash 8.0.6 on dump.zstd (make-crash-references.sh with the dump given): "page excluded: kernel virtual
    // address: ff16e68320ffe000 type: fill_task_struct", and TASKS: 109. The page is a zero page that
    // makedumpfile left out (dump.elf leaves it in a filtered tail, which crash reads as zeros there, so it
    // counts 110 on dump.elf). crash reads whole task_structs; kdw reads the members it needs, all in present
    // pages, and lists the task (pid 49, tpm_dev_wq) as crash does on every other variant.
    const [warning, ...summary] = crash.split("\n");
    expect(warning).toBe('crash-8.0.6: page excluded: kernel virtual address: ff16e68320ffe000  type: "fill_task_struct"');
    expect(summary.join("\n")).toContain("TASKS: 109");
    expect(normalize(s.run("sys").text)).toBe(normalize(summary.join("\n").replace("TASKS: 109", "TASKS: 110")));
    expect(s.run("ps 49").text.split("\n")[1]).toMatch(/^ +49 +2 +2 +ff16e68320ffc180 +ID .* \[tpm_dev_wq\]$/);
  });
});
