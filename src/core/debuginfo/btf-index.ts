// The lookup indexes of a BTF blob, each built by one pass over the type records when first needed: type
// names and function names (hashed over their bytes: ByteNameIndex), every name as a string (completion),
// and the per-CPU variables' offsets. Enumerators are found by a scan of the enums (findEnumeratorIn).
import { FNV_BASIS, FNV_PRIME, fnv1a } from "../io/fnv1a";
import { latin1Bytes } from "../io/latin1";
import {
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_FUNC,
  BTF_KIND_TYPE_TAG,
  BTF_TYPE_SIZE,
  BTF_VAR_SECINFO_SIZE,
  enumeratorAt,
  INFO_OFF,
  NAME_OFF_OFF,
  btfKind,
  btfVlen,
  type BtfLayout,
} from "./btf-format";

/** A name and the ids that carry it (one id without an array, the common case). */
export type NameIndex = Map<string, number | number[]>;

/** Reads the string at a string-section offset; `where` is the referring record, for errors. */
export type StringAt = (off: number, where: number) => string;

/**
 * Name -> ids of a blob's own named types. FUNCs (about half the names of a vmlinux) go in a map of their
 * own (`functions`), built only when a function is looked up. Members, parameters and tags are not looked
 * up by name, and sections are not types. `strings` is the decoded string section, `strBase` the offset
 * of its first byte (non-zero in split BTF): own names are sliced from it directly, the hot path.
 */
export function buildNameIndex(layout: BtfLayout, strings: string, strBase: number, str: StringAt, functions: boolean): NameIndex {
  const map: NameIndex = new Map();
  const { view, offsets, firstId } = layout;
  for (let i = 0; i < offsets.length; i++) {
    const r = offsets[i]!;
    const nameOff = view.getUint32(r + NAME_OFF_OFF, true);
    if (nameOff === 0) continue;
    const kind = btfKind(view.getUint32(r + INFO_OFF, true));
    if ((kind === BTF_KIND_FUNC) !== functions || kind === BTF_KIND_DATASEC || kind === BTF_KIND_DECL_TAG || kind === BTF_KIND_TYPE_TAG) continue;
    const local = nameOff - strBase;
    const name = local >= 0 && local < strings.length ? strings.slice(local, strings.indexOf("\0", local)) : str(nameOff, r);
    const id = firstId + i;
    const prev = map.get(name);
    if (prev === undefined) map.set(name, id);
    else if (typeof prev === "number") map.set(name, [prev, id]);
    else prev.push(id);
  }
  return map;
}

/** VAR id -> offset, for the VARs of the DATASEC named `section` (".data..percpu"). */
export function buildSectionOffsets(layout: BtfLayout, str: StringAt, section: string): Map<number, number> {
  const map = new Map<number, number>();
  const { view, offsets } = layout;
  for (let i = 0; i < offsets.length; i++) {
    const r = offsets[i]!;
    const info = view.getUint32(r + INFO_OFF, true);
    if (btfKind(info) !== BTF_KIND_DATASEC) continue;
    if (str(view.getUint32(r + NAME_OFF_OFF, true), r) !== section) continue;
    for (let j = 0; j < btfVlen(info); j++) {
      const s = r + BTF_TYPE_SIZE + j * BTF_VAR_SECINFO_SIZE;
      map.set(view.getUint32(s, true), view.getUint32(s + 4, true)); // btf_var_secinfo.type, .offset
    }
  }
  return map;
}

/**
 * Where a blob's own names are: its string section within `bytes`, and the offset of its first byte in the
 * string numbering (`base`, non-zero in split BTF). `foreign` gives the bytes of a string below `base` (a
 * split BTF's name that is its base's), from that string to the end of the base's section.
 */
export interface StringBytes {
  bytes: Uint8Array;
  start: number;
  len: number;
  base: number;
  foreign(off: number): Uint8Array | undefined;
  /** Throws the blob's error for string offset `off`, out of range, read at blob offset `where`. */
  outOfRange(off: number, where: number): never;
  /** Told before the string at `at` (an index into `bytes`) is read: a blob read in chunks reads it then. */
  load?(at: number): void;
}



/**
 * Names -> entries (type records, enumerators), hashed over the names' bytes where they sit in the string
 * section (FNV-1a, open addressing): building it makes no string per name and a lookup compares bytes, so
 * the first type lookup of a session costs one pass over the names' bytes, not a decode of the whole string
 * section and a Map of every name. Entries of one name are chained in the order they were added.
 */
export class ByteNameIndex {
  /** Per slot, the first entry (1-based) of one name; 0: empty. */
  readonly slots: Int32Array;
  /** Per entry (1-based), the next entry of the same name; 0: none. */
  readonly next: Int32Array;

