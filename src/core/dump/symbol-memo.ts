// The names a session asked of a symbol table, with what the table answered, kept per build in the user's
// cache folder (program/open-kernel.ts), so that the next session on the same vmlinux answers them from
// memory. A lookup through the name index's image reads the index's page (two reads), the entry and its
// name from the vmlinux (two or three more): ~90 µs in a fresh process here, and the console's first `sys`
// asks 23 names, its open 17. crash reads its whole symbol table at every start-up; drgn indexes it at every
// start-up too. An answer is the entry's facts (index, st_shndx, st_value, st_size) or "no such name"; they
// are facts of the file the image is keyed by (build id and the table's place), learned by the very lookup
// they stand for. The memo grows with use (bounded) and is written again only after a session learned names.
/** An entry's facts as the table gives them (64-bit fields as bigints). */
export interface SymbolFacts {
  readonly index: number;
  readonly shndx: number;
  readonly value: bigint;
  readonly size: bigint;
}

const FORMAT = "kdw-symbol-names-1";
/** Names kept at most (a session asks a few hundred); past it, new names are answered but not kept. */
export const MAX_NAMES = 16384;
/** No kernel symbol name is this long: a longer one is answered, not kept. */
const MAX_NAME = 512;
/** No memo image is this big: a bigger file is not parsed. */
const MAX_IMAGE = 4 << 20;
const HEX64 = /^[0-9a-f]{1,16}$/;

export class SymbolMemo {
  private readonly answers: Map<string, SymbolFacts | null>;
  /** Names learned in this session (the image is written again only when there are some). */
  private learned = 0;

  constructor(
    /** The symbol count of the table it answers for. */
    readonly count: number,
    answers: Map<string, SymbolFacts | null> = new Map(),
  ) {
    this.answers = answers;
  }

  /** The facts of `name`'s entry, null for a name the table lacks, undefined when not known. */
  get(name: string): SymbolFacts | null | undefined {
    return this.answers.get(name);
  }

  /** Keeps the table's answer for `name` (bounded: see MAX_NAMES). */
  learn(name: string, facts: SymbolFacts | null): void {
    if (this.answers.has(name) || this.answers.size >= MAX_NAMES || name.length > MAX_NAME) return;
    this.answers.set(name, facts);
    this.learned++;
  }

  /** Names learned since it was read (or last written). */
  get unsaved(): number {
    return this.learned;
  }

  /** The image for the cache folder (JSON): the table's count, then per name its facts or 0. */
  image(): Uint8Array {
    this.learned = 0;
    const symbols: Record<string, unknown> = {};
    for (const [name, f] of this.answers) symbols[name] = f === null ? 0 : [f.index, f.shndx, f.value.toString(16), f.size.toString(16)];
    return new TextEncoder().encode(JSON.stringify({ format: FORMAT, count: this.count, symbols }));
  }

  /**
   * The memo an image holds for a table of `count` symbols, or undefined when the image is not one of this
   * format for such a table. Rows that are not sane (an index out of range, a field not a 64-bit hex
   * number) are left out: their names are looked up again.
   */
  static fromImage(count: number, image: Uint8Array): SymbolMemo | undefined {
    if (image.length > MAX_IMAGE) return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(image));
    } catch {
      return undefined;
    }
    if (typeof doc !== "object" || doc === null) return undefined;
    const d = doc as Record<string, unknown>;
    if (d.format !== FORMAT || d.count !== count) return undefined;
    const rows = d.symbols;
    if (typeof rows !== "object" || rows === null || Array.isArray(rows)) return undefined;
    const answers = new Map<string, SymbolFacts | null>();
    for (const [name, row] of Object.entries(rows as Record<string, unknown>)) {
      if (answers.size >= MAX_NAMES) break;
      if (name.length > MAX_NAME) continue;
      if (row === 0) {
        answers.set(name, null);
        continue;
      }
      if (!Array.isArray(row) || row.length !== 4) continue;
      const [index, shndx, value, size] = row as unknown[];
      if (!Number.isInteger(index) || (index as number) < 1 || (index as number) >= count) continue;
      if (!Number.isInteger(shndx) || (shndx as number) < 0 || (shndx as number) > 0xffff) continue;
      if (typeof value !== "string" || !HEX64.test(value) || typeof size !== "string" || !HEX64.test(size)) continue;
      answers.set(name, { index: index as number, shndx: shndx as number, value: BigInt(`0x${value}`), size: BigInt(`0x${size}`) });
    }
    return new SymbolMemo(count, answers);
  }
}
