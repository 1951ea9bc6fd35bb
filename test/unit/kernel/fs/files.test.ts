// Fd tables on the fixture: the miner's four descriptors, socket and pipe rows, then patched memory: a file
// without a dentry or inode (crash's "?" rows), an unreadable file pointer (rows before it kept), a huge
// max_fds (capped, marked), no files_struct, and a task whose fs_struct is gone.
import { describe, expect, it } from "vitest";
import { taskFiles } from "../../../../src/core/commands/fs/files";
import { formatFileRow, formatTaskFiles } from "../../../../src/core/commands/fs/files-format";
import { filesLayout, MAX_FDS, taskFsPaths, taskOpenFiles } from "../../../../src/core/kernel/fs/files";
import { fsLayout } from "../../../../src/core/kernel/fs/fs";
import { taskTable } from "../../../../src/core/kernel/tasks/tasks";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


function patched(prog: Program, patches: Map<bigint, bigint | null>): Program {
  return patchedProgram(prog, patches);
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("fd tables (fixture)", () => {
  const prog = () => fixtureSession()!.kernel.program;
  const task = (pid: number) => taskTable(prog()).tasks.find((t) => t.pid === pid)!;
  /** The miner's fdtable, the address of its fd array and its files. */
  const miner = () => {
    const p = prog();
    const l = filesLayout(p);
    const table = taskOpenFiles(p, task(324).address)!;
    return { p, l, table, fdArray: p.readU64(table.fdt + BigInt(l.fdtFd)) };
  };

  it("reads the miner's descriptors", () => {
    const { table } = miner();
    expect(table.maxFds).toBe(64);
    expect(table.problem).toBeUndefined();
    expect(table.open.map((f) => [f.fd, f.type, f.path.path, f.deleted])).toEqual([
      [0, "CHR", "/dev/null", false],
      [1, "CHR", "/dev/null", false],
      [2, "CHR", "/dev/null", false],
      [3, "REG", "/var/tmp/.xmr.log", false],
    ]);
    expect(taskFsPaths(prog(), task(324).address)!.cwd).toEqual({ path: "/", complete: true });
  });

  it("sockets show their protocol, pipes (FIFO on 6.1, as crash says) no path", () => {
    const p = prog();
    expect(taskOpenFiles(p, task(131).address)!.open[3]).toMatchObject({ type: "SOCK", path: { path: "UNIX-STREAM" } });
    const fifos = taskTable(p)
      .tasks.flatMap((t) => taskOpenFiles(p, t.address)?.open ?? [])
      .filter((f) => f.type === "FIFO");
    expect(fifos.length).toBe(8);
    for (const f of fifos) expect(f.path.path).toBe("");
  });

  it("a file without a dentry, or a dentry without an inode, prints crash's ? row", () => {
    const { p, table } = miner();
    const fl = fsLayout(p);
    const f3 = table.open[3]!;
    const noDentry = taskOpenFiles(patched(p, new Map([[f3.file + BigInt(fl.fileDentry), 0n]])), task(324).address)!.open[3]!;
    expect(formatFileRow(noDentry)).toBe(`  3 ${f3.file.toString(16)} 0000000000000000        ?         ?    ?`);
    const noInode = taskOpenFiles(patched(p, new Map([[f3.dentry + BigInt(fl.dentryInode), 0n]])), task(324).address)!.open[3]!;
    expect(formatFileRow(noInode)).toBe(`  3 ${f3.file.toString(16)} ${f3.dentry.toString(16)} 0000000000000000 ?    ?`);
  });

  it("an unreadable file keeps the descriptors before it", () => {
    const { p, fdArray } = miner();
    const bad = patched(p, new Map([[fdArray + 3n * 8n, 0xffff888012340000n]]));
    const table = taskOpenFiles(bad, task(324).address)!;
    expect(table.open.map((f) => f.fd)).toEqual([0, 1, 2]);
    expect(table.problem!.reason).toMatch(/^invalid address ffff8880123400[0-9a-f]{2}: /);
    // The command prints the rows it has and says where it stopped.
    const data = taskFiles(bad, task(324));
    const out = { data, text: formatTaskFiles(data) };
    expect(out.text.split("\n").filter((l) => /^ {2}\d /.test(l))).toHaveLength(3);
    expect(out.data.problem).toMatch(/^fdtable [0-9a-f]+: walk stopped after 3 steps: invalid address/);
  });

  it("caps a huge max_fds and says so", () => {
    const { p, l, table } = miner();
    const bad = patched(p, new Map([[table.fdt + BigInt(l.fdtMaxFds), 0xffffffffn]]));
    const t = taskOpenFiles(bad, task(324).address)!;
    expect(t.maxFds).toBe(0xffffffff);
    expect(t.problem!.message).toContain(`max_fds 4294967295 is over ${MAX_FDS}`);
  });

  it("no files_struct or no fs_struct: No open files, no ROOT line", () => {
    const p = prog();
    const l = filesLayout(p);
    const t = task(324);
    const bad = patched(
      p,
      new Map([
        [t.address + BigInt(l.taskFiles), 0n],
        [t.address + BigInt(l.taskFs), 0n],
      ]),
    );
    expect(taskOpenFiles(bad, t.address)).toBeUndefined();
    expect(formatTaskFiles(taskFiles(bad, t))).toBe("No open files\n");
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("fd tables are read once per files_struct and struct file (fixture)", () => {
  const prog = () => fixtureSession()!.kernel.program;

  it("tasks that share a files_struct (threads) share one table; one file under three fds keeps each fd", () => {
    const p = prog();
    const l = filesLayout(p);
    const byFiles = new Map<bigint, bigint[]>();
    for (const t of taskTable(p).tasks) {
      const files = p.readU64(t.address + BigInt(l.taskFiles));
      if (files !== 0n) byFiles.set(files, [...(byFiles.get(files) ?? []), t.address]);
    }
    const shared = [...byFiles.values()].filter((tasks) => tasks.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const tasks of shared) for (const t of tasks) expect(taskOpenFiles(p, t)).toBe(taskOpenFiles(p, tasks[0]!));
    // init's stdin, stdout and stderr are one struct file: three rows, each with its own fd.
    const init = taskOpenFiles(p, taskTable(p).tasks.find((t) => t.pid === 1)!.address)!;
    expect(init.open.map((f) => f.fd)).toEqual([0, 1, 2]);
    expect(new Set(init.open.map((f) => f.file)).size).toBe(1);
    expect(init.open.map((f) => f.path.path)).toEqual(["/dev/console", "/dev/console", "/dev/console"]);
  });

  it("a program made from other memory reads its own tables", () => {
    const p = prog();
    const l = filesLayout(p);
    const init = taskTable(p).tasks.find((t) => t.pid === 1)!.address;
    const table = taskOpenFiles(p, init)!;
    const other = patched(p, new Map([[table.fdt + BigInt(l.fdtMaxFds), 0n]]));
    expect(taskOpenFiles(other, init)!.open).toEqual([]);
    expect(taskOpenFiles(p, init)!.open).toHaveLength(3);
  });
});
