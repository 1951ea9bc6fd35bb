// crash's `list` (tools.c cmd_list / do_list): follow a linked list through memory and print each entry's
// address, optionally with the structure there. Forms: a plain chain of `next` pointers at an offset
// (`list -o struct.member start`), an embedded list_head (`-h start`), a LIST_HEAD head (`-H head`), backwards
// through prev (`-r`). Every walk is bounded and stops on a loop, printing what it read and a marker line.
import { KdwError } from "../../io/errors";
import { CommandError, type CommandContext, type CommandOutput } from "../command";
import { formatMemberValues, formatStructValue } from "../../program/gdb-format/gdb-format";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { lookupTypeArg, valueOptions } from "../gdb/types";

const MAX_ENTRIES = 1_000_000;

/** True when the arguments are crash's list-walker form rather than a source listing. */
export function isListWalk(args: string[]): boolean {
  return args.some((a) => /^-[oOeshHrSlxdB]/.test(a));
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

export function listWalk(ctx: CommandContext, args: string[]): CommandOutput {
  let offset = 0;
  let headFormat = false;
  let headPointer = false;
  let reverse = false;
  let end: bigint | undefined;
  let radix: 10 | 16 | undefined;
  const structs: string[] = [];
  let start: bigint | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new CommandError("list", `option ${a} needs an argument`);
      return v;
    };
    if (a === "-o") offset = offsetOf(ctx, next());
    else if (a === "-h") headFormat = true;
    else if (a === "-H") headFormat = headPointer = true;
    else if (a === "-r") headFormat = reverse = true;
    else if (a === "-s" || a === "-S") structs.push(next());
    else if (a === "-e") end = parseHex(next());
    else if (a === "-x") radix = 16;
    else if (a === "-d") radix = 10;
    else if (a.startsWith("-")) throw new CommandError("list", `unsupported option: ${a}`);
    else {
      const sym = ctx.prog.symbols.addressOf(a);
      if (sym !== undefined) start = sym;
      else if (isHexAddress(a)) start = parseHex(a);
      else if (/^[\w]+\.[\w.]+$/.test(a)) offset = offsetOf(ctx, a);
      else throw new CommandError("list", `invalid argument: ${a}`);
    }
  }
  if (start === undefined) throw new CommandError("list", "a start address or symbol is required");
  const prog = ctx.prog;
  // In list_head form the link is the list_head's next (or prev for -r) and entries are offset back.
  const linkOff = BigInt(headFormat ? (reverse ? 8 : 0) : offset);
  const entryOff = BigInt(headFormat ? offset : 0);
  let node = start;
  if (headPointer) {
    end ??= start;
    node = prog.readU64(start + linkOff);
    if (node === end) return { data: [], text: "(empty)\n" };
  } else if (headFormat) end ??= start;
  const entries: bigint[] = [];
  const seen = new Set<bigint>();
  const errors: string[] = [];
  while (node !== 0n && entries.length < MAX_ENTRIES) {
    if (seen.has(node)) {
      errors.push(`list: duplicate list entry: ${node.toString(16)} (the list loops)`);
      break;
    }
    seen.add(node);
    entries.push(node - entryOff);
    let nxt: bigint;
    try {
      nxt = prog.readU64(node + linkOff);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      errors.push(`list: invalid list entry: ${node.toString(16)}: ${err.message}`);
      break;
    }
    if (nxt === end || nxt === start) break;
    node = nxt;
  }
  let text = "";
  for (const e of entries) {
    text += e.toString(16) + "\n";
    for (const spec of structs) {
      const [name, members] = spec.split(".", 2) as [string, string | undefined];
      const type = lookupTypeArg(prog, name);
      if (!type) throw new CommandError("list", `invalid data structure reference: ${name}`);
      try {
        const bytes = prog.read(e, prog.sizeOf(type));
        const opts = { ...valueOptions(ctx, e), name, radix };
        text += members ? formatMemberValues(type, bytes, members.split(","), opts) : formatStructValue(type, bytes, opts);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        errors.push(`list: ${name} at ${e.toString(16)}: ${err.message}`);
      }
    }
  }
  return { data: entries, text, errors };
}
