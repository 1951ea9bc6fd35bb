// Layouts declared once: crash's offset_table done declaratively, kept in drgn's `prog.cache`. A walker
// declares the members it reads as one table, each a "struct.member.path" (the struct's name without
// `struct`, then the member, dotted through nested and anonymous members, as in offsetof):
//
//   const TASK = layout({
//     pid: "task_struct.pid",                                   // required
//     comm: "task_struct.comm",
//     state: ["task_struct.__state", "task_struct.state"],      // required; the first variant present wins
//     exitState: optional("task_struct.exit_state"),            // undefined where the kernel lacks it
//     mounts: variants({ list: "mnt_namespace.list", rbtree: "mnt_namespace.mounts" }), // named variants
//   }, (o, m) => ({ commLen: m.comm.size }));                   // values derived from the members, once
//   export const taskLayout = TASK.of;                          // `of` is bound
//
//   TASK.of(prog).pid          the offset (a number; `number | undefined` for an optional member)
//   TASK.members(prog).comm    the member: offset, size, bit offset and width, type, array length, variant
//   TASK.span("pid", "comm").read(prog, addr).u32("pid")   one read of the bytes those members occupy, then
//                                                           fields decoded by name (struct-view.ts)
//
// `members("task_struct", { pid: "pid" })` writes one struct's part of a table without repeating its name.
// Members are resolved through the Program's TypeSystem (BTF or DWARF, whichever it has) the first time a
// layout is asked for, and kept per Program under the declaration object (Program.cached; `perProgram` in
// program.ts keeps any other derived value the same way: the task table, the kernel log); no walker looks
// a type up by name inside a loop. While DWARF is closed, structs are looked up in BTF alone, so declaring
// another kernel's struct never opens DWARF. A required member the kernel lacks fails the whole layout with
// one MissingDebugInfo naming struct.member, kept and thrown again on every later use; an optional one is
// `undefined`, and the walker decides what its absence means where it matters. Members that moved between
// kernel versions are named variants of one declaration (task_struct.__state, 5.14; mm_struct.rss_stat as
// percpu_counter[], 6.2; module.mem[], 6.4; the mnt_namespace rbtree, 6.8): `members(prog).x.variant`
// says which one this kernel has.
import { BtfMember, BtfStruct } from "../debuginfo/btf-types";
import { CombinedTypeSystem } from "../debuginfo/combined-types";
import { findMember, resolveType, sizeOf, type Member, type Type, type TypeSystem } from "../debuginfo/types";
import { MissingDebugInfo } from "../io/errors";
import { ABSENT, LIVE, LayoutMemo, type MemoEntry, type MemoTypes } from "./layout-memo";
import { parseTypeName } from "./type-names";
import type { Program, ProgramCacheKey } from "./program";
import { StructView, type ViewMembers } from "./struct-view";

/** One way a member may be found: the variant's name and its "struct.member.path". */
export interface Variant {
  readonly name: string;
  readonly path: string;
}

export interface RequiredMember {
  readonly optional: false;
  readonly variants: readonly Variant[];
}

export interface OptionalMember {
  readonly optional: true;
  readonly variants: readonly Variant[];
}

/** A path (required), a list of paths (required; the first present wins), or a declaration made below. */
export type MemberSpec = string | readonly string[] | RequiredMember | OptionalMember;
export type LayoutSpec = Readonly<Record<string, MemberSpec>>;

/** A member as this kernel has it. */
export interface MemberInfo {
  /** The variant found: its name (variants()) or its path. */
  readonly variant: string;
  readonly path: string;
  /** Bytes from the start of the struct (for a bitfield: the byte holding its first bit). */
  readonly offset: number;
  /** Bits from the start of the struct, and the width of a bitfield (undefined for an ordinary member). */
  readonly bitOffset: number;
  readonly bitSize?: number;
  /** sizeof the member's type (an array: all of it). */
  readonly size: number;
  readonly type: Type;
  /** resolveType(type).kind: "pointer", "array", "struct", "int", ... */
  readonly kind: Type["kind"];
  /** The element count of an array member (undefined for a flexible array or a non-array). */
  readonly count?: number;
}

export type Offsets<S extends LayoutSpec> = { readonly [K in keyof S]: S[K] extends OptionalMember ? number | undefined : number };
export type Members<S extends LayoutSpec> = { readonly [K in keyof S]: S[K] extends OptionalMember ? MemberInfo | undefined : MemberInfo };

function toVariants(paths: readonly string[]): Variant[] {
  return paths.map((path) => ({ name: path, path }));
}

