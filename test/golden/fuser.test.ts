// `fuser` against crash 8.0.6 on the fixture (cmds-reference/fuser-*.txt), value by value; then a task whose
// files_struct pointer is wild (an overlay of the real kernel): its line is lost, the others stay.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { overlayProgram } from "../fixtures/overlay-program";
import { fixtureSession } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import { fuserCommand } from "../../src/core/commands/fs/fuser";
import { taskTable } from "../../src/core/kernel/tasks/tasks";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("fuser (golden)", () => {
  for (const name of ["fuser-root", "fuser-xmr", "fuser-xmr-inode", "fuser-xmr-dentry", "fuser-devnull", "fuser-busybox", "fuser-none"]) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} equals crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(cmdsRef(name));
    });
  }

  it("refuses what is neither a path nor a kernel address, and prints the usage without an argument", () => {
    const s = fixtureSession()!;
    expect(s.run("fuser nonsense").errors.join("\n") + "\n").toBe(cmdsRef("fuser-bad"));
    expect(s.run("fuser 1000").errors).toEqual(["fuser: invalid argument: 1000"]);
    expect(s.run("fuser").errors.join("\n") + "\n").toBe(cmdsRef("fuser-noarg"));
  });

  it("answers each argument in turn, and compares paths whole (crash's text search also matches a tail)", () => {
    const s = fixtureSession()!;
    expect(s.run("fuser /var/tmp/.xmr.log /no/such/file").text).toBe(cmdsRef("fuser-xmr") + cmdsRef("fuser-none"));
    expect(s.run("fuser /null").text).toBe("No users of /null found\n");
  });

  it("finds the users of a mapping's vm_area_struct", () => {
    const s = fixtureSession()!;
    const vm = s.run("vm 128").data!;
    if (vm.kind !== "tasks") throw new Error(`vm 128 answered ${vm.kind}`);
    const vma = vm.tasks[0]!.vmas.find((v) => v.path === "/bin/busybox")!;
    const r = s.run(`fuser ${vma.address.toString(16)}`);
    expect(r.text.split("\n").filter(Boolean).slice(1)).toEqual(["  128  ff16e68301804180  \"httpd\"          mmap "]);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("fuser on a damaged kernel (overlay of the fixture)", () => {
  it("names the task it could not read and lists the other users", () => {
    const base = fixtureSession()!.context;
    const { prog, space } = overlayProgram(base.prog);
    const t325 = taskTable(base.prog).tasks.find((t) => t.pid === 325)!;
    space.patch(t325.address + BigInt(prog.memberOffset("struct task_struct", "files")!), 0xdead000000000122n);
    const r = fuserCommand.run({ ...base, prog, state: { valueHistory: 0 } }, ["/var/tmp/.xmr.log"]);
    const want = cmdsRef("fuser-xmr").split("\n").filter((l) => !l.startsWith("  325 ")).join("\n");
    expect(r.text).toBe(want);
    expect(r.errors).toEqual([expect.stringMatching(/^fuser: PID 325: files_struct: invalid address dead0000000001[0-9a-f]{2}: /)]);
  });
});
