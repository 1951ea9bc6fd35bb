// The interactive console in a pseudo-terminal (test/fixtures/pty-drive.py), as a person meets it: Ctrl-C
// at the prompt clears the line, during a command cancels it and the prompt comes back; a failed redirect
// is one line and the prompt answers; a pager at the end of a pipe gets the terminal and gives it back;
// Tab completes; Ctrl-D ends the session with status 0.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, haveFixtures } from "../../fixtures";

const KDW = join(__dirname, "../../../bin/kdw.cjs");
const DRIVER = join(__dirname, "../../fixtures/pty-drive.py");
const python = spawnSync("python3", ["-c", "import pty"]).status === 0;
const less = spawnSync("sh", ["-c", "command -v less"]).status === 0;
if (!python) process.stderr.write("SKIP: console-pty: python3 with the pty module is needed to drive a pseudo-terminal\n");
if (!less) process.stderr.write("SKIP: console-pty: less (the pager the test pipes to) is not installed\n");

type Step = [send: string, waitFor: string, seconds: number];

function drive(steps: Step[], args: string[]): string {
  const home = mkdtempSync(join(tmpdir(), "kdw-pty-"));
  try {
    const r = spawnSync("python3", [DRIVER, JSON.stringify(steps), process.execPath, KDW, ...args], { encoding: "latin1", timeout: 240_000, env: { ...process.env, HOME: home } });
    return r.stdout;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** What the terminal shows, without the cursor and screen escapes readline and the pager write. */
const ESCAPES = new RegExp(String.raw`\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r`, "g");
const screen = (s: string) => s.replace(ESCAPES, "");

describe.skipIf(!python || !less || !haveFixtures("dump.lzo", "vmlinux") || process.platform === "win32")("the console in a terminal", () => {
    it("Ctrl-C, a failed redirect, a pager in a pipe, Tab, Ctrl-D", () => {
    const out = drive(
      [
        // Each command's step waits for its output, then for the prompt after it, before the next is typed.
        ["", "kdw> ", 120],
        ["abc\x03", "kdw> ", 10],
        ["log > /nonexistent-dir/x\r", "unable to open", 30],
        ["", "kdw> ", 30],
        // kmem -p writes for seconds (14 MB): Ctrl-C after its first lines stops it.
        ["kmem -p\r", "PAGE", 60],
        ["\x03", "command cancelled", 30],
        ["", "kdw> ", 30],
        ["ps | less\r", "PPID", 30],
        ["q", "kdw> ", 10],
        ["sys -t\r", "TAINTED_MASK", 30],
        ["", "kdw> ", 30],
        // Tab completes a nested member.
        ["struct task_struct.se.on_\t", "on_rq", 30],
        [" init_task\r", "se.on_rq = ", 30],
        ["", "kdw> ", 30],
        ["\x04", "", 10],
      ],
      [fixture("vmlinux")!, fixture("dump.lzo")!, "-s"],
    );
    const text = screen(out);
    // The end of the screen is what tells why a run failed (kmem -p's lines before it are not).
    expect(text.slice(-3000)).toMatch(/\nEXIT 0\n$/);
    // Ctrl-C at the prompt: the typed text is dropped and a new prompt comes.
    expect(text).toMatch(/kdw> abc\^C\nkdw> /);
    expect(text).toMatch(/kdw: unable to open \/nonexistent-dir\/x: no such file or directory\nkdw> /);
    expect(text).toMatch(/kdw: command cancelled\nkdw> /);
    // less showed ps's header and gave the terminal back to the prompt, which answered the next command.
    expect(text).toMatch(/PID {4}PPID {2}CPU/);
    expect(text).toMatch(/kdw> sys -t\nTAINTED_MASK: 3000 {2}OE\n/);
    expect(text).toMatch(/kdw> struct task_struct\.se\.on_rq init_task\n {2}se\.on_rq = 0,\n/);
    expect(text).not.toMatch(/internal error/);
  });

  // Ctrl-D typed while a command still runs (here in the same keystrokes as its Enter): the command ends, the
  // line typed ahead runs, and the session ends with status 0 rather than waiting at a prompt nobody sees.
  it("Ctrl-D typed ahead during a command ends the session after it", () => {
    const out = drive(
      [
        ["", "kdw> ", 120],
        ["sys -t\rmod\r\x04", "", 30],
      ],
      [fixture("vmlinux")!, fixture("dump.lzo")!, "-s"],
    );
    const text = screen(out);
    expect(text).toMatch(/\nEXIT 0\n$/);
    expect(text).toMatch(/TAINTED_MASK: 3000 {2}OE\n/);
    expect(text).toMatch(/MODULE +NAME +BASE +SIZE +OBJECT FILE/);
  });
});
