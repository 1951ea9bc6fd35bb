// A separate debug file, as distributions ship it under /usr/lib/debug/.build-id: `objcopy --only-keep-debug`
// of the fixture's vmlinux, made here in a temporary folder. Its code, data, .BTF and ORC sections are
// SHT_NOBITS: code and data come from the dump, types from the kernel's BTF in memory and DWARF. It gives the
// same outputs as the full vmlinux; and the in-code equivalent the golden "debug-file" run uses
// (test/fixtures/only-keep-debug.ts) empties exactly the sections objcopy empties.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { IcedDecoder } from "../../../src/cli/iced-decoder";
import { ElfFile } from "../../../src/core/dump/elf";
import { Session } from "../../../src/core/session/session";
import { fixture, haveFixtures, inCI } from "../../fixtures";
import { OnlyKeepDebugSource } from "../../fixtures/only-keep-debug";

const objcopy = spawnSync("objcopy", ["--version"]).status === 0;
if (!objcopy) {
  if (inCI) throw new Error("objcopy (binutils) is needed for the --only-keep-debug test");
  process.stderr.write("SKIP: objcopy not found (apt-get install binutils): the --only-keep-debug test is skipped\n");
}
const tmp = mkdtempSync(join(tmpdir(), "kdw-keep-debug-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const COMMANDS = ["sys", "ps", "bt", "bt -a", "log", "mod", "files 324", "net", "mount", "kmem -i", "task 304", "struct task_struct.pid,comm ffffffffa141aa40", "sym init_task", "dis -l ffffffff9fb64067 4", "p jiffies", "whatis max_threads"];

describe.skipIf(!objcopy || !haveFixtures("dump.lzo", "vmlinux"))("objcopy --only-keep-debug of the vmlinux", () => {
  const debugFile = join(tmp, "vmlinux.debug");
  const made = () => {
    const r = spawnSync("objcopy", ["--only-keep-debug", fixture("vmlinux")!, debugFile]);
    expect(r.status, r.stderr?.toString()).toBe(0);
  };

  it("empties the same sections as the in-code equivalent, and gives the full vmlinux's outputs", () => {
    made();
    const real = ElfFile.open(new NodeFileSource(debugFile));
    const full = ElfFile.open(new NodeFileSource(fixture("vmlinux")!));
    const equivalent = ElfFile.open(new OnlyKeepDebugSource(new NodeFileSource(fixture("vmlinux")!)));
    expect(real.sections.map((s) => `${s.name}:${s.type}`)).toEqual(equivalent.sections.map((s) => `${s.name}:${s.type}`));
    expect(real.sections.filter((s) => s.type === 8).length).toBeGreaterThan(full.sections.filter((s) => s.type === 8).length + 30);
    expect(real.buildId()).toBe(full.buildId());

    const name = "vmlinux-6.1.0-50-cloud-amd64";
    const open = (path: string) => Session.open(new NodeFileSource("dump.lzo", fixture("dump.lzo")!), new NodeFileSource(name, path), { vmlinuxName: name, decoder: new IcedDecoder() });
    const withDebug = open(debugFile);
    const withFull = open(fixture("vmlinux")!);
    expect(withDebug.kernel.sources).toEqual({ symbols: `${name} .symtab`, types: `BTF in memory (${name} is a separate debug file (.BTF is empty)), then DWARF`, orc: "memory", dwarf: true });
    for (const c of COMMANDS) {
      const a = withDebug.run(c);
      const b = withFull.run(c);
      expect([a.text, a.errors], c).toEqual([b.text, b.errors]);
    }
  });

  it("with its DWARF compressed (--compress-debug-sections=zlib), the console gives the plain vmlinux's answers", () => {
    // Inflated by fflate, which the CLI's core bundle requires from node_modules on first use
    // (scripts/build-cli.mjs, lazyFflate): this runs the command as installed, not the sources.
    const zdebug = join(tmp, "vmlinux.zdebug");
    const r = spawnSync("objcopy", ["--only-keep-debug", "--compress-debug-sections=zlib", fixture("vmlinux")!, zdebug]);
    expect(r.status, r.stderr?.toString()).toBe(0);
    expect(ElfFile.open(new NodeFileSource(zdebug)).sectionHeader(".debug_info")!.flags & 0x800).toBe(0x800); // SHF_COMPRESSED
    const kdw = (vmlinux: string) => spawnSync(process.execPath, [join(__dirname, "../../../bin/kdw.cjs"), vmlinux, fixture("dump.lzo")!, "-c", "p jiffies; whatis max_threads; sym init_task"], { encoding: "latin1", timeout: 300_000 });
    const compressed = kdw(zdebug);
    const plain = kdw(fixture("vmlinux")!);
    expect(compressed.status, compressed.stderr).toBe(0);
    expect(compressed.stdout).toBe(plain.stdout);
    expect(compressed.stdout).toContain("int max_threads;");
  });
});
