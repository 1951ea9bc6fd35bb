// ps against crash 8.0.6's reference outputs, value by value, and the task table against the fixture's
// ground truth (manifest.json) and drgn's independent task list (reference/drgn/tasks.txt).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { fixture, haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

const CASES: [string, string][] = [
  ["ps", "ps"],
  ["ps-p", "ps -p"],
  ["ps-c-1", "ps -c 1"],
  ["ps-t", "ps -t"],
  ["ps-l", "ps -l"],
  ["ps-G", "ps -G"],
  ["ps-u", "ps -u"],
  ["ps-k", "ps -k"],
];

interface PlantedGroup {
  name: string;
  pids: number[];
}

interface GroundTruth {
  decoys: PlantedGroup[];
  benign_userland: PlantedGroup[];
  panic: { pid: number; task: string; cpu: number; comm: string };
  task_count: number;
}

/** drgn's one-letter states (task_state_to_char) in crash's two-letter form. */
const DRGN_STATE: Record<string, string> = { R: "RU", S: "IN", D: "UN", I: "ID", T: "ST", t: "TR", Z: "ZO", X: "DE", P: "PA" };

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("ps (golden)", () => {
  for (const [file, cmd] of CASES) {
    it(`${cmd} equals crash's ${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(normalize(r.text)).toBe(normalize(reference(`${file}.txt`)));
    });
  }

  it("ps -a 324 prints the header and crash's error: dump level 31 left the user stack out", () => {
    // crash 8.0.6 fails here too (session-stderr.txt); its redirected output holds the same lines.
    // kdw returns the error as an error line, printed after the text: together they are crash's output.
    const r = fixtureSession()!.run("ps -a 324");
    expect(r.errors).toEqual(["ps: cannot access user stack address: 7ffd22278f66"]);
    expect(normalize(r.text + r.errors.join("\n"))).toBe(normalize(reference("ps-a-miner.txt")));
    expect(dataOf(r.data).errors).toEqual(r.errors);
    expect(reference("session-stderr.txt")).toContain("ps: cannot access user stack address: 7ffd22278f66");
  });

  it("ps rows carry the structured values (the miner: VSZ 2401352k, RSS 744k with the split RSS counters)", () => {
    const r = fixtureSession()!.run("ps 324 304");
    const rows = dataOf(r.data).rows;
    expect(rows.map((x) => [x.pid, x.ppid, x.cpu, x.state, x.vszKb, x.rssKb, x.comm, x.active])).toEqual([
      [304, 1, 0, "RU", 296000, 796, "AliYunDun", true],
      [324, 1, 2, "RU", 2401352, 744, "mountinfo", true],
    ]);
  });

  it("selects by pid, task address and command name, and reports a value that is neither", () => {
    const s = fixtureSession()!;
    const byComm = s.run("ps mountinfo").text.trim().split("\n");
    expect(byComm).toHaveLength(7);
    expect(s.run("ps ff16e6831f478000").text).toBe(s.run("ps 324").text);
    const bad = s.run("ps 99999");
    expect(bad.text).toBe(reference("ps.txt").split("\n")[0] + "\n");
    expect(bad.errors).toEqual(["ps: invalid task or pid value: 99999"]);
    expect(s.run("ps -a 2").errors).toEqual(["ps: no user stack"]);
    expect(s.run("ps -k -u").errors).toEqual(["ps: -u and -k are mutually exclusive"]);
    // -S counts states in table order; the counts must agree with crash's own ps listing.
    const states = new Map<string, number>();
    for (const line of reference("ps.txt").split("\n").slice(1)) {
      const st = line.replace(/^>/, " ").trim().split(/\s+/)[4];
      if (st) states.set(st, (states.get(st) ?? 0) + 1);
    }
    expect(s.run("ps -S").text).toBe([...states].map(([st, n]) => `  ${st}: ${n}\n`).join(""));
  });

  it("lists the manifest's planted processes with the right pid, parent, CPU, state and command", () => {
    const truth = JSON.parse(readFileSync(fixture("manifest.json")!, "utf8")) as GroundTruth;
    const drgn = new Map<number, { tgid: number; ppid: number; st: string; comm: string }>();
    for (const line of reference("drgn/tasks.txt").trim().split("\n").slice(1)) {
      const [pid, tgid, ppid, st, ...comm] = line.trim().split(/\s+/);
      drgn.set(Number(pid), { tgid: Number(tgid), ppid: Number(ppid), st: st!, comm: comm.join(" ") });
    }
    const table = taskTable(fixtureSession()!.kernel.program);
    expect(table.tasks).toHaveLength(truth.task_count);
    expect(table.problems).toEqual([]);
    // drgn lists every non-idle task; each must be ours, with the same values.
    expect(table.tasks.filter((t) => !t.idle)).toHaveLength(drgn.size);
    for (const group of [...truth.decoys, ...truth.benign_userland]) {
      for (const pid of group.pids) {
        const task = table.tasks.find((t) => t.pid === pid);
        const want = drgn.get(pid)!;
        expect(task, `pid ${pid}`).toBeDefined();
        expect([task!.comm, task!.tgid, task!.ppid, task!.stateString]).toEqual([group.name, want.tgid, want.ppid, DRGN_STATE[want.st]]);
        expect(task!.kernelThread).toBe(false);
      }
    }
    const panic = table.panicTask!;
    expect([panic.pid, panic.address.toString(16), panic.cpu, panic.comm, panic.active, panic.panic]).toEqual([truth.panic.pid, truth.panic.task, truth.panic.cpu, truth.panic.comm, true, true]);
    // The miner's threads ran on CPUs 1-3 (CPU 0 ran the panicking task).
    const running = table.tasks.filter((t) => t.active && !t.panic).map((t) => [t.pid, t.cpu]);
    expect(running).toEqual([
      [324, 2],
      [325, 1],
      [327, 3],
    ]);
  });
});
