// V8's code cache for the bundled core grows with use: written at the first run, written again only after a
// run that used the core in a way it was not written after (each write costs ~15 ms of a run's end), with
// the uses it covers listed beside it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { codeUse } from "../../../src/cli/core-bundle";
import { fixture, haveFixtures } from "../../fixtures";

const KDW = join(__dirname, "../../../bin/kdw.cjs");
const tmp = mkdtempSync(join(tmpdir(), "kdw-code-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("codeUse", () => {
  it("names a call by its method, a console line by its command, options and foreach keywords, not its arguments", () => {
    expect(codeUse("open")).toBe("open");
    expect(codeUse("console", "sys")).toBe("console sys");
    expect(codeUse("console", "  bt -a  ")).toBe("console bt -a");
    expect(codeUse("console", "rd ffffffffa141aa40 32")).toBe("console rd");
    expect(codeUse("console", "rd -x init_task")).toBe("console rd -x");
    expect(codeUse("console", "foreach bash files -d")).toBe("console foreach bash files -d");
    expect(codeUse("console", "ps 1 | grep x")).toBe("console ps");
    expect(codeUse("console", "x".repeat(200)).length).toBe(80);
  });
});

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo"))("the bundled core's code cache", () => {
  const run = (line: string) => {
    const r = spawnSync(process.execPath, [KDW, "console", fixture("vmlinux")!, fixture("dump.lzo")!, "-c", line], { encoding: "latin1", env: { ...process.env, KDW_CACHE_DIR: tmp } });
    expect(r.status, r.stderr).toBe(0);
    const dir = join(tmp, "code");
    const file = readdirSync(dir).find((f) => f.endsWith(".v8"));
    expect(file).toBeDefined();
    const path = join(dir, file!);
    return { stdout: r.stdout, mtime: statSync(path).mtimeMs, size: statSync(path).size, uses: existsSync(`${path}.uses`) ? readFileSync(`${path}.uses`, "latin1").trim().split("\n") : [] };
  };

  it("is written at the first run, again after a command it was not written after, not after one it was", () => {
    // What a write cut short left (the console ends its worker as it quits) goes at the next write.
    const stale = join(tmp, "code", "session-core-0-v0-x64.v8.1234.tmp");
    mkdirSync(join(tmp, "code"), { recursive: true });
    writeFileSync(stale, "half");
    utimesSync(stale, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const first = run("mod");
    expect(existsSync(stale)).toBe(false);
    // The first session on this vmlinux built its indexes; the next one reads them: other code, written again.
    expect(first.uses).toEqual(["open, indexes built", "console mod"]);
    const reading = run("mod");
    expect(reading.stdout).toBe(first.stdout);
    expect(reading.mtime).toBeGreaterThan(first.mtime);
    expect(reading.uses).toEqual(["open, indexes built", "console mod", "open"]);
    const same = run("mod");
    expect(same.stdout).toBe(first.stdout);
    expect(same.mtime).toBe(reading.mtime);
    const more = run("foreach files");
    expect(more.mtime).toBeGreaterThan(same.mtime);
    expect(more.uses).toEqual(["open, indexes built", "console mod", "open", "console foreach files"]);
    // What `foreach files` compiled is in it now, beside what `mod` did.
    expect(more.size).toBeGreaterThan(first.size);
    expect(run("mod").mtime).toBe(more.mtime);
  });

  it("records an open that read the indexes as such when its command writes to the cache folder after it", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdw-code-cache-l-"));
    try {
      const once = (line: string) => {
        const r = spawnSync(process.execPath, [KDW, "console", fixture("vmlinux")!, fixture("dump.lzo")!, "-c", line], { encoding: "latin1", env: { ...process.env, KDW_CACHE_DIR: dir } });
        expect(r.status, r.stderr).toBe(0);
        const uses = readdirSync(join(dir, "code")).find((f) => f.endsWith(".uses"));
        return readFileSync(join(dir, "code", uses!), "latin1").trim().split("\n");
      };
      const images = () => readdirSync(join(dir, readdirSync(dir).find((d) => d !== "code")!));
      expect(once("mod")).toEqual(["open, indexes built", "console mod"]);
      // `sym NAME` needs the symbols sorted by address, which neither the open nor `mod` did: it writes
      // their image after the open, which read what the first session wrote.
      expect(images().some((f) => f.startsWith("symbols-"))).toBe(false);
      expect(once("sym do_exit")).toEqual(["open, indexes built", "console mod", "open", "console sym"]);
      expect(images().some((f) => f.startsWith("symbols-"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is taken under the flag a session of several commands sets (its heap is settled after the open: heap.ts)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdw-code-cache-s-"));
    try {
      const once = () => {
        const r = spawnSync(process.execPath, [KDW, "console", fixture("vmlinux")!, fixture("dump.lzo")!, "-c", "mod; runq"], { encoding: "latin1", env: { ...process.env, KDW_CACHE_DIR: dir } });
        expect(r.status, r.stderr).toBe(0);
        const file = readdirSync(join(dir, "code")).find((f) => f.endsWith(".v8"));
        return { stdout: r.stdout, mtime: statSync(join(dir, "code", file!)).mtimeMs };
      };
      const building = once();
      const reading = once();
      // V8 refuses a cache made under other flags and the first save then writes it whole again: it is not.
      const again = once();
      expect(again.stdout).toBe(building.stdout);
      expect(reading.mtime).toBeGreaterThan(building.mtime);
      expect(again.mtime).toBe(reading.mtime);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records the interactive console's last command too (the worker is asked to close before it is ended)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdw-code-cache-i-"));
    try {
      const r = spawnSync(process.execPath, [KDW, "console", fixture("vmlinux")!, fixture("dump.lzo")!], { input: "runq\nq\n", encoding: "latin1", env: { ...process.env, KDW_CACHE_DIR: dir } });
      expect(r.status, r.stderr).toBe(0);
      const uses = readdirSync(join(dir, "code")).find((f) => f.endsWith(".uses"));
      expect(readFileSync(join(dir, "code", uses!), "latin1").trim().split("\n")).toContain("console runq");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
