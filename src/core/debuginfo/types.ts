// One description of C types, whatever it was read from: BTF (compact, in the vmlinux and in the kernel's
// memory) or DWARF (complete). Back ends build these objects lazily: `target`, `members`, `element` may be
// getters that decode on first access, so a struct that points to itself is no problem.

export type Type =
  | VoidType
  | IntType
  | FloatType
  | PointerType
  | StructType
  | EnumType
  | TypedefType
  | ArrayType
  | FunctionType
  | QualifiedType;

export interface VoidType {
  readonly kind: "void";
}

export interface IntType {
  readonly kind: "int";
  /** The C name as the compiler wrote it: "unsigned int", "long int", "_Bool", "char". */
  readonly name: string;
  readonly size: number;
  readonly signed: boolean;
  /** _Bool */
  readonly bool?: boolean;
  /** char, signed char, unsigned char */
  readonly char?: boolean;
}

export interface FloatType {
  readonly kind: "float";
  readonly name: string;
  readonly size: number;
}

export interface PointerType {
  readonly kind: "pointer";
  readonly size: number;
  readonly target: Type;
}

export interface Member {
  /** Undefined for an anonymous struct/union member. */
  readonly name?: string;
  readonly type: Type;
  /** Offset from the start of the containing struct, in bits. */
  readonly bitOffset: number;
  /** Width for bitfields; undefined for ordinary members. */
  readonly bitSize?: number;
}

export interface StructType {
  readonly kind: "struct" | "union";
  /** Undefined for an anonymous struct/union. */
  readonly name?: string;
  readonly size: number;
  readonly members: readonly Member[];
  /** A forward declaration with no body (`struct foo;`). */
  readonly declaration?: boolean;
}

export interface Enumerator {
  readonly name: string;
  readonly value: bigint;
}

export interface EnumType {
  readonly kind: "enum";
  readonly name?: string;
  readonly size: number;
  readonly signed: boolean;
  readonly enumerators: readonly Enumerator[];
  readonly declaration?: boolean;
}

export interface TypedefType {
  readonly kind: "typedef";
  readonly name: string;
  readonly target: Type;
}

export interface ArrayType {
  readonly kind: "array";
  readonly element: Type;
  /** Undefined for a flexible array member (`char data[]`). */
  readonly count?: number;
}

export interface Parameter {
  readonly name?: string;
  readonly type: Type;
}

export interface FunctionType {
  readonly kind: "function";
  readonly returnType: Type;
  readonly params: readonly Parameter[];
  readonly variadic: boolean;
}

export interface QualifiedType {
  readonly kind: "const" | "volatile" | "restrict" | "atomic";
  readonly target: Type;
}

/** A global variable: where it lives and what it is. */
export interface VariableInfo {
  readonly name: string;
  readonly type: Type;
  /** Link-time address (before the KASLR slide), when the variable has a static location. */
  readonly address?: bigint;
  /** Declared in a per-CPU section (an offset into each CPU's area, not an address). */
  readonly perCpu?: boolean;
}

/** A function: its prototype and address range (link-time, before the KASLR slide). */
export interface FunctionInfo {
  readonly name: string;
  readonly type: FunctionType;
  readonly lowPc?: bigint;
  readonly highPc?: bigint;
}

export type TypeKindFilter = "struct" | "union" | "enum" | "typedef" | "base" | "any";

/** The question every consumer asks; BTF and DWARF each answer it. */
export interface TypeSystem {
  /** `findType("task_struct", "struct")`, `findType("pid_t")` (any kind). */
  findType(name: string, kind?: TypeKindFilter): Type | undefined;
  findVariable(name: string): VariableInfo | undefined;
  findFunction(name: string): FunctionInfo | undefined;
  /** An enumerator by name (`TASK_COMM_LEN`, `PIDTYPE_PID`) and the enum it belongs to. */
  findEnumerator(name: string): { value: bigint; type: EnumType } | undefined;
  /** Up to `limit` names of types starting with `prefix`, sorted (the console's completion). */
  names?(prefix: string, limit: number): string[];
}

/** How long a chain of typedefs, qualifiers and array dimensions sizeOf follows (hostile debuginfo loops). */
const MAX_TYPE_CHAIN = 256;

/**
 * Size in bytes of a type, following typedefs and qualifiers. Void and functions are 1 as in GNU C. One loop
 * over the chain (arrays multiply), so a typedef that names itself in hostile BTF ends instead of recursing.
 */
export function sizeOf(t: Type): number {
  let cur = t;
  let count = 1;
  for (let i = 0; i < MAX_TYPE_CHAIN; i++) {
    switch (cur.kind) {
      case "void":
      case "function":
        return count;
      case "int":
      case "float":
      case "pointer":
      case "struct":
      case "union":
      case "enum":
        return count * cur.size;
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "atomic":
        cur = cur.target;
        continue;
      case "array":
        count *= cur.count ?? 0;
        cur = cur.element;
        continue;
    }
  }
  return 0;
}

/** Strips typedefs and qualifiers. */
export function resolveType(t: Type): Type {
  let cur = t;
  for (let i = 0; i < 64; i++) {
    if (cur.kind === "typedef" || cur.kind === "const" || cur.kind === "volatile" || cur.kind === "restrict" || cur.kind === "atomic") cur = cur.target;
    else return cur;
  }
  return cur;
}

/** How deep anonymous members may nest: real C nests a few levels; hostile debuginfo may nest forever. */
const MAX_ANONYMOUS_DEPTH = 32;

/** A member found by name: the member, and its bit offset from the start of the struct searched. */
export interface FoundMember {
  member: Member;
  bitOffset: number;
}

/**
 * Finds a member by name, descending into anonymous struct/union members; returns its absolute bit offset.
 * An anonymous member of a type already being searched is not searched again: a struct that holds itself
 * anonymously (hostile debuginfo) ends at once, where two such members made a miss take 2^32 steps.
 */
export function findMember(t: Type, name: string): FoundMember | undefined {
  return scanMembers(t, name, 0, []);
}

/** findMember's search, member by member, `path` the anonymous members' types it is inside. */
function scanMembers(t: Type, name: string, depth: number, path: Type[]): FoundMember | undefined {
  const s = resolveType(t);
  if (s.kind !== "struct" && s.kind !== "union") return undefined;
  path.push(s);
  try {
    for (const m of s.members) {
      if (m.name === name) return { member: m, bitOffset: m.bitOffset };
      if (m.name === undefined && depth < MAX_ANONYMOUS_DEPTH && !path.includes(resolveType(m.type))) {
        const inner = scanMembers(m.type, name, depth + 1, path);
        if (inner) return { member: inner.member, bitOffset: m.bitOffset + inner.bitOffset };
      }
    }
    return undefined;
  } finally {
    path.pop();
  }
}
