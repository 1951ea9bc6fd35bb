// `sbitmapq` on the fixture's virtio disk tags (blk_mq_tags.bitmap_tags and breserved_tags of vda). crash
// 8.0.6 fails on 6.1 half way through (cmds-reference/sbitmapq*.txt: it looks for sbq_wait_state.wait_cnt,
// which 6.1 removed): the lines it printed are compared value by value, and the rest is checked against the
// kernel's data read here (the wait queues' lists, the bitmap words). Then bits set in an overlay of the real
// kernel: busy and cleared counts, the bitmap bytes, the requests those tags index (-s -a -p -v).
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { overlayProgram } from "../fixtures/overlay-program";
import { fixtureSession } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import { sbitmapqCommand } from "../../src/core/commands/block/sbitmapq";

const TAGS = 0xff16e6832ffaea80n; // vda's blk_mq_tags (request_queue ff16e6831f40c000 -> tag_set -> tags[0])
const BITMAP_TAGS = TAGS + 16n; // blk_mq_tags.bitmap_tags
const STATIC_RQS = 0xff16e6832fc6a800n; // blk_mq_tags.static_rqs

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("sbitmapq (golden: crash 8.0.6 stops half way on 6.1)", () => {
  for (const name of ["sbitmapq", "sbitmapq-x", "sbitmapq-d"]) {
    it(`${cmdsRefCommand(name)} equals crash's ${name}.txt up to where crash fails, then the kernel's data`, () => {
      const s = fixtureSession()!;
      const prog = s.context.prog;
      const r = s.run(cmdsRefCommand(name));
      expect(r.errors).toEqual([]);
      const lines = r.text.split("\n");
      const crash = cmdsRef(name).split("\n");
      const fails = crash.findIndex((l) => l.startsWith("sbitmapq: invalid structure member offset: sbq_wait_state_wait_cnt"));
      expect(fails).toBe(9);
      expect(lines.slice(0, fails)).toEqual(crash.slice(0, fails));
      // The rest, from the kernel's data: 8 wait queues whose lists are empty (next points at the head),
      // round_robin false, min_shallow_depth UINT_MAX, then 4 words of 64 bits, none set: 32 zero bytes.
      const off = (t: string, m: string): bigint => BigInt(prog.memberOffset(t, m)!);
      const ws = prog.readU64(BITMAP_TAGS + off("struct sbitmap_queue", "ws"));
      const wsSize = BigInt(prog.sizeOf("struct sbq_wait_state"));
      for (let i = 0n; i < 8n; i++) {
        const head = ws + i * wsSize + off("struct sbq_wait_state", "wait") + off("struct wait_queue_head", "head");
        expect(prog.readU64(head)).toBe(head);
      }
      const map = prog.readU64(BITMAP_TAGS + off("struct sbitmap_queue", "sb") + off("struct sbitmap", "map"));
      const wordSize = BigInt(prog.sizeOf("struct sbitmap_word"));
      for (let i = 0n; i < 4n; i++) expect(prog.readU64(map + i * wordSize)).toBe(0n);
      expect(lines.slice(fails)).toEqual([
        "ws = {",
        ...Array.from({ length: 8 }, () => "\t{ .wait = inactive },"),
        "}",
        "round_robin = 0",
        "min_shallow_depth = 4294967295",
        "",
        "00000000: 0000 0000 0000 0000 0000 0000 0000 0000",
        "00000010: 0000 0000 0000 0000 0000 0000 0000 0000",
        "",
      ]);
    });
  }

  it("shows an empty sbitmap (the reserved tags) without reading past it", () => {
    // crash prints alloc_hint {0, 0, 0, 0} for it: it adds each CPU's offset to a NULL alloc_hint and reads
    // whatever is there; the kernel has no hints for a bitmap of depth 0 (alloc_hint is NULL).
    const r = fixtureSession()!.run(cmdsRefCommand("sbitmapq-reserved"));
    const crash = cmdsRef("sbitmapq-reserved").split("\n").slice(0, 9);
    expect(r.text.split("\n").slice(0, 9)).toEqual(crash.map((l) => (l.startsWith("alloc_hint") ? "alloc_hint = {}" : l)));
    expect(r.text.endsWith("min_shallow_depth = 4294967295\n\n")).toBe(true);
  });

  it("lists nothing for the tag array while no tag is in use, as crash does, and prints crash's usage", () => {
    const s = fixtureSession()!;
    for (const name of ["sbitmapq-s", "sbitmapq-s-member"]) expect(s.run(cmdsRefCommand(name)).text).toBe(cmdsRef(name));
    expect(s.run("sbitmapq").errors.join("\n") + "\n").toBe(cmdsRef("sbitmapq-noarg"));
    expect(s.run("sbitmapq -a ff16e6832fc6a800 ff16e6832ffaea90").errors[0]!.split("\n")[0]).toBe("sbitmapq: -a option is used with -s option only");
    expect(s.run("sbitmapq 1000").errors).toEqual(["sbitmapq: invalid kernel virtual address: 1000"]);
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("sbitmapq with tags in use (overlay of the fixture's kernel)", () => {
  function inUse() {
    const base = fixtureSession()!.context;
    const { prog, space } = overlayProgram(base.prog);
    const off = (t: string, m: string): bigint => BigInt(prog.memberOffset(t, m)!);
    const map = prog.readU64(BITMAP_TAGS + off("struct sbitmap_queue", "sb") + off("struct sbitmap", "map"));
    const word1 = map + BigInt(prog.sizeOf("struct sbitmap_word"));
    space.patch(word1 + off("struct sbitmap_word", "word"), 0b111n); // tags 64, 65, 66 allocated...
    space.patch(word1 + off("struct sbitmap_word", "cleared"), 0b100n); // ...66 cleared for reuse
    return (...args: string[]) => sbitmapqCommand.run({ ...base, prog, state: { valueHistory: 0 } }, [...args, BITMAP_TAGS.toString(16)]);
  }

  it("counts busy and cleared bits and shows the bits in use", () => {
    const out = inUse()().text.split("\n");
    expect(out.slice(1, 3)).toEqual(["busy = 2", "cleared = 1"]);
    expect(out.slice(-3)).toEqual(["00000000: 0000 0000 0000 0000 0300 0000 0000 0000", "00000010: 0000 0000 0000 0000 0000 0000 0000 0000", ""]);
  });

  it("gives the slot of each tag in use in the request array, and with -v the request it points to", () => {
    const run = inUse();
    const slot = (n: number) => `0x${(STATIC_RQS + BigInt(n * 8)).toString(16)}`;
    expect(run("-s", "request", "-a", STATIC_RQS.toString(16), "-p").text).toBe(`64: ${slot(64)}\n65: ${slot(65)}\n`);
    const v = run("-s", "request.tag,internal_tag", "-a", STATIC_RQS.toString(16), "-p", "-v");
    expect(v.errors).toBeUndefined();
    // The values, read here from each request the slot points to.
    const prog = fixtureSession()!.context.prog;
    const member = (n: number, m: string): number => prog.readS32(prog.readU64(STATIC_RQS + BigInt(n * 8)) + BigInt(prog.memberOffset("struct request", m)!));
    const block = (n: number) => `${n} (${slot(n)}):\n  tag = ${member(n, "tag")},\n  internal_tag = ${member(n, "internal_tag")},\n`;
    expect(v.text).toBe(block(64) + block(65));
  });
});
