import { describe, expect, it } from "vitest";
import { findMember, sizeOf, type StructType, type Type } from "../../../src/core/debuginfo/types";

const int: Type = { kind: "int", name: "int", size: 4, signed: true };

describe("findMember", () => {
  it("finds members inside anonymous unions with their absolute offset", () => {
    const inner: StructType = { kind: "union", size: 4, members: [{ name: "a", type: int, bitOffset: 0 }] };
    const outer: StructType = { kind: "struct", size: 8, members: [{ name: "x", type: int, bitOffset: 0 }, { type: inner, bitOffset: 32 }] };
    expect(findMember(outer, "a")?.bitOffset).toBe(32);
    expect(findMember(outer, "nope")).toBeUndefined();
    expect(sizeOf(outer)).toBe(8);
  });
  it("answers as a search member by member would: the first of a name, anonymous members where they stand", () => {
    const inner2: StructType = { kind: "struct", size: 8, members: [{ name: "deep", type: int, bitOffset: 0 }, { name: "x", type: int, bitOffset: 32 }] };
    const inner: StructType = { kind: "union", size: 8, members: [{ name: "a", type: int, bitOffset: 0 }, { type: inner2, bitOffset: 0 }] };
    const outer: StructType = {
      kind: "struct",
      size: 24,
      members: [
        { name: "first", type: int, bitOffset: 0 },
        { type: inner, bitOffset: 64 },
        { name: "x", type: int, bitOffset: 128 }, // also inside inner2: the anonymous one comes first
        { name: "a", type: int, bitOffset: 160 },
      ],
    };
    const at = (n: string) => findMember(outer, n)?.bitOffset;
    expect([at("first"), at("a"), at("deep"), at("x"), at("nope")]).toEqual([0, 64, 64, 96, undefined]);
    expect(findMember(outer, "x")?.member).toBe(inner2.members[1]);
    // Each answer is the caller's own.
    findMember(outer, "deep")!.bitOffset = 999;
    expect(at("deep")).toBe(64);
  });

  it("ends at once on a struct that holds itself anonymously twice (hostile debuginfo)", () => {
    const members: { name?: string; type: Type; bitOffset: number }[] = [];
    const self: StructType = { kind: "struct", size: 8, members };
    members.push({ type: self, bitOffset: 0 }, { type: self, bitOffset: 8 }, { name: "tail", type: int, bitOffset: 32 });
    // Searched to depth 32 down both members, a miss took 2^32 steps.
    expect(findMember(self, "anything")).toBeUndefined();
    expect(findMember(self, "tail")?.bitOffset).toBe(32);
  });

  it("a member that cannot be read spoils only the lookups that reach it", () => {
    const bad = { kind: "struct", size: 4, get members(): never { throw new Error("corrupt member list"); } } as unknown as StructType;
    const outer: StructType = { kind: "struct", size: 16, members: [{ name: "ok", type: int, bitOffset: 0 }, { type: bad, bitOffset: 32 }, { name: "after", type: int, bitOffset: 64 }] };
    expect(findMember(outer, "ok")?.bitOffset).toBe(0);
    expect(() => findMember(outer, "after")).toThrow("corrupt member list");
  });

  it("ends on an anonymous member that contains itself (hostile debuginfo)", () => {
    const members: { type: Type; bitOffset: number }[] = [];
    const self: StructType = { kind: "struct", size: 8, members };
    members.push({ type: self, bitOffset: 0 });
    expect(findMember(self, "anything")).toBeUndefined();
  });
});
