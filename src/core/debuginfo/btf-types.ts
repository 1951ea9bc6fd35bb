// The Type objects of the BTF back end: small classes that hold type ids and reach their targets, members,
// parameters and enumerators through getters, decoded on first access by the Btf that made them. Classes
// (not object literals with getters) keep one shape per kind: a vmlinux has ~95,000 types.
import type { ArrayType, EnumType, Enumerator, FunctionType, Member, Parameter, PointerType, QualifiedType, StructType, Type, TypedefType } from "./types";

/** What the classes ask of their Btf. */
export interface BtfTypeSource {
  typeById(id: number): Type;
  readMembers(id: number): Member[];
  readParams(id: number): Parameter[];
  readEnumerators(id: number): Enumerator[];
}

export class BtfPointer implements PointerType {
  readonly kind = "pointer" as const;
  constructor(
    private readonly src: BtfTypeSource,
    readonly size: number,
    private readonly targetId: number,
  ) {}
  get target(): Type {
    return this.src.typeById(this.targetId);
  }
}

export class BtfArray implements ArrayType {
  readonly kind = "array" as const;
  constructor(
    private readonly src: BtfTypeSource,
    private readonly elementId: number,
    readonly count: number | undefined,
  ) {}
  get element(): Type {
    return this.src.typeById(this.elementId);
  }
}

export class BtfTypedef implements TypedefType {
  readonly kind = "typedef" as const;
  constructor(
    private readonly src: BtfTypeSource,
    readonly name: string,
    private readonly targetId: number,
  ) {}
  get target(): Type {
    return this.src.typeById(this.targetId);
  }
}

export class BtfQualified implements QualifiedType {
  constructor(
    private readonly src: BtfTypeSource,
    readonly kind: "const" | "volatile" | "restrict",
    private readonly targetId: number,
  ) {}
  get target(): Type {
    return this.src.typeById(this.targetId);
  }
}

export class BtfStruct implements StructType {
  private cached: Member[] | undefined;
  constructor(
    private readonly src: BtfTypeSource,
    readonly id: number,
    readonly kind: "struct" | "union",
    readonly name: string | undefined,
    readonly size: number,
  ) {}
  get members(): readonly Member[] {
    return (this.cached ??= this.src.readMembers(this.id));
  }
}

export class BtfMember implements Member {
  constructor(
    private readonly src: BtfTypeSource,
    readonly name: string | undefined,
    readonly typeId: number,
    readonly bitOffset: number,
    readonly bitSize: number | undefined,
  ) {}
  get type(): Type {
    return this.src.typeById(this.typeId);
  }
}

export class BtfEnum implements EnumType {
  readonly kind = "enum" as const;
  private cached: Enumerator[] | undefined;
  constructor(
    private readonly src: BtfTypeSource,
    private readonly id: number,
    readonly name: string | undefined,
    readonly size: number,
    readonly signed: boolean,
    /** An enum without enumerators is how BTF writes `enum foo;`. */
    readonly declaration: boolean | undefined,
  ) {}
  get enumerators(): readonly Enumerator[] {
    return (this.cached ??= this.src.readEnumerators(this.id));
  }
}

export class BtfFunction implements FunctionType {
  readonly kind = "function" as const;
  private cached: Parameter[] | undefined;
  constructor(
    private readonly src: BtfTypeSource,
    private readonly id: number,
    private readonly returnId: number,
    readonly variadic: boolean,
  ) {}
  get returnType(): Type {
    return this.src.typeById(this.returnId);
  }
  get params(): readonly Parameter[] {
    return (this.cached ??= this.src.readParams(this.id));
  }
}

export class BtfParameter implements Parameter {
  constructor(
    private readonly src: BtfTypeSource,
    readonly name: string | undefined,
    private readonly typeId: number,
  ) {}
  get type(): Type {
    return this.src.typeById(this.typeId);
  }
}
