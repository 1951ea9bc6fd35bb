// What adapters need to match debuginfo to a dump without opening a kernel: the dump's build id and release
// (from its VMCOREINFO), and an ELF file's GNU build id. The search itself is the adapter's (it owns the
// file system: src/cli/debuginfo-search.ts).
import type { CodecOverrides } from "../codec";
import { ElfFile } from "../dump/elf";
import { openDump } from "../dump/open";
import type { ByteSource } from "../io/byte-source";

export interface DumpIdentity {
  buildId?: string;
  release?: string;
}

/** The dump's build id (lower case) and release, from its VMCOREINFO; nothing when it has none. */
export function dumpIdentity(source: ByteSource, codecs?: CodecOverrides): DumpIdentity {
  const vmci = openDump(source, { codecs }).vmcoreinfo;
  return { buildId: vmci?.buildId?.toLowerCase(), release: vmci?.osrelease };
}

/** The GNU build id of an ELF file (a vmlinux or a separate debug file), or null when it carries none. */
export function elfBuildId(source: ByteSource): string | null {
  return ElfFile.open(source).buildId();
}
