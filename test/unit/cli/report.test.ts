// `kdw report` as a user runs it, before any analysis: what it refuses (no -o, writing onto or beside the
// evidence, a folder that does not exist), each as one line and nothing written. The report itself is
// tested on the fixture in test/ui/report.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const KDW = join(__dirname, "../../../bin/kdw.cjs");
const tmp = mkdtempSync(join(tmpdir(), "kdw-report-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Two files that pass the sniffing (a kdump-compressed signature, an ELF executable header): what the
// refusals look at before anything is opened.
const evidence = join(tmp, "evidence");
mkdirSync(evidence);
const dump = join(evidence, "dump");
const vmlinux = join(evidence, "vmlinux");
writeFileSync(dump, Buffer.concat([Buffer.from("KDUMP   "), Buffer.alloc(4088)]));
const elf = Buffer.alloc(64);
elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
elf.writeUInt16LE(2, 16); // ET_EXEC
writeFileSync(vmlinux, elf);
const out = join(tmp, "out");
mkdirSync(out);

function kdw(...args: string[]) {
  const r = spawnSync(process.execPath, [KDW, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: { status: number | null; stderr: string }, status: number, ...mention: string[]) {
  expect(r.status).toBe(status);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^kdw: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const m of mention) expect(lines[0]).toContain(m);
}

describe("kdw report refuses before reading anything", () => {
  it("needs -o", () => {
    oneLine(kdw("report", vmlinux, dump), 2, "-o FILE is required");
  });

  it("never writes onto an evidence file or into its folder (report, JSON and their .sha256)", () => {
    oneLine(kdw("report", vmlinux, dump, "-o", dump), 1, "is an evidence file");
    oneLine(kdw("report", vmlinux, dump, "-o", join(evidence, "report.html")), 1, "evidence folder");
    oneLine(kdw("report", vmlinux, dump, "-o", join(out, "r.html"), "--json", join(evidence, "r.json")), 1, "evidence folder");
    expect(readdirSync(evidence).sort()).toEqual(["dump", "vmlinux"]);
    expect(readdirSync(out)).toEqual([]);
  });

  it("names a folder that does not exist, and -o and --json naming one file", () => {
    oneLine(kdw("report", vmlinux, dump, "-o", join(tmp, "nowhere", "r.html")), 1, "no such folder");
    oneLine(kdw("report", vmlinux, dump, "-o", join(out, "r.html"), "--json", join(out, "r.html")), 2, "the same file");
    expect(existsSync(join(out, "r.html"))).toBe(false);
  });

  it("names a notes file that is missing", () => {
    oneLine(kdw("report", vmlinux, dump, "-o", join(out, "r.html"), "--notes", join(tmp, "no-notes.txt")), 1, "no-notes.txt");
  });

  it("a dump it cannot read is one line naming the file and the offset, and nothing is written", () => {
    oneLine(kdw("report", vmlinux, dump, "-o", join(out, "r.html")), 1, "dump", "offset 0x");
    expect(readdirSync(out)).toEqual([]);
  });

  it("lists report in its usage", () => {
    expect(kdw("--help").stdout).toContain("kdw report [VMLINUX] DUMP -o report.html");
  });
});
