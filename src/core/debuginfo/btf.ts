// BTF (include/uapi/linux/btf.h) as a TypeSystem. Opening costs one pass that records where each type record
// starts (btf-format.ts); the name index is built on the first lookup; Type objects are built on demand,
// cached by id, and reach their targets and members through getters so that cycles cost nothing.
// Split BTF (a module's, whose type ids and string offsets continue the base's) is read with `base`.
// A blob opened with its cache image may be read in chunks as it is used (PagedBytes): every read of a
// record goes through rec() or recordAt(), of a name through str() or the name indexes' load hook (types
// and enumerators are found through the image's indexes), and a pass over every record (completion's names,
// the per-CPU section, the first function lookup's index) reads the whole blob first.
import type { ByteSource } from "../io/byte-source";
import { DumpFormatError } from "../io/errors";
import {
  BTF_INT_BOOL,
  BTF_INT_CHAR,
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  BTF_MEMBER_SIZE,
  BTF_PARAM_SIZE,
  BTF_TYPE_SIZE,
  INFO_OFF,
  enumeratorAt,
  trailerSize,
  NAME_OFF_OFF,
  SIZE_OR_TYPE_OFF,
  btfKind,
  btfKindFlag,
  btfVlen,
  scanBtf,
  type BtfLayout,
} from "./btf-format";
import { buildNameIndex, buildSectionOffsets, byteNameIndex, enumeratorIndex, findEnumeratorIn, type EnumeratorIndex, type NameIndex, type StringAt, type StringBytes, type TypeNameIndex } from "./btf-index";
import { PagedBytes } from "../io/paged-bytes";
import type { EnumeratorMemo } from "../io/learned-memo";
import { adoptBtfIndex, btfIndexImage } from "./btf-cache";
import { latin1Chars, latin1String } from "../io/latin1";
import { BtfArray, BtfEnum, BtfFunction, BtfMember, BtfParameter, BtfPointer, BtfQualified, BtfStruct, BtfTypedef, type BtfTypeSource } from "./btf-types";
import type {
  EnumType,
  Enumerator,
  FunctionInfo,
  Member,
  Parameter,
  Type,
  TypeKindFilter,
  TypeSystem,
  VariableInfo,
} from "./types";

/** The per-CPU data section: its VARs' offsets are the variables' per-CPU offsets (__per_cpu_start is 0). */
const PERCPU_SECTION = ".data..percpu";
/** Links a chain of typedefs/qualifiers/arrays may have: the kernel's MAX_RESOLVE_DEPTH (kernel/bpf/btf.c). */
const MAX_RESOLVE_DEPTH = 32;

const VOID: Type = { kind: "void" };

export interface BtfOptions {
  /** Name for error messages; ".BTF" by default. */
  readonly file?: string;
  /** Offset of the blob in its file, added to offsets in error messages. */
  readonly fileOffset?: number;
  /** The vmlinux BTF, when this is a module's split BTF. */
  readonly base?: Btf;
  /** sizeof(void *) on the target: 8 on x86_64. */
  readonly pointerSize?: number;
  /** An image of this blob's scan and name index (indexImage(), from the user's cache): taken if it fits. */
  readonly index?: Uint8Array;
}

/** Reads a whole BTF blob (a .BTF section, or /sys/kernel/btf/vmlinux as found in memory) from a source. */
export function openBtf(source: ByteSource, options: BtfOptions = {}): Btf {
  return new Btf(source.read(0, source.size), { file: source.name, ...options });
}

