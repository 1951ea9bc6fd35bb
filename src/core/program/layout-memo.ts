// The members every declared layout names (program/layout.ts), resolved once per kernel build and kept in the
// user's cache folder beside the BTF index: crash's offset_table, which crash fills at every start-up and kdw
// resolves in the first session on a build. Resolving a member in BTF reads its struct's records and the
// names of the members before it, and checks the struct does not hold itself; in a fresh process that is
// cold code, ~150 µs a member (sys's 64 members: 8-11 ms of its first run). With the memo a layout is a
// few map lookups.
//
// Only what BTF itself answers is kept: a member found (its offset, bits, size, kind, element count and the
// BTF id of its type, whose Type is built when first asked for) or a member its struct lacks; and the BTF id
// of each struct the layouts name, for the sizes and types their walkers ask by name ("struct module"), or 0 for
// a name BTF lacks ("struct module_memory" before 6.4), so that a layout naming it is not a name lookup (a
// binary search through BTF's records and strings, a few reads of the file) in every session. A member of a
// struct BTF does not have is "live": resolved as if there were no memo (DWARF may know it once it is open). The memo is
// built by the very resolution it stands for (layout.ts buildLayoutMemo), so both answer alike. An image is
// taken only when it was made for a BTF of the same shape (its last type id and string section length) and
// for the layouts this kdw declares (their declarations, as text); anything else and the layouts are
// resolved again and the image rewritten. A row is checked when first asked for (offsets whole and
// consistent, a known kind, a type id in range): one that is not sane is resolved live. What ties an image
// to its BTF is the cache key (build id and the .BTF's place in the file), as for the BTF index.
import type { Type } from "../debuginfo/types";
import { isRecord, isWholeIn, jsonObjectOf } from "../io/json-image";
import type { MemberInfo } from "./layout";

/** What the memo needs of a BTF: its shape, and types by id. */
export interface MemoTypes {
  readonly lastId: number;
  readonly layout: { readonly strLen: number };
  typeById(id: number): Type;
}

/** A member BTF resolved: MemberInfo without the variant's name, its path and its Type, with its type's BTF id. */
export type MemoMember = Omit<MemberInfo, "variant" | "path" | "type"> & { readonly typeId: number };

/** A path's entry: the member, ABSENT (its struct has no such member), or LIVE (resolved without the memo). */
export type MemoEntry = MemoMember | typeof ABSENT | typeof LIVE;
export const ABSENT = 0;
export const LIVE = 1;

const FORMAT = "kdw-layouts-3";
const KINDS: ReadonlySet<string> = new Set<Type["kind"]>(["void", "int", "float", "pointer", "array", "struct", "union", "enum", "typedef", "function", "const", "volatile", "restrict", "atomic"]);
/** No memo image is this big (the fixture's kernel's is 82 KiB): a bigger file is not parsed. */
const MAX_IMAGE = 8 << 20;
/** No struct is this big (offsets in bits stay safe integers far beyond it). */
const MAX_OFFSET = 1 << 30;

/** A kept member as a layout gives it: its fields as data (walkers read them per field), its Type built when first asked for. */
function memberInfo(types: MemoTypes, m: MemoMember, variant: string, path: string): MemberInfo {
  return new MemoMemberInfo(types, m, variant, path);
}

/**
 * A member as the memo kept it, its type built from BTF when first asked for: a class with the type as a
 * getter on its prototype (an object literal with an accessor is made by the engine's slow path, a name
 * dictionary each, for every member of every layout a session resolves).
 */
class MemoMemberInfo implements MemberInfo {
  readonly offset: number;
  readonly bitOffset: number;
  readonly bitSize: number | undefined;
  readonly size: number;
  readonly kind: Type["kind"];
  readonly count: number | undefined;
  readonly #types: MemoTypes;
  readonly #typeId: number;

  constructor(
    types: MemoTypes,
    m: MemoMember,
    readonly variant: string,
    readonly path: string,
  ) {
    this.offset = m.offset;
    this.bitOffset = m.bitOffset;
    this.bitSize = m.bitSize;
    this.size = m.size;
    this.kind = m.kind;
    this.count = m.count;
    this.#types = types;
    this.#typeId = m.typeId;
  }

  get type(): Type {
    return this.#types.typeById(this.#typeId);
  }
}

export class LayoutMemo {
  /** Rows checked so far (entryOf), by path: undefined for a row that is not sane (resolved live). */
  private readonly checked = new Map<string, MemoEntry | undefined>();

