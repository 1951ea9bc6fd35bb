// Values as gdb 10 prints them with crash's settings (`set print pretty on`, `print elements 256`,
// `print repeats` unlimited): gdb/valprint.c (generic_val_print_*, value_print_array_elements,
// val_print_string), c-valprint.c (c_value_print_array/_ptr/_int), cp-valprint.c (cp_print_value_fields).
// Two kinds of hex: crash's output radix 16 (`p -x`, `struct -x`) is gdb's `output_format` and leaves
// enums, pointers and char arrays alone; gdb's `/x` (`format`) turns every scalar and char array to hex.
import { resolveType, sizeOf, type EnumType, type IntType, type StructType, type Type } from "../../debuginfo/types";
import { CRASH_PRINT_MAX, CRASH_REPEAT_THRESHOLD, formatCharLiteral, formatString } from "./chars";
import { formatTypeName, peelQualifiers } from "./type";

export interface ValueFormatOptions {
  /** crash's output radix: 16 prints integers, bools and chars in hex (gdb `output_format` 'x'). */
  radix?: 10 | 16;
  /** gdb's print format letter: "x" prints every scalar, pointer and char array element in hex. */
  format?: "x";
  /** Virtual address the bytes were read from: needed for arrays of unknown length (printed as pointers). */
  address?: bigint;
  /** Reads target memory for `char *` strings; undefined where the memory cannot be read. */
  readMemory?: (addr: bigint, length: number) => Uint8Array | undefined;
  /** `sym` or `sym+off` for an address, as `<...>` after pointers; undefined when no symbol covers it. */
  symbolize?: (addr: bigint) => string | undefined;
  /** `print elements`: crash's 256 by default. */
  printMax?: number;
  /** `print repeats`: unlimited (crash) by default; gdb's own default is 10. */
  repeatThreshold?: number;
  /** `print max-depth`: 20 as in gdb. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 20;
const HARD_MAX_RECURSE = 64;
/** How many bytes a `char *` string read fetches at a time (read_string's chunk size). */
const STRING_CHUNK = 8;
const UNAVAILABLE = "<unavailable>";

interface Ctx {
  bytes: Uint8Array;
  hex: boolean;
  formatX: boolean;
  base?: bigint;
  opts: ValueFormatOptions;
  printMax: number;
  threshold: number;
}

function spaces(n: number): string {
  return " ".repeat(n);
}

/** Little-endian unsigned integer of `size` bytes at `off`, or undefined past the end of the bytes. */
function readUnsigned(bytes: Uint8Array, off: number, size: number): bigint | undefined {
  if (off < 0 || size <= 0 || off + size > bytes.length) return undefined;
  if (size <= 4) {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[off + i]!;
    return BigInt(v);
  }
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]!);
  return v;
}

