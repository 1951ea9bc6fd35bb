// crash's `list` (tools.c cmd_list / do_list): follow a linked list through memory and print each entry's
// address, optionally with the structure there. Forms: a plain chain of `next` pointers at an offset
// (`list -o struct.member start`), an embedded list_head (`-h start`), a LIST_HEAD head (`-H head`), backwards
// through prev (`-r`). Every walk is bounded and stops on a loop, keeping what it read and an error line.
// The structures are gdb's print of them (program/gdb-format), which reads memory as it prints.
import { KdwError } from "../../io/errors";
import { formatMemberValues, formatStructValue } from "../../program/gdb-format/gdb-format";
import { CommandError, type CommandContext } from "../command";
import type { ParsedArgs } from "../options";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { lookupTypeArg, valueOptions } from "../shared/type-args";

const MAX_ENTRIES = 1_000_000;

/** The walker's options (crash's cmd_list getopt string, the ones kdw has). */
export const LIST_WALK_OPTIONS = { flags: "hHrxd", values: "oesS", invalid: (o: string) => `unsupported option: ${o}` } as const;

export interface ListWalkOptions {
  /** -o: the offset as given (a number or struct.member), else one given as a struct.member operand. */
  offset?: string;
  headFormat: boolean;
  headPointer: boolean;
  reverse: boolean;
  end?: bigint;
  radix?: 10 | 16;
  structs: string[];
  /** The other words: the start (a symbol or hexadecimal address), or an offset as struct.member. */
  words: string[];
}

export interface ListWalkEntry {
  address: bigint;
  /** -s: gdb's print of each structure asked for at the entry. */
  structs: string[];
}

export interface ListWalkResult {
  kind: "walk";
  /** A LIST_HEAD with no entries (crash prints "(empty)"). */
  empty: boolean;
  entries: ListWalkEntry[];
  errors: string[];
}

/** True when the arguments are crash's list-walker form rather than a source listing. */
export function isListWalk(args: readonly string[]): boolean {
  return args.some((a) => /^-[oOeshHrSlxdB]/.test(a));
}

export function parseListWalk(args: ParsedArgs<typeof LIST_WALK_OPTIONS>): ListWalkOptions {
  const o: ListWalkOptions = { words: [...args.operands], headFormat: args.has("h") || args.has("H") || args.has("r"), headPointer: args.has("H"), reverse: args.has("r"), structs: [...args.values("s"), ...args.values("S")], radix: args.has("x") ? 16 : args.has("d") ? 10 : undefined };
  const offset = args.value("o");
  if (offset !== undefined) o.offset = offset;
  const e = args.value("e");
  if (e !== undefined) o.end = parseHex(e);
  return o;
}

function offsetOf(ctx: CommandContext, spec: string): number {
  if (/^-?\d+$/.test(spec) || /^0x[0-9a-f]+$/i.test(spec)) return Number(spec);
  const m = /^([^.]+)\.(.+)$/.exec(spec);
  if (!m) throw new CommandError("list", `invalid offset: ${spec}`);
  const type = lookupTypeArg(ctx.prog, m[1]!);
  const off = type && ctx.prog.memberOffset(type, m[2]!);
  if (off === undefined) throw new CommandError("list", `invalid structure member: ${spec}`);
  return off;
}

export function listWalk(ctx: CommandContext, o: ListWalkOptions): ListWalkResult {
  const prog = ctx.prog;
  let offset = o.offset !== undefined ? offsetOf(ctx, o.offset) : 0;
  let start: bigint | undefined;
  for (const a of o.words) {
    const sym = prog.symbols.addressOf(a);
    if (sym !== undefined) start = sym;
    else if (isHexAddress(a)) start = parseHex(a);
    else if (/^[\w]+\.[\w.]+$/.test(a)) offset = offsetOf(ctx, a);
    else throw new CommandError("list", `invalid argument: ${a}`);
  }
  if (start === undefined) throw new CommandError("list", "a start address or symbol is required");
  // In list_head form the link is the list_head's next (or prev for -r) and entries are offset back.
  const linkOff = BigInt(o.headFormat ? (o.reverse ? 8 : 0) : offset);
  const entryOff = BigInt(o.headFormat ? offset : 0);
  let end = o.end;
  let node = start;
  const result: ListWalkResult = { kind: "walk", empty: false, entries: [], errors: [] };
  if (o.headPointer) {
    end ??= start;
    node = prog.readU64(start + linkOff);
    if (node === end) return { ...result, empty: true };
  } else if (o.headFormat) end ??= start;
  const addresses: bigint[] = [];
  const seen = new Set<bigint>();
  while (node !== 0n && addresses.length < MAX_ENTRIES) {
    if (seen.has(node)) {
      result.errors.push(`list: duplicate list entry: ${node.toString(16)} (the list loops)`);
      break;
    }
    seen.add(node);
    addresses.push(node - entryOff);
    let nxt: bigint;
    try {
      nxt = prog.readU64(node + linkOff);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      result.errors.push(`list: invalid list entry: ${node.toString(16)}: ${err.message}`);
      break;
    }
    if (nxt === end || nxt === start) break;
    node = nxt;
  }
  for (const e of addresses) {
    const entry: ListWalkEntry = { address: e, structs: [] };
    result.entries.push(entry);
    for (const spec of o.structs) {
      const [name, members] = spec.split(".", 2) as [string, string | undefined];
      const type = lookupTypeArg(prog, name);
      if (!type) throw new CommandError("list", `invalid data structure reference: ${name}`);
      try {
        const bytes = prog.read(e, prog.sizeOf(type));
        const opts = { ...valueOptions(ctx, e), name, radix: o.radix };
        entry.structs.push(members ? formatMemberValues(type, bytes, members.split(","), opts) : formatStructValue(type, bytes, opts));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        result.errors.push(`list: ${name} at ${e.toString(16)}: ${err.message}`);
      }
    }
  }
  return result;
}
