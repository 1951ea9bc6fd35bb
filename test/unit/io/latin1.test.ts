// latin1String decodes large buffers at native speed (TextDecoder's UTF-8, then windows-1252) and must still
// give every byte its Latin-1 char: 7-bit text, 0x80..0x9f (which windows-1252 maps elsewhere), bytes that
// are not UTF-8, and bytes that happen to form UTF-8 sequences.
import { describe, expect, it } from "vitest";
import { latin1Chars, latin1String } from "../../../src/core/io/latin1";

const codes = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe("latin1String", () => {
  it("gives every byte value its own char", () => {
    const all = Uint8Array.from({ length: 256 * 3 }, (_, i) => i & 0xff);
    expect(codes(latin1String(all))).toEqual([...all]);
    expect(latin1String(all)).toBe(latin1Chars(all, 0, all.length));
  });

  it("decodes a large 7-bit buffer, and the same with one C1 byte or one UTF-8 sequence, byte for byte", () => {
    const text = new Uint8Array(1 << 20);
    for (let i = 0; i < text.length; i++) text[i] = 0x20 + (i % 95);
    expect(latin1String(text)).toBe(latin1Chars(text, 0, text.length));
    const c1 = text.slice();
    c1[777_777] = 0x80;
    expect(latin1String(c1).charCodeAt(777_777)).toBe(0x80);
    expect(latin1String(c1)).toBe(latin1Chars(c1, 0, c1.length));
    const utf8 = text.slice();
    utf8.set([0xc3, 0xa9], 4242); // "é" in UTF-8: two Latin-1 chars here
    expect(latin1String(utf8)).toBe(latin1Chars(utf8, 0, utf8.length));
    expect(latin1String(utf8).length).toBe(utf8.length);
  });

  it("trusts the caller's word that a buffer is 7-bit", () => {
    const text = Uint8Array.from("x".repeat(100), (c) => c.charCodeAt(0));
    expect(latin1String(text, true)).toBe("x".repeat(100));
  });
});
