// The kdw command as a user runs it: output, exit status, and one-line errors (never a stack trace).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixture, haveFixtures, manifest, reference } from "../../fixtures";
import { normalize } from "../../session-fixture";

const KDW = join(__dirname, "../../../bin/kdw.cjs");
const tmp = mkdtempSync(join(tmpdir(), "kdw-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function kdw(...args: string[]) {
  const r = spawnSync(process.execPath, [KDW, ...args], { encoding: "latin1" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A one-line error: exactly one line on stderr, starting "kdw: ", no stack frames. */
function expectOneLineError(r: { status: number | null; stderr: string }, ...mustMention: string[]) {
  expect(r.status).not.toBe(0);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^kdw: /);
  // kdw's own errors, known as such by the entry whichever bundle threw them (errors.ts, isKdwError).
  expect(lines[0]).not.toMatch(/internal error/);
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const m of mustMention) expect(lines[0]).toContain(m);
}

describe("kdw usage errors", () => {
  it("an unknown command and a missing file are one-line errors", () => {
    expect(kdw("frobnicate").status).toBe(2);
    // A usage error thrown by a subcommand's own module (read.mjs) is one too.
    const bad = kdw("read", join(tmp, "nope.vmcore"), "--frobnicate");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^kdw: .*frobnicate/);
    expect(bad.stderr).toContain("kdw read --help");
    expectOneLineError(kdw("info", join(tmp, "nope.vmcore")), "nope.vmcore");
  });
  it("a file that is not a dump names the file and the offset", () => {
    const p = join(tmp, "notes.txt");
    writeFileSync(p, "hello, this is not a vmcore\n");
    expectOneLineError(kdw("info", p), "notes.txt", "offset 0x0");
    const empty = join(tmp, "empty");
    writeFileSync(empty, "");
    expectOneLineError(kdw("info", empty), "empty");
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "dump.zlib", "dump.flat", "dump.elf", "dump.zstd"))("kdw info and read on the fixtures", () => {
  const m = haveFixtures("manifest.json") ? manifest() : undefined;
  for (const v of ["lzo", "zlib", "flat", "elf", "zstd"]) {
    it(`info --json on dump.${v} reports the manifest's release, build id, KASLR offset and CPUs`, () => {
      const r = kdw("info", "--json", fixture(`dump.${v}`)!);
      expect(r.status).toBe(0);
      const info = JSON.parse(r.stdout);
      expect(info.vmcoreinfo["OSRELEASE"]).toBe(m!.kernel.osrelease);
      expect(info.vmcoreinfo["BUILD-ID"]).toBe(m!.kernel.build_id);
      expect(info.vmcoreinfo["KERNELOFFSET"]).toBe(m!.kernel.kernel_offset);
      expect(info.cpus).toBe(m!.machine.cpus);
      // The kernel's RAM, crashkernel reservation included, as crash's MEMORY line and the manifest give it.
      expect(info.systemRam).toBe(m!.machine.memory);
      expect(info.pageSize).toBe(4096);
      expect(info.pagesPresent).toBeGreaterThan(10_000);
    });
  }
  it("the variants agree on VMCOREINFO entry by entry", () => {
    const all = ["lzo", "zlib", "flat", "elf"].map((v) => JSON.parse(kdw("info", "--json", fixture(`dump.${v}`)!).stdout).vmcoreinfo);
    for (const other of all.slice(1)) expect(other).toEqual(all[0]);
  });
  it("read --phys prints what crash's rd -p -64 printed", () => {
    const banner = kdw("read", fixture("dump.lzo")!, "--phys", "1f71fa00", "--count", "16");
    expect(banner.status).toBe(0);
    expect(normalize(banner.stdout)).toBe(normalize(reference("rd-p-64-init_task.txt").length ? reference("rd-p-64-linux_banner.txt") : ""));
    const task = kdw("read", fixture("dump.elf")!, "--phys", "0x2001aa40", "--length", "64");
    expect(normalize(task.stdout)).toBe(normalize(reference("rd-p-64-init_task.txt")));
  });
  it("read of an excluded page is a one-line error naming the file and the address", () => {
    // dump.elf leaves 0x100000 in a PT_LOAD tail that makedumpfile -E filtered out.
    expectOneLineError(kdw("read", fixture("dump.elf")!, "--phys", "100000"), "dump.elf", "0x100000", "excluded");
  });
  it("info on a copy cut short says so and still describes the dump", () => {
    const cut = join(tmp, "cut.lzo");
    writeFileSync(cut, readFileSync(fixture("dump.lzo")!).subarray(0, 10_000_000));
    const r = kdw("info", "--json", cut);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.format).toMatch(/file cut short/);
    expect(info.details.truncated).toBe(true);
    expect(info.pagesPresent).toBeGreaterThan(1000);
    expect(info.pagesPresent).toBeLessThan(20093);
  });
  it("read of a zero page stored through the shared zero page prints zeros", () => {
    const r = kdw("read", fixture("dump.lzo")!, "--phys", "100000", "--count", "2");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("          100000:  0000000000000000 0000000000000000   ................\n");
  });
  it("info --hash gives the file's SHA-256 as the manifest records it", () => {
    const files = JSON.parse(readFileSync(fixture("manifest.json")!, "utf8")).files as { path: string; sha256: string }[];
    const want = files.find((f) => f.path === "dump.zlib")!.sha256;
    const r = kdw("info", "--hash", "--json", fixture("dump.zlib")!);
    expect(JSON.parse(r.stdout).sha256).toBe(want);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("kdw console scripts", () => {
  it("runs every -c given, in order, each split at its semicolons", () => {
    const r = kdw("console", fixture("vmlinux")!, fixture("dump.lzo")!, "-c", "sym init_task", "-c", "sym jiffies; sym nr_threads");
    expect(r.status).toBe(0);
    const names = r.stdout.split("\n").filter((l) => / \([A-Za-z]\) /.test(l)).map((l) => l.split(" ").pop());
    expect(names).toEqual(["init_task", "jiffies", "nr_threads"]);
    // Each command echoed after the prompt, as a script of several is.
    expect(r.stdout.match(/^kdw> sym /gm)).toHaveLength(3);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("kdw's output when the reader is slow", () => {
  it("a console script's output through a pipe read late arrives whole, as into a file (the command ends by process.exit)", () => {
    const run = (tail: string) => spawnSync("sh", ["-c", `"${process.execPath}" "$@" ${tail}`, "sh", KDW, fixture("vmlinux")!, fixture("dump.lzo")!, "-c", "foreach bt; log"], { encoding: "latin1", maxBuffer: 1 << 26 });
    const file = join(tmp, "out.txt");
    expect(run(`> "${file}"`).status).toBe(0);
    const expected = readFileSync(file, "latin1");
    expect(expected.length).toBeGreaterThan(64 << 10); // more than a pipe holds: kdw waits on the reader
    const late = run("| (sleep 1; cat)");
    expect(late.status).toBe(0);
    expect(late.stdout).toBe(expected);
  });
});
