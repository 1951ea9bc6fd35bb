// 10,000 generated console lines (test/fixtures/console-fuzz.ts, seeded) through the Session on the main
// fixture: no line throws, none prints "internal error", each error line stays one readable line, none runs
// past LINE_LIMIT_MS (the Session's own cancel checkpoint stops it and the test names it), and the session
// still answers `sys -t` as at the start, every 1,000 lines and at the end. Then a few hundred lines through
// the real CLI (-i FILE, kdw's own filters, redirects into a temporary folder): it ends, says no "internal
// error", and the evidence's SHA-256 is unchanged. The count and the time are printed, not asserted.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinRegistry } from "../../src/core/commands";
import { CancelledError } from "../../src/core/session/problems";
import { MAX_ERROR_LINE } from "../../src/core/session/session";
import { fuzzLine, prng } from "../fixtures/console-fuzz";
import { fixture, haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

const LINES = 10_000;
const CLI_LINES = 300;
const SEED = 20;
/** Far above any command on the fixture (foreach bt -f is the slowest, a few seconds on a loaded machine). */
const LINE_LIMIT_MS = 60_000;

const commandNames = (() => {
  const names = builtinRegistry().list.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  return [...names, "q", "exit", "quit", "nosuchcommand"];
})();

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("console fuzz", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "kdw-fuzz-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it(`${LINES} generated lines through the Session: no throw, no internal error, no hang`, () => {
    const s = fixtureSession()!;
    const baseline = s.run("sys -t");
    expect(baseline.errors).toEqual([]);
    const r = prng(SEED);
    const prog = s.context.prog as { interrupt: () => void };
    const saved = { ctx: s.context.interrupt, prog: prog.interrupt };
    let deadline = 0;
    const check = () => {
      if (performance.now() > deadline) throw new CancelledError();
    };
    s.context.interrupt = check;
    prog.interrupt = check;
    const thrown: string[] = [];
    const internal: string[] = [];
    const long: string[] = [];
    const slow: string[] = [];
    let failed = 0;
    const start = performance.now();
    try {
      for (let i = 1; i <= LINES; i++) {
        const line = fuzzLine(r, commandNames, tmp);
        deadline = performance.now() + LINE_LIMIT_MS;
        const show = JSON.stringify(line.length > 120 ? line.slice(0, 120) + "…" : line);
        try {
          const out = s.run(line);
          if (out.errors.length) failed++;
          for (const e of out.errors) {
            if (/internal error|call stack/i.test(e)) internal.push(`${show}: ${e.slice(0, 300)}`);
            for (const l of e.split("\n")) if (l.length > MAX_ERROR_LINE + 100) long.push(`${show}: ${l.length} characters`);
          }
        } catch (err) {
          (err instanceof CancelledError ? slow : thrown).push(`${show}: ${String(err).slice(0, 300)}`);
        }
        if (i % 1000 === 0) {
          deadline = performance.now() + LINE_LIMIT_MS;
          expect(s.run("sys -t"), `after line ${i}`).toEqual(baseline);
        }
      }
    } finally {
      s.context.interrupt = saved.ctx;
      prog.interrupt = saved.prog;
    }
    const seconds = (performance.now() - start) / 1000;
    process.stderr.write(`console fuzz: ${LINES} lines (seed ${SEED}) through the Session in ${seconds.toFixed(1)} s, ${failed} answered with an error line\n`);
    expect(thrown).toEqual([]);
    expect(internal).toEqual([]);
    expect(long).toEqual([]);
    expect(slow).toEqual([]);
    expect(s.run("sys -t")).toEqual(baseline);
  });

  it(`${CLI_LINES} generated lines through the real CLI: it ends, no internal error, the evidence unchanged`, () => {
    const dump = fixture("dump.lzo")!;
    const vmlinux = fixture("vmlinux")!;
    const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
    const before = sha(dump);
    const r = prng(SEED + 1);
    // One line a line: a generated line's own newlines and carriage returns would make several.
    const lines = Array.from({ length: CLI_LINES }, () => fuzzLine(r, commandNames, tmp).replace(/[\n\r]/g, " "));
    // q, exit and quit end a script: they are left out here (the Session fuzz has them).
    const script = lines.filter((l) => !/^\s*(q|exit|quit)\s*$/.test(l));
    const input = join(tmp, "script.txt");
    writeFileSync(input, script.join("\n") + "\nsys -t\n");
    const start = performance.now();
    // kdw's own filters: a generated line is never handed to a shell.
    const out = spawnSync(process.execPath, [join(__dirname, "../../bin/kdw.cjs"), vmlinux, dump, "--builtin-pipes", "-i", input], { cwd: tmp, encoding: "latin1", timeout: 600_000, maxBuffer: 1 << 30 });
    process.stderr.write(`console fuzz: ${script.length} lines through the CLI in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
    expect(out.error).toBeUndefined();
    expect([0, 1]).toContain(out.status);
    expect(out.stderr).not.toMatch(/internal error|call stack|at .*\.(js|mjs|ts):\d+/);
    expect(out.stdout).toMatch(/kdw> sys -t\nTAINTED_MASK: 3000 {2}OE\n$/);
    expect(sha(dump)).toBe(before);
  });
});