export class Btf implements TypeSystem, BtfTypeSource {
  readonly layout: BtfLayout;
  readonly base: Btf | undefined;
  private readonly pointerSize: number;
  /** String offsets below this are the base's (split BTF). */
  private readonly strBase: number;
  /**
   * Built types by id - firstId. A Map: a session builds a few hundred of the 100,000, and an array sized for
   * all of them is 1 MB of fresh memory written at open (~3 ms of page faults here).
   */
  private readonly types = new Map<number, Type>();
  private strings: string | undefined;
  /** Every name as a string (`names`, completion); lookups use the byte indexes below. */
  private nameIndex: NameIndex | undefined;
  private typeIds: TypeNameIndex | undefined;
  private funcIds: TypeNameIndex | undefined;
  /** The scan and the type-name index came from the image offered (options.index). */
  readonly indexFromImage: boolean;
  /** Enumerators found by name: enum id * 0x10000 + index (ids < 2^20, index < 2^16), or undefined. */
  private readonly enumeratorsFound = new Map<string, number | undefined>();
  /** Earlier sessions' enumerator answers, and this one's to keep (adoptEnumeratorMemo). */
  private enumeratorMemo: EnumeratorMemo | undefined;
  /** VAR id -> offset in .data..percpu. */
  private perCpuOffsets: Map<number, number> | undefined;
  /**
   * Struct containment check: 0 not checked, 1 on the DFS stack, 2 checked with everything it holds by value,
   * 3 checked alone (each struct it holds by value is smaller than it: see checkContainment).
   */
  private containment: Uint8Array | undefined;
  /** The blob when it is read in chunks as used (opened with an image that fits it); undefined when whole. */
  private readonly paged: PagedBytes | undefined;
  /** Enumerators by name, from the image (a blob read in chunks): a scan would read every enum. */
  private enumeratorIds: EnumeratorIndex | undefined;

  /**
   * `blob`: the bytes, or a PagedBytes to read them from as they are used; that is only worth it with an
   * `index` image (without one, or when it does not fit, the whole blob is read and scanned).
   */
  constructor(blob: Uint8Array | PagedBytes, options: BtfOptions = {}) {
    const bytes = blob instanceof PagedBytes ? blob.bytes : blob;
    const paged = blob instanceof PagedBytes ? blob : undefined;
    this.base = options.base;
    this.pointerSize = options.pointerSize ?? options.base?.pointerSize ?? 8;
    this.strBase = this.base ? this.base.strBase + this.base.layout.strLen : 0;
    const firstId = this.base ? this.base.lastId + 1 : 1;
    const file = options.file ?? ".BTF";
    const fileOffset = options.fileOffset ?? 0;
    const adopted = options.index ? adoptBtfIndex(bytes, options.index, file, fileOffset, firstId, paged && ((start, end) => paged.ensure(start, end))) : undefined;
    if (!adopted) paged?.ensureAll();
    this.paged = adopted && paged && !paged.complete ? paged : undefined;
    this.layout = adopted?.layout ?? scanBtf(bytes, file, fileOffset, firstId);
    this.indexFromImage = adopted !== undefined;
    if (adopted) {
      this.typeIds = byteNameIndex(this.layout, this.stringBytes(), false, adopted.tables, (i) => this.recordAt(i));
      this.enumeratorIds = enumeratorIndex(this.layout, this.stringBytes(), (i) => this.recordAt(i), adopted.enumTables);
    }
  }

  /** The whole blob is in memory (a blob read in chunks, before a pass over all of it). */
  private whole(): void {
    this.paged?.ensureAll();
  }

  /** This blob's scan and type-name index as bytes, for the user's cache (the index is built if it was not). */
  indexImage(): Uint8Array {
    if (!this.typeIds || !this.enumeratorIds) this.whole();
    const ids = (this.typeIds ??= byteNameIndex(this.layout, this.stringBytes(), false));
    const enumerators = (this.enumeratorIds ??= enumeratorIndex(this.layout, this.stringBytes(), (i) => this.recordAt(i)));
    return btfIndexImage(this.layout, ids.tables, enumerators.tables);
  }

  get firstId(): number {
    return this.layout.firstId;
  }
  /** The highest valid type id (base types included). */
  get lastId(): number {
    return this.layout.firstId + this.layout.offsets.length - 1;
  }

  /** The Btf holding type `id`: this one or a base. */
  private owner(id: number): Btf {
    return id >= this.layout.firstId || !this.base ? this : this.base.owner(id);
  }

  private error(off: number, reason: string): DumpFormatError {
    return new DumpFormatError(this.layout.file, this.layout.fileOffset + off, reason);
  }

  /** Start of type `id`'s record within this blob, its bytes read; `id` must be one of this Btf's own. */
  private rec(id: number): number {
    const i = id - this.layout.firstId;
    if (this.layout.offsets[i] === undefined) throw this.error(0, `type id ${id} out of range (${this.layout.firstId}..${this.lastId})`);
    return this.recordAt(i);
  }

