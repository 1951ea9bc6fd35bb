// crash's linked-list form of `list`: checked against the module list that `mod` walks independently.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("list (linked lists)", () => {
  it("list -H modules -o module.list gives the modules mod lists", () => {
    const s = fixtureSession()!;
    const listed = s.run("list -H modules -o module.list");
    expect(listed.errors).toEqual([]);
    const fromMod = s
      .run("mod")
      .text.split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[0]!);
    expect(listed.text.trim().split("\n").sort()).toEqual(fromMod.sort());
  });
  it("-s prints the structure members at each entry; a source argument still lists source", () => {
    const s = fixtureSession()!;
    const r = s.run("list -H modules -o module.list -s module.name");
    expect(r.text).toMatch(/^[0-9a-f]+\n {2}name = "virtio_net/m);
    expect(s.run("list crash_kexec").errors[0]).toMatch(/list: /);
  });
});
