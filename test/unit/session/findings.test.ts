// The contract's findings and hooks methods on the fixture, in-process: JSON-safe replies (they survive
// JSON unchanged), the minimum severity applied to the items and not to the triage's counts.
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../../src/cli/host";
import { SessionService } from "../../../src/core/session/service";
import { fixture, haveFixtures } from "../../fixtures";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("findings and hooks through the contract", () => {
  it("answers with the findings, the triage and every hook", async () => {
    const service = new SessionService(nodeHost({ cache: false }));
    await service.call("open", { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! });
    try {
      const all = await service.call("findings", {});
      const critical = await service.call("findings", { minSeverity: "critical" });
      expect(critical.items.length).toBe(all.triage.counts.critical);
      expect(critical.items.every((f) => f.severity === "critical")).toBe(true);
      expect(critical.triage).toEqual(all.triage);
      expect(all.items.length).toBe(Object.values(all.triage.counts).reduce((a, b) => a + b, 0));
      expect(JSON.parse(JSON.stringify(all))).toEqual(all);
      const hooks = await service.call("hooks", {});
      expect(hooks.items.some((h) => h.kind === "kprobe" && h.ownerHidden)).toBe(true);
      expect(hooks.problems).toEqual([]);
      expect(JSON.parse(JSON.stringify(hooks))).toEqual(hooks);
      await expect(service.call("findings", { minSeverity: "severe" } as never)).rejects.toMatchObject({ problem: { code: "bad-request" } });
    } finally {
      await service.call("close", {});
    }
  });
});
