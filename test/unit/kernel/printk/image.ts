// Synthetic kernel memory for the printk readers: a Program over one flat Uint8Array (an AddressSpace that
// can mark pages excluded), a TypeSystem built by hand from the kernel's documented struct layouts, and a
// symbol table. Builders lay out the three log layouts the way the kernel writes them.
import type { IntType, Member, PointerType, StructType, Type, TypeSystem, TypedefType } from "../../../../src/core/debuginfo/types";
import { ExcludedPageError, InvalidAddressError } from "../../../../src/core/io/errors";
import type { AddressSpace } from "../../../../src/core/program/address-space";
import { Program } from "../../../../src/core/program/program";
import { SyntheticMemory } from "../../../fixtures/memory-builder";

export const BASE = 0xffff888000000000n;
const PAGE = 4096;

/** Memory at BASE..BASE+size; reads outside throw InvalidAddressError, excluded pages ExcludedPageError. */
export class FlatSpace implements AddressSpace {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly excluded = new Set<number>();
  private next = 0x1000;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  read(vaddr: bigint, length: number): Uint8Array {
    const off = vaddr - BASE;
    if (off < 0n || off + BigInt(length) > BigInt(this.bytes.length)) throw new InvalidAddressError(vaddr, "outside the test image");
    const o = Number(off);
    for (let p = Math.floor(o / PAGE); p * PAGE < o + length; p++) if (this.excluded.has(p)) throw new ExcludedPageError("test-image", p * PAGE);
    return this.bytes.subarray(o, o + length);
  }

  /** Reserves `size` bytes (aligned) and returns their offset in the image. */
  alloc(size: number, align = 8): number {
    this.next = Math.ceil(this.next / align) * align;
    const at = this.next;
    this.next += size;
    if (this.next > this.bytes.length) throw new Error("test image too small");
    return at;
  }

  addr(off: number): bigint {
    return BASE + BigInt(off);
  }

  u8(off: number, v: number): void {
    this.bytes[off] = v;
  }
  u16(off: number, v: number): void {
    this.view.setUint16(off, v, true);
  }
  u32(off: number, v: number): void {
    this.view.setUint32(off, v >>> 0, true);
  }
  u64(off: number, v: bigint): void {
    this.view.setBigUint64(off, BigInt.asUintN(64, v), true);
  }
  text(off: number, s: string): void {
    for (let i = 0; i < s.length; i++) this.bytes[off + i] = s.charCodeAt(i) & 0xff;
  }
}

// Types, as BTF/DWARF would give them.
export const u8: IntType = { kind: "int", name: "unsigned char", size: 1, signed: false, char: true };
export const u16: IntType = { kind: "int", name: "short unsigned int", size: 2, signed: false };
export const u32: IntType = { kind: "int", name: "unsigned int", size: 4, signed: false };
export const u64: IntType = { kind: "int", name: "long long unsigned int", size: 8, signed: false };
export const s64: IntType = { kind: "int", name: "long int", size: 8, signed: true };
export const char: IntType = { kind: "int", name: "char", size: 1, signed: true, char: true };

export function ptr(target: Type): PointerType {
  return { kind: "pointer", size: 8, target };
}

/** A struct from [name, type, byte offset] or [name, type, bit offset, bit size] rows. */
export function struct(name: string | undefined, size: number, rows: ([string, Type, number] | [string, Type, number, number])[]): StructType {
  const members: Member[] = rows.map(([n, type, off, bits]) => (bits === undefined ? { name: n, type, bitOffset: off * 8 } : { name: n, type, bitOffset: off, bitSize: bits }));
  return { kind: "struct", name, size, members };
}

export function array(element: Type, count: number): Type {
  return { kind: "array", element, count };
}

/** atomic_long_t (include/linux/types.h): typedef struct { s64 counter; } atomic_long_t. */
export const atomicLong: TypedefType = { kind: "typedef", name: "atomic_long_t", target: struct(undefined, 8, [["counter", s64, 0]]) };

export class HandTypes implements TypeSystem {
  private readonly byName = new Map<string, Type>();
  add(...types: Type[]): this {
    for (const t of types) if ((t.kind === "struct" || t.kind === "typedef" || t.kind === "int") && t.name) this.byName.set(t.name, t);
    return this;
  }
  findType(name: string): Type | undefined {
    return this.byName.get(name);
  }
  findVariable(): undefined {
    return undefined;
  }
  findFunction(): undefined {
    return undefined;
  }
  findEnumerator(): undefined {
    return undefined;
  }
}