/** A member the walker can do without: `undefined` when this kernel has none of the paths. */
export function optional(...paths: string[]): OptionalMember;
export function optional(decl: RequiredMember): OptionalMember;
export function optional(...args: [RequiredMember] | string[]): OptionalMember {
  const first = args[0];
  if (typeof first === "object") return { optional: true, variants: first.variants };
  return { optional: true, variants: toVariants(args as string[]) };
}

/** A member that moved between kernel versions, each place named (`{ list: "…", rbtree: "…" }`), in order. */
export function variants(named: Readonly<Record<string, string>>): RequiredMember {
  return { optional: false, variants: Object.entries(named).map(([name, path]) => ({ name, path })) };
}

function normalize(spec: MemberSpec): RequiredMember | OptionalMember {
  if (typeof spec === "string") return { optional: false, variants: toVariants([spec]) };
  if (Array.isArray(spec)) return { optional: false, variants: toVariants(spec as readonly string[]) };
  return spec as RequiredMember | OptionalMember;
}

/** The struct a path starts from ("task_struct" of "task_struct.signal"). */
export function structOf(path: string): string {
  const dot = path.indexOf(".");
  return dot < 0 ? path : path.slice(0, dot);
}

/**
 * `struct NAME` (or `union NAME`) of this program; undefined when the debuginfo has neither. A layout names
 * structures a kernel may not have (struct module_memory is 6.4+): BTF is made from the same DWARF (pahole
 * converts every type), so what BTF lacks this kernel lacks, and asking DWARF would index it (most of a
 * second, or seconds without the cache) to learn nothing. DWARF answers once it is open anyway.
 */
function structType(prog: Program, name: string): Type | undefined {
  const ts = prog.types;
  if (ts instanceof CombinedTypeSystem && !ts.dwarfOpened && !inBtf(prog, ts.btf, `struct ${name}`) && !inBtf(prog, ts.btf, `union ${name}`)) return undefined;
  return prog.findType(`struct ${name}`) ?? prog.findType(`union ${name}`);
}

/** Whether BTF has the struct or union `name`: not when the memo recorded it lacked it, else by a lookup. */
function inBtf(prog: Program, btf: TypeSystem, name: string): boolean {
  return !prog.layoutMemo?.lacks(name) && parseTypeName(btf, name) !== undefined;
}

/** The structs a layout's members name, by name, looked up once per layout (a layout names one or a few). */
type StructCache = Map<string, Type | undefined>;

/** One variant's member, or why it is not there ("no-type": the struct itself is missing); the memo's when it has it. */
function resolvePath(prog: Program, variant: Variant, structs: StructCache): MemberInfo | "no-type" | undefined {
  const kept = prog.layoutMemo?.member(variant.path, variant.name);
  if (kept !== undefined) return kept ?? undefined;
  const r = resolveLive(prog, variant, structs);
  return r === "no-type" || r === undefined ? r : r.info;
}

/** resolvePath from the types themselves, with the member found last (its type's BTF id is the memo's). */
function resolveLive(prog: Program, variant: Variant, structs: StructCache): { info: MemberInfo; last: Member } | "no-type" | undefined {
  const dot = variant.path.indexOf(".");
  if (dot <= 0 || dot === variant.path.length - 1) throw new Error(`layout: "${variant.path}" is not struct.member`);
  const name = variant.path.slice(0, dot);
  let t = structs.get(name);
  if (t === undefined && !structs.has(name)) {
    t = structType(prog, name);
    structs.set(name, t);
  }
  if (!t) return "no-type";
  let bitOffset = 0;
  let bitSize: number | undefined;
  let last: Member | undefined;
  for (const part of variant.path.slice(dot + 1).split(".")) {
    const found = findMember(t, part);
    if (!found) return undefined;
    bitOffset += found.bitOffset;
    bitSize = found.member.bitSize;
    last = found.member;
    t = found.member.type;
  }
  const r = resolveType(t);
  const info = {
    variant: variant.name,
    path: variant.path,
    offset: Math.floor(bitOffset / 8),
    bitOffset,
    bitSize,
    size: sizeOf(t),
    type: t,
    kind: r.kind,
    count: r.kind === "array" ? r.count : undefined,
  };
  return { info, last: last! };
}

/** Every layout declared (each registers itself): what a memo is built for. */
const DECLARED: Layout<LayoutSpec, object>[] = [];

/** Every layout declared so far (the memo's tests compare each with and without it). */
export function declaredLayoutList(): readonly Layout<LayoutSpec, object>[] {
  return DECLARED;
}

/** The "struct.member" paths of every layout declared so far, each once. */
function declaredLayoutPaths(): string[] {
  const paths = new Set<string>();
  for (const l of DECLARED) for (const spec of Object.values(l.spec)) for (const v of normalize(spec).variants) paths.add(v.path);
  return [...paths];
}

