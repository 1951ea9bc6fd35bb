// Program: memory + types + symbols (drgn's model). Everything above it (walkers, commands, detectors)
// reads the kernel through one of these, passed in, never imported as global state.
import type { Dump } from "../dump/dump";
import type { Vmcoreinfo } from "../dump/vmcoreinfo";
import { findMember, resolveType, sizeOf, type Type, type TypeSystem } from "../debuginfo/types";
import { MissingDebugInfo } from "../io/errors";
import { s32le, u32le, u64le } from "../io/little-endian";
import type { AddressSpace } from "./address-space";
import { GLOBAL_TYPES } from "./global-types";
import type { LayoutMemo } from "./layout-memo";
import { Obj } from "./obj";
import { parseTypeName } from "./type-names";

/** What the program needs of a symbol table: name to (relocated) address. */
export interface SymbolResolver {
  addressOf(name: string): bigint | undefined;
  /** The symbol's size in bytes, where the table records it (arrays: their length). */
  sizeOf?(name: string): number | undefined;
  /** An upper bound of the size where the table records none (kallsyms): the distance to the next symbol. */
  extentOf?(name: string): number | undefined;
}

export interface ProgramParts {
  dump: Dump;
  types: TypeSystem;
  symbols: SymbolResolver;
  /** The kernel's virtual address space (page tables of swapper_pg_dir / init_top_pgt). */
  kernel: AddressSpace;
  vmcoreinfo: Vmcoreinfo | null;
  /** Why there is no DWARF, when there is none: what source lines, locals and globals' declared types need. */
  noDwarf?: string;
}

/**
 * A value derived once per Program (drgn's `prog.cache`): the declaration object is the key, so two walkers
 * never share an entry by accident and a Program that is dropped takes its cache with it.
 */
export interface ProgramCacheKey<T> {
  compute(prog: Program): T;
}

/** `const TASKS = perProgram((prog) => walk(prog))`, then `TASKS.of(prog)`: computed on first use, kept. */
export class PerProgram<T> implements ProgramCacheKey<T> {
  constructor(readonly compute: (prog: Program) => T) {}

  readonly of = (prog: Program): T => prog.cached(this);
}

export function perProgram<T>(compute: (prog: Program) => T): PerProgram<T> {
  return new PerProgram(compute);
}

/**
 * `const TABLES = perProgramKeyed((prog, files: bigint) => read(prog, files))`, then `TABLES.get(prog, files)`:
 * a value per key (what was read from one address), computed on first use and kept per Program; a failure
 * is not kept.
 */
export class PerProgramKeyed<K, V> {
  private readonly known = perProgram(() => new Map<K, V>());

  constructor(private readonly compute: (prog: Program, key: K) => V) {}

  readonly get = (prog: Program, key: K): V => {
    const known = this.known.of(prog);
    let v = known.get(key);
    if (v === undefined && !known.has(key)) {
      v = this.compute(prog, key);
      known.set(key, v);
    }
    return v as V;
  };
}

export function perProgramKeyed<K, V>(compute: (prog: Program, key: K) => V): PerProgramKeyed<K, V> {
  return new PerProgramKeyed(compute);
}

/** How many reads of kernel memory pass between two calls of `Program.interrupt`. */
export const INTERRUPT_INTERVAL = 1024;

function noInterrupt(): void {}

export class Program {
  readonly dump: Dump;
  readonly types: TypeSystem;
  readonly symbols: SymbolResolver;
  readonly kernel: AddressSpace;
  readonly vmcoreinfo: Vmcoreinfo | null;
  /** Why there is no DWARF (source lines, locals, globals' declared types), when there is none. */
  readonly noDwarf: string | undefined;
  /**
   * The interruption checkpoint: whoever runs a command sets it to a function that throws when its caller
   * cancelled, and every INTERRUPT_INTERVAL-th read calls it, so any long walk stops without knowing about
   * cancellation. What it throws must not be a KdwError (walkers turn those into partial results).
   */
  interrupt: () => void = noInterrupt;
  /**
   * The members declared layouts name, as this kernel's BTF resolved them in an earlier session (kept by
   * build id in the user's cache folder: program/layout-memo.ts); set at open when there is one.
   */
  layoutMemo: LayoutMemo | undefined;
  private readsBeforeInterrupt = INTERRUPT_INTERVAL;
  private readonly typeCache = new Map<string, Type | null>();
  private readonly derived = new Map<ProgramCacheKey<unknown>, unknown>();

  constructor(parts: ProgramParts) {
    this.dump = parts.dump;
    this.types = parts.types;
    this.symbols = parts.symbols;
    this.kernel = parts.kernel;
    this.vmcoreinfo = parts.vmcoreinfo;
    this.noDwarf = parts.noDwarf;
  }