export class HandSymbols {
  private readonly table = new Map<string, { addr: bigint; size?: number }>();
  set(name: string, addr: bigint, size?: number): void {
    this.table.set(name, { addr, size });
  }
  addressOf(name: string): bigint | undefined {
    return this.table.get(name)?.addr;
  }
  sizeOf(name: string): number | undefined {
    return this.table.get(name)?.size;
  }
}

export function program(space: AddressSpace, types: TypeSystem, symbols: HandSymbols): Program {
  return new Program({ dump: new SyntheticMemory(16), types, symbols, kernel: space, vmcoreinfo: null });
}

// ---- 5.10+ lockless ring buffer (kernel/printk/printk_ringbuffer.h, x86_64, 6.1) ----

const prbDataBlkLpos = struct("prb_data_blk_lpos", 16, [
  ["begin", u64, 0],
  ["next", u64, 8],
]);
const prbDesc = struct("prb_desc", 24, [
  ["state_var", atomicLong, 0],
  ["text_blk_lpos", prbDataBlkLpos, 8],
]);
const devPrintkInfo = struct("dev_printk_info", 64, [
  ["subsystem", array(char, 16), 0],
  ["device", array(char, 48), 16],
]);
const printkInfo = struct("printk_info", 88, [
  ["seq", u64, 0],
  ["ts_nsec", u64, 8],
  ["text_len", u16, 16],
  ["facility", u8, 18],
  ["flags", u8, 19 * 8, 5],
  ["level", u8, 19 * 8 + 5, 3],
  ["caller_id", u32, 20],
  ["dev_info", devPrintkInfo, 24],
]);
const prbDescRing = struct("prb_desc_ring", 48, [
  ["count_bits", u32, 0],
  ["descs", ptr(prbDesc), 8],
  ["infos", ptr(printkInfo), 16],
  ["head_id", atomicLong, 24],
  ["tail_id", atomicLong, 32],
  ["last_finalized_id", atomicLong, 40],
]);
const prbDataRing = struct("prb_data_ring", 32, [
  ["size_bits", u32, 0],
  ["data", ptr(char), 8],
  ["head_lpos", atomicLong, 16],
  ["tail_lpos", atomicLong, 24],
]);
const printkRingbuffer = struct("printk_ringbuffer", 88, [
  ["desc_ring", prbDescRing, 0],
  ["text_data_ring", prbDataRing, 48],
  ["fail", atomicLong, 80],
]);

export const DESC_ID_MASK = (1n << 62n) - 1n;
export const DESC_STATE = { reserved: 0n, committed: 1n, finalized: 2n, reusable: 3n } as const;
const DESC_SIZE = 24;
const INFO_SIZE = 88;

export interface RecordSpec {
  text: string;
  tsNsec?: bigint;
  level?: number;
  facility?: number;
  callerId?: number;
  subsystem?: string;
  device?: string;
  /** text_len to store, when it must differ from the text's length (a truncated message). */
  textLen?: number;
  state?: keyof typeof DESC_STATE;
}

/** A prb ring as the kernel fills it: ids from `firstId`, data blocks appended at head_lpos, wrapping. */
export class LocklessRing {
  readonly space: FlatSpace;
  readonly types = new HandTypes().add(prbDataBlkLpos, prbDesc, devPrintkInfo, printkInfo, prbDescRing, prbDataRing, printkRingbuffer, atomicLong);
  readonly symbols = new HandSymbols();
  readonly count: number;
  readonly dataSize: number;
  readonly rb: number;
  readonly descs: number;
  readonly infos: number;
  readonly data: number;
  private nextId: bigint;
  private headLpos = 0n;
  private seq = 0n;
  tailId: bigint;
  /** Ids of the records pushed, in order. */
  readonly ids: bigint[] = [];

  constructor(countBits: number, sizeBits: number, firstId = 0n) {
    this.count = 1 << countBits;
    this.dataSize = 1 << sizeBits;
    this.space = new FlatSpace(0x1000 + 0x1000 + this.count * (DESC_SIZE + INFO_SIZE) + this.dataSize + 3 * PAGE);
    const prbPtr = this.space.alloc(8);
    this.rb = this.space.alloc(88);
    this.descs = this.space.alloc(this.count * DESC_SIZE, PAGE);
    this.infos = this.space.alloc(this.count * INFO_SIZE, PAGE);
    this.data = this.space.alloc(this.dataSize, PAGE);
    this.symbols.set("prb", this.space.addr(prbPtr));
    this.space.u64(prbPtr, this.space.addr(this.rb));
    this.space.u32(this.rb + 0, countBits);
    this.space.u64(this.rb + 8, this.space.addr(this.descs));
    this.space.u64(this.rb + 16, this.space.addr(this.infos));
    this.space.u32(this.rb + 48, sizeBits);
    this.space.u64(this.rb + 56, this.space.addr(this.data));
    this.nextId = firstId & DESC_ID_MASK;
    this.tailId = this.nextId;
    this.setIds(this.tailId, this.tailId);
  }

