// `help CMD` of the commands added for issue 21 against crash 8.0.6's (cmds-reference/help-*.txt): kdw's help
// is crash's NAME, SYNOPSIS and DESCRIPTION, line by line from crash's leading blank line on (its own program
// name, "crash-8.0.6", aside), then what kdw does differently; crash's EXAMPLES are not repeated.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";
import { cmdsRef } from "./cmds-ref";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("help of the new commands (golden)", () => {
  for (const cmd of ["bpf", "sig", "fuser", "tree", "ipcs", "waitq", "sbitmapq", "gdb"]) {
    it(`help ${cmd} begins with crash's help ${cmd}`, () => {
      const crash = cmdsRef(`help-${cmd}`).replaceAll("crash-8.0.6", "crash").split("\n").map((l) => l.trimEnd());
      const end = crash.indexOf("EXAMPLES");
      const body = crash.slice(0, end < 0 ? crash.length : end);
      while (body.at(-1) === "") body.pop();
      const r = fixtureSession()!.run(`help ${cmd}`);
      expect(r.errors).toEqual([]);
      expect(r.text.split("\n").map((l) => l.trimEnd()).slice(0, body.length)).toEqual(body);
    });
  }
});
