// files: crash 8.0.6's reference outputs (`files 324`, `files 128`), and beyond them, outputs of the same
// crash build on the same dump kept here (`../tools/crash-8.0.6 -s vmlinux dump.lzo`, commands below):
// `files 210` (the deleted executable `x`), `files 131` (a UNIX socket), and `foreach files`, every task,
// kept as its sha256 (600 lines, 110 tasks).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

/** crash 8.0.6: `files 210`. */
const FILES_210 = `PID: 210      TASK: ff16e6832fd320c0  CPU: 1    COMMAND: "x"
ROOT: /    CWD: /
 FD       FILE            DENTRY           INODE       TYPE PATH
  0 ff16e68302147200 ff16e683015cbf00 ff16e68301994fe0 CHR  /dev/null
  1 ff16e68302147200 ff16e683015cbf00 ff16e68301994fe0 CHR  /dev/null
  2 ff16e68302147200 ff16e683015cbf00 ff16e68301994fe0 CHR  /dev/null

`;

/** crash 8.0.6: `files 131`. */
const FILES_131 = `PID: 131      TASK: ff16e683208820c0  CPU: 0    COMMAND: "usockd"
ROOT: /    CWD: /
 FD       FILE            DENTRY           INODE       TYPE PATH
  0 ff16e683018db200 ff16e68301404cc0 ff16e683011e5f30 CHR  /dev/console
  1 ff16e683018db200 ff16e68301404cc0 ff16e683011e5f30 CHR  /dev/console
  2 ff16e683018db200 ff16e68301404cc0 ff16e683011e5f30 CHR  /dev/console
  3 ff16e683018dbf00 ff16e683024bf0c0 ff16e6830142eac0 SOCK UNIX-STREAM

`;

/** sha256 of crash 8.0.6's `foreach files` output (600 lines): idle tasks, kernel threads, pipes, /proc/. */
const FOREACH_FILES_SHA256 = "7873b4b3302d4d69e67516fd92b831acfc4aec2ff09fece250da0a8e2d4fd864";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("files (golden)", () => {
  const run = <L extends string>(cmd: L) => {
    const r = fixtureSession()!.run(cmd);
    expect(r.errors).toEqual([]);
    return r;
  };

  it("files 324 matches crash (the miner's log file)", () => {
    expect(normalize(run("files 324").text)).toBe(normalize(reference("files-miner.txt")));
  });

  it("files 128 matches crash (httpd's TCPv6 socket, CWD /srv/www)", () => {
    const r = run("files 128");
    expect(normalize(r.text)).toBe(normalize(reference("files-httpd.txt")));
    const data = dataOf(r.data, "tasks");
    expect(data.tasks[0]!.fs!.cwd.path).toBe("/srv/www");
    expect(data.tasks[0]!.files[3]).toMatchObject({ fd: 3, type: "SOCK", path: { path: "TCPv6" } });
  });

  it("files of more tasks match crash byte for byte (the trailing blank line too)", () => {
    expect(run("files 210").text).toBe(FILES_210);
    expect(run("files 131").text).toBe(FILES_131);
  });

  it("every task's files match crash's `foreach files`", () => {
    const s = fixtureSession()!;
    const tasks = taskTable(s.context.prog).tasks;
    expect(tasks).toHaveLength(110);
    // `files TASK` prints no blank line after itself; foreach separates the tasks with one.
    const text = tasks.map((t) => run(`files ${t.address.toString(16)}`).text).join("\n");
    expect(text.split("\n")).toHaveLength(601);
    expect(createHash("sha256").update(text).digest("hex")).toBe(FOREACH_FILES_SHA256);
  });

  it("the current context by default, every idle task for pid 0, and crash's error for a bad pid", () => {
    const s = fixtureSession()!;
    s.run("set 324");
    expect(run("files").text).toBe(run("files 324").text.replace(/\n\n$/, "\n"));
    s.run("set -p");
    const idle = run("files 0").text;
    expect(idle.match(/^PID: 0 /gm)).toHaveLength(4);
    expect(idle).toContain('COMMAND: "swapper/3"\nROOT: /    CWD: /\nNo open files\n\n');
    const bad = s.run("files 99999 324");
    expect(bad.errors).toEqual(["files: invalid task or pid value: 99999"]);
    expect(bad.text.startsWith("\nPID: 324 ")).toBe(true); // the second argument: crash's blank line first
  });
});