function toSigned(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

function hexOf(v: bigint, bits: number): string {
  return "0x" + BigInt.asUintN(bits, v).toString(16);
}

/** C's %g with the given precision, as gdb's print_floating uses (%.9g float, %.17g double). */
function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const trim = (s: string): string => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  const [mant, expText] = x.toExponential(precision - 1).split("e") as [string, string];
  const e = Number(expText);
  if (e < -4 || e >= precision) return `${trim(mant)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return trim(x.toFixed(precision - 1 - e));
}

function isTextual(t: Type): boolean {
  const r = resolveType(t);
  return r.kind === "int" && r.size === 1 && r.bool !== true;
}

/** gdb marks an enum unsigned when no enumerator is negative, and a flag enum when each has at most one bit. */
function enumTraits(e: EnumType): { unsigned: boolean; flag: boolean } {
  let unsigned = true;
  let flag = true;
  for (const en of e.enumerators) {
    if (en.value < 0n) {
      unsigned = false;
      flag = false;
    } else {
      let bits = 0;
      for (let v = en.value; v > 0n && bits < 2; v &= v - 1n) bits++;
      if (bits >= 2) flag = false;
    }
  }
  return { unsigned, flag };
}

function formatEnumValue(e: EnumType, value: bigint): string {
  for (const en of e.enumerators) if (en.value === value) return en.name;
  if (!enumTraits(e).flag) return value.toString();
  let rest = value;
  const names: string[] = [];
  for (const en of e.enumerators) {
    if ((rest & en.value) !== 0n) {
      names.push(en.name);
      rest &= ~en.value;
    }
  }
  if (rest !== 0n) return "(" + [...names, "unknown: 0x" + BigInt.asUintN(64, rest).toString(16)].join(" | ") + ")";
  return names.length === 0 ? "0" : "(" + names.join(" | ") + ")";
}

/** A scalar already extracted (a bitfield, or a whole integer): gdb's printing for its type. */
function formatScalar(ctx: Ctx, t: Type, raw: bigint): string {
  const r = resolveType(t);
  const bits = sizeOf(r) * 8;
  switch (r.kind) {
    case "enum": {
      if (ctx.formatX) return hexOf(raw, bits);
      const v = enumTraits(r).unsigned ? BigInt.asUintN(bits, raw) : toSigned(raw, bits);
      return formatEnumValue(r, v);
    }
    case "int":
      return formatInt(ctx, r, raw);
    case "pointer":
      return formatPointerValue(ctx, r.target, BigInt.asUintN(bits, raw));
    default:
      return raw.toString();
  }
}

function formatInt(ctx: Ctx, t: IntType, raw: bigint): string {
  const bits = t.size * 8;
  if (ctx.hex) return hexOf(raw, bits);
  const v = t.signed ? toSigned(raw, bits) : BigInt.asUintN(bits, raw);
  if (t.bool === true) return v === 0n ? "false" : v === 1n ? "true" : v.toString();
  if (t.size === 1) return v.toString() + " " + formatCharLiteral(Number(BigInt.asUintN(8, raw)));
  return v.toString();
}

/** `0x...` with ` <symbol>`, then for pointers to char the string they point to (print_unpacked_pointer). */
function formatPointerValue(ctx: Ctx, target: Type, addr: bigint): string {
  if (ctx.formatX) return "0x" + addr.toString(16);
  let out = "0x" + addr.toString(16);
  const sym = addr !== 0n ? ctx.opts.symbolize?.(addr) : undefined;
  if (sym !== undefined) out += ` <${sym}>`;
  if (resolveType(target).kind !== "function" && isTextual(target) && addr !== 0n) out += " " + readTargetString(ctx, addr);
  return out;
}

/** val_print_string with length -1: up to `print elements` characters, stopping after a NUL. */
function readTargetString(ctx: Ctx, addr: bigint): string {
  const read = ctx.opts.readMemory;
  const limit = ctx.printMax;
  const buf: number[] = [];
  let failedAt: bigint | undefined;
  let foundNul = false;
  while (buf.length < limit && !foundNul && failedAt === undefined) {
    const n = Math.min(STRING_CHUNK, limit - buf.length);
    const at = addr + BigInt(buf.length);
    let chunk = read?.(at, n);
    if (chunk === undefined || chunk.length < n) {
      // partial_memory_read: byte by byte up to the first unreadable one.
      const partial: number[] = [];
      for (let i = 0; i < n; i++) {
        const b = read?.(at + BigInt(i), 1);
        if (b === undefined || b.length < 1) {
          failedAt = at + BigInt(i);
          break;
        }
        partial.push(b[0]!);
      }
      chunk = Uint8Array.from(partial);
    }
    for (const b of chunk) {
      buf.push(b);
      if (b === 0) {
        foundNul = true;
        failedAt = undefined;
        break;
      }
    }
  }
  let force = false;
  if (!foundNul && failedAt === undefined) {
    const peek = read?.(addr + BigInt(buf.length), 1);
    if (peek !== undefined && peek.length === 1 && peek[0] !== 0) force = true;
  }
  let out = "";
  if (failedAt === undefined || buf.length > 0) {
    out += formatString(Uint8Array.from(buf), buf.length, { forceEllipses: force, printMax: ctx.printMax, repeatThreshold: ctx.threshold });
  }
  if (failedAt !== undefined) out += `<error: Cannot access memory at address 0x${failedAt.toString(16)}>`;
  return out;
}

function isAggregate(t: Type): boolean {
  const r = resolveType(t);
  if (r.kind === "struct" || r.kind === "union") return true;
  return r.kind === "array" && !(isTextual(r.element) && r.count !== undefined);
}

/** Prints the value of `t` at byte `off` of the context's bytes. */
function formatAt(ctx: Ctx, t: Type, off: number, recurse: number, maxDepth: number): string {
  const r = resolveType(t);
  // gdb lets anonymous members deepen the limit; a struct that contains itself anonymously (hostile debug
  // info) must still end.
  if (isAggregate(r) && (recurse >= maxDepth || recurse >= HARD_MAX_RECURSE)) return "{...}";
  switch (r.kind) {
    case "struct":
    case "union":
      return formatStruct(ctx, r, off, recurse, maxDepth);
    case "array":
      return formatArray(ctx, t, off, recurse, maxDepth);
    case "pointer": {
      const v = readUnsigned(ctx.bytes, off, r.size);
      return v === undefined ? UNAVAILABLE : formatPointerValue(ctx, r.target, v);
    }
    case "int":
    case "enum": {
      const v = readUnsigned(ctx.bytes, off, r.size);
      return v === undefined ? UNAVAILABLE : formatScalar(ctx, t, v);
    }
    case "float": {
      const v = readUnsigned(ctx.bytes, off, r.size);
      if (v === undefined) return UNAVAILABLE;
      if (ctx.formatX) return hexOf(v, r.size * 8);
      const view = new DataView(ctx.bytes.buffer, ctx.bytes.byteOffset + off, r.size);
      if (r.size === 4) return formatG(view.getFloat32(0, true), 9);
      if (r.size === 8) return formatG(view.getFloat64(0, true), 17);
      return v.toString();
    }
    case "function": {
      const addr = ctx.base !== undefined ? ctx.base + BigInt(off) : 0n;
      const sym = ctx.opts.symbolize?.(addr);
      return "{" + formatTypeName(t) + "} 0x" + addr.toString(16) + (sym !== undefined ? ` <${sym}>` : "");
    }
    case "void":
      return "void";
    default:
      return UNAVAILABLE;
  }
}

function formatArray(ctx: Ctx, t: Type, off: number, recurse: number, maxDepth: number): string {
  const r = resolveType(t);
  if (r.kind !== "array") return UNAVAILABLE;
  const elSize = sizeOf(r.element);
  const count = r.count ?? 0;
  if (count === 0 || elSize === 0) {
    // An array of unspecified length prints as a pointer to its first element (c_value_print_array).
    const addr = (ctx.base ?? 0n) + BigInt(off);
    return formatPointerValue(ctx, r.element, addr);
  }
  if (!ctx.formatX && isTextual(r.element) && off + count <= ctx.bytes.length) {
    return formatString(ctx.bytes.subarray(off, off + count), count, { printMax: ctx.printMax, repeatThreshold: ctx.threshold });
  }
  const parts: string[] = [];
  let printed = 0;
  let i = 0;
  const checkRepeats = ctx.threshold < count;
  for (; i < count && printed < ctx.printMax; i++) {
    const elOff = off + i * elSize;
    let reps = 1;
    if (checkRepeats) {
      while (i + reps < count && sameBytes(ctx.bytes, elOff, off + (i + reps) * elSize, elSize)) reps++;
    }
    const text = formatAt(ctx, r.element, elOff, recurse + 1, maxDepth);
    if (reps > ctx.threshold) {
      parts.push(`${text} <repeats ${reps} times>`);
      i += reps - 1;
      printed += ctx.threshold;
    } else {
      parts.push(text);
      printed++;
    }
  }
  return "{" + parts.join(", ") + (i < count ? "..." : "") + "}";
}

function sameBytes(b: Uint8Array, a: number, c: number, len: number): boolean {
  if (c + len > b.length) return false;
  for (let k = 0; k < len; k++) if (b[a + k] !== b[c + k]) return false;
  return true;
}

function extractBits(bytes: Uint8Array, bitOffset: number, bitSize: number): bigint | undefined {
  const first = Math.floor(bitOffset / 8);
  const last = Math.floor((bitOffset + bitSize - 1) / 8);
  const word = readUnsigned(bytes, first, last - first + 1);
  if (word === undefined) return undefined;
  return (word >> BigInt(bitOffset - first * 8)) & ((1n << BigInt(bitSize)) - 1n);
}

function formatStruct(ctx: Ctx, s: StructType, off: number, recurse: number, maxDepth: number): string {
  if (s.members.length === 0) return "{<No data fields>}";
  let out = "{";
  s.members.forEach((m, i) => {
    if (i > 0) out += ",";
    out += "\n" + spaces(2 + 2 * recurse);
    // An anonymous member prints without `name = ` and counts at its parent's depth.
    let depth = maxDepth;
    if (m.name !== undefined) out += m.name + " = ";
    else depth++;
    if (m.bitSize !== undefined) {
      const raw = extractBits(ctx.bytes, off * 8 + m.bitOffset, m.bitSize);
      if (raw === undefined) out += UNAVAILABLE;
      else {
        const r = resolveType(m.type);
        const signed = (r.kind === "int" && r.signed) || (r.kind === "enum" && !enumTraits(r).unsigned);
        out += formatScalar(ctx, m.type, signed ? toSigned(raw, m.bitSize) : raw);
      }
    } else {
      out += formatAt(ctx, m.type, off + Math.floor(m.bitOffset / 8), recurse + 1, depth);
    }
  });
  return out + "\n" + spaces(2 * recurse) + "}";
}

/**
 * The value of `type` in `bytes` as gdb prints it after `$1 = ` (pretty structs, crash's limits).
 * Multi-line for structs; nested levels indent two more spaces.
 */
export function formatValue(type: Type, bytes: Uint8Array, opts: ValueFormatOptions = {}): string {
  const ctx: Ctx = {
    bytes,
    hex: opts.format === "x" || opts.radix === 16,
    formatX: opts.format === "x",
    ...(opts.address !== undefined ? { base: opts.address } : {}),
    opts,
    printMax: opts.printMax ?? CRASH_PRINT_MAX,
    threshold: opts.repeatThreshold ?? CRASH_REPEAT_THRESHOLD,
  };
  return formatAt(ctx, type, 0, 0, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
}

/** c_value_print's `(struct task_struct *) ` before a top-level pointer (not for plain `char *`). */
export function pointerPrefix(type: Type): string {
  const r = resolveType(type);
  if (r.kind !== "pointer") return "";
  const { core } = peelQualifiers(type);
  if (core.kind === "pointer") {
    const target = peelQualifiers(core.target).core;
    if (target.kind === "int" && target.name === "char") return "";
  }
  return "(" + formatTypeName(type) + ") ";
}
