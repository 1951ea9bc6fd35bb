// crash's `sbitmapq` (sbitmap.c cmd_sbitmapq): a struct sbitmap_queue's state and bitmap as the kernel's
// sbitmap_queue_show prints them; with -s and -a, the element of an array that each bit in use indexes.
import { KdwError } from "../../io/errors";
import { readSbitmapQueue, sbitmapBusy, sbitmapCleared, sbitmapSetBits, hasSbitmap, type SbitmapQueue } from "../../kernel/block/sbitmap";
import { cpuCounts } from "../../kernel/system/sysinfo";
import { CommandError, defineCommand } from "../command";
import { isKernelVaddr } from "../shared/kvaddr";
import { formatEntryStruct, structSpec } from "../shared/struct-print";
import { invalidOptionUsage, usageError } from "../shared/usage";
import { formatSbitmapq } from "./sbitmapq-format";

const SYNOPSIS = "[-s struct[.member[,member]] -a address [-p] [-v]] -[x|d] address";
/** More tags than this in one listing is no tag set. */
const MAX_LISTED = 1 << 20;

export interface SbitmapqElement {
  index: number;
  /** The array slot of the bit (crash's "N: 0x..."); with -p the structure it points to is `target`. */
  address: bigint;
  target?: bigint;
  /** -v: the structure printed. */
  text?: string;
}

export type SbitmapqResult =
  | { kind: "queue"; queue: SbitmapQueue; busy: number; cleared?: number }
  | { kind: "elements"; queue: SbitmapQueue; elements: SbitmapqElement[]; verbose: boolean; errors: string[] };

interface SbitmapqOptions {
  address: bigint;
  struct?: string;
  array?: bigint;
  pointers: boolean;
  verbose: boolean;
  radix?: 10 | 16;
}

function kvaddr(word: string, what: string): bigint {
  if (!/^(0x)?[0-9a-f]{1,16}$/i.test(word)) throw new CommandError("sbitmapq", `invalid ${what}: ${word}`);
  const v = BigInt("0x" + word.replace(/^0x/i, ""));
  if (!isKernelVaddr(v)) throw new CommandError("sbitmapq", `invalid kernel virtual address: ${word}`);
  return v;
}

export const sbitmapqCommand = defineCommand({
  name: "sbitmapq",
  summary: "sbitmap_queue struct contents",
  help: `SYNOPSIS
  sbitmapq ${SYNOPSIS}

DESCRIPTION
  The command dumps the contents of the sbitmap_queue structure and
  the used bits in the bitmap. Also, it shows the dump of a structure
  array associated with the sbitmap_queue.

  The arguments are as follows:

   -s struct  name of a C-code structure, that is stored in an array
              associated with sbitmap_queue structure. Use the
              "struct.member" format in order to display a particular
              member of the structure. -s option requires -a option
  -a address  address of a structure array associated with sbitmap_queue
              structure. The set bits in sbitmap are used for the index
              in an associated array.
          -p  associated with sbitmap_queue array contains the points of
              structure.
          -x  override default output format with hexadecimal format.
          -d  override default output format with decimal format.
          -v  By default, the sbitmap command shows only a used sbitmap
              index and a structure address in the associated array.
              This flag says to print a formatted display of the
              contents of a structure in an associated array. -v option
              requires of -s.

  Since Linux 6.1 an sbq_wait_state has no wait_cnt: each wait queue shows
  whether a task waits on it alone (crash 8.0.6 fails on that kernel). busy is
  the kernel's count of bits set and not cleared, and a wait queue is active
  when its list is not empty (crash compares the list's next and prev, and
  counts a partial last word twice).`,
  options: { flags: "pxdv", values: "sa", invalid: invalidOptionUsage("sbitmapq", SYNOPSIS) },
  parse(args): SbitmapqOptions {
    if (args.values("s").length > 1) throw new CommandError("sbitmapq", `-s option (${args.values("s")[0]}) already entered`);
    if (args.values("a").length > 1) throw new CommandError("sbitmapq", `-a option (${args.values("a")[0]}) already entered`);
    if (args.has("x") && args.has("d")) throw new CommandError("sbitmapq", "-d and -x are mutually exclusive");
    const a = args.value("a");
    const array = a !== undefined ? kvaddr(a, "-a option") : undefined;
    const [word, extra] = args.operands;
    if (word === undefined) throw usageError("sbitmapq", SYNOPSIS, "command argument is required");
    if (extra !== undefined) throw usageError("sbitmapq", SYNOPSIS, "too many arguments");
    const address = kvaddr(word, "command argument");
    const struct = args.value("s");
    if (struct !== undefined && array === undefined) throw usageError("sbitmapq", SYNOPSIS, "-s option requires -a option");
    if (array !== undefined && struct === undefined) throw usageError("sbitmapq", SYNOPSIS, "-a option is used with -s option only");
    if (args.has("p") && array === undefined) throw usageError("sbitmapq", SYNOPSIS, "-p option requires -a option");
    return { address, struct, array, pointers: args.has("p"), verbose: args.has("v"), radix: args.has("x") ? 16 : args.has("d") ? 10 : undefined };
  },
  execute(ctx, o): SbitmapqResult {
    if (!hasSbitmap(ctx.prog)) throw new CommandError("sbitmapq", "command not supported or applicable on this architecture or kernel (no struct sbitmap_queue: before 4.9)");
    const spec = o.struct !== undefined ? structSpec(ctx, "sbitmapq", o.struct, false) : undefined;
    const possible = cpuCounts(ctx.prog).possible ?? 1;
    let queue: SbitmapQueue;
    try {
      queue = readSbitmapQueue(ctx.prog, o.address, Array.from({ length: possible }, (_, i) => i));
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("sbitmapq", err.message);
      throw err;
    }
    if (!spec || o.array === undefined) {
      const r: SbitmapqResult = { kind: "queue", queue, busy: sbitmapBusy(queue) };
      if (ctx.prog.memberOffset("struct sbitmap_word", "cleared") !== undefined) r.cleared = sbitmapCleared(queue);
      return r;
    }
    const size = o.pointers ? 8 : ctx.prog.sizeOf(spec.type);
    const out: SbitmapqResult = { kind: "elements", queue, elements: [], verbose: o.verbose, errors: [] };
    for (const index of sbitmapSetBits(queue).slice(0, MAX_LISTED)) {
      ctx.interrupt?.();
      const e: SbitmapqElement = { index, address: o.array + BigInt(index * size) };
      if (o.verbose) {
        try {
          const at = o.pointers ? ctx.prog.readU64(e.address) : e.address;
          if (o.pointers) e.target = at;
          e.text = formatEntryStruct(ctx, spec, at, o.radix);
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          out.errors.push(`sbitmapq: ${index} (0x${e.address.toString(16)}): ${err.message}`);
        }
      }
      out.elements.push(e);
    }
    return out;
  },
  format: formatSbitmapq,
  errors: (r) => (r.kind === "elements" && r.errors.length ? r.errors : undefined),
});