  setIds(tail: bigint, head: bigint): void {
    this.space.u64(this.rb + 32, tail);
    this.space.u64(this.rb + 24, head);
  }

  /** text_data_ring.tail_lpos: where the oldest valid data block begins. */
  setDataTail(lpos: bigint): void {
    this.space.u64(this.rb + 48 + 24, lpos);
  }

  descOff(id: bigint): number {
    return this.descs + Number(id % BigInt(this.count)) * DESC_SIZE;
  }

  infoOff(id: bigint): number {
    return this.infos + Number(id % BigInt(this.count)) * INFO_SIZE;
  }

  setState(id: bigint, state: bigint, stateId = id): void {
    this.space.u64(this.descOff(id), (state << 62n) | (stateId & DESC_ID_MASK));
  }

  setLpos(id: bigint, begin: bigint, next: bigint): void {
    this.space.u64(this.descOff(id) + 8, begin);
    this.space.u64(this.descOff(id) + 16, next);
  }

  lpos(id: bigint): { begin: bigint; next: bigint } {
    const v = this.space.view;
    return { begin: v.getBigUint64(this.descOff(id) + 8, true), next: v.getBigUint64(this.descOff(id) + 16, true) };
  }

  /** Appends a record: data_alloc()'s block placement (a block that would wrap starts at the ring's start). */
  push(spec: RecordSpec | string): bigint {
    const r = typeof spec === "string" ? { text: spec } : spec;
    const id = this.nextId;
    const size = BigInt(Math.ceil((8 + r.text.length) / 8) * 8);
    const ring = BigInt(this.dataSize);
    const begin = this.headLpos;
    let next = begin + size;
    if (begin / ring !== next / ring) next = (next / ring) * ring + size;
    const at = Number(begin % ring > next % ring ? 0n : begin % ring);
    this.space.u64(this.data + at, id);
    if (begin % ring > next % ring) this.space.u64(this.data + Number(begin % ring), id); // the id at both ends
    this.space.text(this.data + at + 8, r.text);
    this.setLpos(id, begin, next);
    this.headLpos = next;
    this.space.u64(this.rb + 48 + 16, next); // text_data_ring.head_lpos
    this.setState(id, DESC_STATE[r.state ?? "finalized"]);
    const i = this.infoOff(id);
    this.space.u64(i, this.seq++);
    this.space.u64(i + 8, r.tsNsec ?? 0n);
    this.space.u16(i + 16, r.textLen ?? r.text.length);
    this.space.u8(i + 18, r.facility ?? 0);
    this.space.u8(i + 19, ((r.level ?? 6) << 5) | 0x2);
    this.space.u32(i + 20, r.callerId ?? 1);
    this.space.bytes.fill(0, i + 24, i + 88);
    this.space.text(i + 24, r.subsystem ?? "");
    this.space.text(i + 40, r.device ?? "");
    this.ids.push(id);
    this.nextId = (id + 1n) & DESC_ID_MASK;
    this.setIds(this.tailId, id);
    return id;
  }

  program(): Program {
    return program(this.space, this.types, this.symbols);
  }
}

// ---- 3.5–5.9 printk_log records (kernel/printk/printk.c; x86_64: __packed __aligned(4)) ----

export interface LogRecordSpec {
  text: string;
  dict?: string;
  tsNsec?: bigint;
  level?: number;
  flags?: number;
  facility?: number;
  callerId?: number;
}

/** log_buf with log_store()'s placement: a record that would not leave room for a header wraps to 0. */
export class RecordLogBuf {
  readonly space = new FlatSpace(0x10000);
  readonly types = new HandTypes();
  readonly symbols = new HandSymbols();
  readonly buf: number;
  readonly headerSize: number;
  firstIdx = 0;
  nextIdx = 0;
  private readonly vars: number;

