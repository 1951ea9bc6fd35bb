// The log's texts joined once (joinedText) are the same whether the bytes were assembled in fresh memory or
// in the process's spare buffer left dirty by an earlier large output: every byte of the joined text is
// written (a text the segments do not hold reads as zeros), and the buffer is given back for the next use.
import { describe, expect, it } from "vitest";
import { joinedText, PrintkTableBuilder } from "../../../../src/core/kernel/printk/table";
import { giveSpare, takeSpare } from "../../../../src/core/io/spare-buffer";

/** A table of `n` records of 40..200 bytes of text in one segment, plus one record outside it. */
function table(n: number) {
  const texts: string[] = [];
  let size = 0;
  for (let k = 0; k < n; k++) {
    const t = `record ${k} ` + "abcdefghij".repeat(4 + (k % 16)) + (k % 7 === 0 ? "\u00e9\u0001" : "");
    texts.push(t);
    size += t.length;
  }
  const segment = new Uint8Array(size);
  const b = new PrintkTableBuilder(16, { callerId: false, dataless: false, devInfo: false, segments: [segment] });
  let at = 0;
  for (const t of texts) {
    for (let i = 0; i < t.length; i++) segment[at + i] = t.charCodeAt(i);
    b.add(0, 0, 0, 0, 6, 0, 0, 0, at, t.length);
    at += t.length;
  }
  // A record whose text lies past every segment: what the readers never make, read as zeros.
  b.add(0, 0, 0, 0, 6, 0, 0, 0, size + 100, 5);
  texts.push("\0\0\0\0\0");
  // And an empty one.
  b.add(0, 0, 0, 0, 6, 0, 0, 0, 0, 0);
  texts.push("");
  return { table: b.finish(), expected: texts.join("\n") };
}

describe("joinedText", () => {
  it("joins the same text into a dirty spare buffer as into fresh memory, and gives the buffer back", () => {
    const { table: fresh, expected } = table(12_000);
    expect(expected.length).toBeGreaterThan(1 << 20);
    while (takeSpare(1 << 20) !== undefined);
    expect(joinedText(fresh).text).toBe(expected);
    // A dirty spare, larger than the text: the same joined text, and the spare is there again after.
    const dirty = new Uint8Array(expected.length + 4096).fill(0xaa);
    giveSpare(dirty);
    const { table: second } = table(12_000);
    expect(joinedText(second).text).toBe(expected);
    expect(takeSpare(expected.length)).toBe(dirty);
  });
});
