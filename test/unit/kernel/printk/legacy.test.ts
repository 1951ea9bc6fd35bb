// The two older log layouts on memory images built from their documented layouts: 3.5–5.9 printk_log
// records (with the zero-length end marker, and a walk that must stop on corrupt records) and the pre-3.5
// flat log_buf (wrapped or not, level prefixes set apart).
import { describe, expect, it } from "vitest";
import { KdwError } from "../../../../src/core/io/errors";
import { readPrintkLog } from "../../../../src/core/kernel/printk/printk";
import { FlatLogBuf, RecordLogBuf } from "./image";

describe("printk_log records (3.5–5.9)", () => {
  it("reads records with timestamps, the level from its bitfield, caller ids and dictionaries", () => {
    const log = new RecordLogBuf(1024, { callerId: true, firstSeq: 100n });
    log.push({ text: "Linux version 5.4.0", tsNsec: 0n, level: 5, flags: 0x2 });
    log.push({ text: "pci 0000:00:01.0: [8086:7000]", dict: "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0", tsNsec: 312_345_678n, level: 7, flags: 0x6, callerId: 0x80000001, facility: 0 });
    log.push({ text: "a\nb", tsNsec: 1_000_000_000n, level: 4, callerId: 42 });
    const r = readPrintkLog(log.program());
    expect(r.layout).toBe("printk_log");
    expect(r.stopped).toBeUndefined();
    expect(r.records.map((x) => x.text)).toEqual(["Linux version 5.4.0", "pci 0000:00:01.0: [8086:7000]", "a\nb"]);
    expect(r.records.map((x) => x.seq)).toEqual([100n, 101n, 102n]);
    // level:3 is the top three bits of the byte it shares with flags:5 (crash 8.0.6 prints byte & 7, the flags).
    expect(r.records.map((x) => x.level)).toEqual([5, 7, 4]);
    expect(r.records.map((x) => x.flags)).toEqual([2, 6, 2]);
    expect(r.records[1]).toMatchObject({ tsNsec: 312_345_678n, callerId: 0x80000001, subsystem: "pci", device: "+pci:0000:00:01.0", dict: "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0" });
    expect(r.records[0]!.dict).toBeUndefined();
  });

  it("follows the zero-length end marker back to the start of log_buf", () => {
    const log = new RecordLogBuf(256);
    const texts = Array.from({ length: 9 }, (_, i) => `message number ${i}`); // 32-byte records: 7 fit
    const idx = texts.map((text) => log.push({ text }));
    expect(idx[7]).toBe(0); // the eighth wrapped, behind an end marker at 224
    expect(log.nextIdx).toBe(64);
    // log_make_free_space() keeps a header's room between log_next_idx and log_first_idx: record 3 is the oldest.
    log.firstIdx = idx[3]!;
    log.sync();
    const r = readPrintkLog(log.program());
    expect(r.stopped).toBeUndefined();
    expect(r.records.map((x) => x.text)).toEqual(texts.slice(3));
  });

  it("reads `struct log` (3.5–3.10) without caller_id; no log_first_seq numbers from 0", () => {
    const log = new RecordLogBuf(512, { structName: "log" });
    log.push({ text: "one", level: 3 });
    log.push({ text: "two", level: 6 });
    const r = readPrintkLog(log.program());
    expect(r.records.map((x) => [x.seq, x.text, x.level, x.callerId])).toEqual([
      [0n, "one", 3, undefined],
      [1n, "two", 6, undefined],
    ]);
  });

  it("stops at a record whose length is shorter than its header, keeping those before", () => {
    const log = new RecordLogBuf(512);
    log.push({ text: "good" });
    const bad = log.push({ text: "bad" });
    log.push({ text: "unreached" });
    log.space.u16(log.buf + bad + 8, 4); // len
    const r = readPrintkLog(log.program());
    expect(r.records.map((x) => x.text)).toEqual(["good"]);
    expect(r.stopped!.message).toBe(`printk log_buf: walk stopped after 1 steps: record at ${bad}: len 4, text_len 3, dict_len 0 do not fit`);
  });

  it("stops on a loop (a record whose length leads back to an earlier one)", () => {
    const log = new RecordLogBuf(512);
    log.push({ text: "first" });
    const second = log.push({ text: "second" });
    log.push({ text: "third" });
    log.nextIdx = 400; // never reached
    log.sync();
    // A zero-length marker at "third" sends the walk back to index 0: the first record again.
    log.space.bytes.fill(0, log.buf + second + 24, log.buf + second + 24 + 16);
    const r = readPrintkLog(log.program());
    expect(r.records.map((x) => x.text)).toEqual(["first", "second"]);
    expect(r.stopped!.message).toContain("duplicate log_buf message pointer at 0");
  });

  it("stops when a record runs past the end of an unwrapped log_buf", () => {
    const log = new RecordLogBuf(256);
    const a = log.push({ text: "x".repeat(100) });
    log.nextIdx = 250;
    log.sync();
    log.space.u16(log.buf + a + 8, 244); // the next header would start at 244: no room for it
    const r = readPrintkLog(log.program());
    expect(r.records).toHaveLength(1);
    expect(r.stopped!.message).toContain("record index 244 leaves no room for a header in the 256-byte log_buf");
  });

  it("stops with crash's message when the walk leaves log_buf and the log had not wrapped", () => {
    const log = new RecordLogBuf(256);
    const a = log.push({ text: "y" });
    log.nextIdx = 100;
    log.sync();
    log.space.u16(log.buf + a + 8, 256); // exactly to the end
    log.space.u16(log.buf + a + 10, 1);
    const r = readPrintkLog(log.program());
    expect(r.records).toHaveLength(1);
    expect(r.stopped!.message).toContain("invalid log_buf entry encountered");
  });

  it("rejects an implausible log_buf_len", () => {
    const log = new RecordLogBuf(256);
    log.space.u32(Number(log.symbols.addressOf("log_buf_len")! - 0xffff888000000000n), 0x7fffffff);
    expect(() => readPrintkLog(log.program())).toThrow(KdwError);
    expect(() => readPrintkLog(log.program())).toThrow(/implausible log_buf_len 2147483647/);
  });
});