  /** Start of record i (an index into layout.offsets, in range), its bytes read. */
  private recordAt(i: number): number {
    const r = this.layout.offsets[i]!;
    if (this.paged) this.loadRecord(r);
    return r;
  }

  /** Reads the record at `r` and what follows it (its members, enumerators, parameters) into the paged blob. */
  private loadRecord(r: number): void {
    const paged = this.paged!;
    paged.ensure(r, r + BTF_TYPE_SIZE);
    const info = this.layout.view.getUint32(r + INFO_OFF, true);
    // The image's offsets were checked to lie in the type section; a kind it cannot size is read as it is.
    const trailer = trailerSize(btfKind(info), btfVlen(info));
    if (trailer > 0) paged.ensure(r + BTF_TYPE_SIZE, r + BTF_TYPE_SIZE + trailer);
  }

  /** Checks a type id read at `where` (blob offset) against the ids that exist. */
  private checkId(id: number, where: number): number {
    if (id > this.lastId) throw this.error(where, `type id ${id} out of range (last is ${this.lastId})`);
    return id;
  }

  private info(id: number): number {
    const o = this.owner(id);
    return o.layout.view.getUint32(o.rec(id) + INFO_OFF, true);
  }

  /** The BTF_KIND_* of type `id` (0 for void). */
  kindOf(id: number): number {
    return id === 0 ? 0 : btfKind(this.info(id));
  }

  /** The name of type `id`, "" for anonymous types and void. */
  nameOf(id: number): string {
    if (id === 0) return "";
    const o = this.owner(id);
    const r = o.rec(id);
    return o.str(o.layout.view.getUint32(r + NAME_OFF_OFF, true), r);
  }

  /** The string at offset `off` of the (possibly split) string section; `where` names the referring record. */
  str(off: number, where: number): string {
    if (off < this.strBase && this.base) return this.base.str(off, 0);
    const local = off - this.strBase;
    if (local >= this.layout.strLen) throw this.error(where, `string offset ${off} out of range`);
    const s = this.strings;
    // scanBtf checked the section ends with a NUL, so indexOf finds one.
    if (s !== undefined) return s.slice(local, s.indexOf("\0", local));
    // One string, from its bytes: a session reads a few thousand names, not the whole section's.
    const { bytes, strStart } = this.layout;
    this.paged?.ensureString(strStart + local);
    return latin1Chars(bytes, strStart + local, bytes.indexOf(0, strStart + local));
  }

  /** The whole string section as one Latin-1 string (one char per byte: offsets stay valid), for `names`. */
  private strs(): string {
    if (this.strings === undefined) {
      this.whole();
      const { bytes, strStart, strLen } = this.layout;
      this.strings = latin1String(bytes.subarray(strStart, strStart + strLen));
    }
    return this.strings;
  }

  /** This blob's string section as bytes, for the byte indexes (btf-index.ts). */
  private stringBytes(): StringBytes {
    const { bytes, strStart, strLen } = this.layout;
    return {
      bytes,
      start: strStart,
      len: strLen,
      base: this.strBase,
      foreign: (off) => this.base?.bytesOfString(off),
      outOfRange: (off, where) => {
        throw this.error(where, `string offset ${off} out of range`);
      },
      ...(this.paged ? { load: (at: number) => this.paged?.ensureString(at) } : {}),
    };
  }

  /** The bytes from string `off` to the end of its section (this blob's or a base's); undefined past them. */
  private bytesOfString(off: number): Uint8Array | undefined {
    if (off < this.strBase) return this.base?.bytesOfString(off);
    const local = off - this.strBase;
    if (local >= this.layout.strLen) return undefined;
    const { bytes, strStart, strLen } = this.layout;
    this.paged?.ensureString(strStart + local);
    return bytes.subarray(strStart + local, strStart + strLen);
  }

  /** Type ids named `name`, in id order: this Btf's own, then the base's. FUNCs are in `functionIdsNamed`. */
  idsNamed(name: string): number[] {
    return this.lookupIds(name, false);
  }
  /** FUNC ids named `name` (a static function may exist several times). */
  functionIdsNamed(name: string): number[] {
    return this.lookupIds(name, true);
  }

