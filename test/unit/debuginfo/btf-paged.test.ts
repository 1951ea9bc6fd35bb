// A BTF blob read in chunks as it is used (io/paged-bytes.ts, opened with its cache image): every answer
// equals the whole blob's, for every type and every lookup, and only the chunks looked at are read.
import { describe, expect, it } from "vitest";
import { Btf } from "../../../src/core/debuginfo/btf";
import type { Type } from "../../../src/core/debuginfo/types";
import { ElfFile } from "../../../src/core/dump/elf";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { PagedBytes } from "../../../src/core/io/paged-bytes";
import { TruncatedError } from "../../../src/core/io/errors";
import { BtfBuilder } from "../../fixtures/btf-builder";
import { fixture, haveFixtures } from "../../fixtures";

/** `blob` as a PagedBytes, recording each read as [offset, length]. */
function paged(blob: Uint8Array, chunk = 64): { bytes: PagedBytes; reads: [number, number][] } {
  const reads: [number, number][] = [];
  const bytes = new PagedBytes(blob.length, (at, target) => {
    reads.push([at, target.length]);
    target.set(blob.subarray(at, at + target.length));
  }, chunk);
  return { bytes, reads };
}

describe("PagedBytes", () => {
  const blob = Uint8Array.from({ length: 1000 }, (_, i) => (i % 50 === 49 ? 0 : 65 + (i % 26)));

  it("reads the chunks asked for, a run of missing chunks at once, each once", () => {
    const { bytes, reads } = paged(blob, 100);
    bytes.ensure(150, 160);
    expect(reads).toEqual([[100, 100]]);
    bytes.ensure(120, 420);
    expect(reads).toEqual([[100, 100], [200, 300]]);
    bytes.ensure(0, 10);
    bytes.ensure(150, 450);
    expect(reads.length).toBe(3);
    expect([...bytes.bytes.subarray(0, 500)]).toEqual([...blob.subarray(0, 500)]);
    expect(bytes.bytes[600]).toBe(0);
    expect(bytes.complete).toBe(false);
    bytes.ensureAll();
    expect(bytes.complete).toBe(true);
    expect(bytes.bytes).toEqual(blob);
    expect(reads).toEqual([[100, 100], [200, 300], [0, 100], [500, 500]]);
  });

  it("reads a string to its NUL across chunks, and to the end when there is none", () => {
    const text = new TextEncoder().encode("a".repeat(250));
    const withNul = Uint8Array.of(...text, 0, 66, 66);
    const { bytes, reads } = paged(withNul, 100);
    bytes.ensureString(10);
    expect(reads).toEqual([[0, 100], [100, 100], [200, 53]]);
    const { bytes: open, reads: openReads } = paged(text, 100);
    open.ensureString(120);
    expect(openReads).toEqual([[100, 100], [200, 50]]);
  });

  it("passes a read's error to the reader that asked, and reads the chunk again next time", () => {
    let fail = true;
    const bytes = new PagedBytes(300, (at, target) => {
      if (fail) throw new TruncatedError("f", at, target.length, at);
      target.fill(7);
    }, 100);
    expect(() => bytes.ensure(0, 10)).toThrow(TruncatedError);
    fail = false;
    bytes.ensure(0, 10);
    expect(bytes.bytes[5]).toBe(7);
    expect(bytes.chunksRead).toBe(1);
  });
});

/** A shallow account of a type: enough to see every field the blob gave it. */
function shallow(t: Type): string {
  const named = (x: Type): string => ("name" in x && x.name !== undefined ? `${x.kind} ${x.name}` : x.kind);
  switch (t.kind) {
    case "struct":
    case "union":
      return `${named(t)} ${t.size} {${t.members.map((m) => `${m.name ?? ""}@${m.bitOffset}:${m.bitSize ?? ""} ${named(m.type)}`).join("; ")}}`;
    case "enum":
      return `${named(t)} ${t.size} {${t.enumerators.map((e) => `${e.name}=${e.value}`).join(", ")}}`;
    case "function":
      return `fn ${named(t.returnType)} (${t.params.map((p) => `${p.name ?? ""} ${named(p.type)}`).join(", ")})${t.variadic ? " ..." : ""}`;
    case "pointer":
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
      return `${named(t)} -> ${named(t.target)}`;
    case "array":
      return `array ${t.count} of ${named(t.element)}`;
    default:
      return `${named(t)} ${"size" in t ? t.size : ""}`;
  }
}

/** Every type of `btf` (shallow), its kind and name by id, or the error building it gives. */
function everyType(btf: Btf, step = 1): string[] {
  const out: string[] = [];
  for (let id = 1; id <= btf.lastId; id += step) {
    let t: string;
    try {
      t = shallow(btf.typeById(id));
    } catch (e) {
      t = `error ${(e as Error).message}`;
    }
    out.push(`${id} ${btf.kindOf(id)} ${btf.nameOf(id)}: ${t}`);
  }
  return out;
}

function lookups(btf: Btf, names: string[], enumerators: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const t = btf.findType(n);
    out.push(`${n}: ${btf.idsNamed(n).join(",")} / ${btf.functionIdsNamed(n).join(",")} / ${t ? shallow(t) : "-"}`);
  }
  for (const e of enumerators) {
    const found = btf.findEnumerator(e);
    out.push(`enumerator ${e}: ${found ? `${found.value} in ${found.type.name ?? "anonymous"}` : "-"}`);
  }
  return out;
}