describe("flat log_buf (before 3.5)", () => {
  it("reads an unwrapped buffer line by line, the <N> prefixes set apart", () => {
    const log = new FlatLogBuf(1024);
    log.write("<5>Linux version 2.6.32\n<6>Command line: ro\n<4>no newline at the end");
    const r = readPrintkLog(log.program());
    expect(r.layout).toBe("flat");
    expect(r.records.map((x) => [x.prefix, x.level, x.text])).toEqual([
      ["<5>", 5, "Linux version 2.6.32"],
      ["<6>", 6, "Command line: ro"],
      ["<4>", 4, "no newline at the end"],
    ]);
    expect(r.records.every((x) => x.tsNsec === 0n)).toBe(true);
  });

  it("starts a wrapped buffer at log_end, the first (partial) line not stripped", () => {
    const log = new FlatLogBuf(64);
    log.write("<6>" + "z".repeat(40) + "\n");
    log.write("<4>second line\n<3>third line\n");
    expect(log.logEnd).toBeGreaterThan(64);
    const r = readPrintkLog(log.program());
    // The oldest bytes left are the tail of the first line (without its prefix, which was overwritten).
    const first = r.records[0]!;
    expect(first.prefix).toBeUndefined();
    expect(first.text).toMatch(/^z+$/);
    expect(r.records.slice(1).map((x) => [x.prefix, x.text])).toEqual([
      ["<4>", "second line"],
      ["<3>", "third line"],
    ]);
  });

  it("reads a static log_buf array (no log_buf_len) with an unsigned long log_end, skipping NULs", () => {
    const log = new FlatLogBuf(256, { staticArray: true, logEndSize: 8 });
    log.write("<6>a\0b\n<7>c\n");
    const r = readPrintkLog(log.program());
    expect(r.records.map((x) => x.text)).toEqual(["ab", "c"]);
  });

  it("rejects a log_buf_len that is not a power of two", () => {
    const log = new FlatLogBuf(256);
    log.space.u32(Number(log.symbols.addressOf("log_buf_len")! - 0xffff888000000000n), 1000);
    expect(() => readPrintkLog(log.program())).toThrow(/implausible log_buf_len 1000/);
  });
});
