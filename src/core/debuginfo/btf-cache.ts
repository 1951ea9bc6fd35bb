// A BTF blob's scan (where every type record starts, which are enums, which are named), its type-name index
// and its enumerator-name index as bytes, for the user's cache folder (keyed by the vmlinux's build id and where the blob lies in
// it): a session that opens the same vmlinux again skips the walk over its 100,000 records and the index
// build, about 20 ms of a start-up. An image is taken only when it is whole (a checksum over all its words:
// any changed word shows) and fits the blob it is offered with: the blob's header checked as a scan checks
// it, the same sections and first id, every offset inside the type section and increasing, the last record
// ending where the section ends, every index and table entry in range. Anything else and the blob is
// scanned as if there were no image. With an image, the blob itself is read only where a session looks
// (io/paged-bytes.ts): the enumerator index is there so that an enumerator lookup does not scan every enum.
// What ties an image to its blob is the cache's key (the build id and
// the section's place in the file), as for the DWARF index: a vmlinux altered but for its build id and its
// .BTF's size could be read with another's index (wrong or missing names, never a crash).
import { wordChecksum } from "../io/fnv1a";
import { HOST_LITTLE_ENDIAN } from "../io/little-endian";
import { BTF_MAX_TYPE_ID, BTF_TYPE_SIZE, INFO_OFF, btfKind, btfVlen, parseBtfHeader, trailerSize, type BtfLayout } from "./btf-format";
import type { EnumeratorTables } from "./btf-index";

const MAGIC = "KDWBTF02";
/**
 * Magic, then 14 u32: blob length, type start and length, string start and length, first id, the seven
 * columns' lengths, and the checksum of every word after the magic but itself.
 */
const HEAD = 8 + 14 * 4;
const CHECKSUM_AT = HEAD - 4;

/** The image's checksum: over every word after the magic but the checksum's own. */
const checksum = (image: Uint8Array): number => wordChecksum(image, 2, CHECKSUM_AT / 4);

export interface BtfIndexTables {
  slots: Int32Array;
  next: Int32Array;
}

