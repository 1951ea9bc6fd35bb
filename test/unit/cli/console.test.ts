// The console as a user meets it, through the real CLI (a spawned process): evidence is never written,
// a failed redirect does not stop the session, scripts can tell what happened, Ctrl-C cancels a command
// and not the session, and the wrong file is the one named.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, haveFixtures } from "../../fixtures";

const KDW = join(__dirname, "../../../bin/kdw.cjs");
const have = haveFixtures("dump.lzo", "vmlinux", "mzoneinfo.ko");

function kdw(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [KDW, ...args], { encoding: "latin1", cwd: options.cwd, input: options.input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

describe.skipIf(!have)("the console never writes evidence", () => {
  let dir: string;
  let evidence: string;
  let dump: string;
  let vmlinux: string;
  let before: string;
  let vmlinuxBefore: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kdw-console-"));
    // An evidence folder of our own: a copy of the dump, a hard link and a symlink to it.
    evidence = join(dir, "evidence");
    mkdirSync(evidence);
    dump = join(evidence, "dump.lzo");
    copyFileSync(fixture("dump.lzo")!, dump);
    linkSync(dump, join(evidence, "hardlink.lzo"));
    symlinkSync(dump, join(dir, "symlink.lzo"));
    vmlinux = fixture("vmlinux")!;
    before = sha(dump);
    vmlinuxBefore = sha(vmlinux);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a redirect onto the dump, the vmlinux, a hard link or a symlink to the dump, and goes on", () => {
    const targets = [dump, vmlinux, join(evidence, "hardlink.lzo"), join(dir, "symlink.lzo")];
    const r = kdw([vmlinux, dump, "-c", [...targets.map((t) => `sys -t > ${t}`), "sys -t"].join("; ")], { cwd: dir });
    expect(sha(dump)).toBe(before);
    expect(sha(vmlinux)).toBe(vmlinuxBefore);
    const refusals = r.stderr.split("\n").filter((l) => /evidence/.test(l));
    expect(refusals).toHaveLength(targets.length);
    // The last command still ran.
    expect(r.stdout).toMatch(/TAINTED_MASK: /);
    expect(r.status).toBe(1);
  });

  it("a shell pipe never writes the evidence either: its redirect goes through the guard, a command naming it is refused", () => {
    const targets = [dump, join(evidence, "hardlink.lzo"), join(dir, "symlink.lzo")];
    const lines = targets.flatMap((t) => [`sys -t | cat > ${t}`, `sys -t | cat >> ${t}`, `sys -t | tee ${t}`, `sys -t | dd of=${t}`]);
    const r = kdw([vmlinux, dump, "-c", [...lines, "sys -t | cat"].join("; ")], { cwd: dir });
    expect(sha(dump)).toBe(before);
    expect(r.stderr.split("\n").filter((l) => /evidence/.test(l))).toHaveLength(lines.length);
    expect(r.stdout).toMatch(/TAINTED_MASK: /);
    expect(r.status).toBe(1);
  });

  it("refuses to overwrite module debuginfo (any ELF object or vmcore), wherever it is", () => {
    const ko = join(dir, "mzoneinfo.ko");
    copyFileSync(fixture("mzoneinfo.ko")!, ko);
    const koBefore = sha(ko);
    const r = kdw([vmlinux, dump, "-c", `mod -s mzoneinfo ${ko}; sys -t > ${ko}; sys -t | cat >> ${ko}; sys -t`], { cwd: dir });
    expect(sha(ko)).toBe(koBefore);
    expect(r.stderr.split("\n").filter((l) => /ELF object or a vmcore/.test(l))).toHaveLength(2);
    expect(r.stdout).toMatch(/TAINTED_MASK: /);
  });

  it("refuses a new file in the evidence folder unless allowed", () => {
    const inside = join(evidence, "out.txt");
    const r = kdw([vmlinux, dump, "-c", `sys -t > ${inside}`]);
    expect(existsSync(inside)).toBe(false);
    expect(r.stderr).toMatch(/evidence folder/);
    const allowed = kdw([vmlinux, dump, "--allow-evidence-folder", "-c", `sys -t > ${inside}`]);
    expect(allowed.status).toBe(0);
    expect(readFileSync(inside, "latin1")).toMatch(/^TAINTED_MASK: /);
    rmSync(inside);
    expect(sha(dump)).toBe(before);
  });

  it("a failed redirect is one line and the next command runs", () => {
    const r = kdw([vmlinux, dump, "-c", `log > ${join(dir, "nosuchdir", "x")}; log > ${dir}; sys -t`]);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^kdw: unable to open .*nosuchdir.*: no such file or directory$/);
    expect(lines[1]).toMatch(/is a directory/);
    expect(r.stdout).toMatch(/TAINTED_MASK: /);
  });
});

