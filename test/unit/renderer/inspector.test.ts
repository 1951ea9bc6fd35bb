// The data inspector's readings and the copy formats.
import { describe, expect, it } from "vitest";
import { copyAsC, copyAsHex, cString, readings } from "../../../src/renderer/lib/inspector";

describe("inspector", () => {
  it("reads little-endian integers, a pointer and a string", () => {
    const b = Uint8Array.from([0x4c, 0x69, 0x6e, 0x75, 0x78, 0x20, 0x76, 0xff, 0]);
    const r = Object.fromEntries(readings(b).map((x) => [x.label, x.value]));
    expect(r.u8).toBe("76 (0x4c)");
    expect(r.s8).toBe("76");
    expect(r.u16).toBe("26956 (0x694c)");
    expect(r.u64).toBe(`${0xff76207875_6e694cn} (0xff762078756e694c)`);
    expect(r.s64).toBe(String(BigInt.asIntN(64, 0xff762078756e694cn)));
    expect(r.pointer).toBe("ff762078756e694c");
    expect(r.string).toBe('"Linux v\xff"');
  });

  it("short input: the readings that do not fit say so", () => {
    const r = Object.fromEntries(readings(Uint8Array.from([0xfe])).map((x) => [x.label, x.value]));
    expect([r.u8, r.s8, r.u16, r.pointer]).toEqual(["254 (0xfe)", "-2", "—", "—"]);
  });

  it("a hostile string is escaped and capped", () => {
    const enc = new TextEncoder();
    expect(cString(enc.encode('\x1b]0;pwn\x07"<b>'))).toBe('"\\x1b]0;pwn\\x07\\"<b>"');
    expect(cString(new Uint8Array(100).fill(0x41)).endsWith('"…')).toBe(true);
  });

  it("copies as hex lines and as a C array", () => {
    const b = Uint8Array.from({ length: 18 }, (_, i) => i);
    expect(copyAsHex(b)).toBe("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n10 11");
    expect(copyAsC(Uint8Array.from([1, 255]), "x")).toBe("unsigned char x[2] = {\n  0x01, 0xff,\n};");
  });
});