  /**
   * `count` entries, entry e (1..count) named by string offset `nameOff(e)` (0: no name, not indexed).
   * `all`: chain every entry of a name; else only the first is kept.
   */
  constructor(
    private readonly strings: StringBytes,
    count: number,
    private readonly nameOff: (e: number) => number,
    all: boolean,
    /** The tables of an index built before over the same entries (a cache image), checked by the caller. */
    tables?: { slots: Int32Array; next: Int32Array },
  ) {
    if (tables) {
      this.slots = tables.slots;
      this.next = tables.next;
      return;
    }
    let size = 16;
    while (size < count * 2) size <<= 1;
    const slots = (this.slots = new Int32Array(size));
    // Per slot, the last entry of its chain (where the next of that name is appended).
    const tails = new Int32Array(all ? size : 0);
    const next = (this.next = new Int32Array(all ? count + 1 : 0));
    const mask = size - 1;
    const { bytes, start, len, base } = strings;
    for (let e = 1; e <= count; e++) {
      const off = nameOff(e);
      if (off === 0) continue;
      let b = bytes;
      let at = start + off - base;
      let end = start + len;
      if (off < base || off - base >= len) {
        const f = strings.foreign(off);
        if (f === undefined) continue;
        b = f;
        at = 0;
        end = f.length;
      }
      let hash = FNV_BASIS;
      for (let k = at; k < end; k++) {
        const c = b[k]!;
        if (c === 0) break;
        hash = Math.imul(hash ^ c, FNV_PRIME);
      }
      let h = (hash >>> 0) & mask;
      for (;;) {
        const first = slots[h]!;
        if (first === 0) {
          slots[h] = e;
          if (all) tails[h] = e;
          break;
        }
        if (this.sameName(first, b, at, end)) {
          if (all) {
            next[tails[h]!] = e;
            tails[h] = e;
          }
          break;
        }
        h = (h + 1) & mask;
      }
    }
  }

  /** The bytes holding entry e's name and where it starts (its NUL follows). */
  private place(e: number): { b: Uint8Array; at: number; end: number } | undefined {
    const off = this.nameOff(e);
    const { bytes, start, len, base } = this.strings;
    if (off >= base && off - base < len) {
      this.strings.load?.(start + off - base);
      return { b: bytes, at: start + off - base, end: start + len };
    }
    const f = this.strings.foreign(off);
    return f && { b: f, at: 0, end: f.length };
  }

  /** Entry e's name equals the NUL-terminated bytes at q[qa..]. */
  private sameName(e: number, q: Uint8Array, qa: number, qEnd: number): boolean {
    const p = this.place(e);
    if (!p) return false;
    const { b, at, end } = p;
    for (let k = 0; ; k++) {
      const x = at + k < end ? b[at + k]! : 0;
      const y = qa + k < qEnd ? q[qa + k]! : 0;
      if (x !== y) return false;
      if (x === 0) return true;
    }
  }

  /** The entries named `name`, in the order they were added (at most one without `all`). */
  lookup(name: string): number[] {
    const q = latin1Bytes(name);
    if (q === null || name.includes("\0")) return [];
    const mask = this.slots.length - 1;
    let h = fnv1a(q) & mask;
    for (let probes = 0; probes <= mask; probes++) {
      const first = this.slots[h]!;
      if (first === 0) return [];
      if (this.sameName(first, q, 0, q.length)) {
        const out = [first];
        if (this.next.length > 0) for (let e = this.next[first]!; e !== 0; e = this.next[e]!) out.push(e);
        return out;
      }
      h = (h + 1) & mask;
    }
    return [];
  }
}

/**
 * Name -> type ids of a blob's own named types, as buildNameIndex chooses them (FUNCs apart, `functions`),
 * over the names' bytes (ByteNameIndex). `lookup` answers ids in id order. The types' index goes over the
 * records scanBtf found named (`layout.named`), a fraction of them (FUNCs are most of a vmlinux's records).
 */
export function byteNameIndex(
  layout: BtfLayout,
  strings: StringBytes,
  functions: boolean,
  tables?: { slots: Int32Array; next: Int32Array },
  /** Record i's offset once its bytes are there (a blob read in chunks); layout.offsets[i] by default. */
  record: (i: number) => number = (i) => layout.offsets[i]!,
): TypeNameIndex {
  const { view, offsets, firstId, named } = layout;
  const limit = strings.base + strings.len;
  const index = functions
    ? new ByteNameIndex(
        strings,
        offsets.length,
        (e) => {
          const r = record(e - 1);
          if (btfKind(view.getUint32(r + INFO_OFF, true)) !== BTF_KIND_FUNC) return 0;
          const nameOff = view.getUint32(r + NAME_OFF_OFF, true);
          return nameOff < limit ? nameOff : strings.outOfRange(nameOff, r);
        },
        true,
        tables,
      )
    : new ByteNameIndex(
        strings,
        named.length,
        (e) => {
          const r = record(named[e - 1]!);
          const nameOff = view.getUint32(r + NAME_OFF_OFF, true);
          return nameOff < limit ? nameOff : strings.outOfRange(nameOff, r);
        },
        true,
        tables,
      );
  return { lookup: (name) => index.lookup(name).map((e) => firstId + (functions ? e - 1 : named[e - 1]!)), tables: { slots: index.slots, next: index.next } };
}

