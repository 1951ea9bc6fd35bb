// The contract's bpf method: on the fixture (no BPF loaded) through the service, in-process; then the reply's
// shape on programs and maps built in an overlay of the fixture's kernel (test/fixtures/bpf-overlay.ts):
// addresses as 0x strings, the load time in UTC from the dump's own clock, JSON-safe.
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../../src/cli/host";
import { SessionService } from "../../../src/core/session/service";
import { bpfReply } from "../../../src/core/session/queries/bpf";
import { bootTimeNs, crashTime } from "../../../src/core/kernel/system/sysinfo";
import { fixture, haveFixtures } from "../../fixtures";
import { buildBpfOverlay } from "../../fixtures/bpf-overlay";
import { fixtureSession } from "../../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("bpf through the contract", () => {
  it("answers the fixture with no program and no map, and refuses params", async () => {
    const service = new SessionService(nodeHost({ cache: false }));
    await service.call("open", { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! });
    try {
      expect(await service.call("bpf", {})).toEqual({ programs: [], maps: [], problems: [] });
      await expect(service.call("bpf", { id: 1 } as never)).rejects.toMatchObject({ problem: { code: "bad-request" } });
    } finally {
      await service.call("close", {});
    }
  });

  it("gives each program and map in the contract's shape", () => {
    const base = fixtureSession()!.context;
    const b = buildBpfOverlay(base);
    const reply = bpfReply(b.prog);
    const h = (n: bigint) => `0x${n.toString(16)}`;
    const boot = BigInt(crashTime(base.prog)!) * 1_000_000_000n - bootTimeNs(base.prog)!;
    expect(reply).toEqual({
      programs: [
        {
          id: 7,
          address: h(b.p),
          aux: h(b.aux),
          type: "KPROBE",
          typeValue: 2,
          tag: "01020304050607ab",
          usedMaps: [3, 5],
          insnCount: 5,
          jited: true,
          jitedLen: 6,
          bpfFunc: h(b.code),
          memlock: 4096,
          loadTimeNs: "3000000000",
          loadedAt: new Date(Number((boot + 3_000_000_000n) / 1_000_000n)).toISOString(),
          gplCompatible: true,
          name: "hide",
        },
      ],
      maps: [
        { id: 3, address: h(b.mapA), type: "HASH", typeValue: 1, flags: 0, keySize: 4, valueSize: 8, maxEntries: 1024, name: "cfg" },
        { id: 5, address: h(b.mapB), type: "PERCPU_ARRAY", typeValue: 6, flags: 4, keySize: 4, valueSize: 12, maxEntries: 2, name: "" },
      ],
      problems: [],
    });
    expect(JSON.parse(JSON.stringify(reply))).toEqual(reply);
  });
});
