// TextBuilder writes a command's text as bytes and decodes it once; what it gives back must be the string
// the same appends would make: Latin-1 chars (0x80..0xff included), decimals with padding, repeats, mapped
// bytes with indented newlines, a char wider than a byte, and a buffer that has to grow.
import { describe, expect, it } from "vitest";
import { TextBuilder } from "../../../../src/core/commands/shared/text-builder";

describe("TextBuilder", () => {
  it("gives back what was appended, across growth, Latin-1 and wider chars", () => {
    const b = new TextBuilder(16);
    let expected = "";
    for (let i = 0; i < 2000; i++) {
      const s = `line ${i}: caf\u00e9 \u0085 ${i % 7 === 0 ? "\u20ac" : ""}\n`;
      b.text(s);
      expected += s;
    }
    b.char(0xe9);
    b.char(0x2603);
    expected += "\u00e9\u2603";
    expect(b.toString()).toBe(expected);
  });

  it("writes decimals padded as padStart would, and repeats", () => {
    const b = new TextBuilder(4);
    let expected = "";
    for (const [n, w, pad] of [[0, 5, " "], [7, 1, " "], [12345, 5, " "], [123456, 5, " "], [42, 6, "0"], [9007199254740991, 3, " "], [-3, 4, " "], [1.5, 4, "0"]] as const) {
      b.decimal(n, w, pad.charCodeAt(0));
      expected += String(n).padStart(w, pad);
      b.repeat(0x20, 3);
      expected += "   ";
    }
    expect(b.toString()).toBe(expected);
  });

  it("writes 64-bit values in hex as toString(16).padStart would", () => {
    const b = new TextBuilder(4);
    let expected = "";
    for (const v of [0n, 0xan, 0xffffffffn, 0x100000000n, 0xff16e6831f478000n, 2n ** 64n - 1n, 0x123456789abcdefn]) {
      b.hex64(v, 16);
      b.char(0x7c);
      expected += v.toString(16).padStart(16) + "|";
    }
    b.hex64(0xffffffffffffffffn, 4);
    expected += "ffffffffffffffff";
    expect(b.toString()).toBe(expected);
  });

  it("maps bytes through a table, indents each newline, and grows as needed", () => {
    const table = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c < 0x7f) || c === 0x0a ? c : 0x2e);
    const bytes = Uint8Array.from("xxone\ntwo\u0001\nthree\u00e9\nno indentyy", (c) => c.charCodeAt(0));
    const b = new TextBuilder(4);
    b.text("[ 1.0] ");
    b.mappedBytes(bytes, 2, 17, table, 7);
    b.mappedBytes(bytes, 17, bytes.length - 2, table, 0);
    expect(b.toString()).toBe("[ 1.0] one\n       two.\n       three.\nno indent");
    const many = new TextBuilder(8);
    for (let i = 0; i < 300; i++) many.mappedBytes(bytes, 2, 11, table, 3);
    expect(many.toString()).toBe("one\n   two.\n   ".repeat(300));
  });

  it("copies text that maps to itself, and goes byte by byte from the first byte that does not", () => {
    // Identity on every byte but 0x01 (-> '.'): 0x80..0xff pass as they are, and must decode as Latin-1.
    const table = Uint8Array.from({ length: 256 }, (_, c) => (c === 0x01 ? 0x2e : c));
    const text = "plain \u00e9\u00ff\u0085 text\u0001 then\nmore \u00e9";
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const b = new TextBuilder(4);
    b.mappedBytes(bytes, 0, bytes.length, table, 2);
    b.mappedBytes(bytes, 0, 6, table, 2);
    b.mappedBytes(bytes, 6, 6, table, 2);
    expect(b.toString()).toBe("plain \u00e9\u00ff\u0085 text. then\n  more \u00e9plain ");
    // A newline with no indent stays in the copy; 7-bit text decodes the same.
    const c = new TextBuilder(4);
    c.mappedBytes(Uint8Array.from("a\nb\u00e9", (ch) => ch.charCodeAt(0)), 0, 4, table, 0);
    expect(c.toString()).toBe("a\nb\u00e9");
  });

  it("writes log timestamps as crash's [%5lld.%06ld] does", () => {
    const b = new TextBuilder(4);
    let expected = "";
    for (const [sec, usec] of [[0, 0], [5, 42], [10, 0], [99999, 999999], [100000, 0], [1234567, 89], [999999999, 999999], [1000000000, 1], [2 ** 31 - 1, 7], [12345, 999999], [123456, 1], [2 ** 31 + 7, 500000], [99999999999, 0], [-1, 3], [1.5, 2], [3, 1e6]] as const) {
      b.stamp(sec, usec);
      expected += `[${String(sec).padStart(5, " ")}.${String(usec).padStart(6, "0")}] `;
    }
    expect(b.toString()).toBe(expected);
  });
});