  /** Names of this blob's types (and its base's) that start with `prefix`: up to `limit`, sorted. */
  names(prefix: string, limit: number): string[] {
    const str: StringAt = (off, where) => this.str(off, where);
    this.whole();
    const index = (this.nameIndex ??= buildNameIndex(this.layout, this.strs(), this.strBase, str, false));
    const out = new Set<string>(this.base?.names(prefix, limit));
    for (const name of index.keys()) if (name.startsWith(prefix)) out.add(name);
    return [...out].sort().slice(0, limit);
  }

  private lookupIds(name: string, functions: boolean): number[] {
    if (functions ? !this.funcIds : !this.typeIds) this.whole();
    const index = functions ? (this.funcIds ??= byteNameIndex(this.layout, this.stringBytes(), true)) : (this.typeIds ??= byteNameIndex(this.layout, this.stringBytes(), false));
    const mine = index.lookup(name);
    return this.base ? [...mine, ...this.base.lookupIds(name, functions)] : mine;
  }

  /** The Type for a type id (0 is void). Throws DumpFormatError for ids that are not types (DATASEC, DECL_TAG). */
  typeById(id: number): Type {
    if (id === 0) return VOID;
    const o = this.owner(id);
    if (o !== this) return o.typeById(id);
    const i = id - this.layout.firstId;
    if (i < 0 || i >= this.layout.offsets.length) throw this.error(0, `type id ${id} out of range (last is ${this.lastId})`);
    let t = this.types.get(i);
    if (t === undefined) {
      t = this.build(id);
      this.types.set(i, t);
    }
    return t;
  }

