// The BTF index image (btf-cache.ts): a blob opened with the image of its own scan answers every lookup as
// the blob scanned afresh does; an image that does not fit the blob it is offered with (another blob, a
// damaged image) is not taken, and the blob is scanned; a bad blob fails as it fails without an image.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Btf } from "../../../src/core/debuginfo/btf";
import { findMember, sizeOf } from "../../../src/core/debuginfo/types";
import { ElfFile } from "../../../src/core/dump/elf";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { DumpFormatError } from "../../../src/core/io/errors";
import { smallBtf } from "../../fixtures/btf-builder";
import { fixture, haveFixtures } from "../../fixtures";

/** smallBtf's blob, with two typedefs of one name and `extra` more. */
function blob(extra = 0): Uint8Array {
  const b = smallBtf();
  const int = b.int("long", 8, { signed: true });
  b.typedef("int_t", int);
  b.typedef("int_t", int); // two types of one name
  for (let i = 0; i < extra; i++) b.typedef(`extra_${i}`, int);
  return b.build();
}

const NAMES = ["int", "long", "node", "node_t", "colour", "f", "int_t", "nothing", ""];

function answers(btf: Btf): string[] {
  const out: string[] = [];
  for (const n of NAMES) out.push(`${n}: ${btf.idsNamed(n).join(",")} / ${btf.functionIdsNamed(n).join(",")}`);
  for (let id = 1; id <= btf.lastId; id++) out.push(`${id}: ${btf.kindOf(id)} ${btf.nameOf(id)}`);
  const node = btf.findType("node", "struct");
  out.push(node ? `${node.kind} ${sizeOf(node)} next@${findMember(node, "next")?.bitOffset} val@${findMember(node, "val")?.bitOffset}` : "-");
  return out;
}

describe("BTF index image", () => {
  it("a blob opened with its own image answers as the blob scanned", () => {
    const bytes = blob();
    const scanned = new Btf(bytes);
    const image = scanned.indexImage();
    const adopted = new Btf(bytes, { index: image });
    expect(adopted.indexFromImage).toBe(true);
    expect(scanned.indexFromImage).toBe(false);
    expect(answers(adopted)).toEqual(answers(scanned));
    expect(answers(adopted)).toContain("struct 16 next@0 val@64");
  });

  it("an image at an odd place in its buffer (its columns copied, not viewed) answers alike", () => {
    const bytes = blob();
    const image = new Btf(bytes).indexImage();
    const shifted = new Uint8Array(image.length + 1);
    shifted.set(image, 1);
    const adopted = new Btf(bytes, { index: shifted.subarray(1) });
    expect(adopted.indexFromImage).toBe(true);
    expect(answers(adopted)).toEqual(answers(new Btf(bytes)));
  });

  it("an image of another blob, or a damaged one, is not taken: the blob is scanned and answers right", () => {
    const bytes = blob();
    const image = new Btf(bytes).indexImage();
    const expected = answers(new Btf(bytes));
    const other = new Btf(blob(3)).indexImage();
    const offered = new Btf(bytes, { index: other });
    expect(offered.indexFromImage).toBe(false);
    expect(answers(offered)).toEqual(expected);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: image.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const damaged = image.slice();
        damaged[at] ^= x;
        const btf = new Btf(bytes, { index: damaged });
        // Any changed byte is seen (the checksum), and the blob answers as scanned.
        expect(btf.indexFromImage).toBe(false);
        expect(answers(btf)).toEqual(expected);
      }),
      { seed: 7, numRuns: 300 },
    );
    expect(new Btf(bytes, { index: image.subarray(0, image.length - 4) }).indexFromImage).toBe(false);
    expect(new Btf(bytes, { index: new Uint8Array(0) }).indexFromImage).toBe(false);
  });

  it("a bad blob fails with its format error whatever image comes with it", () => {
    const good = blob();
    const image = new Btf(good).indexImage();
    const bad = good.slice();
    bad[0] = 0x34;
    expect(() => new Btf(bad, { index: image })).toThrow(DumpFormatError);
    expect(() => new Btf(bad, { index: image })).toThrow(/bad BTF magic/);
  });
});

describe.skipIf(!haveFixtures("vmlinux"))("BTF index image on the fixture vmlinux", () => {
  it("takes the image of its own .BTF and answers every name as the scan does", () => {
    const elf = ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!));
    const bytes = elf.sectionBytes(elf.sectionHeader(".BTF")!)!;
    const scanned = new Btf(bytes);
    const adopted = new Btf(bytes, { index: scanned.indexImage() });
    expect(adopted.indexFromImage).toBe(true);
    expect(adopted.lastId).toBe(scanned.lastId);
    for (const name of ["task_struct", "list_head", "mm_struct", "pid_t", "jiffies", "init_task", "no_such_type_here"]) {
      expect(adopted.idsNamed(name), name).toEqual(scanned.idsNamed(name));
    }
    for (let id = 1; id <= scanned.lastId; id += 997) expect(adopted.nameOf(id)).toBe(scanned.nameOf(id));
    // The image is a small part of the blob (what the scan and the index hold).
    expect(scanned.indexImage().length).toBeLessThan(bytes.length);
  });
});
