// The 5.10+ lockless ring-buffer reader on synthetic rings built as the kernel fills them.
import { describe, expect, it } from "vitest";
import { InvalidAddressError, KdwError } from "../../../../src/core/io/errors";
import { readPrintkLog } from "../../../../src/core/kernel/printk/printk";
import { BASE, DESC_ID_MASK, DESC_STATE, LocklessRing } from "./image";

describe("lockless printk ring buffer", () => {
  it("reads every finalized record tail to head with its info fields", () => {
    const ring = new LocklessRing(4, 10);
    ring.push({ text: "Linux version 6.1", tsNsec: 0n, level: 5, callerId: 0 });
    ring.push({ text: "e1000 0000:00:03.0: eth0 up", tsNsec: 1_234_567_890n, level: 6, callerId: 0x80000002, subsystem: "pci", device: "+pci:0000:00:03.0" });
    ring.push({ text: "two\nlines", tsNsec: 15_695_254_186n, level: 4, callerId: 304, facility: 3 });
    const log = readPrintkLog(ring.program());
    expect(log.layout).toBe("lockless");
    expect(log.stopped).toBeUndefined();
    expect(log.zeroFilledPages).toBe(0);
    expect(log.records.map((r) => r.text)).toEqual(["Linux version 6.1", "e1000 0000:00:03.0: eth0 up", "two\nlines"]);
    expect(log.records.map((r) => r.seq)).toEqual([0n, 1n, 2n]);
    expect(log.records.map((r) => r.level)).toEqual([5, 6, 4]);
    expect(log.records.map((r) => r.flags)).toEqual([2, 2, 2]);
    expect(log.records[2]).toMatchObject({ tsNsec: 15_695_254_186n, callerId: 304, facility: 3, subsystem: "", device: "" });
    expect(log.records[1]).toMatchObject({ callerId: 0x80000002, subsystem: "pci", device: "+pci:0000:00:03.0" });
  });

  it("reads a wrapped data block from the start of the ring", () => {
    const ring = new LocklessRing(4, 8); // a 256-byte text ring
    const texts = ["a".repeat(90), "b".repeat(90), "c".repeat(40)];
    for (const t of texts) ring.push(t);
    const last = ring.ids.at(-1)!;
    const { begin, next } = ring.lpos(last);
    expect(Number(begin % 256n)).toBeGreaterThan(Number(next % 256n)); // the block wraps
    // The wrapped block overwrote the first record's: the kernel made that descriptor reusable and moved the tail.
    ring.setState(ring.ids[0]!, DESC_STATE.reusable);
    ring.setIds(ring.ids[1]!, last);
    ring.setDataTail(ring.lpos(ring.ids[1]!).begin);
    const log = readPrintkLog(ring.program());
    expect(log.stopped).toBeUndefined();
    expect(log.records.map((r) => r.text)).toEqual(texts.slice(1));
  });

  it("follows ids across the 62-bit id wrap", () => {
    const ring = new LocklessRing(3, 10, DESC_ID_MASK - 2n);
    for (let i = 0; i < 6; i++) ring.push(`record ${i}`);
    expect(ring.ids.at(-1)).toBe(2n);
    expect(readPrintkLog(ring.program()).records.map((r) => r.text)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `record ${i}`));
  });

  it("skips descriptors that are reserved, reusable, or hold another id (desc_miss)", () => {
    const ring = new LocklessRing(4, 10);
    for (let i = 0; i < 6; i++) ring.push(`r${i}`);
    ring.setState(ring.ids[1]!, DESC_STATE.reusable);
    ring.setState(ring.ids[2]!, DESC_STATE.finalized, ring.ids[2]! + 16n); // a later generation's id
    ring.setState(ring.ids[3]!, DESC_STATE.reserved);
    ring.setState(ring.ids[4]!, DESC_STATE.committed); // committed records are shown, as crash does
    const log = readPrintkLog(ring.program());
    expect(log.stopped).toBeUndefined();
    expect(log.records.map((r) => r.text)).toEqual(["r0", "r4", "r5"]);
  });

  it("marks a descriptor without a text block as data-less", () => {
    const ring = new LocklessRing(4, 10);
    ring.push("before");
    const id = ring.push("x");
    ring.push("after");
    ring.setLpos(id, 1n, 1n); // FAILED_LPOS
    const log = readPrintkLog(ring.program());
    expect(log.records.map((r) => [r.text, r.dataless ?? false])).toEqual([
      ["before", false],
      ["", true],
      ["after", false],
    ]);
  });

  it("truncates text_len to the data block, as the kernel's readers do", () => {
    const ring = new LocklessRing(4, 10);
    ring.push({ text: "short", textLen: 200 });
    const log = readPrintkLog(ring.program());
    expect(log.records[0]!.text.startsWith("short")).toBe(true);
    expect(log.records[0]!.text.length).toBe(8); // the block is 16 bytes: the id, then 8 bytes of text
  });

  it("stops at a descriptor whose block belongs to another descriptor, keeping the records before it", () => {
    const ring = new LocklessRing(4, 10);
    for (let i = 0; i < 5; i++) ring.push(`r${i}`);
    const bad = ring.ids[3]!;
    ring.space.u64(ring.data + Number(ring.lpos(bad).begin % 1024n), 0x1234n);
    const log = readPrintkLog(ring.program());
    expect(log.records.map((r) => r.text)).toEqual(["r0", "r1", "r2"]);
    expect(log.stopped).toBeDefined();
    expect(log.stopped!.message).toMatch(/^printk ring buffer: walk stopped after 3 steps: descriptor 3: text block at \d+ belongs to descriptor 4660$/);
  });

  it("stops at a descriptor whose block is larger than the ring", () => {
    const ring = new LocklessRing(4, 10);
    for (let i = 0; i < 3; i++) ring.push(`r${i}`);
    ring.setLpos(ring.ids[1]!, 0n, 4096n + 8n);
    const log = readPrintkLog(ring.program());
    expect(log.records.map((r) => r.text)).toEqual(["r0"]);
    expect(log.stopped!.message).toContain("does not fit the 1024-byte ring");
  });

  it("stops when head_id is not reached within one lap of the descriptor ring", () => {
    const ring = new LocklessRing(3, 10);
    for (let i = 0; i < 4; i++) ring.push(`r${i}`);
    ring.setIds(ring.ids[0]!, 1000n); // head id unrelated to the tail
    const log = readPrintkLog(ring.program());
    expect(log.records.map((r) => r.text)).toEqual(["r0", "r1", "r2", "r3"]);
    expect(log.stopped!.message).toBe("printk ring buffer: walk stopped after 8 steps: head id 1000 not reached from tail id 0");
  });

  it("reads pages the dump left out as zeros, and counts them", () => {
    const ring = new LocklessRing(6, 12); // 64 descriptors: 1536 bytes of descs, 5632 of infos (88 each)
    for (let i = 0; i < 50; i++) ring.push(`r${i}`);
    ring.space.excluded.add(Math.floor((ring.infos + 4096) / 4096)); // the infos of ids 47..63 (46 straddles)
    const log = readPrintkLog(ring.program());
    expect(log.stopped).toBeUndefined();
    expect(log.zeroFilledPages).toBe(1);
    expect(log.records.slice(0, 47).map((r) => r.text)).toEqual(Array.from({ length: 47 }, (_, i) => `r${i}`));
    // Their descriptors and text blocks are there, their info (text_len, seq, …) reads as zeros, as in crash.
    expect(log.records.slice(47).map((r) => [r.text, r.seq])).toEqual([
      ["", 0n],
      ["", 0n],
      ["", 0n],
    ]);
  });

  it("reads only the descriptors between tail and head, and the text between the data tail and head", () => {
    const ring = new LocklessRing(6, 13);
    for (let i = 0; i < 3; i++) ring.push(`r${i}`);
    ring.space.excluded.add(Math.floor((ring.infos + 4096) / 4096)); // unused infos: never read
    ring.space.excluded.add(Math.floor((ring.data + 4096) / 4096)); // unused text: never read
    const log = readPrintkLog(ring.program());
    expect(log.records.map((r) => r.text)).toEqual(["r0", "r1", "r2"]);
    expect(log.zeroFilledPages).toBe(0);
  });

  it("rejects implausible ring sizes and unreadable pointers with typed errors", () => {
    const ring = new LocklessRing(4, 10);
    ring.push("x");
    ring.space.u32(ring.rb + 0, 40); // count_bits
    expect(() => readPrintkLog(ring.program())).toThrow(/implausible ring sizes \(count_bits 40, size_bits 10\)/);
    const ring2 = new LocklessRing(4, 10);
    ring2.space.u64(ring2.rb + 8, 0xdead000000000000n); // descs
    expect(() => readPrintkLog(ring2.program())).toThrow(InvalidAddressError);
    const ring3 = new LocklessRing(4, 10);
    ring3.space.u64(Number(ring3.symbols.addressOf("prb")! - BASE), 0n); // prb = NULL
    expect(() => readPrintkLog(ring3.program())).toThrow(KdwError);
  });

  it("reads the log once per Program", () => {
    const ring = new LocklessRing(4, 10);
    ring.push("x");
    const prog = ring.program();
    expect(readPrintkLog(prog)).toBe(readPrintkLog(prog));
  });

  it("stops when the text blocks overlap into more text than two laps of the ring (a hostile ring)", () => {
    // 16 blocks of 200 bytes that begin 8 bytes apart in a 256-byte ring, each with its id where it begins.
    const ring = new LocklessRing(4, 8);
    for (let i = 0; i < 16; i++) ring.push("x");
    ring.ids.forEach((id, k) => {
      ring.setLpos(id, BigInt(8 * k), BigInt(8 * k + 200));
      ring.space.u16(ring.infoOff(id) + 16, 192); // text_len
    });
    ring.ids.forEach((id, k) => ring.space.u64(ring.data + 8 * k, id));
    const log = readPrintkLog(ring.program());
    expect(log.records).toHaveLength(2);
    expect(log.stopped!.message).toBe("printk ring buffer: walk stopped after 2 steps: descriptor 2: text blocks overlap: more text than 2 laps of the 256-byte ring");
  });

  it("reads the part of a block outside the text arc read (positions that disagree) as zeros", () => {
    const ring = new LocklessRing(4, 10);
    for (let i = 0; i < 4; i++) ring.push(`text${i}xyz`); // 16-byte blocks: the id, then 8 bytes of text
    const id = ring.ids[2]!;
    const { begin } = ring.lpos(id);
    ring.setIds(id, id);
    ring.setDataTail(begin);
    ring.space.u64(ring.rb + 48 + 16, begin + 12n); // head_lpos: the id and 4 bytes of the text only
    const log = readPrintkLog(ring.program());
    expect(log.stopped).toBeUndefined();
    expect(log.records.map((r) => r.text)).toEqual(["text\0\0\0\0"]);
  });
});
