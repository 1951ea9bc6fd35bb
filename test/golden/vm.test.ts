// vm: crash 8.0.6's reference (`vm 324`), drgn's walk of mm_mt (reference/drgn/vmas.txt: start, end,
// flags and file of every VMA of mountinfo, httpd and AliYunDun), and outputs of the same crash build on
// the same dump kept here: `vm 210` (the deleted executable `x`: crash names it without "(deleted)") and
// `foreach vm`, every task, as its sha256 (1053 lines, 110 tasks).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { taskTable } from "../../src/core/kernel/tasks/tasks";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

/** crash 8.0.6: `vm 210`. */
const VM_210 = `PID: 210      TASK: ff16e6832fd320c0  CPU: 1    COMMAND: "x"
       MM               PGD          RSS    TOTAL_VM
ff16e68301be4c80  ff16e6831f470000   372k     996k  
      VMA           START       END     FLAGS FILE
ff16e6831f4731c8     400000     401000 8000071 /tmp/.cache/x
ff16e6831f4734c0     401000     47b000 8000075 /tmp/.cache/x
ff16e6831f473a18     47b000     4a3000 8000071 /tmp/.cache/x
ff16e6831f473980     4a3000     4a7000 8100071 /tmp/.cache/x
ff16e6831f473720     4a7000     4aa000 8100073 /tmp/.cache/x
ff16e6831f473c78     4aa000     4b0000 8100073 
ff16e6831f473260   10c9d000   10cbf000 8100073 
ff16e6831f4732f8 7ffd065b1000 7ffd065d2000 100173 
ff16e6831f473da8 7ffd065e3000 7ffd065e7000 c044411 
ff16e6831f473130 7ffd065e7000 7ffd065e9000 8040075 
`;

/** sha256 of crash 8.0.6's `foreach vm` output (1053 lines): kernel threads' zero MM lines included. */
const FOREACH_VM_SHA256 = "584e80f2f9b4575a67c57556bc9f32f2638916f394e8332d9a984da31e66f4c2";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("vm (golden)", () => {
  const run = <L extends string>(cmd: L) => {
    const r = fixtureSession()!.run(cmd);
    expect(r.errors).toEqual([]);
    return r;
  };

  it("vm 324 matches crash", () => {
    expect(normalize(run("vm 324").text)).toBe(normalize(reference("vm-miner.txt")));
  });

  it("agrees with drgn's vmas.txt for mountinfo, httpd and AliYunDun, entry for entry", () => {
    const drgn = new Map<number, string[]>();
    let rows: string[] = [];
    for (const line of reference("drgn/vmas.txt").split("\n")) {
      const m = /^# pid (\d+) /.exec(line);
      if (m) drgn.set(Number(m[1]), (rows = []));
      else if (/^[0-9a-f]{16} /.test(line)) rows.push(line.trimEnd());
    }
    expect([...drgn.keys()]).toEqual([324, 128, 303]);
    for (const [pid, expected] of drgn) {
      const data = dataOf(run(`vm ${pid}`).data, "tasks");
      expect(data.tasks).toHaveLength(1);
      const ours = data.tasks[0]!.vmas.map((v) => `${v.start.toString(16).padStart(16, "0")} ${v.end.toString(16).padStart(16, "0")} ${v.flags.toString(16).padStart(8, "0")} ${v.path}`.trimEnd());
      expect(ours).toEqual(expected);
    }
  });

  it("vm 210 matches crash byte for byte; the structured rows mark the deleted file", () => {
    const r = run("vm 210");
    expect(r.text).toBe(VM_210);
    const t = dataOf(r.data, "tasks").tasks[0]!;
    expect(t.rssKb).toBe(372);
    expect(t.vmas.filter((v) => v.deleted).map((v) => v.path)).toEqual(Array(5).fill("/tmp/.cache/x"));
  });

  it("every task's vm matches crash's `foreach vm`", () => {
    const s = fixtureSession()!;
    const tasks = taskTable(s.context.prog).tasks;
    const text = tasks.map((t) => run(`vm ${t.address.toString(16)}`).text).join("\n");
    expect(text.split("\n")).toHaveLength(1054);
    expect(createHash("sha256").update(text).digest("hex")).toBe(FOREACH_VM_SHA256);
  });

  it("a kernel thread has no mm: crash's zero MM line and no VMA table; bad pids are crash's error", () => {
    expect(run("vm 2").text).toBe('PID: 2        TASK: ff16e683011f20c0  CPU: 2    COMMAND: "kthreadd"\n       MM               PGD          RSS    TOTAL_VM\n       0                 0            0k       0k   \n');
    const r = fixtureSession()!.run("vm 99999");
    expect(r.errors).toEqual(["vm: invalid task or pid value: 99999"]);
    expect(fixtureSession()!.run("vm -z 324").errors).toEqual(["vm: invalid option: -z"]);
  });
});
