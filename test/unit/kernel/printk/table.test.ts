// The log's table (kernel/printk/table.ts): rows as the readers add them, across growth, back as records;
// texts in several segments and in the builder's own; the joined text and the record at a position in it;
// a record's strings found among the few that have them.
import { describe, expect, it } from "vitest";
import { joinedText, printkRecordAt, printkRecords, PrintkTableBuilder, recordAtPosition, recordText } from "../../../../src/core/kernel/printk/table";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("printk table", () => {
  it("gives back each row as added, across growth, with u64s from their halves", () => {
    const seg = bytes("hello world\u00e9");
    const b = new PrintkTableBuilder(1, { callerId: true, dataless: true, devInfo: true, segments: [seg] });
    for (let k = 0; k < 100; k++) {
      const at = k % 3 === 0 ? 0 : 6;
      const row = b.add(k, 0x80000000, 0xffffffff, k, k % 8, 3, 4, 0x80000000 + k, at, k % 3 === 0 ? 5 : 6);
      expect(row).toBe(k);
      if (k === 7) b.markDataless(k);
      if (k % 10 === 0) b.extra(k, { subsystem: "pci", device: `+pci:${k}` });
    }
    const t = b.finish();
    expect(t.count).toBe(100);
    const r = printkRecords(t);
    expect(r).toHaveLength(100);
    expect(r[1]).toEqual({ seq: (0x80000000n << 32n) | 1n, tsNsec: (1n << 32n) | 0xffffffffn, level: 1, facility: 3, flags: 4, callerId: 0x80000001, text: "world\u00e9", subsystem: "", device: "" });
    expect(r[30]).toMatchObject({ text: "hello", subsystem: "pci", device: "+pci:30" });
    expect(r[7]!.dataless).toBe(true);
    expect(r[8]!.dataless).toBeUndefined();
    expect(printkRecordAt(t, 99)).toEqual(r[99]);
    expect(recordText(t, 2)).toBe("world\u00e9");
  });

  it("reads texts across segments and the builder's own, joined by newlines, and finds the record at a position", () => {
    const b = new PrintkTableBuilder(4, { callerId: false, dataless: false, devInfo: false, segments: [bytes("abc"), bytes("defgh")] });
    b.add(0, 0, 0, 0, -1, -1, -1, 0, 3, 5); // "defgh", in the second segment
    b.add(1, 0, 0, 0, -1, -1, -1, 0, 0, 0); // empty
    const own = b.ownTextAt;
    expect(own).toBe(8);
    b.appendText(bytes("xyz!"), 0, 3);
    b.appendByte(0x0a);
    b.add(2, 0, 0, 0, 6, -1, -1, 0, own, 4); // "xyz\n", the builder's own
    b.extra(2, { prefix: "<6>" });
    b.add(3, 0, 0, 0, -1, -1, -1, 0, 1, 2); // "bc", back in the first segment
    const t = b.finish();
    const j = joinedText(t);
    expect(j.text).toBe("defgh\n\nxyz\n\nbc");
    expect([...j.starts]).toEqual([0, 6, 7, 12, 15]);
    expect([0, 5, 6, 7, 11, 12, 14].map((p) => recordAtPosition(j, p))).toEqual([0, 0, 1, 2, 2, 3, 3]);
    expect(printkRecords(t).map((r) => [r.text, r.level, r.prefix, r.callerId])).toEqual([
      ["defgh", undefined, undefined, undefined],
      ["", undefined, undefined, undefined],
      ["xyz\n", 6, "<6>", undefined],
      ["bc", undefined, undefined, undefined],
    ]);
  });

  it("an empty table has no records and an empty joined text", () => {
    const t = new PrintkTableBuilder(0, { callerId: false, dataless: false, devInfo: false, segments: [] }).finish();
    expect(printkRecords(t)).toEqual([]);
    expect(joinedText(t).text).toBe("");
  });
});