describe.skipIf(!have)("the console in scripts", () => {
  const vmlinux = () => fixture("vmlinux")!;
  const dump = () => fixture("dump.lzo")!;

  it("echoes each command of a -c list and fails when one failed", () => {
    const ok = kdw([vmlinux(), dump(), "-c", "sys -t; p jiffies"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^kdw> sys -t\nTAINTED_MASK: .*\nkdw> p jiffies\njiffies = \$1 = \d+/m);
    const bad = kdw([vmlinux(), dump(), "-c", "nosuchcommand; sys -t"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/command not found: nosuchcommand/);
    expect(bad.stdout).toMatch(/TAINTED_MASK/);
    // One command alone prints exactly its output (what scripts diff against crash's).
    const one = kdw([vmlinux(), dump(), "-c", "sys -t"]);
    expect(one.stdout).toMatch(/^TAINTED_MASK: [0-9a-f]+ {2}\w+\n$/);
  });

  it("--json gives one JSON document per command, with the typed result", () => {
    const r = kdw([vmlinux(), dump(), "--json", "-c", "sys -t; ps | grep -c .; nosuch"]);
    const docs = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { command: string; ok: boolean; data: unknown; errors: string[] });
    expect(docs.map((d) => d.command)).toEqual(["sys -t", "ps | grep -c .", "nosuch"]);
    expect(docs[0]!.ok).toBe(true);
    expect(docs[0]!.data).toMatchObject({ mask: expect.stringMatching(/^0x[0-9a-f]+$/) });
    expect(docs[2]!.ok).toBe(false);
    expect(r.status).toBe(1);
  });

  it("reads commands from stdin and ends at q, with the session alive between them", () => {
    const r = kdw([vmlinux(), dump(), "-s"], { input: "sys -t\nlog > /nonexistent-dir/x\nsym jiffies\nq\nsys\n" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/TAINTED_MASK/);
    expect(r.stdout).toMatch(/\(D\) jiffies/);
    expect(r.stdout).not.toMatch(/KERNEL:/);
  });

  it("Ctrl-C cancels a running command and the session answers the next one", async () => {
    const child = spawn(process.execPath, [KDW, vmlinux(), dump(), "-s"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("latin1")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("latin1")));
    const waitFor = async (re: RegExp, what: () => string) => {
      for (let i = 0; i < 1200 && !re.test(what()); i++) await new Promise((r) => setTimeout(r, 50));
      return re.test(what());
    };
    expect(await waitFor(/kdw> /, () => out)).toBe(true);
    child.stdin.write("foreach bt -f\n");
    await new Promise((r) => setTimeout(r, 30));
    child.kill("SIGINT");
    expect(await waitFor(/cancelled/, () => err)).toBe(true);
    child.stdin.write("sys -t\nq\n");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/TAINTED_MASK/);
  });
});

describe.skipIf(!have || process.platform === "win32")("pipes to any shell command (POSIX)", () => {
  const vmlinux = () => fixture("vmlinux")!;
  const dump = () => fixture("dump.lzo")!;

  it("feeds the output to the shell command, whose output is the line's", () => {
    const ps = kdw([vmlinux(), dump(), "-c", "ps"]).stdout.split("\n").slice(1).filter(Boolean);
    const onCpu1 = ps.filter((l) => l.trim().split(/\s+/)[2] === "1").length;
    const r = kdw([vmlinux(), dump(), "-c", "ps | awk '$3 == 1 { n++ } END { print n \" tasks\" }'"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${onCpu1} tasks\n`);
    expect(onCpu1).toBeGreaterThan(0);
    // Shell pipelines and the shell's own redirections are the shell's.
    expect(kdw([vmlinux(), dump(), "-c", "ps | sed -n 2p | cut -c1-9 | tr -d ' ' 2>&1"]).stdout).toBe("0\n");
  });

  it("a redirect at the end of a pipe is written by kdw; the shell's exit status is not the command's", () => {
    const tmp = mkdtempSync(join(tmpdir(), "kdw-pipe-"));
    try {
      const out = join(tmp, "out.txt");
      const r = kdw([vmlinux(), dump(), "-c", `sys -t | tr a-z A-Z > ${out}; sys -t | wc -l >> ${out}; sys -t | grep nothing-matches; sys -t | false`]);
      expect(r.status).toBe(0);
      expect(readFileSync(out, "latin1")).toMatch(/^TAINTED_MASK: 3000 {2}OE\n1\n$/);
      const missing = kdw([vmlinux(), dump(), "-c", `sys -t | cat > ${join(tmp, "nosuchdir", "x")}; sys -t | cat`]);
      expect(missing.stderr.trim()).toMatch(/^kdw: unable to open .*nosuchdir.*: no such file or directory$/);
      expect(missing.stdout).toMatch(/TAINTED_MASK/);
      expect(missing.status).toBe(1);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("--builtin-pipes runs kdw's own filters, as on Windows", () => {
    const own = kdw([vmlinux(), dump(), "--builtin-pipes", "-c", "ps | grep -c mountinfo"]);
    const shell = kdw([vmlinux(), dump(), "-c", "ps | grep -c mountinfo"]);
    expect(own.stdout).toBe(shell.stdout);
    expect(Number(own.stdout)).toBeGreaterThan(0);
    const awk = kdw([vmlinux(), dump(), "--builtin-pipes", "-c", "ps | awk '{print $1}'"]);
    expect(awk.status).toBe(1);
    expect(awk.stderr).toMatch(/unsupported pipe command: awk/);
  });
});

describe("the file that is wrong is the one named", () => {
  it("names a missing vmlinux or dump, and a file that is neither", () => {
    const missing = kdw(["/nonexistent/vmlinuz", "/nonexistent/dump", "-c", "sys"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe("kdw: /nonexistent/vmlinuz: no such file");
    const tmp = mkdtempSync(join(tmpdir(), "kdw-wrong-"));
    try {
      const notDump = join(tmp, "random.bin");
      copyFileSync(KDW, notDump);
      if (haveFixtures("vmlinux")) {
        const r = kdw([fixture("vmlinux")!, notDump, "-c", "sys"]);
        expect(r.status).toBe(1);
        expect(r.stderr.trim()).toBe(`kdw: ${notDump}: not a vmcore (ELF core, KDUMP/DISKDUMP or makedumpfile flattened, or one of them compressed with zstd)`);
      }
      const dir = kdw(["info", tmp]);
      expect(dir.status).toBe(1);
      expect(dir.stderr.trim()).toBe(`kdw: ${tmp}: is a directory, not a dump`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("each subcommand has --help, and the documented read widths work", () => {
    for (const sub of ["console", "serve", "info", "read", "findings", "report", "demo"]) {
      const r = kdw([sub, "--help"]);
      expect(r.status, sub).toBe(0);
      expect(r.stdout, sub).toMatch(new RegExp(`^usage: kdw ${sub}`));
      // An option it does not know is one line naming it (node's own text had an unbalanced quote).
      const bad = kdw([sub, "--bogus"]);
      expect(bad.status, sub).toBe(2);
      expect(bad.stderr, sub).toBe(`kdw: unknown option --bogus\n(kdw ${sub} --help shows its usage)\n`);
    }
    if (haveFixtures("dump.lzo")) {
      for (const w of ["-8", "-16", "-32", "-64"]) expect(kdw(["read", fixture("dump.lzo")!, "--phys", "1000", w]).status, w).toBe(0);
      const neg = kdw(["read", fixture("dump.lzo")!, "--phys", "-1"]);
      expect(neg.status).toBe(2);
      expect(neg.stderr).toMatch(/--phys: not a hexadecimal physical address: -1/);
      const huge = kdw(["read", fixture("dump.lzo")!, "--phys", "1000", "--count", "1073741824"]);
      expect(huge.status).toBe(2);
      expect(huge.stderr).not.toMatch(/internal error/);
    }
  });
});