  /** The value `key` derives from this program, computed on first use (a failure is not kept). */
  cached<T>(key: ProgramCacheKey<T>): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = key.compute(this);
    this.derived.set(key, value);
    return value;
  }

  private checkpoint(): void {
    if (--this.readsBeforeInterrupt > 0) return;
    this.readsBeforeInterrupt = INTERRUPT_INTERVAL;
    this.interrupt();
  }

  read(addr: bigint, length: number): Uint8Array {
    this.checkpoint();
    return this.kernel.read(addr, length);
  }

  readU64(addr: bigint): bigint {
    this.checkpoint();
    return u64le(this.kernel.read(addr, 8), 0);
  }

  readU32(addr: bigint): number {
    this.checkpoint();
    return u32le(this.kernel.read(addr, 4), 0);
  }

  readS32(addr: bigint): number {
    this.checkpoint();
    return s32le(this.kernel.read(addr, 4), 0);
  }

  /** Bytes of a NUL-terminated string at addr (without the NUL), at most `max`, read page by page. */
  readCString(addr: bigint, max = 4096): Uint8Array {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let cur = addr;
    while (total < max) {
      const n = Math.min(max - total, 4096 - Number(cur & 0xfffn));
      const bytes = this.read(cur, n);
      const nul = bytes.indexOf(0);
      if (nul >= 0) {
        chunks.push(bytes.subarray(0, nul));
        total += nul;
        break;
      }
      chunks.push(bytes);
      total += n;
      cur += BigInt(n);
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  /** A type by C name ("struct task_struct", "unsigned long", "pid_t", "struct page *"); cached. */
  type(name: string): Type {
    const t = this.findType(name);
    if (!t) throw new MissingDebugInfo(`no type "${name}" in the debug information`);
    return t;
  }

  findType(name: string): Type | undefined {
    let t = this.typeCache.get(name);
    if (t === undefined) {
      t = this.layoutMemo?.type(name) ?? parseTypeName(this.types, name) ?? null;
      this.typeCache.set(name, t);
    }
    return t ?? undefined;
  }

  /** Relocated address of a kernel symbol. */
  symbolAddress(name: string): bigint {
    const a = this.symbols.addressOf(name);
    if (a === undefined) throw new MissingDebugInfo(`symbol not found: ${name}`);
    return a;
  }

  symbolSize(name: string): number | undefined {
    return this.symbols.sizeOf?.(name);
  }

  /**
   * The symbol's size where known, else an upper bound (kallsyms records no sizes: the distance to the next
   * symbol, alignment padding included). Callers that use a bound check the entries they read.
   */
  symbolExtent(name: string): number | undefined {
    return this.symbols.sizeOf?.(name) ?? this.symbols.extentOf?.(name);
  }

  hasSymbol(name: string): boolean {
    return this.symbols.addressOf(name) !== undefined;
  }

  /**
   * The type of a global for the walkers: the walkers' own table first (no DWARF index needed for it),
   * then the debuginfo.
   */
  variableType(name: string): Type | undefined {
    const known = GLOBAL_TYPES[name];
    const t = known ? this.findType(known) : undefined;
    return t ?? this.types.findVariable(name)?.type;
  }

  /** The type a global was declared with, as the user asks (`p`, `whatis`): the debuginfo first, then the table. */
  declaredType(name: string): Type | undefined {
    const v = this.types.findVariable(name);
    if (v) return v.type;
    const known = GLOBAL_TYPES[name];
    return known ? this.findType(known) : undefined;
  }

  /** A global variable as an object (`program.variable("init_task").member("comm")`). */
  variable(name: string): Obj {
    const type = this.variableType(name);
    if (!type) throw new MissingDebugInfo(`no type known for variable ${name}`);
    return new Obj(this, type, this.symbolAddress(name));
  }

  /** A global as `type` when the symbol exists and the type is known; undefined otherwise. */
  variableObj(name: string, type: string): Obj | undefined {
    if (!this.hasSymbol(name)) return undefined;
    const t = this.variableType(name) ?? this.findType(type);
    return t ? new Obj(this, t, this.symbolAddress(name)) : undefined;
  }

  object(type: Type | string, addr: bigint): Obj {
    return new Obj(this, typeof type === "string" ? this.type(type) : type, addr);
  }

  /** __per_cpu_offset[cpu]: add to a per-CPU symbol's address to get that CPU's copy. */
  perCpuOffset(cpu: number): bigint {
    return this.readU64(this.symbolAddress("__per_cpu_offset") + BigInt(cpu * 8));
  }

  /** A per-CPU variable's copy on `cpu`. */
  perCpu(name: string, cpu: number): Obj {
    const type = this.variableType(name);
    if (!type) throw new MissingDebugInfo(`no type known for per-CPU variable ${name}`);
    return new Obj(this, type, this.symbolAddress(name) + this.perCpuOffset(cpu));
  }

  sizeOf(type: Type | string): number {
    return sizeOf(typeof type === "string" ? this.type(type) : type);
  }

  /** Byte offset of a member (dotted path allowed) in a struct type; undefined when the kernel lacks it. */
  memberOffset(type: Type | string, path: string): number | undefined {
    let t: Type = typeof type === "string" ? this.type(type) : type;
    let off = 0;
    for (const part of path.split(".")) {
      const s = resolveType(t);
      if (s.kind !== "struct" && s.kind !== "union") return undefined;
      const found = findMember(s, part);
      if (!found) return undefined;
      off += found.bitOffset / 8;
      t = found.member.type;
    }
    return off;
  }
}



