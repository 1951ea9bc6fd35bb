// Small builders for the Type objects of src/core/debuginfo/types.ts, for the gdb-format tests.
import type { EnumType, FunctionType, IntType, Member, StructType, Type } from "../../../../src/core/debuginfo/types";

export const int: IntType = { kind: "int", name: "int", size: 4, signed: true };
export const uint: IntType = { kind: "int", name: "unsigned int", size: 4, signed: false };
export const ulong: IntType = { kind: "int", name: "long unsigned int", size: 8, signed: false };
export const long: IntType = { kind: "int", name: "long int", size: 8, signed: true };
export const ushort: IntType = { kind: "int", name: "short unsigned int", size: 2, signed: false };
export const char: IntType = { kind: "int", name: "char", size: 1, signed: true, char: true };
export const uchar: IntType = { kind: "int", name: "unsigned char", size: 1, signed: false, char: true };
export const bool: IntType = { kind: "int", name: "_Bool", size: 1, signed: false, bool: true };
export const voidT: Type = { kind: "void" };

export function ptr(target: Type): Type {
  return { kind: "pointer", size: 8, target };
}
export function constOf(target: Type): Type {
  return { kind: "const", target };
}
export function volatileOf(target: Type): Type {
  return { kind: "volatile", target };
}
export function arr(element: Type, count?: number): Type {
  return count === undefined ? { kind: "array", element } : { kind: "array", element, count };
}
export function typedef(name: string, target: Type): Type {
  return { kind: "typedef", name, target };
}
export function fn(returnType: Type, params: Type[], variadic = false): FunctionType {
  return { kind: "function", returnType, params: params.map((type) => ({ type })), variadic };
}

/** A member at a byte offset, or `[byteOffset, bitOffsetInByte, bitSize]` for a bitfield. */
export type MemberSpec = [name: string | undefined, type: Type, at: number | [number, number, number]];

export function struct(name: string | undefined, size: number, members: MemberSpec[], kind: "struct" | "union" = "struct"): StructType {
  const ms: Member[] = members.map(([n, type, at]) => {
    const base = n !== undefined ? { name: n } : {};
    if (typeof at === "number") return { ...base, type, bitOffset: at * 8 };
    return { ...base, type, bitOffset: at[0] * 8 + at[1], bitSize: at[2] };
  });
  return name !== undefined ? { kind, name, size, members: ms } : { kind, size, members: ms };
}

export function union(name: string | undefined, size: number, members: MemberSpec[]): StructType {
  return struct(name, size, members, "union");
}

export function enumOf(name: string | undefined, values: [string, bigint][], size = 4): EnumType {
  const enumerators = values.map(([n, value]) => ({ name: n, value }));
  return name !== undefined ? { kind: "enum", name, size, signed: false, enumerators } : { kind: "enum", size, signed: false, enumerators };
}

/** Little-endian bytes from [offset, size, value] triples. */
export function bytesOf(size: number, fields: [number, number, bigint | number][]): Uint8Array {
  const b = new Uint8Array(size);
  for (const [off, n, value] of fields) {
    let v = BigInt(value);
    for (let i = 0; i < n; i++) {
      b[off + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  return b;
}

export function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}