/** A blob with enums (ENUM and ENUM64, one name twice), structs, a function and a per-CPU variable. */
function richBlob(): Uint8Array {
  const b = new BtfBuilder();
  const int = b.int("int", 4, { signed: true });
  const long = b.int("long", 8, { signed: true });
  for (let i = 0; i < 40; i++) b.struct(`s${i}`, 16, [{ name: `a${i}`, type: int, bitOffset: 0 }, { name: `b${i}`, type: long, bitOffset: 64 }]);
  b.enum("colour", 4, [["RED", 1n], ["GREEN", 2n]]);
  b.enum(undefined, 4, [["MM_FILEPAGES", 0n], ["MM_ANONPAGES", 1n]]);
  b.enum("again", 4, [["RED", 9n]]); // a second RED: the first is the answer
  b.enum("big", 8, [["HUGE", 1n << 40n]], { enum64: true });
  b.enum("empty", 4, []);
  b.func("f", b.funcProto(int, [{ name: "n", type: long }]));
  const v = b.variable("runqueues", long);
  b.datasec(".data..percpu", 8, [{ type: v, offset: 0x40, size: 8 }]);
  return b.build();
}

describe("a BTF blob read in chunks, with its image", () => {
  it("answers every type and lookup as the whole blob, reading only what it looks at", () => {
    const blob = richBlob();
    const whole = new Btf(blob);
    const image = whole.indexImage();
    const { bytes, reads } = paged(blob, 64);
    const btf = new Btf(bytes, { index: image });
    expect(btf.indexFromImage).toBe(true);
    // The header, the string section's first and last byte, the last record: no more yet.
    expect(reads.length).toBeLessThanOrEqual(4);
    expect(btf.findType("s20", "struct")?.kind).toBe("struct");
    expect(bytes.chunksRead).toBeLessThan(Math.ceil(blob.length / 64) / 2);
    const names = ["s0", "s39", "colour", "again", "big", "empty", "f", "runqueues", "int", "nothing", ""];
    const enumerators = ["RED", "GREEN", "MM_ANONPAGES", "HUGE", "BLUE", ""];
    expect(lookups(btf, names, enumerators)).toEqual(lookups(whole, names, enumerators));
    expect(lookups(btf, names, enumerators)).toContain("enumerator RED: 1 in colour");
    expect(btf.findVariable("runqueues")).toEqual(whole.findVariable("runqueues"));
    expect(btf.names("s1", 5)).toEqual(whole.names("s1", 5));
    expect(everyType(btf)).toEqual(everyType(whole));
    // The same image taken again gives the same image back.
    expect(new Btf(paged(blob).bytes, { index: image }).indexImage()).toEqual(image);
  });

  it("reads the whole blob and scans it when the image does not fit", () => {
    const blob = richBlob();
    const other = new Btf(new BtfBuilder().build()).indexImage();
    const { bytes } = paged(blob);
    const btf = new Btf(bytes, { index: other });
    expect(btf.indexFromImage).toBe(false);
    expect(bytes.complete).toBe(true);
    expect(everyType(btf)).toEqual(everyType(new Btf(blob)));
  });
});

describe.skipIf(!haveFixtures("vmlinux"))("the fixture vmlinux's .BTF read in chunks", () => {
  it("answers as the whole section: every type, names and enumerators, from a few chunks for a few types", () => {
    const elf = ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!));
    const header = elf.sectionHeader(".BTF")!;
    const blob = elf.sectionBytes(header)!;
    const whole = new Btf(blob);
    const { bytes } = paged(blob, 4096);
    const btf = new Btf(bytes, { index: whole.indexImage() });
    expect(btf.indexFromImage).toBe(true);
    const names = ["task_struct", "mm_struct", "list_head", "pid_t", "module", "rq", "pt_regs", "no_such_type_here"];
    const enumerators = ["MM_FILEPAGES", "MM_ANONPAGES", "MM_SHMEMPAGES", "MODULE_STATE_LIVE", "PIDTYPE_TGID", "TASK_COMM_LEN", "NO_SUCH_ENUMERATOR"];
    // A session's first types and enumerators, as `sys` asks for them, read a small part of the 4 MB.
    for (const n of names) {
      const t = btf.findType(n);
      expect(t && shallow(t), n).toEqual(whole.findType(n) && shallow(whole.findType(n)!));
    }
    for (const e of enumerators) expect(btf.findEnumerator(e)?.value, e).toBe(whole.findEnumerator(e)?.value);
    expect(bytes.chunksRead).toBeLessThan(bytes.bytes.length / 4096 / 10);
    // Function names have no index in the image: their first lookup reads the whole blob.
    expect(lookups(btf, names, enumerators)).toEqual(lookups(whole, names, enumerators));
    // Every 7th type, then every enumerator of every 50th enum, as the whole blob answers them, read in
    // chunks as they are reached (a blob no function lookup has read whole).
    const fresh = new Btf(paged(blob, 4096).bytes, { index: whole.indexImage() });
    expect(everyType(fresh, 7)).toEqual(everyType(whole, 7));
    const some: string[] = [];
    for (let id = 1; id <= whole.lastId; id++) {
      const t = whole.kindOf(id) === 6 ? whole.typeById(id) : undefined; // BTF_KIND_ENUM
      if (t?.kind === "enum" && id % 50 === 0) some.push(...t.enumerators.map((e) => e.name));
    }
    expect(some.length).toBeGreaterThan(20);
    expect(lookups(fresh, [], some)).toEqual(lookups(whole, [], some));
  });
});
