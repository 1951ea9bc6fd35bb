import { describe, expect, it } from "vitest";
import { formatAscii, formatMemory } from "../../../../src/core/commands/shared/memory-display";

function bytesOfQuads(quads: bigint[]): Uint8Array {
  const b = new Uint8Array(quads.length * 8);
  const v = new DataView(b.buffer);
  quads.forEach((q, i) => v.setBigUint64(i * 8, q, true));
  return b;
}

describe("crash rd layout", () => {
  it("prints two quadwords a line with the ASCII column", () => {
    const text = formatMemory(0x1f71fa00n, bytesOfQuads([0x65762078756e694cn, 0x2e36206e6f697372n]), { size: 64 });
    expect(text).toBe("        1f71fa00:  65762078756e694c 2e36206e6f697372   Linux version 6.\n");
  });
  it("pads a short last line so the ASCII column stays aligned", () => {
    const text = formatMemory(0xffffffffa141aa40n, bytesOfQuads([0x4000n]), { size: 64 });
    expect(text).toBe("ffffffffa141aa40:  0000000000004000                    .@......\n");
  });
  it("prints 8-, 16- and 32-bit entries", () => {
    const b = new Uint8Array([0x41, 0x42, 0x43, 0x44, 0, 1, 2, 3]);
    expect(formatMemory(0x1000n, b, { size: 32 })).toBe("            1000:  44434241 03020100                     ABCD....\n");
    expect(formatMemory(0x1000n, b.subarray(0, 4), { size: 8, ascii: false })).toBe("            1000:  41 42 43 44 \n");
    expect(formatMemory(0x1000n, b.subarray(0, 4), { size: 16, decimal: "unsigned", ascii: false })).toBe("            1000:  16961 17475 \n");
  });
  it("rd -a stops at the first unprintable byte, 60 characters a line", () => {
    const s = "x".repeat(61);
    const bytes = new Uint8Array([...s].map((c) => c.charCodeAt(0)).concat([0, 0x41]));
    expect(formatAscii(0x10n, bytes)).toBe(`              10:  ${"x".repeat(60)}\n              4c:  x`);
  });
});
