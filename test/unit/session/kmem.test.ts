// The contract's slabCaches and vmallocAreas on the fixture, in-process: the same caches and counts as
// crash 8.0.6's `kmem -s` (test/golden/kmem-reference/kmem-s.txt), the same areas as its `kmem -v`, replies
// that survive JSON unchanged, and bad params refused before any walker runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../../src/cli/host";
import { SessionService } from "../../../src/core/session/service";
import { fixture, haveFixtures } from "../../fixtures";

const REF = join(__dirname, "..", "..", "golden", "kmem-reference");

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("slab caches and vmalloc areas through the contract", () => {
  it("answers with crash's caches, counts and areas", async () => {
    const service = new SessionService(nodeHost({ cache: false }));
    await service.call("open", { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! });
    try {
      const slabs = await service.call("slabCaches", {});
      expect(slabs.allocator).toBe("slub");
      expect(slabs.problems).toEqual([]);
      // crash's kmem -s lines: CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME.
      const rows = readFileSync(join(REF, "kmem-s.txt"), "latin1").trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/));
      expect(slabs.items.map((c) => [c.address.slice(2), String(c.objectSize), String(c.allocated), String(c.total), String(c.slabs), `${c.slabSize / 1024}k`, c.name])).toEqual(rows);
      expect(JSON.parse(JSON.stringify(slabs))).toEqual(slabs);
      const one = await service.call("slabCaches", { name: "task_struct" });
      expect(one.items).toEqual([expect.objectContaining({ name: "task_struct", objectSize: 8328, allocated: 109, free: 20, total: 129, slabs: 43, objectsPerSlab: 3 })]);

      const vm = await service.call("vmallocAreas", {});
      expect(vm.source).toBe("vmap_area_list");
      const areas = readFileSync(join(REF, "kmem-v.txt"), "latin1").trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/));
      expect(vm.items.map((a) => [a.address.slice(2), a.vm.slice(2), a.start.slice(2), "-", a.end.slice(2), String(a.size)])).toEqual(areas);
      // The hidden module's memory is one of them: load_module asked for it (vm_struct.caller).
      const mod = vm.items.find((a) => a.start === "0xffffffffc05dc000")!;
      expect(mod.callerSymbol).toMatch(/^load_module\+\d+$/);
      expect(JSON.parse(JSON.stringify(vm))).toEqual(vm);

      await expect(service.call("slabCaches", { name: "" } as never)).rejects.toMatchObject({ problem: { code: "bad-request" } });
      await expect(service.call("vmallocAreas", { all: true } as never)).rejects.toMatchObject({ problem: { code: "bad-request" } });
    } finally {
      await service.call("close", {});
    }
  });
});
