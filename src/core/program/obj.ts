// Obj: a typed value at an address (drgn's idea). Member access, pointer following, array indexing, C
// strings, container_of. Reads go through the program's address space, so a bad pointer surfaces as that
// space's typed error (InvalidAddressError, ExcludedPageError) at the point of use.
import { findMember, resolveType, sizeOf, type Type } from "../debuginfo/types";
import { KdwError } from "../io/errors";
import type { Program } from "./program";

export class ObjError extends KdwError {}

const MAX_STRING = 1 << 16;

export class Obj {
  constructor(
    readonly prog: Program,
    readonly type: Type,
    /** Where the value lives; undefined for a computed value (then `bytes` holds it). */
    readonly address: bigint | undefined,
    private readonly valueBytes?: Uint8Array,
    /** For a bitfield member: the bit offset within `bytes` and its width. */
    private readonly bitfield?: { bitOffset: number; bitSize: number },
  ) {}

  get size(): number {
    return sizeOf(this.type);
  }

  /** The object's bytes (read on each call unless it is a computed value). */
  bytes(): Uint8Array {
    if (this.valueBytes) return this.valueBytes;
    if (this.address === undefined) throw new ObjError("object has neither address nor value");
    return this.prog.read(this.address, this.size);
  }

  /** A struct/union member; through a pointer to a struct as well (`->`). */
  member(name: string): Obj {
    const base: Obj = resolveType(this.type).kind === "pointer" ? this.deref() : this;
    const found = findMember(base.type, name);
    if (!found) throw new ObjError(`${describe(base.type)} has no member "${name}"`);
    const { member, bitOffset } = found;
    if (base.address === undefined) throw new ObjError(`member "${name}" of a value without address`);
    if (member.bitSize !== undefined) {
      const byteOff = Math.floor(bitOffset / 8);
      const bitIn = bitOffset - byteOff * 8;
      const nbytes = Math.ceil((bitIn + member.bitSize) / 8);
      const bytes = this.prog.read(base.address + BigInt(byteOff), nbytes);
      return new Obj(this.prog, member.type, undefined, bytes, { bitOffset: bitIn, bitSize: member.bitSize });
    }
    return new Obj(this.prog, member.type, base.address + BigInt(bitOffset / 8));
  }

  /** Follows `a.b.c` member paths. */
  path(dotted: string): Obj {
    return dotted.split(".").reduce<Obj>((o, part) => o.member(part), this);
  }

  /** The object a pointer points to. */
  deref(): Obj {
    const t = resolveType(this.type);
    if (t.kind !== "pointer") throw new ObjError(`cannot dereference ${describe(this.type)}`);
    return new Obj(this.prog, t.target, this.value());
  }

  /** Element `i` of an array or of what a pointer points to. */
  index(i: number): Obj {
    const t = resolveType(this.type);
    if (t.kind === "array") {
      if (this.address === undefined) throw new ObjError("index into a value without address");
      return new Obj(this.prog, t.element, this.address + BigInt(i * sizeOf(t.element)));
    }
    if (t.kind === "pointer") return new Obj(this.prog, t.target, this.value() + BigInt(i * sizeOf(t.target)));
    throw new ObjError(`cannot index ${describe(this.type)}`);
  }

  /** Integer, enum, bool, char or pointer value, as an unsigned or sign-extended bigint. */
  value(): bigint {
    const t = resolveType(this.type);
    const bytes = this.bytes();
    if (this.bitfield) {
      let raw = 0n;
      for (let i = bytes.length - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(bytes[i]!);
      const v = (raw >> BigInt(this.bitfield.bitOffset)) & ((1n << BigInt(this.bitfield.bitSize)) - 1n);
      const signed = t.kind === "int" || t.kind === "enum" ? t.signed : false;
      return signed ? BigInt.asIntN(this.bitfield.bitSize, v) : v;
    }
    const size = t.kind === "pointer" ? 8 : sizeOf(t);
    if (size > 8 || size === 0) throw new ObjError(`${describe(this.type)} is not a scalar`);
    let raw = 0n;
    for (let i = size - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(bytes[i]!);
    const signed = (t.kind === "int" || t.kind === "enum") && t.signed;
    return signed ? BigInt.asIntN(size * 8, raw) : raw;
  }

  /** value() as a JS number (for counters, pids, flags that fit). */
  number(): number {
    return Number(this.value());
  }

  bool(): boolean {
    return this.value() !== 0n;
  }

  /** A C string: a char array up to its first NUL, or what a char pointer points to. Latin-1, no byte lost. */
  string(max = 4096): string {
    const t = resolveType(this.type);
    let bytes: Uint8Array;
    if (t.kind === "array") bytes = this.bytes();
    else if (t.kind === "pointer") bytes = this.prog.readCString(this.value(), Math.min(max, MAX_STRING));
    else throw new ObjError(`${describe(this.type)} is not a string`);
    let s = "";
    for (let i = 0; i < bytes.length && i < max; i++) {
      const c = bytes[i]!;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  /** `container_of(this, type, member)`: this object is `member` inside a `type`. */
  containerOf(type: Type, member: string): Obj {
    const found = findMember(type, member);
    if (!found) throw new ObjError(`${describe(type)} has no member "${member}"`);
    const addr = resolveType(this.type).kind === "pointer" ? this.value() : this.address;
    if (addr === undefined) throw new ObjError("container_of a value without address");
    return new Obj(this.prog, type, addr - BigInt(found.bitOffset / 8));
  }

  cast(type: Type): Obj {
    return new Obj(this.prog, type, this.address, this.valueBytes);
  }
}

/** Short description of a type for messages. */
export function describe(t: Type): string {
  switch (t.kind) {
    case "struct":
    case "union":
    case "enum":
      return `${t.kind} ${t.name ?? "(anonymous)"}`;
    case "int":
    case "float":
    case "typedef":
      return t.name;
    case "pointer":
      return `${describe(t.target)} *`;
    case "array":
      return `${describe(t.element)} [${t.count ?? ""}]`;
    case "void":
      return "void";
    case "function":
      return "function";
    default:
      return `${t.kind} ${describe(t.target)}`;
  }
}
