// Names a session asked of the vmlinux, with what the vmlinux answered, kept per build in the user's cache
// folder (program/open-kernel.ts), so that the next session on the same vmlinux answers them from memory:
//   - names asked of the symtab: a lookup through the name index's image reads the index's page (two
//     reads), the entry and its name from the vmlinux (two or three more): ~90 µs in a fresh process here,
//     and the console's first `sys` asks 23 names, its open 17. The answer: the entry's facts (index,
//     st_shndx, st_value, st_size), or "no such name".
//   - enumerators asked of the .BTF (MODULE_STATE_LIVE, TASK_COMM_LEN): a binary search through BTF's
//     enumerator-name index, each probe reading a record and its name. The answer: where BTF has it (its
//     enum's type id and its place in it), or "none".
// crash reads its whole symbol table at every start-up; drgn indexes it at every start-up too. The answers
// are facts of the file the image is keyed by (build id, the table's or section's place), learned by the
// very lookups they stand for. A memo grows with use (bounded) and is written again only after a session
// learned names. Rows that are not sane are left out when an image is read: their names are asked again.

import { isRecord, isWholeIn, jsonObjectOf } from "./json-image";

/** An entry's facts as the symtab gives them (64-bit fields as bigints). */
export interface SymbolFacts {
  readonly index: number;
  readonly shndx: number;
  readonly value: bigint;
  readonly size: bigint;
}

/** Names kept at most (a session asks a few hundred); past it, new names are answered but not kept. */
export const MAX_NAMES = 16384;
/** No kernel symbol or enumerator name is this long: a longer one is answered, not kept. */
const MAX_NAME = 512;
/** No memo image is this big: a bigger file is not parsed. */
const MAX_IMAGE = 4 << 20;
const HEX64 = /^[0-9a-f]{1,16}$/;
/**
 * What is kept: names as C and the toolchain make them ("foo.isra.0", "__func__.12"). Anything else a user
 * typed (a console's `p` of a mistyped word) is answered, not written to the cache folder.
 */
const IDENTIFIER = /^[A-Za-z_.$][\w.$]*$/;

/** How a memo's answers are written in its image and checked when read back. */
interface AnswerCodec<T> {
  readonly format: string;
  encode(answer: T): unknown;
  /** The answer a row stands for, or undefined when the row is not sane for a file of `bound`. */
  decode(row: unknown, bound: number): T | undefined;
}

/** A name a memo keeps (see IDENTIFIER and MAX_NAME); an image's other names are not taken back either. */
function keptName(name: string): boolean {
  return name.length <= MAX_NAME && IDENTIFIER.test(name);
}

/** Answers by name (null: the file has no such name), learned as they are asked. */
export class LearnedMemo<T> {
  private readonly answers: Map<string, T | null>;
  /** Names learned since it was read (or last written): the image is written again only when there are some. */
  private learned = 0;

  constructor(
    private readonly codec: AnswerCodec<T>,
    /** What ties the answers to the file: the symbol count, the last type id. */
    readonly bound: number,
    answers: Map<string, T | null> = new Map(),
  ) {
    this.answers = answers;
  }

  /** The answer for `name`, null for a name the file lacks, undefined when not known. */
  get(name: string): T | null | undefined {
    return this.answers.get(name);
  }

  /** Keeps the file's answer for `name` (bounded: see MAX_NAMES). */
  learn(name: string, answer: T | null): void {
    if (this.answers.has(name) || this.answers.size >= MAX_NAMES || !keptName(name)) return;
    this.answers.set(name, answer);
    this.learned++;
  }

  /** Replaces a kept answer found wrong when used (a damaged image's row): the image is written again. */
  correct(name: string, answer: T | null): void {
    if (!this.answers.has(name)) return this.learn(name, answer);
    this.answers.set(name, answer);
    this.learned++;
  }

  get unsaved(): number {
    return this.learned;
  }

  /** The image for the cache folder (JSON): the bound, then per name its answer or 0. */
  image(): Uint8Array {
    this.learned = 0;
    const rows: Record<string, unknown> = {};
    for (const [name, a] of this.answers) rows[name] = a === null ? 0 : this.codec.encode(a);
    return new TextEncoder().encode(JSON.stringify({ format: this.codec.format, bound: this.bound, names: rows }));
  }

  /** The memo an image holds for a file of `bound`, or undefined when it is not one of this format for it. */
  static read<T>(codec: AnswerCodec<T>, bound: number, image: Uint8Array): LearnedMemo<T> | undefined {
    const d = jsonObjectOf(image, MAX_IMAGE);
    if (!d || d.format !== codec.format || d.bound !== bound) return undefined;
    const rows = d.names;
    if (!isRecord(rows)) return undefined;
    const answers = new Map<string, T | null>();
    for (const [name, row] of Object.entries(rows)) {
      if (answers.size >= MAX_NAMES) break;
      if (!keptName(name)) continue;
      const a = row === 0 ? null : codec.decode(row, bound);
      if (a !== undefined) answers.set(name, a);
    }
    return new LearnedMemo(codec, bound, answers);
  }
}

/** A symtab's answers: the entry's index (1..count-1), st_shndx, st_value and st_size (hex). */
const SYMBOLS: AnswerCodec<SymbolFacts> = {
  format: "kdw-symbol-names-2",
  encode: (f) => [f.index, f.shndx, f.value.toString(16), f.size.toString(16)],
  decode(row, count) {
    if (!Array.isArray(row) || row.length !== 4) return undefined;
    const [index, shndx, value, size] = row as unknown[];
    if (!isWholeIn(index, 1, count - 1) || !isWholeIn(shndx, 0, 0xffff)) return undefined;
    if (typeof value !== "string" || !HEX64.test(value) || typeof size !== "string" || !HEX64.test(size)) return undefined;
    return { index, shndx, value: BigInt(`0x${value}`), size: BigInt(`0x${size}`) };
  },
};

export type SymbolMemo = LearnedMemo<SymbolFacts>;

/** A memo of a symtab of `count` symbols, empty. */
export function symbolMemo(count: number): SymbolMemo {
  return new LearnedMemo(SYMBOLS, count);
}

/** The memo an image holds for a symtab of `count` symbols (see LearnedMemo.read). */
export function symbolMemoOf(count: number, image: Uint8Array): SymbolMemo | undefined {
  return LearnedMemo.read(SYMBOLS, count, image);
}

/**
 * A .BTF's enumerator answers: where the name is, as its enumerator-name index gives it (the enum's type id
 * times 0x10000 plus the enumerator's place in it), checked against the last type id when read.
 */
const ENUMERATORS: AnswerCodec<number> = {
  format: "kdw-btf-enumerators-1",
  encode: (packed) => packed,
  decode: (row, lastId) => (isWholeIn(row, 0x10000, lastId * 0x10000 + 0xffff) ? row : undefined),
};

export type EnumeratorMemo = LearnedMemo<number>;

/** A memo of a .BTF whose last type id is `lastId`, empty. */
export function enumeratorMemo(lastId: number): EnumeratorMemo {
  return new LearnedMemo(ENUMERATORS, lastId);
}

/** The memo an image holds for a .BTF whose last type id is `lastId` (see LearnedMemo.read). */
export function enumeratorMemoOf(lastId: number, image: Uint8Array): EnumeratorMemo | undefined {
  return LearnedMemo.read(ENUMERATORS, lastId, image);
}
