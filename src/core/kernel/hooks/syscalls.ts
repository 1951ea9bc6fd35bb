// The system call tables (arch/x86/entry/syscall_64.c, syscall_32.c, syscall_x32.c): sys_call_table,
// ia32_sys_call_table and x32_sys_call_table, arrays of sys_call_ptr_t indexed by syscall number. Classic
// rootkits overwrite an entry. Since 6.9 (and in the stable backports to 6.6, 6.1, 5.15 and 5.10) the entry
// code no longer indexes the table: it calls x64_sys_call(), a switch of direct calls (syscalls.ts reads the
// table, dispatch.ts those calls). Each table's length is its symbol's size; entries are 8-byte pointers.
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";

/** The tables x86-64 kernels have had, and the ABI each serves. */
export const SYSCALL_TABLES: readonly { symbol: string; abi: string }[] = [
  { symbol: "sys_call_table", abi: "x86-64" },
  { symbol: "ia32_sys_call_table", abi: "ia32" },
  { symbol: "x32_sys_call_table", abi: "x32" },
];
/** More entries than any ABI has had (x86-64 has about 460). */
const MAX_SYSCALLS = 4096;
const DEFAULT_SYSCALLS = 512;

export interface SyscallEntry {
  nr: number;
  /** &table[nr]. */
  slot: bigint;
  handler: bigint;
}

export interface SyscallTable {
  symbol: string;
  abi: string;
  address: bigint;
  entries: SyscallEntry[];
}

export interface SyscallTables {
  tables: SyscallTable[];
  problems: WalkAborted[];
}

/** Every system call table this kernel has, entry by entry. */
export function syscallTables(prog: Program): SyscallTables {
  const out: SyscallTables = { tables: [], problems: [] };
  for (const { symbol, abi } of SYSCALL_TABLES) {
    if (!prog.hasSymbol(symbol)) continue;
    const address = prog.symbolAddress(symbol);
    const size = prog.symbolSize(symbol);
    // Without a symbol size (kallsyms), the distance to the next symbol bounds the table: the zero entries
    // that end such a bound are the alignment padding after it, not system calls.
    const bound = size === undefined ? prog.symbolExtent(symbol) : undefined;
    const count = Math.min(MAX_SYSCALLS, size && size % 8 === 0 ? size / 8 : bound ? Math.floor(bound / 8) : DEFAULT_SYSCALLS);
    const table: SyscallTable = { symbol, abi, address, entries: [] };
    try {
      const bytes = prog.read(address, count * 8);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let nr = 0; nr < count; nr++) table.entries.push({ nr, slot: address + BigInt(nr * 8), handler: dv.getBigUint64(nr * 8, true) });
      if (bound) while (table.entries.length > 0 && table.entries[table.entries.length - 1]!.handler === 0n) table.entries.pop();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted(symbol, err.message, 0));
    }
    out.tables.push(table);
  }
  return out;
}
