// `kdw read DUMP --phys ADDR [--count N | --length BYTES] [-8|-16|-32|-64]`: physical memory in the layout
// of crash's `rd -p`, through the Session's readMemory (the dump opened alone). A page the dump left out
// is an error naming the file and the address, never zeros.
import { prepareCodecsFor } from "./node-codecs";
import { formatMemory, type EntrySize } from "../core/session/text";
import { SessionService } from "../core/session/service";
import { ProblemError } from "../core/session/problems";
import { MAX_READ } from "../core/session/schema";
import { CliUsageError, parse, parseCount, parseHexAddress } from "./args";
import { nodeHost } from "./host";
import { positional } from "./open";
import { requireFile } from "./evidence";

/** Entry widths as options: `-64` reaches parseArgs as "-6" "-4", so the widths are taken out first. */
function takeWidth(args: string[]): { size: EntrySize | undefined; rest: string[] } {
  let size: EntrySize | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-(8|16|32|64)$/.exec(a);
    if (m) size = Number(m[1]) as EntrySize;
    // A value that starts with "-" ("--phys -1") is still the option's value, to be refused as a value.
    else if (/^--(phys|count|length)$/.test(a) && args[i + 1]?.startsWith("-")) rest.push(`${a}=${args[++i]}`);
    else rest.push(a);
  }
  return { size, rest };
}

export async function runRead(args: string[]): Promise<number> {
  const width = takeWidth(args);
  const { values, positionals } = parse(width.rest, {
    phys: { type: "string" },
    count: { type: "string" },
    length: { type: "string" },
  });
  const path = positional(positionals, "DUMP");
  if (values.phys === undefined) throw new CliUsageError("read: --phys ADDR is required");
  const addr = parseHexAddress(values.phys, "--phys");
  const size: EntrySize = width.size ?? 64;
  const unit = size / 8;
  if (values.count !== undefined && values.length !== undefined) throw new CliUsageError("read: give --count or --length, not both");
  const bytes = values.length !== undefined ? parseCount(values.length, "--length") : parseCount(values.count ?? "8", "--count") * unit;
  const length = Math.ceil(bytes / unit) * unit;
  if (length > MAX_READ) throw new CliUsageError(`read: at most ${MAX_READ} bytes at a time (asked for ${length})`);
  requireFile(path, "dump");
  const service = new SessionService(nodeHost({ cache: false }));
  try {
    await prepareCodecsFor(path);
    await service.call("open", { dump: path, dumpOnly: true });
    const reply = await service.call("readMemory", { space: "physical", address: `0x${addr.toString(16)}`, length });
    const missing = reply.chunks.find((c) => c.state !== "present");
    if (missing) {
      process.stderr.write(`kdw: ${missing.problem?.message ?? `${path}: physical address ${missing.address}: ${missing.state}`}\n`);
      return 1;
    }
    const data = Buffer.from(reply.chunks.map((c) => c.hex ?? "").join(""), "hex");
    process.stdout.write(formatMemory(BigInt(addr), new Uint8Array(data.buffer, data.byteOffset, data.length), { size }));
    return 0;
  } catch (err) {
    if (err instanceof ProblemError) {
      process.stderr.write(`kdw: ${err.problem.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await service.call("close", {});
  }
}
