// crash's `rd` (memory.c cmd_rd): display memory as 8/16/32/64-bit entries with an ASCII column, as
// symbols (-s), as decimal (-d/-D), or as a string (-a); kernel virtual (default), physical (-p), or the
// current task's user space (-u).
import type { AddressSpace } from "../../program/address-space";
import { taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, defineCommand, type CommandContext } from "../command";
import type { EntrySize } from "../shared/memory-display";
import { resolveAddress } from "../shared/symbol-args";
import { ValueLabeler, type SlabDetail } from "../shared/value-label";
import { currentTask } from "../shared/task-args";
import { formatRd } from "./rd-format";
import { readErrorLine, type Memtype } from "../shared/read-error";

const ASCII_MAX = 1 << 20;

interface RdOptions {
  size: EntrySize;
  ascii: boolean;
  symbolic: boolean;
  /** -S: a value in a slab names its cache ("[cache]"); -SS with the value ("[value:cache]"). */
  slab: SlabDetail;
  decimal?: "signed" | "unsigned";
  physical: boolean;
  /** -u: the address is in the current task's user space. */
  user: boolean;
  noAscii: boolean;
  end?: bigint;
  address: string;
  count?: string;
}

export interface RdResult {
  address: bigint;
  /** What was read, from the address up to the end or to the first page that could not be read. */
  bytes: Uint8Array;
  memtype: Memtype;
  /** -a: a string up to its NUL; otherwise entries of `size` bits. */
  ascii: boolean;
  size: EntrySize;
  /** The ASCII column after the entries (not with -s, -d, -D, -x). */
  asciiColumn: boolean;
  decimal?: "signed" | "unsigned";
  /** -s: each 64-bit entry's symbol+offset where it has one. */
  symbols?: (string | undefined)[];
  /** crash's line for the first address that could not be read. */
  error?: string;
}


/** Reads page by page; returns what was readable from the start and the first failure. */
function readPrefix(ctx: CommandContext, addr: bigint, length: number, space: "physical" | AddressSpace): { bytes: Uint8Array; failedAt?: bigint; error?: unknown } {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const cur = addr + BigInt(done);
    const n = Math.min(length - done, 4096 - Number(cur & 0xfffn));
    try {
      const chunk = space === "physical" ? ctx.prog.dump.readPhys(Number(cur), n) : space.read(cur, n);
      out.set(chunk, done);
    } catch (error) {
      return { bytes: out.subarray(0, done), failedAt: cur, error };
    }
    done += n;
  }
  return { bytes: out };
}

function rd(ctx: CommandContext, o: RdOptions): RdResult {
  const addr = resolveAddress(ctx, "rd", o.address);
  const unit = o.size / 8;
  let count: number;
  if (o.count !== undefined) {
    if (!/^\d+$/.test(o.count)) throw new CommandError("rd", `invalid count: ${o.count}`);
    count = Number(o.count);
  } else if (o.end !== undefined) {
    if (o.end <= addr) throw new CommandError("rd", `invalid ending address: ${o.end.toString(16)}`);
    count = Math.max(1, Number((o.end - addr) / BigInt(o.ascii ? 1 : unit)));
  } else count = o.ascii ? ASCII_MAX : 1;
  if (count <= 0 || count > 1 << 24) throw new CommandError("rd", `invalid count request: ${count}`);
  const type = o.ascii ? "ascii" : `${o.size}-bit ${o.physical ? "PHYSADDR" : o.user ? "UVADDR" : "KVADDR"}`;
  const memtype: Memtype = o.physical ? "physical" : o.user ? "user virtual" : "kernel virtual";
  const space: "physical" | AddressSpace = o.physical ? "physical" : o.user ? taskUserSpace(ctx.prog, currentTask(ctx)) : ctx.prog.kernel;
  const result: RdResult = { address: addr, bytes: new Uint8Array(0), memtype, ascii: o.ascii, size: o.size, asciiColumn: !o.symbolic && !o.noAscii && o.decimal === undefined, ...(o.decimal ? { decimal: o.decimal } : {}) };

  if (o.ascii) {
    // Read up to the first NUL, a page at a time.
    let text = new Uint8Array(0);
    let failure: string | undefined;
    for (let got = 0; got < count; ) {
      const n = Math.min(count - got, 4096 - Number((addr + BigInt(got)) & 0xfffn));
      const r = readPrefix(ctx, addr + BigInt(got), n, space);
      const merged = new Uint8Array(text.length + r.bytes.length);
      merged.set(text);
      merged.set(r.bytes, text.length);
      text = merged;
      got += r.bytes.length;
      if (r.error) {
        failure = readErrorLine(r.error, r.failedAt!, memtype, type);
        break;
      }
      if (r.bytes.indexOf(0) >= 0) break;
    }
    result.bytes = text;
    // crash prints a string that starts readable and then fails without complaint.
    if (failure && text.length === 0) result.error = failure;
    return result;
  }

  const r = readPrefix(ctx, addr, count * unit, space);
  result.bytes = r.bytes;
  if (o.symbolic && o.size === 64) {
    const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
    const labels = new ValueLabeler(ctx, o.slab, false);
    result.symbols = Array.from({ length: Math.floor(r.bytes.length / 8) }, (_, i) => labels.label(view.getBigUint64(i * 8, true)));
  }
  if (r.error) result.error = readErrorLine(r.error, r.failedAt!, memtype, type);
  return result;
}

