// crash's `list` (tools.c cmd_list, do_list): follow a linked list through memory and print each entry's
// address, optionally with structures or members there. The arguments are read as crash reads them, in its
// order and with its messages: `-o`/`struct.member`/a number give the offset of the next pointer, a symbol
// or a kernel address the start; `-h START` is a structure holding the list_head at that offset, `-H START`
// a standalone LIST_HEAD, `-r` walks prev, `-O` is the head structure's own list_head offset with `-h`, `-l`
// the offset of the linkage inside the structure printed with `-s`/`-S`, `-e` an explicit end. The walk
// stops where do_list stops (NULL, the end, back at the start, at the last or the first entry), on a
// duplicate entry, on a read that fails, and at MAX_ENTRIES; what was read before is kept.
import type { ParsedArgs } from "../options";
import { CommandError, type CommandContext } from "../command";
import { readErrorLine } from "../shared/read-error";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { lookupTypeArg } from "../shared/type-args";
import { entryLines, parseMemberSpec, type ListStructSpec } from "./list-structs";

/** A bound on entries, far above any real kernel list; a looping or wild list stops here. */
export const MAX_ENTRIES = 1_000_000;

/** crash's `cmd_usage(pc->curcmd, SYNOPSIS)` for list. */
export const LIST_USAGE = `Usage:
  list [[-o] offset][-e end][-[s|S] struct[.member[,member] [-l offset]] -[x|d]]
       [-r|-B] [-h [-O head_offset]|-H] start
Enter "help list" for details.`;

/** The walker's options: crash's getopt string "BHhrs:S:e:o:O:xdl:". */
export const LIST_WALK_OPTIONS = { flags: "BHhrxd", values: "sSeoOl", invalid: (o: string) => `invalid option -- '${o.replace(/^-+/, "")}'\n${LIST_USAGE}` } as const;

export interface ListWalkOptions {
  headFormat: boolean;
  headPointer: boolean;
  reverse: boolean;
  brent: boolean;
  radix?: 10 | 16;
  /** -s (gdb's print of each member) or -S (members read straight from memory). */
  structs: string[];
  readMember: boolean;
  offsets: string[];
  headOffsets: string[];
  structListOffset?: string;
  end?: string;
  /** The operands: the start, and an offset as struct.member or a number. */
  words: string[];
}

export interface ListWalkEntry {
  address: bigint;
  /** -s/-S: what is printed after the address, one text per structure or member asked for. */
  structs: string[];
  /** Lines crash prints between them (a member the structure lacks): the walk goes on. */
  errors: string[];
}

export interface ListWalkResult {
  kind: "walk";
  /** A LIST_HEAD with no entries (crash prints "(empty)"). */
  empty: boolean;
  entries: ListWalkEntry[];
  /** Why the walk stopped early (a read that failed, a duplicate entry, a structure that is no structure). */
  errors: string[];
}

const fail = (msg: string): CommandError => new CommandError("list", msg);
const usage = (msg: string): CommandError => fail(`${msg}\n${LIST_USAGE}`);

export function parseListWalk(args: ParsedArgs<typeof LIST_WALK_OPTIONS>): ListWalkOptions {
  if (args.has("x") && args.has("d")) throw fail("-d and -x are mutually exclusive");
  const s = args.values("s");
  const S = args.values("S");
  if (s.length && S.length) throw fail("-S and -s options are mutually exclusive");
  const o: ListWalkOptions = {
    headFormat: args.has("h") || args.has("H") || args.has("r"),
    headPointer: args.has("H"),
    reverse: args.has("r"),
    brent: args.has("B"),
    structs: s.length ? s : S,
    readMember: S.length > 0,
    offsets: args.values("o"),
    headOffsets: args.values("O"),
    words: [...args.operands],
  };
  if (args.has("x")) o.radix = 16;
  else if (args.has("d")) o.radix = 10;
  const l = args.value("l");
  if (l !== undefined) o.structListOffset = l;
  const e = args.value("e");
  if (e !== undefined) o.end = e;
  if (o.words.length > 2) throw usage("too many arguments");
  return o;
}

/** crash's IS_A_NUMBER: decimal, or hexadecimal with or without 0x. */
function isNumber(s: string): boolean {
  return /^\d+$/.test(s) || isHexAddress(s);
}

/** Addresses wrap at 64 bits, as crash's ulong arithmetic does. */
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** crash's stol: 0x… is hexadecimal, all digits decimal, else hexadecimal. */
function stol(s: string): bigint {
  if (/^\d+$/.test(s)) {
    const v = BigInt(s);
    if (v > 0xffffffffffffffffn) throw fail(`number too large: ${s}`);
    return v;
  }
  return htol(s);
}

