// The BTF wire format (include/uapi/linux/btf.h) and the one pass over it that records where each type
// record starts. Nothing here builds Type objects: btf.ts does that on demand.
import { DumpFormatError, TruncatedError } from "../io/errors";

export const BTF_MAGIC = 0xeb9f;
const BTF_VERSION = 1;

// struct btf_header
const MAGIC_OFF = 0x00; // btf_header.magic (u16)
const VERSION_OFF = 0x02; // btf_header.version (u8)
const HDR_LEN_OFF = 0x04; // btf_header.hdr_len
const TYPE_OFF_OFF = 0x08; // btf_header.type_off (from the end of the header)
const TYPE_LEN_OFF = 0x0c; // btf_header.type_len
const STR_OFF_OFF = 0x10; // btf_header.str_off
const STR_LEN_OFF = 0x14; // btf_header.str_len
const BTF_HEADER_SIZE = 0x18;

// struct btf_type: name_off, info (vlen 0-15, kind 24-28, kind_flag 31), size/type
export const BTF_TYPE_SIZE = 12;
export const NAME_OFF_OFF = 0; // btf_type.name_off
export const INFO_OFF = 4; // btf_type.info
export const SIZE_OR_TYPE_OFF = 8; // btf_type.size / btf_type.type

export const BTF_KIND_INT = 1;
export const BTF_KIND_PTR = 2;
export const BTF_KIND_ARRAY = 3;
export const BTF_KIND_STRUCT = 4;
export const BTF_KIND_UNION = 5;
export const BTF_KIND_ENUM = 6;
export const BTF_KIND_FWD = 7;
export const BTF_KIND_TYPEDEF = 8;
export const BTF_KIND_VOLATILE = 9;
export const BTF_KIND_CONST = 10;
export const BTF_KIND_RESTRICT = 11;
export const BTF_KIND_FUNC = 12;
export const BTF_KIND_FUNC_PROTO = 13;
export const BTF_KIND_VAR = 14;
export const BTF_KIND_DATASEC = 15;
export const BTF_KIND_FLOAT = 16;
export const BTF_KIND_DECL_TAG = 17;
export const BTF_KIND_TYPE_TAG = 18;
export const BTF_KIND_ENUM64 = 19;

// Trailing records after a btf_type, by kind.
export const BTF_INT_SIZE = 4; // u32: encoding 24-27, offset 16-23, bits 0-7
export const BTF_ARRAY_SIZE = 12; // struct btf_array { type, index_type, nelems }
export const BTF_MEMBER_SIZE = 12; // struct btf_member { name_off, type, offset }
export const BTF_ENUM_SIZE = 8; // struct btf_enum { name_off, val (s32) }
export const BTF_ENUM64_SIZE = 12; // struct btf_enum64 { name_off, val_lo32, val_hi32 }
export const BTF_PARAM_SIZE = 8; // struct btf_param { name_off, type }
export const BTF_VAR_SIZE = 4; // struct btf_var { linkage }
export const BTF_VAR_SECINFO_SIZE = 12; // struct btf_var_secinfo { type, offset, size }
export const BTF_DECL_TAG_SIZE = 4; // struct btf_decl_tag { component_idx }

export const BTF_INT_SIGNED = 1;
export const BTF_INT_CHAR = 2;
export const BTF_INT_BOOL = 4;

/** The kernel's own limit on type ids (BTF_MAX_TYPE, include/linux/btf.h). */
const BTF_MAX_TYPE = 0x000fffff;

export function btfKind(info: number): number {
  return (info >>> 24) & 0x1f;
}
export function btfVlen(info: number): number {
  return info & 0xffff;
}
export function btfKindFlag(info: number): boolean {
  return info >>> 31 === 1;
}

/** Where enumerator `j` of the ENUM or ENUM64 record at `r` (whose btf_type.info is `info`) starts. */
export function enumeratorAt(r: number, info: number, j: number): number {
  return r + BTF_TYPE_SIZE + j * (btfKind(info) === BTF_KIND_ENUM64 ? BTF_ENUM64_SIZE : BTF_ENUM_SIZE);
}

