// A member named as crash's struct, union and list commands take it: `pid`, `se.on_rq` (a member of a
// member), `pids[1]` or `pids[1].node` (an element of an array member), anonymous structs and unions looked
// through. The path is read left to right, once: however long a chain the user types, this is one loop.
import { findMember, resolveType, sizeOf, type Type } from "../../debuginfo/types";
import { formatValue, type ValueFormatOptions } from "../../program/gdb-format/gdb-format";

export interface MemberAt {
  /** Byte offset from the start of the outer structure. */
  offset: number;
  type: Type;
  /** Another member follows it in its own structure (gdb prints a comma after it). */
  followed: boolean;
  /**
   * crash finds it in gdb's printed structure: an array element only where gdb prints the array's elements
   * as blocks of their own (structures); a char array is a string there, scalars one line.
   */
  printed: boolean;
}

const PART = /^([A-Za-z_$][\w$]*)((?:\[\d+\])*)$/;

/** Where a member path lands in a struct or union type; undefined when the type has no such member. */
export function memberPath(type: Type, path: string): MemberAt | undefined {
  let t = type;
  let offset = 0;
  let followed = false;
  let printed = true;
  for (const part of path.split(".")) {
    const m = PART.exec(part);
    if (!m) return undefined;
    const s = resolveType(t);
    if (s.kind !== "struct" && s.kind !== "union") return undefined;
    const found = findMember(s, m[1]!);
    if (!found) return undefined;
    const i = s.members.indexOf(found.member);
    followed = i < 0 ? true : i < s.members.length - 1;
    offset += Math.floor(found.bitOffset / 8);
    t = found.member.type;
    for (const idx of m[2]!.match(/\d+/g) ?? []) {
      const a = resolveType(t);
      const index = Number(idx);
      if (a.kind !== "array" || !Number.isSafeInteger(index) || (a.count !== undefined && index >= a.count)) return undefined;
      t = a.element;
      const e = resolveType(t);
      if (e.kind !== "struct" && e.kind !== "union") printed = false;
      offset += index * sizeOf(t);
      followed = a.count === undefined || index < a.count - 1;
    }
  }
  return { offset, type: t, followed, printed };
}

/** True for a member path the type has. */
export function memberExists(type: Type, path: string): boolean {
  return memberPath(type, path) !== undefined;
}

/** True for a path of more than one member (`se.on_rq`) or an array element (`pids[1]`). */
export function isNestedMember(path: string): boolean {
  return path.includes(".") || path.includes("[");
}

/**
 * crash's parse_for_member_extended + dump_node: `  se.on_rq = 0,` — the member's value printed under the
 * path as typed, its inner lines two spaces deeper, a comma when a member follows it. Undefined where crash
 * does not find it in gdb's text (it says "invalid data structure member reference").
 */
export function formatNestedMember(type: Type, bytes: Uint8Array, path: string, opts: ValueFormatOptions): string | undefined {
  const at = memberPath(type, path);
  if (!at?.printed) return undefined;
  const size = sizeOf(at.type);
  const value = formatValue(at.type, bytes.subarray(at.offset, at.offset + size), { ...opts, ...(opts.address !== undefined ? { address: opts.address + BigInt(at.offset) } : {}) });
  const lines = value.split("\n");
  return `  ${path} = ` + lines.map((l, i) => (i === 0 ? l : "  " + l)).join("\n") + (at.followed ? "," : "") + "\n";
}
