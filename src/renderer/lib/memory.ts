// The hex view's memory: 4 KiB blocks read through the contract's readMemory, kept in a small LRU, each
// byte with its state (present, excluded by the dump, unmapped) so the view never shows a missing page as
// zeros. Reads are batched per block and de-duplicated; a block that failed as a whole keeps its Problem.
import type { AddressSpaceName, Call, Problem, ReadMemoryReply } from "../../core/session/contract";
import { toBig, toHex } from "./format";

export const BLOCK = 4096n;
const MAX_BLOCKS = 1024;

export const ByteState = { Loading: 0, Present: 1, Excluded: 2, Unmapped: 3, Error: 4 } as const;
export type ByteState = (typeof ByteState)[keyof typeof ByteState];

export interface Block {
  data: Uint8Array;
  state: Uint8Array;
  /** The reason for the first non-present byte. */
  problems: Problem[];
}

export interface Space {
  space: AddressSpaceName;
  pid?: number;
}

export class MemoryCache {
  private blocks = new Map<bigint, Block>();
  private pending = new Map<bigint, Promise<void>>();

  constructor(
    private readonly call: Call,
    readonly where: Space,
    private readonly onChange: () => void,
  ) {}

  /** The block holding `address`, or undefined (and a read started) when not here yet. */
  block(address: bigint): Block | undefined {
    const base = address & ~(BLOCK - 1n);
    const b = this.blocks.get(base);
    if (b) {
      // LRU: re-insert.
      this.blocks.delete(base);
      this.blocks.set(base, b);
      return b;
    }
    this.load(base);
    return undefined;
  }

  /** Byte and state at an address (Loading while its block is on its way). */
  byte(address: bigint): { value: number; state: ByteState } {
    const b = this.block(address);
    if (!b) return { value: 0, state: ByteState.Loading };
    const i = Number(address & (BLOCK - 1n));
    return { value: b.data[i]!, state: b.state[i] as ByteState };
  }

  /** Up to `length` present bytes from `address` (stops at the first byte not present). */
  bytes(address: bigint, length: number): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      const { value, state } = this.byte(address + BigInt(i));
      if (state !== ByteState.Present) break;
      out.push(value);
    }
    return Uint8Array.from(out);
  }

  problemAt(address: bigint): Problem | undefined {
    const b = this.blocks.get(address & ~(BLOCK - 1n));
    return b?.problems[0];
  }

  private load(base: bigint): void {
    if (this.pending.has(base)) return;
    const p = this.read(base).then(
      (block) => {
        this.pending.delete(base);
        this.blocks.set(base, block);
        while (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
        this.onChange();
      },
      (err: unknown) => {
        this.pending.delete(base);
        const problem = err as Problem;
        const state = new Uint8Array(Number(BLOCK)).fill(problem?.code === "excluded" ? ByteState.Excluded : problem?.code === "unmapped" ? ByteState.Unmapped : ByteState.Error);
        this.blocks.set(base, { data: new Uint8Array(Number(BLOCK)), state, problems: [problem] });
        this.onChange();
      },
    );
    this.pending.set(base, p);
  }

  private async read(base: bigint): Promise<Block> {
    // The top block of the address space ends at 2^64: read what fits.
    const limit = (1n << 64n) - base;
    const length = Number(limit < BLOCK ? limit : BLOCK);
    const reply: ReadMemoryReply = await this.call("readMemory", { space: this.where.space, address: toHex(base), length, ...(this.where.space === "user" && this.where.pid !== undefined ? { pid: this.where.pid } : {}) });
    const data = new Uint8Array(Number(BLOCK));
    const state = new Uint8Array(Number(BLOCK)).fill(ByteState.Unmapped);
    const problems: Problem[] = [];
    for (const chunk of reply.chunks.slice(0, 4096)) {
      const start = toBig(chunk.address) - base;
      if (start < 0n || start >= BLOCK) continue;
      const from = Number(start);
      const to = Math.min(Number(BLOCK), from + Math.max(0, chunk.length | 0));
      if (chunk.state === "present" && typeof chunk.hex === "string") {
        for (let i = from, j = 0; i < to && j + 2 <= chunk.hex.length; i++, j += 2) {
          const v = parseInt(chunk.hex.slice(j, j + 2), 16);
          if (Number.isNaN(v)) break;
          data[i] = v;
          state[i] = ByteState.Present;
        }
      } else {
        state.fill(chunk.state === "excluded" ? ByteState.Excluded : ByteState.Unmapped, from, to);
        if (chunk.problem) problems.push(chunk.problem);
      }
    }
    return { data, state, problems };
  }
}