  private build(id: number): Type {
    const { view } = this.layout;
    const r = this.rec(id);
    const info = view.getUint32(r + INFO_OFF, true);
    const kind = btfKind(info);
    const sizeOrType = view.getUint32(r + SIZE_OR_TYPE_OFF, true);
    const nameOff = view.getUint32(r + NAME_OFF_OFF, true);
    const name = (): string => this.str(nameOff, r);
    const targetId = (): number => this.checkId(sizeOrType, r + SIZE_OR_TYPE_OFF);
    switch (kind) {
      case BTF_KIND_INT: {
        const encoding = view.getUint32(r + BTF_TYPE_SIZE, true) >>> 24;
        const n = name();
        const isBool = (encoding & BTF_INT_BOOL) !== 0 || n === "_Bool";
        // pahole never sets BTF_INT_CHAR (it marks char as signed): recognise the char types by name too.
        const isChar = (encoding & BTF_INT_CHAR) !== 0 || n === "char" || n === "signed char" || n === "unsigned char";
        return { kind: "int", name: n, size: sizeOrType, signed: (encoding & BTF_INT_SIGNED) !== 0, ...(isBool ? { bool: true } : {}), ...(isChar ? { char: true } : {}) };
      }
      case BTF_KIND_FLOAT:
        return { kind: "float", name: name(), size: sizeOrType };
      case BTF_KIND_PTR:
        return new BtfPointer(this, this.pointerSize, targetId());
      case BTF_KIND_ARRAY: {
        this.checkChain(id);
        const elemId = this.checkId(view.getUint32(r + BTF_TYPE_SIZE, true), r + BTF_TYPE_SIZE); // btf_array.type
        const nelems = view.getUint32(r + BTF_TYPE_SIZE + 8, true); // btf_array.nelems
        // BTF writes both `x[]` and `x[0]` as 0 elements: report them as flexible.
        return new BtfArray(this, elemId, nelems > 0 ? nelems : undefined);
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        return new BtfStruct(this, id, kind === BTF_KIND_UNION ? "union" : "struct", nameOff === 0 ? undefined : name(), sizeOrType);
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return new BtfEnum(this, id, nameOff === 0 ? undefined : name(), sizeOrType, btfKindFlag(info), btfVlen(info) === 0 ? true : undefined);
      case BTF_KIND_FWD: {
        const n = name();
        const isUnion = btfKindFlag(info);
        const def = this.findDefinition(n, isUnion ? BTF_KIND_UNION : BTF_KIND_STRUCT);
        if (def !== undefined) return this.typeById(def);
        return { kind: isUnion ? "union" : "struct", name: n, size: 0, members: [], declaration: true };
      }
      case BTF_KIND_TYPEDEF: {
        this.checkChain(id);
        return new BtfTypedef(this, name(), targetId());
      }
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT: {
        this.checkChain(id);
        const q = kind === BTF_KIND_CONST ? "const" : kind === BTF_KIND_VOLATILE ? "volatile" : "restrict";
        return new BtfQualified(this, q, targetId());
      }
      // Transparent for our purposes: a type tag annotates its target (`__user`, `__rcu`), a FUNC names its
      // FUNC_PROTO, a VAR is typed by its target.
      case BTF_KIND_TYPE_TAG:
      case BTF_KIND_FUNC:
      case BTF_KIND_VAR:
        this.checkChain(id);
        return this.typeById(targetId());
      case BTF_KIND_FUNC_PROTO:
        return new BtfFunction(this, id, targetId(), isVariadic(view, r, btfVlen(info)));
      default:
        throw this.error(r + INFO_OFF, `type id ${id} (kind ${kind}) is not a type`);
    }
  }

  /** A typedef/qualifier/array/tag chain must end within MAX_RESOLVE_DEPTH links (a loop never ends). */
  private checkChain(id: number): void {
    let cur = id;
    for (let depth = 0; depth <= MAX_RESOLVE_DEPTH; depth++) {
      if (cur === 0) return;
      const o = this.owner(cur);
      const r = o.rec(cur);
      const kind = btfKind(o.layout.view.getUint32(r + INFO_OFF, true));
      if (!isChainKind(kind)) return;
      const next = kind === BTF_KIND_ARRAY ? o.layout.view.getUint32(r + BTF_TYPE_SIZE, true) : o.layout.view.getUint32(r + SIZE_OR_TYPE_OFF, true);
      cur = o.checkId(next, r);
    }
    throw this.error(this.rec(id), `type id ${id}: type chain loops or exceeds ${MAX_RESOLVE_DEPTH} links`);
  }

  /** The first STRUCT or UNION (`kind`) with a body named `name`, or undefined. */
  private findDefinition(name: string, kind: number): number | undefined {
    for (const id of this.idsNamed(name)) if (this.kindOf(id) === kind) return id;
    return undefined;
  }

  /** Decodes the members of STRUCT/UNION `id` (BtfStruct.members). */
  readMembers(id: number): Member[] {
    this.checkContainment(id);
    const { view } = this.layout;
    const r = this.rec(id);
    const info = view.getUint32(r + INFO_OFF, true);
    const vlen = btfVlen(info);
    const kindFlag = btfKindFlag(info);
    const out: Member[] = [];
    for (let i = 0; i < vlen; i++) {
      const m = r + BTF_TYPE_SIZE + i * BTF_MEMBER_SIZE;
      const mNameOff = view.getUint32(m, true); // btf_member.name_off
      const typeId = this.checkId(view.getUint32(m + 4, true), m + 4); // btf_member.type
      const offset = view.getUint32(m + 8, true); // btf_member.offset
      let bitOffset = kindFlag ? offset & 0xffffff : offset;
      let bitSize = kindFlag ? offset >>> 24 : 0;
      if (!kindFlag && typeId !== 0 && this.kindOf(typeId) === BTF_KIND_INT) {
        // Old-style bitfield: the int itself carries the width and an extra bit offset (BTF_INT_OFFSET).
        const o = this.owner(typeId);
        const enc = o.layout.view.getUint32(o.rec(typeId) + BTF_TYPE_SIZE, true);
        const bits = enc & 0xff;
        const intSize = o.layout.view.getUint32(o.rec(typeId) + SIZE_OR_TYPE_OFF, true);
        if (bits !== intSize * 8 || ((enc >>> 16) & 0xff) !== 0) {
          bitSize = bits;
          bitOffset += (enc >>> 16) & 0xff;
        }
      }
      out.push(new BtfMember(this, mNameOff === 0 ? undefined : this.str(mNameOff, m), typeId, bitOffset, bitSize > 0 ? bitSize : undefined));
    }
    return out;
  }

  /**
   * A struct may not contain itself by value (directly, through an array, or through an anonymous member):
   * findMember and sizes would never end. Checked once per struct, when its members are first read.
   * A struct whose every by-value struct member is smaller than itself (by the sizes BTF records) needs no
   * more: along a chain of such members the sizes fall, so a chain that comes back to where it started must
   * pass a member at least as big as its holder, and that holder's own check (made when a walk reaches it,
   * as a walk round the loop must) is the depth-first walk over everything it holds by value. In a kernel's
   * BTF the walk is left to wrappers the size of their one member (atomic_t, spinlock_t); task_struct is
   * checked in one pass over its own members, not over the few thousand structs it holds.
   */
  private checkContainment(rootId: number): void {
    const { offsets, firstId, view } = this.layout;
    const state = (this.containment ??= new Uint8Array(offsets.length));
    const s0 = state[rootId - firstId];
    if (s0 === 2 || s0 === 3) return;
    if (this.holdsOnlySmaller(rootId)) {
      state[rootId - firstId] = 3;
      return;
    }
    // A walk treats a struct checked alone (3) as not checked: what it holds is walked too.
    const stack: number[] = [rootId, 0]; // pairs: struct id, next member index
    state[rootId - firstId] = 1;
    while (stack.length > 0) {
      const id = stack[stack.length - 2]!;
      const idx = stack[stack.length - 1]!;
      const r = this.rec(id);
      const vlen = btfVlen(view.getUint32(r + INFO_OFF, true));
      if (idx >= vlen) {
        state[id - firstId] = 2;
        stack.length -= 2;
        continue;
      }
      stack[stack.length - 1] = idx + 1;
      const inner = this.heldStruct(r, idx);
      // Types of the base cannot refer to ours, so a walk never has to leave this Btf.
      if (inner === undefined || inner < firstId) continue;
      const s = state[inner - firstId]!;
      if (s === 1) throw this.error(this.rec(inner), `type id ${inner}: struct contains itself`);
      if (s === 0 || s === 3) {
        state[inner - firstId] = 1;
        stack.push(inner, 0);
      }
    }
  }

  /** Every struct or union member `id` holds by value (of this Btf) is smaller than `id` itself. */
  private holdsOnlySmaller(id: number): boolean {
    const { firstId, view } = this.layout;
    const r = this.rec(id);
    const size = view.getUint32(r + SIZE_OR_TYPE_OFF, true);
    const vlen = btfVlen(view.getUint32(r + INFO_OFF, true));
    for (let i = 0; i < vlen; i++) {
      const inner = this.heldStruct(r, i);
      if (inner === undefined || inner < firstId) continue;
      if (inner === id || view.getUint32(this.rec(inner) + SIZE_OR_TYPE_OFF, true) >= size) return false;
    }
    return true;
  }

  /** The STRUCT/UNION id member `i` of the struct record at `r` holds by value, if any. */
  private heldStruct(r: number, i: number): number | undefined {
    const m = r + BTF_TYPE_SIZE + i * BTF_MEMBER_SIZE;
    return this.valueStruct(this.checkId(this.layout.view.getUint32(m + 4, true), m + 4));
  }

  /** The STRUCT/UNION id a member of type `id` holds by value (through typedefs, qualifiers, arrays), if any. */
  private valueStruct(id: number): number | undefined {
    this.checkChain(id);
    let cur = id;
    for (let depth = 0; depth <= MAX_RESOLVE_DEPTH && cur !== 0; depth++) {
      const kind = this.kindOf(cur);
      if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) return cur;
      if (kind === BTF_KIND_FWD) return this.findDefinition(this.nameOf(cur), btfKindFlag(this.info(cur)) ? BTF_KIND_UNION : BTF_KIND_STRUCT);
      if (!isChainKind(kind)) return undefined;
      const o = this.owner(cur);
      const r = o.rec(cur);
      cur = o.layout.view.getUint32(r + (kind === BTF_KIND_ARRAY ? BTF_TYPE_SIZE : SIZE_OR_TYPE_OFF), true);
    }
    return undefined;
  }

