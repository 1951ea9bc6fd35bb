// A small LZO1X *test* encoder: builds streams instruction by instruction (so tests can place every opcode
// form on purpose), plus a greedy compressor on top of it for round trips. It follows the instruction forms of
// the kernel's Documentation/staging/lzo.rst; it is not liblzo2's lzo1x_1_compress and is not tuned.

const M2_MAX_OFFSET = 0x0800;
const M3_MAX_OFFSET = 0x4000;
const M4_MAX_OFFSET = 0xbfff;

export class LzoStreamBuilder {
  readonly bytes: number[] = [];
  /** Index of the byte whose low two bits carry the previous match's trailing-literal count (S), if any. */
  private sPos = -1;
  private started = false;

  constructor(version?: number) {
    if (version !== undefined) this.bytes.push(17, version);
  }

  /** A length of `base + 255 * zeros + last` beyond what the opcode field holds (lzo.rst "Lengths"). */
  private extension(n: number): void {
    while (n > 255) {
      this.bytes.push(0);
      n -= 255;
    }
    this.bytes.push(n);
  }

  /** A literal run. 1..3 literals after a match go into that match's S bits; the first run uses byte 17 + n. */
  literals(data: ArrayLike<number>): this {
    const n = data.length;
    if (n === 0) return this;
    if (!this.started && n <= 238) {
      this.bytes.push(17 + n);
    } else if (this.started && n <= 3) {
      if (this.sPos < 0) throw new Error("1..3 literals need a preceding match");
      this.bytes[this.sPos]! |= n;
    } else if (n < 4) {
      throw new Error("a literal run needs 4 or more bytes here");
    } else if (n <= 18) {
      this.bytes.push(n - 3);
    } else {
      this.bytes.push(0);
      this.extension(n - 18);
    }
    for (let i = 0; i < n; i++) this.bytes.push(data[i]!);
    this.started = true;
    this.sPos = -1;
    return this;
  }

  /** A match, in the shortest of the M2 / M3 / M4 forms that holds it. */
  match(length: number, distance: number): this {
    if (length < 3 || distance < 1 || distance > M4_MAX_OFFSET) throw new Error(`bad match ${length}@${distance}`);
    this.started = true;
    if (length <= 8 && distance <= M2_MAX_OFFSET) {
      const d = distance - 1;
      this.sPos = this.bytes.length;
      this.bytes.push(((length - 1) << 5) | ((d & 7) << 2), d >> 3);
    } else if (distance <= M3_MAX_OFFSET) {
      const d = distance - 1;
      if (length - 2 <= 31) this.bytes.push(32 | (length - 2));
      else {
        this.bytes.push(32);
        this.extension(length - 2 - 31);
      }
      this.sPos = this.bytes.length;
      this.bytes.push((d << 2) & 0xff, d >> 6);
    } else {
      const d = distance - M3_MAX_OFFSET;
      const h = (d >> 14) & 1;
      const low = d & 0x3fff;
      if (length - 2 <= 7) this.bytes.push(16 | (h << 3) | (length - 2));
      else {
        this.bytes.push(16 | (h << 3));
        this.extension(length - 2 - 7);
      }
      this.sPos = this.bytes.length;
      this.bytes.push((low << 2) & 0xff, low >> 6);
    }
    return this;
  }

  /** Raw bytes, for hand-made opcodes the helpers above do not produce. */
  raw(...bytes: number[]): this {
    this.bytes.push(...bytes);
    this.started = true;
    this.sPos = -1;
    return this;
  }

  /** Ends the stream with 0x11 0x00 0x00. */
  end(): Uint8Array {
    this.bytes.push(17, 0, 0);
    return Uint8Array.from(this.bytes);
  }
}

/**
 * A greedy LZ77 compressor over the builder: hash of 3 bytes, longest match at the last position seen. Every
 * literal run it flushes is either the first instruction or follows a match, so 1..3 literals always have a
 * match's S bits to go in.
 */
export function lzoTestCompress(data: Uint8Array): Uint8Array {
  const b = new LzoStreamBuilder();
  const head = new Map<number, number>();
  let lit = 0; // start of pending literals
  let i = 0;
  while (i + 3 <= data.length) {
    const key = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16);
    const cand = head.get(key);
    head.set(key, i);
    if (cand !== undefined && i - cand <= M4_MAX_OFFSET) {
      let len = 0;
      while (i + len < data.length && data[cand + len] === data[i + len]) len++;
      b.literals(data.subarray(lit, i));
      b.match(len, i - cand);
      i += len;
      lit = i;
      continue;
    }
    i++;
  }
  b.literals(data.subarray(lit));
  return b.end();
}

/** The whole input as one literal run. */
export function lzoLiteralOnly(data: Uint8Array): Uint8Array {
  return new LzoStreamBuilder().literals(data).end();
}
