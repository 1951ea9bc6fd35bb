// kmem and swap on the repository's sample (samples/: Debian 13's 6.12 kernel, opened with no vmlinux)
// against crash 8.0.6's references made with its debug vmlinux (test/golden/kmem-sample-reference/): SLUB
// on 6.12 (struct slab, slab pages without PG_slab), vmalloc's vmap_nodes (6.9+), the buddy lists, nodes,
// sections, memory blocks, the vm counters and kmem ADDRESS. The sample is in the repository: no fixtures.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/core/session/session";
import { vmapVariant } from "../../src/core/kernel/mm/vmalloc";
import { pageflagMask } from "../../src/core/kernel/mm/mm";
import { sampleSession } from "../sample-session";
import { dataOf } from "../data-of";

const REF = join(__dirname, "kmem-sample-reference");

/** The fixtures' normalisation (test/session-fixture.ts): trailing blanks, runs of spaces, outer blank lines. */
function normalize(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+$/, "").replace(/[ \t]+/g, " "))
    .join("\n")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "");
}

function commands(): { name: string; cmd: string }[] {
  return readFileSync(join(REF, "commands.txt"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => ({ name: l.slice(0, l.indexOf("|")), cmd: l.slice(l.indexOf("|") + 1) }));
}

describe("kmem on the sample dump (6.12, no vmlinux) against crash 8.0.6", () => {
  let s: Session;
  beforeAll(async () => {
    s = await sampleSession();
  }, 60_000);

  it("is a kernel of the newer variants: vmap_nodes, and no PG_slab page flag", () => {
    expect(vmapVariant(s.context.prog)).toBe("nodes");
    expect(pageflagMask(s.context.prog, "slab")).toBeUndefined();
  });

  for (const { name, cmd } of commands()) {
    it(`${cmd} equals crash's kmem-sample-reference/${name}.txt`, () => {
      const r = s.run(cmd);
      expect(normalize(r.text + r.errors.map((e) => `${e}\n`).join(""))).toBe(normalize(readFileSync(join(REF, `${name}.txt`), "latin1")));
    });
  }

  it("finds the panic task's task_struct in its slab, allocated", () => {
    const hit = dataOf(s.run("kmem ffff8a2803ff0000").data, "search").searches[0]!;
    expect(hit.slab?.cache.name).toBe("task_struct");
    expect(hit.slab?.slab?.objects).toEqual([{ address: 0xffff8a2803ff0000n, free: false }]);
    expect(hit.task).toMatchObject({ pid: 181, comm: "monit", panic: true });
  });
});
