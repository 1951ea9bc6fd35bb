// The TypeSystem over DWARF: DIEs become Type objects on first lookup, cached by DIE offset. Members, targets
// and elements are getters that decode on first access, so a struct that points to itself (list_head) costs
// nothing and never recurses. A struct declaration (`struct foo;`) is resolved to its definition by name.
import { DumpFormatError } from "../../io/errors";
import type { EnumType, Enumerator, FunctionInfo, FunctionType, Member, Parameter, StructType, Type, TypeKindFilter, TypeSystem, VariableInfo } from "../types";
import * as C from "./constants";
import type { Die } from "./die";
import type { Dwarf } from "./dwarf";
import { IF_DECLARATION, IK_BASE, IK_ENUM, IK_ENUMERATOR, IK_FUNCTION, IK_STRUCT, IK_TYPEDEF, IK_UNION, IK_VARIABLE, type DwarfIndex, type IndexEntry } from "./name-index";
import { dieRanges } from "./ranges";

export interface DwarfTypeSystemOptions {
  /**
   * Link-time range of the per-CPU section. On x86_64 vmlinux links .data..percpu at 0 (PERCPU_VADDR in
   * arch/x86/kernel/vmlinux.lds.S): pass [__per_cpu_start, __per_cpu_end) from the symbol table.
   */
  perCpu?: { start: bigint; end: bigint };
}

const VOID: Type = { kind: "void" };
/** Typedef/qualifier/array chains longer than this are loops (real chains: under 10). */
const MAX_CHAIN = 256;

const KIND_ORDER: Record<TypeKindFilter, readonly number[]> = {
  struct: [IK_STRUCT],
  union: [IK_UNION],
  enum: [IK_ENUM],
  typedef: [IK_TYPEDEF],
  base: [IK_BASE],
  // C's typedef names and base types share the ordinary namespace; tags come after.
  any: [IK_TYPEDEF, IK_BASE, IK_STRUCT, IK_UNION, IK_ENUM],
};

/** Defines a getter that computes once and then is a plain value. */
function lazy<T extends object, K extends string, V>(obj: T, key: K, compute: () => V): T & Record<K, V> {
  Object.defineProperty(obj, key, {
    configurable: true,
    enumerable: true,
    get() {
      const v = compute();
      Object.defineProperty(obj, key, { value: v, enumerable: true });
      return v;
    },
  });
  return obj as T & Record<K, V>;
}

export class DwarfTypeSystem implements TypeSystem {
  private readonly cache = new Map<number, Type>();

  constructor(
    readonly dwarf: Dwarf,
    readonly index: DwarfIndex,
    private readonly options: DwarfTypeSystemOptions = {},
  ) {}

  findType(name: string, kind: TypeKindFilter = "any"): Type | undefined {
    for (const k of KIND_ORDER[kind]) {
      const e = this.index.lookup(name, k);
      if (e) return this.typeAt(e.die);
    }
    return undefined;
  }

  findVariable(name: string): VariableInfo | undefined {
    const e = this.index.lookup(name, IK_VARIABLE);
    if (!e) return undefined;
    const d = this.dwarf.die(e.die);
    const typed = d.has(C.DW_AT_type) ? d : e.aux ? this.dwarf.die(e.aux) : d;
    const type = this.typeRef(typed);
    const address = e.flags & IF_DECLARATION ? undefined : staticAddress(d);
    const pc = this.options.perCpu;
    const perCpu = address !== undefined && pc !== undefined && address >= pc.start && address < pc.end;
    return { name, type, address, ...(perCpu ? { perCpu } : {}) };
  }

  findFunction(name: string): FunctionInfo | undefined {
    const e = this.index.lookup(name, IK_FUNCTION);
    if (!e) return undefined;
    const d = this.dwarf.die(e.die);
    const proto = e.aux ? this.originWithType(this.dwarf.die(e.aux)) : d;
    const type = this.functionType(proto);
    const ranges = dieRanges(d);
    const entry = d.has(C.DW_AT_low_pc) ? d.address(C.DW_AT_low_pc) : undefined;
    // Hot/cold split functions have several ranges: report the one holding the entry point (GCC lists it first).
    const main = ranges.find((r) => entry !== undefined && r.lowPc <= entry && entry < r.highPc) ?? ranges[0];
    return { name, type, lowPc: main?.lowPc, highPc: main?.highPc };
  }

