// crash's symbolic display of a 64-bit value (memory.c format_stack_entry for `bt -F`, display_memory for
// `rd -s`/`-S`): `symbol+offset` when the value falls in the kernel's (or a module's) symbol range; else,
// when asked, the slab cache whose slab page holds it, as "[cache]" (-F, -S) or "[value:cache]" (-FF, -SS);
// else nothing (the caller prints the hexadecimal value).
import { readSlabCache, slabOfAddress } from "../../kernel/mm/slab";
import { isCancel, type CommandContext } from "../command";
import { symbolizeValue } from "./symbol-args";

/** 0: symbols only; 1: "[cache]"; 2: "[value:cache]". */
export type SlabDetail = 0 | 1 | 2;

export class ValueLabeler {
  private readonly cacheNames = new Map<bigint, string | undefined>();

  /**
   * `accessible`: label only values that are readable kernel addresses (crash checks this for bt -F, not
   * for rd -s).
   */
  constructor(
    private readonly ctx: CommandContext,
    private readonly slab: SlabDetail,
    private readonly accessible: boolean,
  ) {}

  label(value: bigint): string | undefined {
    if (this.accessible && !this.readable(value)) return undefined;
    const sym = symbolizeValue(this.ctx, value);
    if (sym) return sym;
    if (this.slab === 0) return undefined;
    const cache = this.cacheOf(value);
    if (cache === undefined) return undefined;
    return this.slab === 2 ? `[${value.toString(16)}:${cache}]` : `[${cache}]`;
  }

  private readable(value: bigint): boolean {
    try {
      this.ctx.prog.read(value, 1);
      return true;
    } catch (err) {
      if (isCancel(err)) throw err;
      return false;
    }
  }

  /** The name of the slab cache holding `value`, if any (a broken cache reads as none). */
  private cacheOf(value: bigint): string | undefined {
    let loc;
    try {
      loc = slabOfAddress(this.ctx.prog, this.ctx.addressSpace, value);
    } catch (err) {
      if (isCancel(err)) throw err;
      return undefined;
    }
    if (!loc) return undefined;
    if (!this.cacheNames.has(loc.cache)) {
      let name: string | undefined;
      try {
        name = readSlabCache(this.ctx.prog, loc.cache).name;
      } catch (err) {
        if (isCancel(err)) throw err;
        name = undefined;
      }
      this.cacheNames.set(loc.cache, name);
    }
    return this.cacheNames.get(loc.cache);
  }
}
