import { describe, expect, it } from "vitest";
import { decodeOrcEntry, ORC_ENTRY_SIZE, ORC_REG_BP, ORC_REG_PREV_SP, ORC_REG_SP, orcLayoutOf, OrcTable } from "../../../../src/core/arch/x86_64/orc";
import { DumpFormatError } from "../../../../src/core/io/errors";

const TABLE = 0xffffffff82c5d44cn;

/** An ORC table as the kernel stores it: ip[i] relative to its own slot, 6-byte entries. */
function buildOrc(entries: { ip: bigint; sp: number; bp: number; spReg: number; bpReg: number; typeBits: number }[]) {
  const ip = new DataView(new ArrayBuffer(entries.length * 4));
  const u = new DataView(new ArrayBuffer(entries.length * ORC_ENTRY_SIZE));
  entries.forEach((e, i) => {
    ip.setInt32(i * 4, Number(e.ip - (TABLE + BigInt(i * 4))), true);
    u.setInt16(i * 6, e.sp, true);
    u.setInt16(i * 6 + 2, e.bp, true);
    u.setUint16(i * 6 + 4, e.spReg | (e.bpReg << 4) | (e.typeBits << 8), true);
  });
  return { ipBytes: new Uint8Array(ip.buffer), unwindBytes: new Uint8Array(u.buffer) };
}

describe("ORC tables", () => {
  const f = 0xffffffff9fa6c400n;
  const { ipBytes, unwindBytes } = buildOrc([
    { ip: f, sp: 8, bp: 0, spReg: ORC_REG_SP, bpReg: 0, typeBits: 0 },
    { ip: f + 0x10n, sp: 88, bp: -24, spReg: ORC_REG_SP, bpReg: ORC_REG_PREV_SP, typeBits: 0 },
    { ip: f + 0x40n, sp: 16, bp: 0, spReg: ORC_REG_BP, bpReg: 0, typeBits: 1 | (1 << 2) },
  ]);
  const t = new OrcTable(ipBytes, unwindBytes, TABLE, "5.x");

  it("finds the last entry at or below an IP (relative IPs, KASLR-independent)", () => {
    expect(t.count).toBe(3);
    expect(t.ipAt(1)).toBe(f + 0x10n);
    expect(t.find(f + 0x3fn)).toMatchObject({ spOffset: 88, bpOffset: -24, spReg: ORC_REG_SP, bpReg: ORC_REG_PREV_SP, type: "call" });
    expect(t.find(f)?.spOffset).toBe(8);
    expect(t.find(f + 0x1000n)).toMatchObject({ type: "regs", end: true, spReg: ORC_REG_BP });
    expect(t.find(f - 1n)).toBeUndefined();
    expect(t.find(0n)).toBeUndefined();
  });

  it("decodes the 6.3 and 6.4 bitfields", () => {
    expect(orcLayoutOf(false, true)).toBe("5.x");
    expect(orcLayoutOf(true, true)).toBe("6.3");
    expect(orcLayoutOf(true, false)).toBe("6.4");
    const v = new DataView(new ArrayBuffer(6));
    v.setUint16(4, ORC_REG_SP | (2 << 8) | (1 << 11), true); // 6.4: type 2 = CALL, signal
    expect(decodeOrcEntry(v, 0, "6.4")).toMatchObject({ type: "call", signal: true, end: false });
    v.setUint16(4, ORC_REG_SP | (1 << 8) | (1 << 10) | (1 << 11), true); // 6.3: REGS, signal, end
    expect(decodeOrcEntry(v, 0, "6.3")).toMatchObject({ type: "regs", signal: true, end: true });
  });

  it("refuses an unwind array too short for its IPs", () => {
    expect(() => new OrcTable(ipBytes, unwindBytes.subarray(0, 12), TABLE, "5.x")).toThrow(DumpFormatError);
  });
});