  /**
   * `rows`: by path, the image's rows (checked when first asked for: a session asks for a few hundred);
   * `declared`: what the layouts declared when it was made (declaredLayouts(): a kdw with other layouts
   * makes its own).
   */
  constructor(
    private readonly types: MemoTypes,
    readonly declared: string,
    private readonly rows: Readonly<Record<string, unknown>>,
    /** "struct NAME" / "union NAME" of the structs the layouts name: its BTF id, or 0 where BTF has none. */
    private readonly typeIds: Readonly<Record<string, unknown>> = {},
  ) {}

  /** The struct or union `name` ("struct module") names, as BTF's name index gave it; undefined when not kept. */
  type(name: string): Type | undefined {
    if (!Object.hasOwn(this.typeIds, name)) return undefined;
    const id = this.typeIds[name];
    if (!whole(id, this.types.lastId) || id === 0) return undefined;
    try {
      const t = this.types.typeById(id);
      return t.kind === "struct" || t.kind === "union" ? t : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether BTF's name index had no `name` ("struct module_memory") when the memo was made. */
  lacks(name: string): boolean {
    return Object.hasOwn(this.typeIds, name) && this.typeIds[name] === 0;
  }

  /** The member at `path` as BTF gives it; null when its struct lacks it; undefined when it is to be resolved live. */
  member(path: string, variant: string): MemberInfo | null | undefined {
    let e = this.checked.get(path);
    if (e === undefined && !this.checked.has(path)) {
      e = Object.hasOwn(this.rows, path) ? entryOf(this.rows[path], this.types.lastId) : undefined;
      this.checked.set(path, e);
    }
    if (e === undefined || e === LIVE) return undefined;
    if (e === ABSENT) return null;
    return memberInfo(this.types, e, variant, path);
  }

  /** The image for the cache folder: JSON of the BTF's shape, the layouts declared, one row per path. */
  image(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ format: FORMAT, lastId: this.types.lastId, strLen: this.types.layout.strLen, declared: this.declared, rows: this.rows, types: this.typeIds }));
  }

  /** A row for the image: the member, or ABSENT / LIVE. */
  static row(e: MemoEntry): unknown[] {
    if (e === ABSENT || e === LIVE) return [e];
    return [e.offset, e.bitOffset, e.bitSize ?? -1, e.size, e.kind, e.count ?? -1, e.typeId];
  }

  /**
   * The memo an image holds for `types` and the layouts `declared` now, or undefined when it was made for
   * a BTF of another shape or other layouts (or is not JSON of this format).
   */
  static fromImage(types: MemoTypes, declared: string, image: Uint8Array): LayoutMemo | undefined {
    const d = jsonObjectOf(image, MAX_IMAGE);
    if (!d || d.format !== FORMAT || d.lastId !== types.lastId || d.strLen !== types.layout.strLen || d.declared !== declared) return undefined;
    const { rows, types: typeIds } = d;
    if (!isRecord(rows) || !isRecord(typeIds)) return undefined;
    return new LayoutMemo(types, declared, rows, typeIds);
  }
}

const whole = (v: unknown, max: number): v is number => isWholeIn(v, 0, max);

/** A row's entry, or undefined when it is not sane. */
function entryOf(row: unknown, lastId: number): MemoEntry | undefined {
  if (!Array.isArray(row)) return undefined;
  if (row.length === 1) return row[0] === ABSENT || row[0] === LIVE ? row[0] : undefined;
  if (row.length !== 7) return undefined;
  // Indexed (a destructuring runs the iterator protocol: an object per element until optimised).
  const r = row as unknown[];
  const offset = r[0];
  const bitOffset = r[1];
  const bitSize = r[2];
  const size = r[3];
  const kind = r[4];
  const count = r[5];
  const typeId = r[6];
  if (!whole(bitOffset, MAX_OFFSET * 8) || offset !== Math.floor(bitOffset / 8) || !whole(size, MAX_OFFSET)) return undefined;
  if (bitSize !== -1 && !(whole(bitSize, 128) && bitSize > 0)) return undefined;
  if (typeof kind !== "string" || !KINDS.has(kind) || (count !== -1 && !whole(count, MAX_OFFSET)) || !whole(typeId, lastId)) return undefined;
  return { offset: offset as number, bitOffset, bitSize: bitSize === -1 ? undefined : (bitSize as number), size, kind: kind as Type["kind"], count: count === -1 ? undefined : (count as number), typeId };
}