/** crash's htol: hexadecimal whatever it looks like, at most 16 digits (MAX_HEXADDR_STRLEN). */
function htol(s: string): bigint {
  if (!isHexAddress(s)) throw fail(`invalid input: "${s}"`);
  const digits = s.replace(/^0x/i, "");
  if (digits.length > 16) throw fail(`input string too large: "${s}" (${s.length} vs 16)`);
  return parseHex(s);
}

/** crash's hexadecimal_only: a hex number that cannot be read as decimal (0x, or a digit a-f). */
function hexadecimalOnly(s: string): boolean {
  return isHexAddress(s) && (/^0x/i.test(s) || /[a-f]/i.test(s));
}

/** A `struct.member[.member]` offset (crash's arg_to_datatype() > 1), or undefined. */
function memberOffsetOf(ctx: CommandContext, spec: string): number | undefined {
  const dot = spec.indexOf(".");
  if (dot <= 0) return undefined;
  const type = lookupTypeArg(ctx.prog, spec.slice(0, dot));
  return type && ctx.prog.memberOffset(type, spec.slice(dot + 1));
}

/** An offset option's value: a number or struct.member, else crash's "invalid -X argument". */
function offsetOption(ctx: CommandContext, spec: string, message: string): bigint {
  if (isNumber(spec)) return stol(spec);
  const off = memberOffsetOf(ctx, spec);
  if (off === undefined) throw fail(`${message}: ${spec}`);
  return BigInt(off);
}

/** `symbol+N` / `symbol-N` (crash's can_eval and eval, for the forms an address is written in). */
function evalAddress(ctx: CommandContext, s: string): bigint | undefined {
  const m = /^([A-Za-z_][\w.]*)\s*([+-])\s*(0x[0-9a-f]+|\d+)$/i.exec(s);
  if (!m) return undefined;
  const base = ctx.prog.symbols.addressOf(m[1]!);
  if (base === undefined) return undefined;
  const off = BigInt(m[3]!);
  return u64(m[2] === "+" ? base + off : base - off);
}

const hex = (v: bigint): string => v.toString(16);

interface Resolved {
  start: bigint;
  memberOffset: bigint;
  offsetEntered: boolean;
}

/** cmd_list's operand loop: which word is the start and which the offset, as crash decides it. */
function resolveOperands(ctx: CommandContext, words: readonly string[], memberOffset: bigint, offsetEntered: boolean): Resolved {
  const isKvaddr = (v: bigint) => v >= ctx.addressSpace.layout.pageOffsetBase;
  const r = { start: 0n, memberOffset, offsetEntered };
  let startEntered = false;
  const setStart = (v: bigint) => {
    if (startEntered) throw fail("list start already entered");
    r.start = v;
    startEntered = true;
  };
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    const next = words[i + 1];
    const member = a.includes(".") ? memberOffsetOf(ctx, a) : undefined;
    if (member !== undefined) {
      if (r.offsetEntered) throw fail(`offset value ${r.memberOffset} (0x${hex(r.memberOffset)}) already entered`);
      r.memberOffset = BigInt(member);
      r.offsetEntered = true;
      continue;
    }
    const sym = ctx.prog.symbols.addressOf(a);
    if (sym !== undefined) {
      setStart(sym);
      continue;
    }
    if (!isNumber(a)) {
      const v = evalAddress(ctx, a);
      if (v !== undefined && isKvaddr(v)) {
        setStart(v);
        continue;
      }
      throw fail(`invalid argument: ${a}`);
    }
    if (startEntered) {
      r.memberOffset = stol(a);
      r.offsetEntered = true;
      break;
    }
    if (r.offsetEntered || next === undefined) {
      const v = htol(a);
      if (!isKvaddr(v)) throw fail(`invalid kernel virtual address: ${a}`);
      setStart(v);
      break;
    }
    if (ctx.prog.symbols.addressOf(next) !== undefined) {
      r.memberOffset = stol(a);
      r.offsetEntered = true;
      continue;
    }
    if (!isNumber(next) && evalAddress(ctx, next) === undefined && !next.includes(".")) throw fail(`symbol not found: ${next}`);
    if (hexadecimalOnly(a)) {
      const v = htol(a);
      if (isKvaddr(v)) {
        setStart(v);
        continue;
      }
    }
    r.memberOffset = stol(a);
    r.offsetEntered = true;
  }
  if (!startEntered) throw usage("starting address required");
  return r;
}