  constructor(
    readonly bufLen: number,
    opts: { callerId?: boolean; structName?: "printk_log" | "log"; firstSeq?: bigint } = {},
  ) {
    const rows: ([string, Type, number] | [string, Type, number, number])[] = [
      ["ts_nsec", u64, 0],
      ["len", u16, 8],
      ["text_len", u16, 10],
      ["dict_len", u16, 12],
      ["facility", u8, 14],
      ["flags", u8, 15 * 8, 5],
      ["level", u8, 15 * 8 + 5, 3],
    ];
    if (opts.callerId) rows.push(["caller_id", u32, 16]);
    this.headerSize = opts.callerId ? 20 : 16;
    this.types.add(struct(opts.structName ?? "printk_log", this.headerSize, rows));
    this.vars = this.space.alloc(32);
    this.buf = this.space.alloc(bufLen, PAGE);
    for (const [i, name] of ["log_first_idx", "log_next_idx", "log_buf_len"].entries()) this.symbols.set(name, this.space.addr(this.vars + i * 4), 4);
    this.symbols.set("log_buf", this.space.addr(this.vars + 16), 8);
    this.space.u32(this.vars + 8, bufLen);
    this.space.u64(this.vars + 16, this.space.addr(this.buf));
    if (opts.firstSeq !== undefined) {
      this.symbols.set("log_first_seq", this.space.addr(this.vars + 24), 8);
      this.space.u64(this.vars + 24, opts.firstSeq);
    }
    this.sync();
  }

  sync(): void {
    this.space.u32(this.vars, this.firstIdx);
    this.space.u32(this.vars + 4, this.nextIdx);
  }

  /** Writes a record at log_next_idx; returns its index. Does not advance log_first_idx (tests set it). */
  push(r: LogRecordSpec): number {
    const dict = r.dict ?? "";
    const len = Math.ceil((this.headerSize + r.text.length + dict.length) / 4) * 4;
    if (this.nextIdx + len + this.headerSize > this.bufLen) {
      this.space.bytes.fill(0, this.buf + this.nextIdx, this.buf + this.nextIdx + this.headerSize); // the end marker
      this.nextIdx = 0;
    }
    const at = this.buf + this.nextIdx;
    this.space.u64(at, r.tsNsec ?? 0n);
    this.space.u16(at + 8, len);
    this.space.u16(at + 10, r.text.length);
    this.space.u16(at + 12, dict.length);
    this.space.u8(at + 14, r.facility ?? 0);
    this.space.u8(at + 15, ((r.level ?? 6) << 5) | (r.flags ?? 0x2));
    if (this.headerSize === 20) this.space.u32(at + 16, r.callerId ?? 0);
    this.space.text(at + this.headerSize, r.text + dict);
    const idx = this.nextIdx;
    this.nextIdx += len;
    this.sync();
    return idx;
  }

  program(): Program {
    return program(this.space, this.types, this.symbols);
  }
}

// ---- pre-3.5 flat log_buf ----

/** `char *log_buf` of `bufLen` bytes (or a static array), written cyclically; log_end counts every byte. */
export class FlatLogBuf {
  readonly space = new FlatSpace(0x10000);
  readonly symbols = new HandSymbols();
  readonly buf: number;
  logEnd = 0;
  private readonly vars: number;

  constructor(
    readonly bufLen: number,
    opts: { staticArray?: boolean; logEndSize?: 4 | 8 } = {},
  ) {
    this.vars = this.space.alloc(32);
    this.buf = this.space.alloc(bufLen, PAGE);
    if (opts.staticArray) this.symbols.set("log_buf", this.space.addr(this.buf), bufLen);
    else {
      this.symbols.set("log_buf", this.space.addr(this.vars + 16), 8);
      this.symbols.set("log_buf_len", this.space.addr(this.vars + 8), 4);
      this.space.u32(this.vars + 8, bufLen);
      this.space.u64(this.vars + 16, this.space.addr(this.buf));
    }
    this.symbols.set("log_end", this.space.addr(this.vars), opts.logEndSize ?? 4);
    this.symbols.set("logged_chars", this.space.addr(this.vars + 24), 4);
  }

  write(s: string): void {
    for (let i = 0; i < s.length; i++) {
      this.space.bytes[this.buf + (this.logEnd & (this.bufLen - 1))] = s.charCodeAt(i) & 0xff;
      this.logEnd++;
    }
    this.space.u64(this.vars, BigInt(this.logEnd)); // an int, or an unsigned long: little-endian either way
    this.space.u32(this.vars + 24, Math.min(this.logEnd, this.bufLen));
  }

  program(): Program {
    return program(this.space, new HandTypes(), this.symbols);
  }
}
