// Opens kdw's own sample (samples/dump.kdump.zst: Debian 13's 6.12 cloud kernel, 4-level paging, a hidden
// ftrace/kprobe rootkit) as the README's demo does: the zstd archive unpacked in memory, no vmlinux (kallsyms,
// BTF and ORC from the dump). The sample is in the repository, so these tests run everywhere, with no fixtures.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { IcedDecoder } from "../src/cli/iced-decoder";
import { nodeCodecs, prepareCodecsFor } from "../src/cli/node-codecs";
import { NodeFileSource } from "../src/cli/node-file-source";
import { Session } from "../src/core/session/session";

export const SAMPLE_DIR = fileURLToPath(new URL("../samples/", import.meta.url));
export const SAMPLE_DUMP = `${SAMPLE_DIR}dump.kdump.zst`;
/** The name crash was given for the unpacked dump (its DUMPFILE line): the session is opened under it. */
export const SAMPLE_CRASH_DUMP_NAME = "dump.kdump";

export interface SampleManifest {
  kernel: { osrelease: string; build_id: string; hz: number; kernel_offset: string };
  panic: { pid: number; task: string; cpu: number; comm: string; kernel_rip: string };
  module: { name: string; hides_itself: boolean };
  decoys: { name: string; pids: number[]; kind: string; trigger_only?: boolean }[];
  benign_userland: { name: string; pids: number[] }[];
  tasks: { pid: number; ppid: number; comm: string; task: string }[];
}

export function sampleManifest(): SampleManifest {
  return JSON.parse(readFileSync(`${SAMPLE_DIR}manifest.json`, "utf8")) as SampleManifest;
}

/** crash 8.0.6's output for one reference command (samples/reference/NAME.txt). */
export function sampleReference(name: string): string {
  return readFileSync(`${SAMPLE_DIR}reference/${name}`, "latin1");
}

/** The reference commands, NAME|COMMAND with the pids and addresses filled in. */
export function sampleCommands(): [string, string][] {
  return sampleReference("commands.resolved.txt")
    .split("\n")
    .filter((l) => l.includes("|") && !l.startsWith("#"))
    .map((l) => l.split("|") as [string, string]);
}

let session: Session | undefined;

/** The sample's Session, opened once per test file. */
export async function sampleSession(): Promise<Session> {
  if (session) return session;
  await prepareCodecsFor(SAMPLE_DUMP);
  session = Session.open(new NodeFileSource(SAMPLE_CRASH_DUMP_NAME, SAMPLE_DUMP), undefined, {
    codecs: nodeCodecs,
    dumpName: SAMPLE_CRASH_DUMP_NAME,
    decoder: new IcedDecoder(),
  });
  return session;
}