  /** Decodes the enumerators of ENUM/ENUM64 `id` (BtfEnum.enumerators). */
  readEnumerators(id: number): Enumerator[] {
    const r = this.rec(id);
    const info = this.layout.view.getUint32(r + INFO_OFF, true);
    const out: Enumerator[] = [];
    for (let i = 0; i < btfVlen(info); i++) out.push({ name: this.enumeratorName(r, info, i), value: this.enumeratorValue(r, info, i) });
    return out;
  }

  private enumeratorName(r: number, info: number, i: number): string {
    const e = enumeratorAt(r, info, i);
    return this.str(this.layout.view.getUint32(e, true), e); // btf_enum.name_off
  }
  private enumeratorValue(r: number, info: number, i: number): bigint {
    const { view } = this.layout;
    const e = enumeratorAt(r, info, i);
    const signed = btfKindFlag(info);
    if (btfKind(info) === BTF_KIND_ENUM) return BigInt(signed ? view.getInt32(e + 4, true) : view.getUint32(e + 4, true)); // btf_enum.val
    const v = (BigInt(view.getUint32(e + 8, true)) << 32n) | BigInt(view.getUint32(e + 4, true)); // btf_enum64.val_hi32, val_lo32
    return signed ? BigInt.asIntN(64, v) : v;
  }

