import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Btf } from "../../../src/core/debuginfo/btf";
import { findMember, sizeOf, type Type } from "../../../src/core/debuginfo/types";
import { DumpFormatError, TruncatedError } from "../../../src/core/io/errors";
import { BtfBuilder, KIND, info, smallBtf as small } from "../../fixtures/btf-builder";

/** Touches everything a consumer can reach; only DumpFormatError may come out. */
function exercise(t: Btf): void {
  const seen = new Set<Type>();
  const walk = (ty: Type, depth: number): void => {
    if (depth > 6 || seen.has(ty)) return;
    seen.add(ty);
    sizeOf(ty);
    switch (ty.kind) {
      case "struct":
      case "union":
        for (const m of ty.members) walk(m.type, depth + 1);
        findMember(ty, "zz");
        break;
      case "pointer":
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "atomic":
        walk(ty.target, depth + 1);
        break;
      case "array":
        walk(ty.element, depth + 1);
        break;
      case "enum":
        void ty.enumerators.length;
        break;
      case "function":
        walk(ty.returnType, depth + 1);
        for (const p of ty.params) walk(p.type, depth + 1);
        break;
    }
  };
  for (let id = 0; id <= t.lastId; id++) {
    try {
      walk(t.typeById(id), 0);
    } catch (e) {
      if (!(e instanceof DumpFormatError)) throw e;
    }
  }
  for (const n of ["node", "node_t", "int", "colour", "f", "RED"]) {
    for (const q of [() => t.findType(n), () => t.findFunction(n), () => t.findEnumerator(n), () => t.findVariable(n)]) {
      try {
        q();
      } catch (e) {
        if (!(e instanceof DumpFormatError)) throw e;
      }
    }
  }
}