  findEnumerator(name: string): { value: bigint; type: EnumType } | undefined {
    const e = this.index.lookup(name, IK_ENUMERATOR);
    if (!e) return undefined;
    const type = this.typeAt(e.aux);
    if (type.kind !== "enum") throw new DumpFormatError(this.dwarf.infoName, e.aux, "enumerator's parent is not an enum");
    const value = this.dwarf.die(e.die).constant(C.DW_AT_const_value, type.signed) ?? 0n;
    return { value, type };
  }

  /** The index entry behind a name (for callers that want the DIE). */
  entry(name: string, kind: number): IndexEntry | undefined {
    return this.index.lookup(name, kind);
  }

  /** The type of the DIE at .debug_info offset `off`, built once. */
  typeAt(off: number): Type {
    const cached = this.cache.get(off);
    if (cached) return cached;
    const d = this.dwarf.die(off);
    const t = this.build(d);
    this.cache.set(off, t);
    return t;
  }

  private typeRef(d: Die): Type {
    const ref = d.has(C.DW_AT_type) ? d.ref(C.DW_AT_type) : undefined;
    return ref === undefined ? VOID : this.typeAt(ref);
  }

  private build(d: Die): Type {
    switch (d.tag) {
      case C.DW_TAG_base_type:
        return this.baseType(d);
      case C.DW_TAG_unspecified_type:
        return VOID;
      case C.DW_TAG_pointer_type:
        return lazy({ kind: "pointer" as const, size: d.unsigned(C.DW_AT_byte_size) ?? d.unit.addrSize }, "target", () => this.typeRef(d));
      case C.DW_TAG_structure_type:
      case C.DW_TAG_union_type:
        return this.structType(d);
      case C.DW_TAG_enumeration_type:
        return this.enumType(d);
      case C.DW_TAG_typedef:
        this.checkChain(d);
        return lazy({ kind: "typedef" as const, name: d.string(C.DW_AT_name) ?? "" }, "target", () => this.typeRef(d));
      case C.DW_TAG_const_type:
      case C.DW_TAG_volatile_type:
      case C.DW_TAG_restrict_type:
      case C.DW_TAG_atomic_type: {
        this.checkChain(d);
        const kind = d.tag === C.DW_TAG_const_type ? "const" : d.tag === C.DW_TAG_volatile_type ? "volatile" : d.tag === C.DW_TAG_restrict_type ? "restrict" : "atomic";
        return lazy({ kind }, "target", () => this.typeRef(d));
      }
      case C.DW_TAG_array_type:
        this.checkChain(d);
        return this.arrayType(d);
      case C.DW_TAG_subroutine_type:
      case C.DW_TAG_subprogram:
        return this.functionType(d);
    }
    return d.fail(`DW_TAG 0x${d.tag.toString(16)} is not a type`);
  }

  /** Refuses typedef/qualifier/array chains that loop (sizeOf and resolveType would not end). */
  private checkChain(d: Die): void {
    const seen = new Set<number>([d.offset]);
    let cur = d;
    for (let i = 0; i < MAX_CHAIN; i++) {
      if (!cur.has(C.DW_AT_type)) return;
      const next = this.dwarf.die(cur.ref(C.DW_AT_type)!);
      const t = next.tag;
      if (t !== C.DW_TAG_typedef && t !== C.DW_TAG_const_type && t !== C.DW_TAG_volatile_type && t !== C.DW_TAG_restrict_type && t !== C.DW_TAG_atomic_type && t !== C.DW_TAG_array_type) return;
      if (seen.has(next.offset)) d.fail("type reference loop");
      seen.add(next.offset);
      cur = next;
    }
    d.fail("type reference chain too long");
  }

  private baseType(d: Die): Type {
    const name = d.string(C.DW_AT_name) ?? "";
    const size = d.unsigned(C.DW_AT_byte_size) ?? 0;
    const enc = d.unsigned(C.DW_AT_encoding) ?? C.DW_ATE_signed;
    switch (enc) {
      case C.DW_ATE_float:
      case C.DW_ATE_complex_float:
        return { kind: "float", name, size };
      case C.DW_ATE_boolean:
        return { kind: "int", name, size, signed: false, bool: true };
      case C.DW_ATE_signed_char:
        return { kind: "int", name, size, signed: true, char: true };
      case C.DW_ATE_unsigned_char:
        return { kind: "int", name, size, signed: false, char: true };
      case C.DW_ATE_signed:
        return { kind: "int", name, size, signed: true };
    }
    return { kind: "int", name, size, signed: false };
  }