/** Bytes that follow the btf_type of `kind` with `vlen`, or -1 for a kind this reader does not know. */
export function trailerSize(kind: number, vlen: number): number {
  switch (kind) {
    case BTF_KIND_INT:
      return BTF_INT_SIZE;
    case BTF_KIND_ARRAY:
      return BTF_ARRAY_SIZE;
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return vlen * BTF_MEMBER_SIZE;
    case BTF_KIND_ENUM:
      return vlen * BTF_ENUM_SIZE;
    case BTF_KIND_ENUM64:
      return vlen * BTF_ENUM64_SIZE;
    case BTF_KIND_FUNC_PROTO:
      return vlen * BTF_PARAM_SIZE;
    case BTF_KIND_VAR:
      return BTF_VAR_SIZE;
    case BTF_KIND_DATASEC:
      return vlen * BTF_VAR_SECINFO_SIZE;
    case BTF_KIND_DECL_TAG:
      return BTF_DECL_TAG_SIZE;
    case BTF_KIND_PTR:
    case BTF_KIND_FWD:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_FUNC:
    case BTF_KIND_FLOAT:
    case BTF_KIND_TYPE_TAG:
      return 0;
    default:
      return -1;
  }
}

/** Where a BTF blob's parts are, and the start of every type record. */
export interface BtfLayout {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Name for error messages (".BTF", or the source's name). */
  readonly file: string;
  /** Added to blob-relative offsets in error messages (the section's offset in its file). */
  readonly fileOffset: number;
  /** Start and length of the string section within `bytes`. */
  readonly strStart: number;
  readonly strLen: number;
  /** Start of the type section within `bytes`. */
  readonly typeStart: number;
  /** offsets[i]: start (within `bytes`) of type id firstId + i. */
  readonly offsets: Uint32Array;
  readonly firstId: number;
  /** Indexes (into `offsets`) of the ENUM and ENUM64 records, for enumerator lookups. */
  readonly enums: Uint32Array;
  /** Indexes of the records a type name is looked up among: named, and neither FUNC, DATASEC nor a tag. */
  readonly named: Uint32Array;
}

/** Where a blob's sections are, from its checked header. */
export interface BtfSections {
  view: DataView;
  strStart: number;
  strLen: number;
  typeStart: number;
  typeLen: number;
}

/**
 * Checks a blob's header (btf_check_sec_info, btf_parse_str_sec) and says where its sections are. `firstId`
 * is 1 for a base BTF (id 0 is void) and base.lastId + 1 for split BTF. `load` is told the bytes it reads
 * before it reads them (a blob read in chunks as needed: io/paged-bytes.ts).
 */
export function parseBtfHeader(bytes: Uint8Array, file: string, fileOffset: number, firstId: number, load?: (start: number, end: number) => void): BtfSections {
  const err = (off: number, reason: string): DumpFormatError => new DumpFormatError(file, fileOffset + off, reason);
  if (bytes.length < BTF_HEADER_SIZE) throw new TruncatedError(file, fileOffset, BTF_HEADER_SIZE, fileOffset + bytes.length);
  load?.(0, BTF_HEADER_SIZE);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(MAGIC_OFF, true);
  if (magic !== BTF_MAGIC) {
    const reason = magic === 0x9feb ? "big-endian BTF is not supported" : `bad BTF magic 0x${magic.toString(16)}`;
    throw err(MAGIC_OFF, reason);
  }
  const version = bytes[VERSION_OFF]!;
  if (version !== BTF_VERSION) throw err(VERSION_OFF, `unsupported BTF version ${version}`);
  const hdrLen = view.getUint32(HDR_LEN_OFF, true);
  if (hdrLen < BTF_HEADER_SIZE || hdrLen > bytes.length) throw err(HDR_LEN_OFF, `bad BTF header length ${hdrLen}`);
  const typeOff = view.getUint32(TYPE_OFF_OFF, true);
  const typeLen = view.getUint32(TYPE_LEN_OFF, true);
  const strOff = view.getUint32(STR_OFF_OFF, true);
  const strLen = view.getUint32(STR_LEN_OFF, true);
  const typeStart = hdrLen + typeOff;
  const strStart = hdrLen + strOff;
  if (typeOff % 4 !== 0) throw err(TYPE_OFF_OFF, `misaligned type section offset ${typeOff}`);
  if (typeStart + typeLen > bytes.length) throw new TruncatedError(file, fileOffset + typeStart, typeLen, fileOffset + bytes.length);
  if (strStart + strLen > bytes.length) throw new TruncatedError(file, fileOffset + strStart, strLen, fileOffset + bytes.length);
  if (strStart < typeStart + typeLen && typeStart < strStart + strLen) throw err(STR_OFF_OFF, "type and string sections overlap");
  // btf_check_sec_info / btf_parse_str_sec: the string section ends with a NUL, and a base's starts with one.
  if (strLen > 0) {
    load?.(strStart + strLen - 1, strStart + strLen);
    load?.(strStart, strStart + 1);
  }
  if (strLen > 0 && bytes[strStart + strLen - 1] !== 0) throw err(strStart + strLen - 1, "string section is not NUL-terminated");
  if (firstId === 1 && (strLen === 0 || bytes[strStart] !== 0)) throw err(strStart, "string section does not start with an empty string");
  return { view, strStart, strLen, typeStart, typeLen };
}

/** The most type ids a blob may hold (BTF_MAX_TYPE). */
export const BTF_MAX_TYPE_ID = BTF_MAX_TYPE;

/**
 * Checks the header and walks the type section once, recording where each record starts. `firstId` is 1
 * for a base BTF (id 0 is void) and base.lastId + 1 for split BTF (a module's, types continuing the base's).
 */
export function scanBtf(bytes: Uint8Array, file: string, fileOffset: number, firstId: number): BtfLayout {
  const err = (off: number, reason: string): DumpFormatError => new DumpFormatError(file, fileOffset + off, reason);
  const { view, strStart, strLen, typeStart, typeLen } = parseBtfHeader(bytes, file, fileOffset, firstId);

  // At most one record per 12 bytes: a bound for the offsets array that file data cannot inflate.
  const maxTypes = Math.floor(typeLen / BTF_TYPE_SIZE);
  const offsets = new Uint32Array(maxTypes);
  const enums: number[] = [];
  const named: number[] = [];
  let n = 0;
  const end = typeStart + typeLen;
  let pos = typeStart;
  while (pos < end) {
    if (pos + BTF_TYPE_SIZE > end) throw err(pos, `type record ${firstId + n} runs past the end of the type section`);
    const info = view.getUint32(pos + INFO_OFF, true);
    const kind = btfKind(info);
    const trailer = trailerSize(kind, btfVlen(info));
    if (trailer < 0) throw err(pos + INFO_OFF, `type ${firstId + n}: unknown BTF kind ${kind}`);
    const next = pos + BTF_TYPE_SIZE + trailer;
    if (next > end) throw err(pos, `type ${firstId + n} (kind ${kind}, vlen ${btfVlen(info)}) runs past the end of the type section`);
    if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) enums.push(n);
    if (kind !== BTF_KIND_FUNC && kind !== BTF_KIND_DATASEC && kind !== BTF_KIND_DECL_TAG && kind !== BTF_KIND_TYPE_TAG && view.getUint32(pos + NAME_OFF_OFF, true) !== 0) named.push(n);
    offsets[n++] = pos;
    pos = next;
  }
  if (firstId + n - 1 > BTF_MAX_TYPE) throw err(TYPE_LEN_OFF, `too many types (${firstId + n - 1})`);
  return { bytes, view, file, fileOffset, strStart, strLen, typeStart, offsets: offsets.slice(0, n), firstId, enums: Uint32Array.from(enums), named: Uint32Array.from(named) };
}