  /** Decodes the parameters of FUNC_PROTO `id` (BtfFunction.params), without the trailing `...`. */
  readParams(id: number): Parameter[] {
    const { view } = this.layout;
    const r = this.rec(id);
    const vlen = btfVlen(view.getUint32(r + INFO_OFF, true));
    const out: Parameter[] = [];
    for (let i = 0; i < vlen - (isVariadic(view, r, vlen) ? 1 : 0); i++) {
      const p = r + BTF_TYPE_SIZE + i * BTF_PARAM_SIZE;
      const nameOff = view.getUint32(p, true); // btf_param.name_off
      const typeId = this.checkId(view.getUint32(p + 4, true), p + 4); // btf_param.type
      out.push(new BtfParameter(this, nameOff === 0 ? undefined : this.str(nameOff, p), typeId));
    }
    return out;
  }

  // ---- TypeSystem ----

  /**
   * By name and kind. Where several types share a name, full definitions win over declarations (FWD, enums
   * without enumerators), then the lowest id. With no kind ("any"), C's ordinary identifiers come first:
   * typedef, then base types, then struct, union and enum tags.
   */
  findType(name: string, kind: TypeKindFilter = "any"): Type | undefined {
    const ids = this.idsNamed(name);
    if (ids.length === 0) return undefined;
    const kinds = KIND_ORDER[kind];
    for (const declaration of [false, true]) {
      for (const k of kinds) {
        for (const id of ids) {
          if (this.matches(id, k, declaration)) return this.typeById(id);
        }
      }
    }
    return undefined;
  }

  private matches(id: number, k: number, declaration: boolean): boolean {
    const info = this.info(id);
    const kind = btfKind(info);
    switch (k) {
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        if (!declaration) return kind === k;
        return kind === BTF_KIND_FWD && btfKindFlag(info) === (k === BTF_KIND_UNION);
      case BTF_KIND_ENUM:
        return (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) && (btfVlen(info) === 0) === declaration;
      default:
        return !declaration && kind === k;
    }
  }

  /** BTF has VARs only for per-CPU variables (pahole's default): those come with their per-CPU offset. */
  findVariable(name: string): VariableInfo | undefined {
    for (const id of this.idsNamed(name)) {
      if (this.kindOf(id) !== BTF_KIND_VAR) continue;
      const o = this.owner(id);
      const offset = o.perCpu().get(id);
      const type = this.typeById(id);
      return offset === undefined ? { name, type } : { name, type, address: BigInt(offset), perCpu: true };
    }
    return undefined;
  }

  private perCpu(): Map<number, number> {
    if (!this.perCpuOffsets) this.whole();
    return (this.perCpuOffsets ??= buildSectionOffsets(this.layout, (off, where) => this.str(off, where), PERCPU_SECTION));
  }

  /** A FUNC and its prototype. BTF carries no addresses: those come from the symbol table. */
  findFunction(name: string): FunctionInfo | undefined {
    for (const id of this.functionIdsNamed(name)) {
      const type = this.typeById(id);
      if (type.kind !== "function") throw this.error(this.owner(id).rec(id), `FUNC ${name} (id ${id}) does not point to a FUNC_PROTO`);
      return { name, type };
    }
    return undefined;
  }