/** Every layout declared so far, as text: what a memo image was made for (native JSON: a fraction of a ms). */
export function declaredLayouts(): string {
  return JSON.stringify(DECLARED.map((l) => l.spec));
}

/**
 * The memo of `paths` as this program's BTF (`types`) resolves them, before DWARF is open: a member found
 * through BTF records (its type is `types`' own), ABSENT where a BTF struct lacks it, LIVE for the rest (a
 * struct BTF does not have, a path that does not resolve cleanly: resolved, and its error thrown, in use).
 */
export function buildLayoutMemo(prog: Program, types: MemoTypes & TypeSystem): LayoutMemo {
  const ts = prog.types;
  if (ts instanceof CombinedTypeSystem && ts.dwarfOpened) throw new Error("buildLayoutMemo: DWARF is open, the memo would not be BTF's alone");
  const rows: Record<string, unknown> = {};
  const structs: StructCache = new Map();
  const paths = declaredLayoutPaths();
  for (const path of paths) {
    let e: MemoEntry = LIVE;
    try {
      const r = resolveLive(prog, { name: path, path }, structs);
      const struct = structs.get(structOf(path));
      // The struct is one of `types`' own (not DWARF's, not another BTF's).
      const fromBtf = struct instanceof BtfStruct && types.typeById(struct.id) === struct;
      if (r === undefined && fromBtf) e = ABSENT;
      else if (r !== undefined && r !== "no-type" && fromBtf && r.last instanceof BtfMember && types.typeById(r.last.typeId) === r.info.type) {
        const { offset, bitOffset, bitSize, size, kind, count } = r.info;
        e = { offset, bitOffset, bitSize, size, kind, count, typeId: r.last.typeId };
      }
    } catch {
      // Resolved live when a layout asks for it, and its error thrown there.
    }
    rows[path] = LayoutMemo.row(e);
  }
  // The structs by name, as BTF's own name index answers (prog.findType asks BTF first): their ids.
  const typeIds: Record<string, number> = {};
  for (const name of new Set(paths.map(structOf))) {
    for (const kind of ["struct", "union"]) {
      try {
        const t = parseTypeName(types, `${kind} ${name}`);
        if (t instanceof BtfStruct && types.typeById(t.id) === t) typeIds[`${kind} ${name}`] = t.id;
        // BTF's id 0 is void, never a struct: the name it lacks.
        else if (t === undefined) typeIds[`${kind} ${name}`] = 0;
      } catch {
        // Asked live.
      }
    }
  }
  return new LayoutMemo(types, declaredLayouts(), rows, typeIds);
}

/** "struct task_struct has no member pid", "struct mnt_namespace has no member list or mounts". */
function missing(prog: Program, decl: RequiredMember): MissingDebugInfo {
  const structs = [...new Set(decl.variants.map((v) => structOf(v.path)))];
  if (structs.length === 1) {
    const name = structs[0]!;
    if (!structType(prog, name)) return new MissingDebugInfo(`no type "struct ${name}" in the debug information`);
    return new MissingDebugInfo(`struct ${name} has no member ${decl.variants.map((v) => v.path.slice(name.length + 1)).join(" or ")}`);
  }
  return new MissingDebugInfo(`no member ${decl.variants.map((v) => v.path).join(" or ")} in the debug information`);
}

function resolveMember(prog: Program, spec: MemberSpec, structs: StructCache): MemberInfo | undefined {
  const decl = normalize(spec);
  for (const v of decl.variants) {
    const m = resolvePath(prog, v, structs);
    if (m !== undefined && m !== "no-type") return m;
  }
  if (decl.optional) return undefined;
  throw missing(prog, decl);
}

type Resolution<S extends LayoutSpec, D> = { ok: true; values: Offsets<S> & D; members: Members<S> } | { ok: false; error: MissingDebugInfo };

/** A declared layout: see the opening comment. */
export class Layout<S extends LayoutSpec, D extends object = object> implements ProgramCacheKey<Resolution<S, D>> {
  constructor(
    readonly spec: S,
    private readonly derive?: (offsets: Offsets<S>, members: Members<S>, prog: Program) => D,
  ) {
    DECLARED.push(this as unknown as Layout<LayoutSpec, object>);
  }

  compute(prog: Program): Resolution<S, D> {
    const offsets: Record<string, number | undefined> = {};
    const members: Record<string, MemberInfo | undefined> = {};
    const structs: StructCache = new Map();
    try {
      for (const [key, spec] of Object.entries(this.spec)) {
        const m = resolveMember(prog, spec, structs);
        members[key] = m;
        offsets[key] = m?.offset;
      }
      const o = offsets as Offsets<S>;
      const m = members as Members<S>;
      const derived = this.derive?.(o, m, prog);
      return { ok: true, values: (derived ? { ...o, ...derived } : o) as Offsets<S> & D, members: m };
    } catch (err) {
      // Only the debuginfo's answer is kept: it cannot change. Anything else (a read that failed in
      // `derive`, a cancelled command) is thrown and asked again next time.
      if (err instanceof MissingDebugInfo) return { ok: false, error: err };
      throw err;
    }
  }

