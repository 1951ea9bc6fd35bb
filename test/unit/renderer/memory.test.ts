// The hex view's memory: per-byte states from readMemory's chunks, excluded and unmapped never zeros.
import { describe, expect, it } from "vitest";
import type { Call, ReadMemoryReply } from "../../../src/core/session/contract";
import { ByteState, MemoryCache } from "../../../src/renderer/lib/memory";

function fakeCall(reply: (address: bigint) => ReadMemoryReply | Error): { call: Call; asked: bigint[] } {
  const asked: bigint[] = [];
  const call = (async (_m: string, p: { address: string }) => {
    const a = BigInt(p.address);
    asked.push(a);
    const r = reply(a);
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as Call;
  return { call, asked };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("MemoryCache", () => {
  it("present, excluded and unmapped bytes keep their states", async () => {
    const { call, asked } = fakeCall((a) => ({
      space: "kernel",
      address: `0x${a.toString(16)}`,
      length: 4096,
      chunks: [
        { address: `0x${a.toString(16)}`, length: 2, state: "present", hex: "4c69" },
        { address: `0x${(a + 2n).toString(16)}`, length: 2046, state: "excluded", problem: { code: "excluded", message: "page excluded" } },
        { address: `0x${(a + 2048n).toString(16)}`, length: 2048, state: "unmapped" },
      ],
    }));
    let changes = 0;
    const m = new MemoryCache(call, { space: "kernel" }, () => changes++);
    expect(m.byte(0x1000n).state).toBe(ByteState.Loading);
    m.byte(0x1001n);
    await tick();
    expect(asked).toEqual([0x1000n]);
    expect(changes).toBe(1);
    expect(m.byte(0x1000n)).toEqual({ value: 0x4c, state: ByteState.Present });
    expect(m.byte(0x1002n).state).toBe(ByteState.Excluded);
    expect(m.byte(0x1800n).state).toBe(ByteState.Unmapped);
    expect(m.bytes(0x1000n, 8)).toEqual(Uint8Array.from([0x4c, 0x69]));
    expect(m.problemAt(0x1002n)?.message).toBe("page excluded");
  });

  it("a failed read marks its block with the problem's state", async () => {
    const { call } = fakeCall(() => Object.assign(new Error("x"), { code: "unmapped", message: "no translation" }));
    const m = new MemoryCache(call, { space: "user", pid: 1 }, () => undefined);
    m.byte(0n);
    await tick();
    expect(m.byte(5n).state).toBe(ByteState.Unmapped);
  });

  it("hostile chunks (outside the block, bad hex, absurd lengths) do not spill", async () => {
    const { call } = fakeCall((a) => ({
      space: "kernel",
      address: `0x${a.toString(16)}`,
      length: 4096,
      chunks: [
        { address: "0x0", length: 1 << 30, state: "present", hex: "zz" },
        { address: `0x${(a + 10n).toString(16)}`, length: 1 << 30, state: "present", hex: "41" },
      ],
    }));
    const m = new MemoryCache(call, { space: "kernel" }, () => undefined);
    m.byte(0x2000n);
    await tick();
    expect(m.byte(0x200an)).toEqual({ value: 0x41, state: ByteState.Present });
    expect(m.byte(0x200bn).state).toBe(ByteState.Unmapped);
  });
});