  /**
   * The enumerator `name`: its value, read from its enum's record, and the enum itself, built when first
   * asked for (most callers want the value alone; building it reads the enum's names from the string
   * section: a second 4 KiB read of .BTF, and a type, in a first `mod` or `ps`).
   */
  findEnumerator(name: string): { value: bigint; type: EnumType } | undefined {
    let packed = this.enumeratorsFound.get(name);
    if (!this.enumeratorsFound.has(name)) {
      const known = this.enumeratorMemo?.get(name);
      if (known === null || (known !== undefined && this.isEnumerator(known))) packed = known ?? undefined;
      else {
        packed = this.lookupEnumerator(name);
        // Learned; or, a memo's answer that names no enumerator of an enum here, corrected.
        if (known === undefined) this.enumeratorMemo?.learn(name, packed ?? null);
        else this.enumeratorMemo?.correct(name, packed ?? null);
      }
      this.enumeratorsFound.set(name, packed);
    }
    if (packed === undefined) return this.base?.findEnumerator(name);
    if (!this.isEnumerator(packed)) return undefined;
    const id = Math.floor(packed / 0x10000);
    return new FoundEnumerator(this.enumeratorValue(this.rec(id), this.info(id), packed % 0x10000), this, id);
  }

  /** Where the enumerator `name` is (its enum's id * 0x10000 + its place), by the name index or a scan. */
  private lookupEnumerator(name: string): number | undefined {
    if (this.enumeratorIds) return this.enumeratorIds.lookup(name);
    this.whole();
    return findEnumeratorIn(this.layout, this.stringBytes(), name);
  }

  /** `packed` is an enumerator of an enum of this BTF's own. */
  private isEnumerator(packed: number): boolean {
    const id = Math.floor(packed / 0x10000);
    if (id < this.layout.firstId || id > this.lastId) return false;
    const kind = btfKind(this.info(id));
    return (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) && packed % 0x10000 < btfVlen(this.info(id));
  }

  /**
   * Answers enumerator lookups from `memo` (earlier sessions' on this very .BTF: io/learned-memo.ts) and
   * keeps in it the answers of the names it lacks. Only this BTF's own answers: a split BTF's base answers
   * what it lacks, as before.
   */
  adoptEnumeratorMemo(memo: EnumeratorMemo): void {
    if (memo.bound === this.lastId) this.enumeratorMemo = memo;
  }

}

/** An enumerator found in a BTF: its value, and its enum, built when first asked for. */
class FoundEnumerator {
  private enumType: EnumType | undefined;

  constructor(
    readonly value: bigint,
    private readonly btf: Btf,
    /** The enum's type id (findEnumerator checked it is an enum's). */
    private readonly id: number,
  ) {}

  get type(): EnumType {
    return (this.enumType ??= this.btf.typeById(this.id) as EnumType);
  }
}

/** A last parameter with neither name nor type stands for `...`. */
function isVariadic(view: DataView, r: number, vlen: number): boolean {
  const last = r + BTF_TYPE_SIZE + (vlen - 1) * BTF_PARAM_SIZE;
  return vlen > 0 && view.getUint32(last, true) === 0 && view.getUint32(last + 4, true) === 0;
}

function isChainKind(kind: number): boolean {
  return (
    kind === BTF_KIND_TYPEDEF ||
    kind === BTF_KIND_CONST ||
    kind === BTF_KIND_VOLATILE ||
    kind === BTF_KIND_RESTRICT ||
    kind === BTF_KIND_TYPE_TAG ||
    kind === BTF_KIND_ARRAY ||
    kind === BTF_KIND_FUNC ||
    kind === BTF_KIND_VAR
  );
}

const KIND_ORDER: Record<TypeKindFilter, readonly number[]> = {
  struct: [BTF_KIND_STRUCT],
  union: [BTF_KIND_UNION],
  enum: [BTF_KIND_ENUM],
  typedef: [BTF_KIND_TYPEDEF],
  base: [BTF_KIND_INT, BTF_KIND_FLOAT],
  any: [BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_FLOAT, BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM],
};
