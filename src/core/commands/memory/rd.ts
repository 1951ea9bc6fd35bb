// crash's `rd` (memory.c cmd_rd): display memory as 8/16/32/64-bit entries with an ASCII column, as
// symbols (-s), as decimal (-d/-D), or as a string (-a); kernel virtual (default), physical (-p).
import { ExcludedPageError, AbsentPageError, InvalidAddressError, KdwError } from "../../io/errors";
import { CommandError, type Command, type CommandContext } from "../command";
import { formatAscii, formatMemory, type EntrySize } from "../shared/memory-display";
import { resolveAddress, symbolizeValue } from "../shared/symbol-args";
import type { AddressSpace } from "../../program/address-space";
import { taskUserSpace } from "../../kernel/tasks/user";
import { currentTask } from "../tasks/set";

const ASCII_MAX = 1 << 20;

interface RdOptions {
  size: EntrySize;
  ascii: boolean;
  symbolic: boolean;
  decimal?: "signed" | "unsigned";
  physical: boolean;
  /** -u: the address is in the current task's user space. */
  user: boolean;
  noAscii: boolean;
  end?: bigint;
}

function parseRdArgs(args: string[]): { o: RdOptions; rest: string[] } {
  const o: RdOptions = { size: 64, ascii: false, symbolic: false, physical: false, user: false, noAscii: false };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-8" || a === "-16" || a === "-32" || a === "-64") o.size = Number(a.slice(1)) as EntrySize;
    else if (a === "-e") {
      const v = args[++i];
      if (!v || !/^(0x)?[0-9a-f]+$/i.test(v)) throw new CommandError("rd", `invalid ending address: ${v ?? ""}`);
      o.end = BigInt("0x" + v.replace(/^0x/i, ""));
    } else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === "a") o.ascii = true;
        else if (c === "s" || c === "S") o.symbolic = true;
        else if (c === "d") o.decimal = "signed";
        else if (c === "D") o.decimal = "unsigned";
        else if (c === "p") o.physical = true;
        else if (c === "u") o.user = true;
        else if (c === "x") o.noAscii = true;
        else throw new CommandError("rd", `invalid option: -${c}`);
      }
    } else rest.push(a);
  }
  if (o.symbolic && o.size !== 64) throw new CommandError("rd", "-s option is only allowed with 64-bit display");
  if (o.user && o.physical) throw new CommandError("rd", "-u and -p are mutually exclusive");
  return { o, rest };
}

type Memtype = "physical" | "kernel virtual" | "user virtual";

function memtypeOf(o: { physical: boolean; user: boolean }): Memtype {
  return o.physical ? "physical" : o.user ? "user virtual" : "kernel virtual";
}

/** crash's readmem() failure line for an address. */
export function readErrorLine(err: unknown, addr: bigint, memtype: Memtype, type: string): string {
  if (err instanceof ExcludedPageError) return `page excluded: ${memtype} address: ${addr.toString(16)}  type: "${type}"`;
  if (err instanceof AbsentPageError || err instanceof InvalidAddressError) return `invalid ${memtype} address: ${addr.toString(16)}  type: "${type}"`;
  if (err instanceof KdwError) return err.message;
  throw err;
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

export const rdCommand: Command = {
  name: "rd",
  summary: "read memory",
  help: `NAME
  rd - read memory

SYNOPSIS
  rd [-adDsSpux][-8|-16|-32|-64][-e addr] address|symbol [count]

DESCRIPTION
  Displays memory contents, by default one 64-bit hexadecimal entry with its ASCII translation. The count
  is a number of entries of the display size (-64: 8 bytes each), not of bytes.

    -8, -16, -32, -64  entry size in bits (64 by default).
    -a     an ASCII string, up to its terminating NUL (or count characters).
    -s     64-bit entries that fall in the kernel's symbol range are shown as symbol+offset.
    -d/-D  signed / unsigned decimal.
    -x     no ASCII column.
    -p     the address is physical.
    -u     the address is in the current task's user space (set PID chooses the task).
    -e     display up to this ending address (instead of a count).`,
  run(ctx, args) {
    const { o, rest } = parseRdArgs(args);
    if (rest.length === 0) throw new CommandError("rd", "address or symbol required");
    const addr = resolveAddress(ctx, "rd", rest[0]!);
    const unit = o.size / 8;
    let count: number;
    if (rest[1] !== undefined) {
      if (!/^\d+$/.test(rest[1])) throw new CommandError("rd", `invalid count: ${rest[1]}`);
      count = Number(rest[1]);
    } else if (o.end !== undefined) {
      if (o.end <= addr) throw new CommandError("rd", `invalid ending address: ${o.end.toString(16)}`);
      count = Math.max(1, Number((o.end - addr) / BigInt(o.ascii ? 1 : unit)));
    } else count = o.ascii ? ASCII_MAX : 1;
    if (count <= 0 || count > 1 << 24) throw new CommandError("rd", `invalid count request: ${count}`);
    const type = o.ascii ? "ascii" : `${o.size}-bit ${o.physical ? "PHYSADDR" : o.user ? "UVADDR" : "KVADDR"}`;
    const memtype = memtypeOf(o);
    const space: "physical" | AddressSpace = o.physical ? "physical" : o.user ? taskUserSpace(ctx.prog, currentTask(ctx)) : ctx.prog.kernel;

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
      return { data: { address: addr, bytes: text }, text: formatAscii(addr, text), errors: failure && text.length === 0 ? [`rd: ${failure}`] : undefined };
    }

    const r = readPrefix(ctx, addr, count * unit, space);
    const text = formatMemory(addr, r.bytes, {
      size: o.size,
      ascii: !o.symbolic && !o.noAscii && o.decimal === undefined,
      decimal: o.decimal,
      symbolize: o.symbolic ? (v) => symbolizeValue(ctx, v) : undefined,
    });
    return {
      data: { address: addr, bytes: r.bytes },
      text,
      errors: r.error ? [`rd: ${readErrorLine(r.error, r.failedAt!, memtype, type)}`] : undefined,
    };
  },
};