function formatError(f: () => unknown): DumpFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof DumpFormatError) return e;
    throw new Error(`expected DumpFormatError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected DumpFormatError, nothing thrown");
}

describe("BTF bad input", () => {
  it("rejects a truncated header with the file and offset", () => {
    for (const n of [0, 1, 8, 23]) {
      const e = formatError(() => new Btf(small().build().subarray(0, n), { file: ".BTF", fileOffset: 0x1000 }));
      expect(e).toBeInstanceOf(TruncatedError);
      expect(e.message).toMatch(/^\.BTF: offset 0x1000: truncated/);
    }
  });

  it("rejects a bad magic, a big-endian blob, a bad version and a bad header length", () => {
    expect(formatError(() => new Btf(small().build({ magic: 0x1234 }))).message).toMatch(/bad BTF magic 0x1234/);
    expect(formatError(() => new Btf(small().build({ magic: 0x9feb }))).message).toMatch(/big-endian/);
    expect(formatError(() => new Btf(small().build({ version: 2 }))).message).toMatch(/version 2/);
    expect(formatError(() => new Btf(small().build({ hdrLen: 8 }))).message).toMatch(/header length 8/);
    expect(formatError(() => new Btf(small().build({ hdrLen: 0xffff_fff0 }))).message).toMatch(/header length/);
  });

  it("rejects sections that run past the blob or overlap", () => {
    const b = small();
    const full = b.build();
    expect(formatError(() => new Btf(full.subarray(0, full.length - 1)))).toBeInstanceOf(TruncatedError);
    expect(formatError(() => new Btf(b.build({ typeLen: 0xffff_fff0 })))).toBeInstanceOf(TruncatedError);
    expect(formatError(() => new Btf(b.build({ strOff: 0 }))).message).toMatch(/overlap/);
    expect(formatError(() => new Btf(b.build({ typeOff: 2 }))).message).toMatch(/misaligned/);
  });

  it("rejects a string section without its NULs", () => {
    const b = small();
    const blob = b.build();
    blob[blob.length - 1] = 0x41;
    expect(formatError(() => new Btf(blob)).message).toMatch(/not NUL-terminated/);
    const blob2 = b.build();
    const strStart = blob2.length - b.strLen;
    blob2[strStart] = 0x41;
    expect(formatError(() => new Btf(blob2)).message).toMatch(/empty string/);
  });

  it("rejects a record past the end, an unknown kind and an absurd vlen", () => {
    const b = small();
    b.raw([0, info(KIND.INT, 0), 4]); // INT without its encoding word
    expect(formatError(() => new Btf(b.build())).message).toMatch(/type 8 .*runs past the end/);
    const c = small();
    c.raw([0, info(25, 0), 0]);
    expect(formatError(() => new Btf(c.build())).message).toMatch(/type 8: unknown BTF kind 25/);
    const d = small();
    d.raw([0, info(KIND.STRUCT, 0xffff), 8, 0, 1, 0]);
    const e = formatError(() => new Btf(d.build()));
    expect(e.message).toMatch(/vlen 65535\) runs past the end/);
    expect(e.offset).toBe(24 + d.build().length - 24 - d.strLen - 24);
  });

  it("rejects string offsets out of range when the name is read", () => {
    const b = small();
    const id = b.raw([0x7fff_0000, info(KIND.TYPEDEF, 0), 1]);
    const t = new Btf(b.build(), { file: "x.btf" });
    expect(formatError(() => t.typeById(id)).message).toMatch(/^x\.btf: offset 0x[0-9a-f]+: string offset 2147418112 out of range/);
    expect(formatError(() => t.findType("int")).message).toMatch(/string offset/);
  });

  it("rejects type ids out of range in members, targets and params", () => {
    const b = small();
    const bad = b.struct("bad", 8, [{ name: "x", type: 999, bitOffset: 0 }]);
    const badPtr = b.ptr(1000);
    const t = new Btf(b.build());
    const st = t.typeById(bad);
    expect(formatError(() => st.kind === "struct" && st.members).message).toMatch(/type id 999 out of range/);
    expect(formatError(() => t.typeById(badPtr)).message).toMatch(/type id 1000 out of range/);
  });

  it("stops typedef and array loops instead of recursing forever", () => {
    const b = small();
    const a = b.reserve();
    const bb = b.typedef("loop_b", a);
    b.typedef("loop_a", bb, a);
    const arr = b.reserve();
    b.array(arr, 2, 1, arr);
    const t = new Btf(b.build());
    expect(formatError(() => t.findType("loop_a")).message).toMatch(/type chain loops/);
    expect(formatError(() => t.findType("loop_b", "typedef")).message).toMatch(/type chain loops/);
    expect(formatError(() => t.typeById(arr)).message).toMatch(/type chain loops/);
  });

  it("allows pointer cycles, and a pointer to itself", () => {
    const b = small();
    const self = b.reserve();
    b.ptr(self, self);
    const t = new Btf(b.build());
    const p = t.typeById(self);
    expect(p.kind === "pointer" && p.target).toBe(p);
    expect(sizeOf(p)).toBe(8);
  });

  it("rejects a struct that contains itself by value (directly or through an anonymous member)", () => {
    const b = small();
    const outer = b.reserve();
    const inner = b.struct(undefined, 8, [{ type: outer, bitOffset: 0 }]);
    b.struct("outer", 8, [{ type: inner, bitOffset: 0 }], { at: outer });
    const direct = b.reserve();
    b.struct("direct", 8, [{ name: "me", type: b.array(direct, 1), bitOffset: 0 }], { at: direct });
    const t = new Btf(b.build());
    const o = t.findType("outer", "struct")!;
    expect(formatError(() => findMember(o, "nothing")).message).toMatch(/contains itself/);
    expect(formatError(() => t.findType("direct", "struct")?.kind === "struct" && (t.findType("direct", "struct") as { members: unknown }).members).message).toMatch(/contains itself/);
  });

  it("rejects a loop of structs that a bigger struct holds, when a walk reaches the loop", () => {
    // big (16 bytes) holds a (8) anonymously; a holds b (8), b holds a: a loop of equal sizes under a struct
    // whose own members are all smaller than it (checked alone): its members read, the loop reached by
    // findMember's anonymous descent.
    const b = small();
    const a = b.reserve();
    const bb = b.struct(undefined, 8, [{ type: a, bitOffset: 0 }]);
    b.struct(undefined, 8, [{ type: bb, bitOffset: 0 }], { at: a });
    const int = b.int("long", 8, { signed: true });
    b.struct("big", 16, [{ name: "x", type: int, bitOffset: 0 }, { type: a, bitOffset: 64 }]);
    // A loop through a smaller member: c (8) holds d (4) by name, d claims to hold c (hostile sizes).
    const c = b.reserve();
    const d = b.struct("d", 4, [{ name: "back", type: c, bitOffset: 0 }]);
    b.struct("c", 8, [{ name: "down", type: d, bitOffset: 0 }], { at: c });
    const t = new Btf(b.build());
    const big = t.findType("big", "struct")!;
    expect(big.kind === "struct" && big.members.length).toBe(2);
    expect(findMember(big, "x")?.bitOffset).toBe(0);
    expect(formatError(() => findMember(big, "nothing")).message).toMatch(/contains itself/);
    const ct = t.findType("c", "struct")!;
    const down = ct.kind === "struct" ? ct.members[0]!.type : undefined;
    expect(formatError(() => down?.kind === "struct" && down.members).message).toMatch(/contains itself/);
  });

  it("accepts wrappers the size of their one member, nested, and empty structs inside empty structs", () => {
    const b = small();
    const int = b.int("int", 4, { signed: true });
    const atomic = b.struct("atomic", 4, [{ name: "counter", type: int, bitOffset: 0 }]);
    const ref = b.struct("ref", 4, [{ name: "refs", type: atomic, bitOffset: 0 }]);
    const empty = b.struct("empty", 0, []);
    const holder = b.struct("holder", 0, [{ name: "e", type: empty, bitOffset: 0 }]);
    b.struct("outer2", 8, [{ name: "r", type: ref, bitOffset: 0 }, { name: "h", type: holder, bitOffset: 32 }, { name: "n", type: int, bitOffset: 32 }]);
    const t = new Btf(b.build());
    const o = t.findType("outer2", "struct")!;
    expect(findMember(o, "n")?.bitOffset).toBe(32);
    const r = findMember(o, "r")!.member.type;
    expect(r.kind === "struct" && findMember(r, "refs")?.member.name).toBe("refs");
    const h = findMember(o, "h")!.member.type;
    expect(h.kind === "struct" && h.members.map((m) => m.name)).toEqual(["e"]);
  });

  it("rejects a FUNC that does not point to a FUNC_PROTO", () => {
    const b = small();
    b.func("g", 1);
    expect(formatError(() => new Btf(b.build()).findFunction("g")).message).toMatch(/does not point to a FUNC_PROTO/);
  });

  it("never throws anything but DumpFormatError, and never hangs, on corrupted blobs", () => {
    const good = small().build();
    let opened = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.oneof({ arbitrary: fc.constant(good.length), weight: 3 }, { arbitrary: fc.nat(good.length), weight: 1 }), (flips, cut) => {
        const blob = good.slice(0, cut);
        for (const [at, v] of flips) if (at < blob.length) blob[at] = v;
        let t: Btf;
        try {
          t = new Btf(blob);
        } catch (e) {
          if (e instanceof DumpFormatError) return;
          throw e;
        }
        opened++;
        exercise(t);
      }),
      { numRuns: 2000 },
    );
    expect(opened).toBeGreaterThan(200); // the corruptions reach the lazy decoding, not only the header checks
  });

  it("survives corrupted split BTF over a good base", () => {
    const baseBuilder = small();
    const base = new Btf(baseBuilder.build());
    const m = new BtfBuilder({ lastId: base.lastId, strLen: baseBuilder.strLen });
    const hook = m.reserve();
    m.struct("hook", 16, [
      { name: "next", type: m.ptr(hook), bitOffset: 0 },
      { name: "n", type: 1, bitOffset: 64 },
    ], { at: hook });
    m.typedef("hook_t", hook);
    const good = m.build();
    expect(new Btf(good, { base }).findType("hook_t")).toMatchObject({ kind: "typedef" });
    let opened = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }), (flips) => {
        const blob = good.slice();
        for (const [at, v] of flips) blob[at] = v;
        let t: Btf;
        try {
          t = new Btf(blob, { base });
        } catch (e) {
          if (e instanceof DumpFormatError) return;
          throw e;
        }
        opened++;
        exercise(t);
      }),
      { numRuns: 1000 },
    );
    expect(opened).toBeGreaterThan(100);
  });
});