/** The image of a blob's layout, its type-name index tables (byteNameIndex's, types not FUNCs) and its enumerator index's. */
export function btfIndexImage(layout: BtfLayout, tables: BtfIndexTables, enumTables: EnumeratorTables): Uint8Array {
  const columns = [layout.offsets, layout.enums, layout.named, tables.slots, tables.next, enumTables.first, enumTables.slots];
  const size = HEAD + columns.reduce((n, c) => n + c.length * 4, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  const typeLen = layout.offsets.length === 0 ? 0 : recordEnd(layout.view, layout.offsets[layout.offsets.length - 1]!) - layout.typeStart;
  const header = [layout.bytes.length, layout.typeStart, typeLen, layout.strStart, layout.strLen, layout.firstId, ...columns.map((c) => c.length)];
  header.forEach((v, i) => view.setUint32(8 + i * 4, v, true));
  let o = HEAD;
  for (const c of columns) {
    for (let i = 0; i < c.length; i++, o += 4) view.setUint32(o, c[i]!, true);
  }
  view.setUint32(CHECKSUM_AT, checksum(out), true);
  return out;
}

/** Where the record at `pos` ends (-1 for a kind this reader does not know). */
function recordEnd(view: DataView, pos: number): number {
  const info = view.getUint32(pos + INFO_OFF, true);
  const trailer = trailerSize(btfKind(info), btfVlen(info));
  return trailer < 0 ? -1 : pos + BTF_TYPE_SIZE + trailer;
}

/**
 * The layout and index tables an image holds for `bytes`, or undefined when it does not fit them (see the
 * opening comment). The blob's header is checked first, and its errors thrown, as scanBtf's are. `load` is
 * told the blob's bytes before they are read (its header, its last record), for a blob read in chunks.
 */
export function adoptBtfIndex(
  bytes: Uint8Array,
  image: Uint8Array,
  file: string,
  fileOffset: number,
  firstId: number,
  load?: (start: number, end: number) => void,
): { layout: BtfLayout; tables: BtfIndexTables; enumTables: EnumeratorTables } | undefined {
  const { view, strStart, strLen, typeStart, typeLen } = parseBtfHeader(bytes, file, fileOffset, firstId, load);
  if (image.length < HEAD) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (image[i] !== MAGIC.charCodeAt(i)) return undefined;
  const iv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (image.length % 4 !== 0 || iv.getUint32(CHECKSUM_AT, true) !== checksum(image)) return undefined;
  const h = (i: number): number => iv.getUint32(8 + i * 4, true);
  if (h(0) !== bytes.length || h(1) !== typeStart || h(2) !== typeLen || h(3) !== strStart || h(4) !== strLen || h(5) !== firstId) return undefined;
  const counts = [h(6), h(7), h(8), h(9), h(10), h(11), h(12)];
  const [count, enumCount, namedCount, slotCount, nextCount, firstCount, enumSlotCount] = counts as [number, number, number, number, number, number, number];
  if (count > Math.floor(typeLen / BTF_TYPE_SIZE) || firstId + count - 1 > BTF_MAX_TYPE_ID || enumCount > count || namedCount > count) return undefined;
  if (slotCount < 16 || (slotCount & (slotCount - 1)) !== 0 || slotCount < namedCount * 2 || nextCount !== namedCount + 1) return undefined;
  if (firstCount !== enumCount + 1 || enumSlotCount < 16 || (enumSlotCount & (enumSlotCount - 1)) !== 0) return undefined;
  if (HEAD + counts.reduce((n, c) => n + c * 4, 0) !== image.length) return undefined;
  let at = HEAD;
  // On a little-endian host the image's words are the columns as they are: views over it, not copies.
  const aligned = HOST_LITTLE_ENDIAN && image.byteOffset % 4 === 0;
  const column = (n: number): Uint32Array => {
    let c: Uint32Array;
    if (aligned) c = new Uint32Array(image.buffer, image.byteOffset + at, n);
    else {
      c = new Uint32Array(n);
      for (let i = 0; i < n; i++) c[i] = iv.getUint32(at + i * 4, true);
    }
    at += n * 4;
    return c;
  };
  const offsets = column(count);
  const enums = column(enumCount);
  const named = column(namedCount);
  const asInt = (c: Uint32Array): Int32Array => new Int32Array(c.buffer, c.byteOffset, c.length);
  const slots = asInt(column(slotCount));
  const next = asInt(column(nextCount));
  const first = column(firstCount);
  const enumSlots = asInt(column(enumSlotCount));
  const end = typeStart + typeLen;
  if (count > 0) load?.(offsets[count - 1]!, offsets[count - 1]! + BTF_TYPE_SIZE);
  if (count === 0 ? typeLen !== 0 : offsets[0] !== typeStart || recordEnd(view, offsets[count - 1]!) !== end) return undefined;
  for (let i = 1; i < count; i++) if (offsets[i]! <= offsets[i - 1]! || offsets[i]! + BTF_TYPE_SIZE > end) return undefined;
  if (!increasingBelow(enums, count) || !increasingBelow(named, count)) return undefined;
  for (let i = 0; i < slotCount; i++) if (slots[i]! < 0 || slots[i]! > namedCount) return undefined;
  for (let i = 0; i < nextCount; i++) if (next[i]! < 0 || next[i]! > namedCount) return undefined;
  // Enumerators: counts from 0, never falling, at most 2^16 per enum (vlen), the slots at most half full.
  const enumerators = first[enumCount]!;
  if (first[0] !== 0 || enumSlotCount < enumerators * 2) return undefined;
  for (let k = 0; k < enumCount; k++) if (first[k + 1]! < first[k]! || first[k + 1]! - first[k]! > 0xffff) return undefined;
  for (let i = 0; i < enumSlotCount; i++) if (enumSlots[i]! < 0 || enumSlots[i]! > enumerators) return undefined;
  return {
    layout: { bytes, view, file, fileOffset, strStart, strLen, typeStart, offsets, firstId, enums, named },
    tables: { slots, next },
    enumTables: { first, slots: enumSlots },
  };
}

/** Strictly increasing values below `limit`. */
function increasingBelow(a: Uint32Array, limit: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! >= limit || (i > 0 && a[i]! <= a[i - 1]!)) return false;
  return true;
}