  private structType(d: Die): Type {
    const name = d.string(C.DW_AT_name);
    const kind = d.tag === C.DW_TAG_union_type ? "union" : "struct";
    if (d.flag(C.DW_AT_declaration) && name !== undefined) {
      const def = this.index.lookup(name, kind === "union" ? IK_UNION : IK_STRUCT);
      if (def && !(def.flags & IF_DECLARATION) && def.die !== d.offset) return this.typeAt(def.die);
      return { kind, name, size: 0, members: [], declaration: true };
    }
    const t = { kind, size: d.unsigned(C.DW_AT_byte_size) ?? 0, ...(name !== undefined ? { name } : {}) };
    return lazy(t, "members", () => this.members(d)) as StructType;
  }

  private members(d: Die): Member[] {
    const out: Member[] = [];
    for (const m of d.children()) {
      if (m.tag !== C.DW_TAG_member) continue;
      const name = m.string(C.DW_AT_name);
      const bitSize = m.unsigned(C.DW_AT_bit_size);
      let bitOffset: number;
      if (m.has(C.DW_AT_data_bit_offset)) bitOffset = m.unsigned(C.DW_AT_data_bit_offset)!;
      else {
        bitOffset = memberLocation(m) * 8;
        if (m.has(C.DW_AT_bit_offset) && bitSize !== undefined) {
          // DWARF 2/3: bit_offset counts from the most significant bit of the storage unit (byte_size, or the
          // member type's size). Little-endian targets (x86_64) convert as GCC's dwarf2out does.
          const storage = m.unsigned(C.DW_AT_byte_size) ?? this.storageSize(m);
          bitOffset += storage * 8 - m.signed(C.DW_AT_bit_offset)! - bitSize;
        }
      }
      const member = { bitOffset, ...(name !== undefined ? { name } : {}), ...(bitSize !== undefined ? { bitSize } : {}) };
      out.push(lazy(member, "type", () => this.typeRef(m)) as Member);
    }
    return out;
  }

  private storageSize(m: Die): number {
    let cur = this.typeRef(m);
    for (let i = 0; i < MAX_CHAIN && (cur.kind === "typedef" || cur.kind === "const" || cur.kind === "volatile" || cur.kind === "atomic" || cur.kind === "restrict"); i++) cur = cur.target;
    return cur.kind === "int" || cur.kind === "enum" ? cur.size : m.fail("bitfield without a storage size");
  }

  private enumType(d: Die): Type {
    const name = d.string(C.DW_AT_name);
    if (d.flag(C.DW_AT_declaration) && name !== undefined) {
      const def = this.index.lookup(name, IK_ENUM);
      if (def && !(def.flags & IF_DECLARATION) && def.die !== d.offset) return this.typeAt(def.die);
    }
    // Signedness: the underlying type when the compiler gives one (GCC, DWARF 3+), else any negative value.
    // Decided on first access, not here: an enum whose DW_AT_type loops back to itself must not recurse.
    let signed: boolean | undefined;
    const underlyingSigned = (): boolean | undefined => {
      if (!d.has(C.DW_AT_type) || d.ref(C.DW_AT_type) === d.offset) return undefined;
      let u = this.typeRef(d);
      for (let i = 0; i < MAX_CHAIN && u.kind === "typedef"; i++) u = u.target;
      return u.kind === "int" ? u.signed : undefined;
    };
    const enumerators = (): Enumerator[] => {
      signed ??= underlyingSigned();
      const raw: { name: string; die: Die }[] = [];
      for (const c of d.children()) if (c.tag === C.DW_TAG_enumerator) raw.push({ name: c.string(C.DW_AT_name) ?? "", die: c });
      if (signed === undefined) signed = raw.some((e) => e.die.form(C.DW_AT_const_value) === C.DW_FORM_sdata && e.die.constant(C.DW_AT_const_value, true)! < 0n);
      return raw.map((e) => ({ name: e.name, value: e.die.constant(C.DW_AT_const_value, signed) ?? 0n }));
    };
    const t = { kind: "enum" as const, size: d.unsigned(C.DW_AT_byte_size) ?? 0, ...(name !== undefined ? { name } : {}), ...(d.flag(C.DW_AT_declaration) ? { declaration: true } : {}) };
    lazy(t, "enumerators", enumerators);
    Object.defineProperty(t, "signed", {
      enumerable: true,
      get: () => {
        signed ??= underlyingSigned();
        if (signed === undefined) void (t as EnumType).enumerators;
        return signed ?? false;
      },
    });
    return t as unknown as EnumType;
  }

