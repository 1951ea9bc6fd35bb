import { openDump } from "../core/dump/open";
import { nodeCodecs } from "./node-codecs";
import type { Dump } from "../core/dump/dump";
import { NodeFileSource } from "./node-file-source";
import { CliUsageError } from "./args";

export function positional(positionals: string[], name: string): string {
  if (positionals.length !== 1) throw new CliUsageError(`expected one ${name} argument, got ${positionals.length}`);
  return positionals[0]!;
}

/** Opens a dump file read-only and sniffs its format. The caller closes the source. */
export function openDumpFile(path: string): { dump: Dump; source: NodeFileSource } {
  const source = new NodeFileSource(path);
  try {
    return { dump: openDump(source, { codecs: nodeCodecs }), source };
  } catch (err) {
    source.close();
    throw err;
  }
}
