// The one place tests learn where the real fixtures are (../shared/fixtures, unpacked by prepare.sh into
// $KDW_FIXTURES or ~/.cache/kdw-fixtures). Absent fixtures skip with a visible reason, except under CI=true,
// where absence is a failure.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const fixturesDir = process.env.KDW_FIXTURES ?? join(homedir(), ".cache", "kdw-fixtures");
export const inCI = process.env.CI === "true";

/** Full path of a fixture file, or undefined (with a note on stderr) when it is not there. Throws under CI. */
export function fixture(name: string): string | undefined {
  const p = join(fixturesDir, name);
  if (existsSync(p)) return p;
  const msg = `fixture ${name} not found in ${fixturesDir} (run ../shared/fixtures/prepare.sh)`;
  if (inCI) throw new Error(msg);
  process.stderr.write(`SKIP: ${msg}\n`);
  return undefined;
}

/** True when every named fixture exists (throws under CI when one is missing). Use with `describe.skipIf`. */
export function haveFixtures(...names: string[]): boolean {
  return names.map((n) => fixture(n) !== undefined).every(Boolean);
}

export function reference(name: string): string {
  return readFileSync(join(fixturesDir, "reference", name), "latin1");
}

export interface Manifest {
  kernel: { osrelease: string; build_id: string; kernel_offset: string; banner: string };
  machine: { cpus: number; memory: string; nodename: string };
  crash_time: string;
  panic: { pid: number; task: string; cpu: number; comm: string };
}

export function manifest(): Manifest {
  return JSON.parse(readFileSync(join(fixturesDir, "manifest.json"), "utf8")) as Manifest;
}

/** The kdump variants of the main dump, by the name used in reference/variants. */
export const DUMP_VARIANTS = ["lzo", "zlib", "flat", "elf"] as const;
export function dumpFile(variant: (typeof DUMP_VARIANTS)[number]): string {
  return `dump.${variant}`;
}