  private arrayType(d: Die): Type {
    const dims: (number | undefined)[] = [];
    for (const s of d.children()) {
      if (s.tag !== C.DW_TAG_subrange_type) continue;
      if (s.has(C.DW_AT_count)) dims.push(s.unsigned(C.DW_AT_count));
      else if (s.has(C.DW_AT_upper_bound) && s.form(C.DW_AT_upper_bound) !== C.DW_FORM_exprloc) {
        const lower = s.signed(C.DW_AT_lower_bound) ?? 0;
        const upper = s.form(C.DW_AT_upper_bound) === C.DW_FORM_udata ? s.unsigned(C.DW_AT_upper_bound)! : s.signed(C.DW_AT_upper_bound)!;
        dims.push(Math.max(0, upper - lower + 1)); // GCC writes [0] as upper bound -1
      } else dims.push(undefined); // flexible array member, or a VLA
    }
    if (dims.length === 0) dims.push(undefined);
    // int a[2][3] is an array of 2 arrays of 3: the last subrange is the innermost.
    const build = (i: number): Type => {
      const t = { kind: "array" as const, ...(dims[i] !== undefined ? { count: dims[i] } : {}) };
      return lazy(t, "element", () => (i + 1 < dims.length ? build(i + 1) : this.typeRef(d)));
    };
    return build(0);
  }

  private functionType(d: Die): FunctionType {
    let variadic = false;
    const params = (): Parameter[] => {
      const out: Parameter[] = [];
      for (const c of d.children()) {
        if (c.tag === C.DW_TAG_unspecified_parameters) variadic = true;
        if (c.tag !== C.DW_TAG_formal_parameter) continue;
        const name = c.string(C.DW_AT_name);
        out.push(lazy({ ...(name !== undefined ? { name } : {}) }, "type", () => this.typeRef(c)) as Parameter);
      }
      return out;
    };
    const t = lazy({ kind: "function" as const }, "returnType", () => this.typeRef(d));
    lazy(t, "params", params);
    Object.defineProperty(t, "variadic", {
      enumerable: true,
      get: () => (void (t as unknown as FunctionType).params, variadic),
    });
    return t as unknown as FunctionType;
  }

  /** Follows DW_AT_abstract_origin / DW_AT_specification to the DIE that carries the prototype. */
  private originWithType(d: Die): Die {
    let cur = d;
    for (let i = 0; i < 8; i++) {
      if (cur.has(C.DW_AT_type) || cur.hasChildren) return cur;
      const next = cur.has(C.DW_AT_abstract_origin) ? cur.ref(C.DW_AT_abstract_origin) : cur.has(C.DW_AT_specification) ? cur.ref(C.DW_AT_specification) : undefined;
      if (next === undefined) return cur;
      cur = this.dwarf.die(next);
    }
    return cur;
  }
}

/** DW_AT_data_member_location: a constant, or (DWARF 2-4) an expression DW_OP_plus_uconst <n>. In bytes. */
function memberLocation(m: Die): number {
  const form = m.form(C.DW_AT_data_member_location);
  if (form === undefined) return 0; // union members
  const block = m.block(C.DW_AT_data_member_location);
  if (!block) return m.unsigned(C.DW_AT_data_member_location)!;
  if (block[0] !== C.DW_OP_plus_uconst) m.fail("member location is not DW_OP_plus_uconst");
  let v = 0;
  let mul = 1;
  for (let i = 1; i < block.length && i < 9; i++) {
    v += (block[i]! & 0x7f) * mul;
    if ((block[i]! & 0x80) === 0) return v;
    mul *= 128;
  }
  return m.fail("truncated DW_OP_plus_uconst");
}

/** The address of a DW_AT_location that is exactly DW_OP_addr <address>. */
function staticAddress(d: Die): bigint | undefined {
  const block = d.has(C.DW_AT_location) ? d.block(C.DW_AT_location) : undefined;
  if (!block || block[0] !== C.DW_OP_addr || block.length !== 1 + d.unit.addrSize) return undefined;
  const v = new DataView(block.buffer, block.byteOffset + 1, d.unit.addrSize);
  return d.unit.addrSize === 8 ? v.getBigUint64(0, true) : BigInt(v.getUint32(0, true));
}
