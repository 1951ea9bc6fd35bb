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
  it("ends on an anonymous member that contains itself (hostile debuginfo)", () => {
    const members: { type: Type; bitOffset: number }[] = [];
    const self: StructType = { kind: "struct", size: 8, members };
    members.push({ type: self, bitOffset: 0 });
    expect(findMember(self, "anything")).toBeUndefined();
  });
});
