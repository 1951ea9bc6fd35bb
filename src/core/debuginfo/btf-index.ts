// The lookup indexes of a BTF blob, each built by one pass over the type records when first needed: type
// names, function names, enumerator names and the per-CPU variables' offsets.
import {
  BTF_ENUM64_SIZE,
  BTF_ENUM_SIZE,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_TYPE_TAG,
  BTF_TYPE_SIZE,
  BTF_VAR_SECINFO_SIZE,
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

/** Enumerator name -> enum id * 0x10000 + index (ids < 2^20, vlen < 2^16); the first enum wins. */
export function buildEnumeratorIndex(layout: BtfLayout, str: StringAt): Map<string, number> {
  const map = new Map<string, number>();
  const { view, offsets, firstId } = layout;
  for (let i = 0; i < offsets.length; i++) {
    const r = offsets[i]!;
    const info = view.getUint32(r + INFO_OFF, true);
    const kind = btfKind(info);
    if (kind !== BTF_KIND_ENUM && kind !== BTF_KIND_ENUM64) continue;
    const vlen = btfVlen(info);
    const step = kind === BTF_KIND_ENUM64 ? BTF_ENUM64_SIZE : BTF_ENUM_SIZE;
    for (let j = 0; j < vlen; j++) {
      const e = r + BTF_TYPE_SIZE + j * step;
      const n = str(view.getUint32(e, true), e); // btf_enum.name_off / btf_enum64.name_off
      if (!map.has(n)) map.set(n, (firstId + i) * 0x10000 + j);
    }
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