export const rdCommand = defineCommand({
  name: "rd",
  summary: "read memory",
  help: `SYNOPSIS
  rd [-adDsSpux][-8|-16|-32|-64][-e addr] address|symbol [count]

DESCRIPTION
  Displays memory contents, by default one 64-bit hexadecimal entry with its ASCII translation. The count
  is a number of entries of the display size (-64: 8 bytes each), not of bytes.

    -8, -16, -32, -64  entry size in bits (64 by default).
    -a     an ASCII string, up to its terminating NUL (or count characters).
    -s     64-bit entries that fall in the kernel's symbol range are shown as symbol+offset.
    -S     as -s; an entry inside a slab object shows its cache in brackets, [cache]; -SS shows
           [value:cache].
    -d/-D  signed / unsigned decimal.
    -x     no ASCII column.
    -p     the address is physical.
    -u     the address is in the current task's user space (set PID chooses the task).
    -e     display up to this ending address (instead of a count).`,
  options: { flags: "adDsSpux", numbers: ["8", "16", "32", "64"], values: "e" },
  parse(args): RdOptions {
    // As crash's getopt loop reads them, in order: -s/-S are allowed only while the display is 64-bit; a
    // size given after them keeps the ASCII column off but shows no symbols (crash's DISPLAY_DEFAULT test).
    let size: EntrySize = 64;
    let symbolic = false;
    let slab = 0;
    for (const f of args.sequence) {
      if (f === "8" || f === "16" || f === "32" || f === "64") size = Number(f) as EntrySize;
      else if (f === "s" || f === "S") {
        if (size !== 64) throw new CommandError("rd", `-${f} option is only allowed with 64-bit display`);
        symbolic = true;
        if (f === "S") slab++;
      }
    }
    const e = args.value("e");
    if (args.values("e").length && (!e || !/^(0x)?[0-9a-f]+$/i.test(e))) throw new CommandError("rd", `invalid ending address: ${e ?? ""}`);
    const o: RdOptions = {
      size,
      ascii: args.has("a"),
      symbolic,
      slab: Math.min(slab, 2) as SlabDetail,
      decimal: args.has("d") ? "signed" : args.has("D") ? "unsigned" : undefined,
      physical: args.has("p"),
      user: args.has("u"),
      noAscii: args.has("x"),
      ...(e !== undefined ? { end: BigInt("0x" + e.replace(/^0x/i, "")) } : {}),
      address: args.operands[0] ?? "",
      count: args.operands[1],
    };
    if (o.user && o.physical) throw new CommandError("rd", "-u and -p are mutually exclusive");
    if (args.operands.length === 0) throw new CommandError("rd", "address or symbol required");
    return o;
  },
  execute: rd,
  format: formatRd,
  errors: (r) => (r.error !== undefined ? [`rd: ${r.error}`] : []),
});