  private resolved(prog: Program): Extract<Resolution<S, D>, { ok: true }> {
    const r = prog.cached(this);
    if (!r.ok) throw r.error;
    return r;
  }

  /** The offsets (and derived values) of this program's kernel (bound: `export const fsLayout = FS_LAYOUT.of`). */
  readonly of = (prog: Program): Offsets<S> & D => this.resolved(prog).values;

  /** The members in full (size, bitfield, type, array length, which variant). */
  readonly members = (prog: Program): Members<S> => this.resolved(prog).members;

  /** The struct the first member is declared in (a view's name in its messages), found once. */
  private structName: string | undefined;

  /** A view over `bytes`, which hold the struct from its byte `start` on (0: from its beginning). */
  view(prog: Program, bytes: Uint8Array, start = 0): StructView<keyof S & string> {
    return new StructView(this.members(prog) as ViewMembers<keyof S & string>, bytes, start, (this.structName ??= structOf(firstPath(this.spec))));
  }

  /** The bytes some members of one struct occupy, read at once: `span("pid", "comm").read(prog, task)`. */
  span<K extends keyof S & string>(...keys: K[]): Span<S, K> {
    return new Span(this, keys);
  }
}

function firstPath(spec: LayoutSpec): string {
  const first = Object.values(spec)[0];
  return first === undefined ? "struct" : normalize(first).variants[0]?.path ?? "struct";
}

/** The declared members of one struct that a walker reads together, and the byte range they cover. */
export class Span<S extends LayoutSpec, K extends keyof S & string> implements ProgramCacheKey<{ lo: number; hi: number }> {
  readonly struct: string;

  constructor(
    private readonly layout: Layout<S, object>,
    readonly keys: readonly K[],
  ) {
    const structs = new Set(keys.flatMap((k) => normalize(layout.spec[k]!).variants.map((v) => structOf(v.path))));
    if (structs.size !== 1) throw new Error(`layout span: ${keys.join(", ")} are not members of one struct`);
    this.struct = [...structs][0]!;
  }

  compute(prog: Program): { lo: number; hi: number } {
    const members = this.layout.members(prog) as Readonly<Record<string, MemberInfo | undefined>>;
    let lo = Infinity;
    let hi = 0;
    for (const k of this.keys) {
      const m = members[k];
      if (!m) continue;
      lo = Math.min(lo, m.offset);
      hi = Math.max(hi, m.offset + bytesCovered(m));
    }
    return lo === Infinity ? { lo: 0, hi: 0 } : { lo, hi };
  }

  /** One read of the span at the struct at `addr`, decoded by member name. */
  read(prog: Program, addr: bigint): StructView<K> {
    const { lo, hi } = prog.cached(this);
    return new StructView(this.layout.members(prog) as ViewMembers<K>, prog.read(addr + BigInt(lo), hi - lo), lo, this.struct);
  }
}

/** Bytes a member occupies from its offset: its size, or for a bitfield the bytes its bits touch. */
export function bytesCovered(m: MemberInfo): number {
  if (m.bitSize === undefined) return m.size;
  return Math.ceil(((m.bitOffset % 8) + m.bitSize) / 8);
}

export function layout<S extends LayoutSpec>(spec: S): Layout<S, object>;
export function layout<S extends LayoutSpec, D extends object>(spec: S, derive: (offsets: Offsets<S>, members: Members<S>, prog: Program) => D): Layout<S, D>;
export function layout<S extends LayoutSpec, D extends object>(spec: S, derive?: (offsets: Offsets<S>, members: Members<S>, prog: Program) => D): Layout<S, D> {
  return new Layout(spec, derive);
}

/** `members("task_struct", { pid: "pid" })` is `{ pid: "task_struct.pid" }`: one struct's part of a spec. */
export function members<S extends LayoutSpec>(struct: string, spec: S): S {
  const prefix = (p: string): string => `${struct}.${p}`;
  const out: Record<string, MemberSpec> = {};
  for (const [key, s] of Object.entries(spec)) {
    if (typeof s === "string") out[key] = prefix(s);
    else if (Array.isArray(s)) out[key] = (s as readonly string[]).map(prefix);
    else {
      const d = s as RequiredMember | OptionalMember;
      out[key] = { optional: d.optional, variants: d.variants.map((v) => ({ name: v.name === v.path ? prefix(v.path) : v.name, path: prefix(v.path) })) };
    }
  }
  return out as S;
}
