// Opens the main fixture dump as a Session (for golden and walker tests). Cached per test file (vitest runs
// each file in its own worker). The debuginfo the session is opened with is the run's parameter
// (KDW_TEST_DEBUGINFO, set per project in vitest.config.ts), so that the same golden tests check each way
// of opening a dump against crash's references:
//   vmlinux     the debug vmlinux (default);
//   none        no vmlinux at all: kallsyms, BTF and ORC from the dump's own memory;
//   debug-file  a separate debug file (objcopy --only-keep-debug: code, data and .BTF are SHT_NOBITS).
import { NodeFileSource } from "../src/cli/node-file-source";
import { IcedDecoder } from "../src/cli/iced-decoder";
import { NO_VMLINUX_NAME, Session } from "../src/core/session/session";
import { NO_DWARF } from "../src/core/program/open-from-dump";
import { fixture } from "./fixtures";
import { OnlyKeepDebugSource } from "./fixtures/only-keep-debug";

export type DebuginfoMode = "vmlinux" | "none" | "debug-file";
const MODES: readonly DebuginfoMode[] = ["vmlinux", "none", "debug-file"];

function modeOf(v: string | undefined): DebuginfoMode {
  if (v === undefined || v === "") return "vmlinux";
  if (!(MODES as readonly string[]).includes(v)) throw new Error(`KDW_TEST_DEBUGINFO=${v}: expected one of ${MODES.join(", ")}`);
  return v as DebuginfoMode;
}

/** How this run opens the fixture. */
export const debuginfoMode: DebuginfoMode = modeOf(process.env.KDW_TEST_DEBUGINFO);
/** True when the run has DWARF (source lines, locals, globals' declared types): not in the `none` run. */
export const hasDwarf = debuginfoMode !== "none";
const VMLINUX_NAME = "vmlinux-6.1.0-50-cloud-amd64";

const cache = new Map<string, Session>();

/** The Session for dump.VARIANT (default lzo, the one reference/ was made from), or undefined when absent. */
export function fixtureSession(variant: "lzo" | "zlib" | "flat" | "elf" | "zstd" = "lzo"): Session | undefined {
  const hit = cache.get(variant);
  if (hit) return hit;
  const dumpPath = fixture(`dump.${variant}`);
  const vmlinuxPath = fixture("vmlinux");
  if (!dumpPath || !vmlinuxPath) return undefined;
  const vmlinux =
    debuginfoMode === "none" ? undefined : debuginfoMode === "debug-file" ? new OnlyKeepDebugSource(new NodeFileSource(VMLINUX_NAME, vmlinuxPath)) : new NodeFileSource(VMLINUX_NAME, vmlinuxPath);
  const session = Session.open(new NodeFileSource(`dump.${variant}`, dumpPath), vmlinux, {
    vmlinuxName: vmlinux ? VMLINUX_NAME : undefined,
    dumpName: `dump.${variant}`,
    decoder: new IcedDecoder(),
  });
  cache.set(variant, session);
  return session;
}

/**
 * The golden comparison's normalisation, written down once (fixtures README): trailing whitespace on each
 * line, runs of spaces, and leading/trailing blank lines. Everything else is compared value by value. With
 * no vmlinux, sys's KERNEL line names what stands in for it (NO_VMLINUX_NAME) where crash names the file it
 * was given: that one name is mapped to crash's.
 */
export function normalize(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+$/, "").replace(/[ \t]+/g, " "))
    .map((l) => (debuginfoMode === "none" ? l.replace(`KERNEL: ${NO_VMLINUX_NAME}`, `KERNEL: ${VMLINUX_NAME}`) : l))
    .join("\n")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "");
}

/**
 * In the no-vmlinux run, what a command that needs DWARF line tables (dis -l/-s, bt -l, list) answers instead
 * of crash's listing: one error line naming what is missing and what to give. Undefined in the other runs.
 */
export function dwarfOnlyError(command: string, what: string): string | undefined {
  return hasDwarf ? undefined : `${command}: ${what}: ${NO_DWARF}`;
}