/** A pointer read as crash's readmem(FAULT_ON_ERROR) does it: its failure is crash's line. */
function readPointer(ctx: CommandContext, addr: bigint, type: string): bigint {
  try {
    return ctx.prog.readU64(addr);
  } catch (err) {
    throw fail(readErrorLine(err, addr, "kernel virtual", type));
  }
}

export function listWalk(ctx: CommandContext, o: ListWalkOptions): ListWalkResult {
  const result: ListWalkResult = { kind: "walk", empty: false, entries: [], errors: [] };
  // getopt's order: -o and -O are checked as they come, -l and -e read once.
  let memberOffset = 0n;
  let offsetEntered = false;
  for (const spec of o.offsets) {
    if (offsetEntered) throw fail(`offset value ${memberOffset} (0x${hex(memberOffset)}) already entered`);
    memberOffset = offsetOption(ctx, spec, "invalid -o argument");
    offsetEntered = true;
  }
  let headMemberOffset = 0n;
  let headOffsetEntered = false;
  for (const spec of o.headOffsets) {
    if (headOffsetEntered) throw fail(`offset value ${headMemberOffset} (0x${hex(headMemberOffset)}) already entered`);
    headMemberOffset = offsetOption(ctx, spec, "invalid -O argument");
    headOffsetEntered = true;
  }
  const structListOffset = o.structListOffset === undefined ? 0n : offsetOption(ctx, o.structListOffset, "invalid -l option");
  let end = o.end === undefined ? 0n : htol(o.end);
  if (!o.structs.length && structListOffset) throw usage("-l option can only be used with -s or -S option");

  const r = resolveOperands(ctx, o.words, memberOffset, offsetEntered);
  if (r.offsetEntered && structListOffset) throw usage("-l and -o are mutually exclusive");
  let start = r.start;
  memberOffset = r.memberOffset;
  let listHeadOffset = 0n;
  if (o.headFormat) {
    listHeadOffset = memberOffset;
    memberOffset = o.reverse ? 8n : 0n;
    if (o.headPointer) {
      if (!end) end = start;
      start = readPointer(ctx, u64(start + memberOffset), "LIST_HEAD contents");
      if (start === end) return { ...result, empty: true };
    } else if (headOffsetEntered) {
      const head = u64(start + headMemberOffset);
      if (!end) end = head;
      start = readPointer(ctx, head, "LIST_HEAD contents");
      if (start === end) return { ...result, empty: true };
    } else start = u64(start + listHeadOffset);
  }

  // do_list: the first next pointer is read before anything is printed.
  const first = readPointer(ctx, u64(start + memberOffset), "first list entry");
  const specs: ListStructSpec[] = o.structs.map((s) => parseMemberSpec(ctx, s, o.readMember));
  const structOffset = listHeadOffset + structListOffset;
  const seen = new Set<bigint>();
  let next = start;
  let count = 0;
  for (;;) {
    if ((count & 0xff) === 0) ctx.interrupt?.();
    const key = u64(next - listHeadOffset);
    const entry: ListWalkEntry = { address: key, structs: [], errors: [] };
    result.entries.push(entry);
    for (const spec of specs) {
      const printed = entryLines(ctx, spec, u64(next - structOffset), o.radix, entry.errors);
      entry.structs.push(...printed.texts);
      if (printed.fatal) {
        result.errors.push(printed.fatal);
        return result;
      }
    }
    if (next !== 0n && seen.has(key)) {
      // -B finds the loop with Brent's algorithm in crash; its length is the distance back to the entry.
      if (o.brent) result.errors.push(`list: loop detected, loop length: ${result.entries.length - 1 - result.entries.findIndex((e) => e.address === key)}`);
      result.errors.push(`list: duplicate list entry: ${hex(next)}`);
      return result;
    }
    seen.add(key);
    count++;
    if (count >= MAX_ENTRIES) {
      result.errors.push(`list: stopped after ${MAX_ENTRIES} entries (use -e END to end the walk)`);
      return result;
    }
    const last = next;
    try {
      next = readPointer(ctx, u64(next + memberOffset), "list entry");
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      result.errors.push(err.message);
      return result;
    }
    if (next === 0n) {
      if (o.headFormat) result.errors.push("list: invalid list entry: 0");
      return result;
    }
    if (next === end || next === start || next === last || (next === first && count !== 1)) return result;
  }
}
