import { formatMemory, type EntrySize } from "../core/commands/shared/memory-display";
import { CliUsageError, parse, parseCount, parseHexAddress } from "./args";
import { openDumpFile, positional } from "./open";

export async function runRead(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    phys: { type: "string" },
    count: { type: "string" },
    length: { type: "string" },
    "8": { type: "boolean" },
    "16": { type: "boolean" },
    "32": { type: "boolean" },
    "64": { type: "boolean" },
  });
  const path = positional(positionals, "DUMP");
  if (values.phys === undefined) throw new CliUsageError("read: --phys ADDR is required");
  const addr = parseHexAddress(values.phys, "--phys");
  const size: EntrySize = values["8"] ? 8 : values["16"] ? 16 : values["32"] ? 32 : 64;
  const unit = size / 8;
  if (values.count !== undefined && values.length !== undefined) throw new CliUsageError("read: give --count or --length, not both");
  const bytes = values.length !== undefined ? parseCount(values.length, "--length") : parseCount(values.count ?? "8", "--count") * unit;
  const { dump, source } = openDumpFile(path);
  try {
    const data = dump.readPhys(addr, Math.ceil(bytes / unit) * unit);
    process.stdout.write(formatMemory(BigInt(addr), data, { size }));
    return 0;
  } finally {
    source.close();
  }
}