/** Name -> ids of one blob (byteNameIndex), with its hash tables for a cache image. */
export interface TypeNameIndex {
  lookup(name: string): number[];
  readonly tables: { slots: Int32Array; next: Int32Array };
}

/**
 * The first enumerator named `name`, as enum id * 0x10000 + index (ids < 2^20, vlen < 2^16), by a scan of
 * the enums' enumerators comparing bytes: a session asks for a few, so no index of the 15,000 is built.
 */
export function findEnumeratorIn(layout: BtfLayout, strings: StringBytes, name: string): number | undefined {
  const q = latin1Bytes(name);
  if (q === null || q.length === 0 || name.includes("\0")) return undefined;
  const { view, offsets, firstId, enums } = layout;
  const { bytes, start, len, base } = strings;
  const first = q[0]!;
  const n = q.length;
  for (let k = 0; k < enums.length; k++) {
    const i = enums[k]!;
    const r = offsets[i]!;
    const info = view.getUint32(r + INFO_OFF, true);
    const vlen = btfVlen(info);
    for (let j = 0; j < vlen; j++) {
      const e = enumeratorAt(r, info, j);
      const off = view.getUint32(e, true); // btf_enum.name_off
      let b = bytes;
      let at = start + off - base;
      let end = start + len;
      if (off < base || off - base >= len) {
        if (off >= base) strings.outOfRange(off, e);
        const f = strings.foreign(off);
        if (f === undefined) continue;
        b = f;
        at = 0;
        end = f.length;
      }
      if (b[at] !== first || at + n >= end || b[at + n] !== 0) continue;
      let same = true;
      for (let c = 1; c < n; c++) {
        if (b[at + c] !== q[c]) {
          same = false;
          break;
        }
      }
      if (same) return (firstId + i) * 0x10000 + j;
    }
  }
  return undefined;
}

/** An enumerator index's tables, for a cache image: ByteNameIndex's slots, and per enum where its enumerators start in the count. */
export interface EnumeratorTables {
  slots: Int32Array;
  /** first[k]: the enumerators of the enums before enums[k]; first[enums.length]: all of them. */
  first: Uint32Array;
}

/** Enumerator name -> findEnumeratorIn's answer, by a hash over the names' bytes rather than a scan of every enum. */
export interface EnumeratorIndex {
  lookup(name: string): number | undefined;
  readonly tables: EnumeratorTables;
}

/**
 * findEnumeratorIn as an index (ByteNameIndex over every enumerator, in the enums' order, the first of each
 * name kept): for a blob read in chunks as needed (io/paged-bytes.ts), where a scan would read all of it.
 * `record(i)` gives record i's offset once its bytes are there. Built from the blob, or from `tables` kept
 * in a cache image (an entry whose place does not hold an enumerator of that name finds nothing).
 */
export function enumeratorIndex(layout: BtfLayout, strings: StringBytes, record: (i: number) => number, tables?: EnumeratorTables): EnumeratorIndex {
  const { view, firstId, enums } = layout;
  const limit = strings.base + strings.len;
  const starts = tables?.first ?? enumeratorStarts(layout, record);
  /** Entry e (1-based, in the enums' order) as its record's index i and its place j, or undefined. */
  const entry = (e: number): { i: number; j: number } | undefined => {
    const o = e - 1;
    // The last k with starts[k] <= o.
    let lo = 0;
    let hi = enums.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    if (enums.length === 0 || starts[lo]! > o) return undefined;
    return { i: enums[lo]!, j: o - starts[lo]! };
  };
  const nameOff = (e: number): number => {
    const at = entry(e);
    if (!at) return 0;
    const r = record(at.i);
    const info = view.getUint32(r + INFO_OFF, true);
    if (at.j >= btfVlen(info)) return 0;
    const place = enumeratorAt(r, info, at.j);
    const off = view.getUint32(place, true); // btf_enum.name_off
    return off < limit ? off : strings.outOfRange(off, place);
  };
  const index = new ByteNameIndex(strings, starts[enums.length]!, nameOff, false, tables ? { slots: tables.slots, next: new Int32Array(0) } : undefined);
  return {
    lookup: (name) => {
      if (name === "") return undefined;
      const e = index.lookup(name)[0];
      const at = e === undefined || nameOff(e) === 0 ? undefined : entry(e);
      return at && (firstId + at.i) * 0x10000 + at.j;
    },
    tables: { slots: index.slots, first: starts },
  };
}

/** EnumeratorTables.first: for each enum, the enumerators of the enums before it, then all of them. */
function enumeratorStarts(layout: BtfLayout, record: (i: number) => number): Uint32Array {
  const { view, enums } = layout;
  const first = new Uint32Array(enums.length + 1);
  for (let k = 0; k < enums.length; k++) first[k + 1] = first[k]! + btfVlen(view.getUint32(record(enums[k]!) + INFO_OFF, true));
  return first;
}
