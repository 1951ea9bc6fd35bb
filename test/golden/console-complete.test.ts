// The console's Tab completion on the fixture: commands (q, exit too), each command's options, symbols,
// structure names, and member names after a dot or a comma, nested members, task -R's members.
import { describe, expect, it } from "vitest";
import { complete } from "../../src/core/session/queries/complete";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

const candidates = (line: string) => complete(fixtureSession()!, line, line.length);

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("completion", () => {
  it("commands, with q and exit", () => {
    expect(candidates("fo").candidates).toEqual(["foreach"]);
    expect(candidates("").candidates).toEqual(expect.arrayContaining(["bt", "q", "exit", "list", "struct"]));
  });

  it("a command's options, from its declared spec", () => {
    const bt = candidates("bt -").candidates;
    expect(bt).toEqual(expect.arrayContaining(["-a", "-f", "-l", "-s", "-x", "-t"]));
    expect(candidates("rd -6").candidates).toEqual(["-64"]);
    expect(candidates("list -").candidates).toEqual(expect.arrayContaining(["-h", "-H", "-o", "-O", "-s", "-S", "-B"]));
    expect(candidates("nosuch -").candidates).toEqual([]);
  });

  it("symbols, and structure names where a command takes a type", () => {
    const r = candidates("sym init_ta");
    expect(r.from).toBe(4);
    expect(r.candidates).toContain("init_task");
    expect(candidates("struct task_str").candidates).toContain("task_struct");
    expect(candidates("whatis list_he").candidates).toContain("list_head");
  });

  it("members after a dot, nested, after a comma, and task -R's", () => {
    const pi = candidates("struct task_struct.pi").candidates;
    expect(pi).toContain("task_struct.pid");
    expect(pi.every((c) => c.startsWith("task_struct.pi"))).toBe(true);
    expect(candidates("struct task_struct.se.on_").candidates).toEqual(["task_struct.se.on_rq"]);
    expect(candidates("struct task_struct.pid,comm").candidates).toEqual(["task_struct.pid,comm"]);
    expect(candidates("struct task_struct.pid,com").candidates).toEqual(["task_struct.pid,comm", "task_struct.pid,compat_robust_list"]);
    expect(candidates("list -H modules -s module.na").candidates).toEqual(["module.name"]);
    expect(candidates("task -R pi").candidates).toContain("pid");
    expect(candidates("struct nosuch.a").candidates).toEqual([]);
    expect(candidates("struct task_struct.nosuch.a").candidates).toEqual([]);
  });
});
