// Finding the debuginfo of a dump by its build id, never by guessing (DESIGN.md: say what was used, refuse
// what does not match). Places, in order: next to the dump; each folder of --debuginfo DIR and
// KDW_DEBUGINFO_PATH (searched like the dump's folder, and laid out like the places below); the system's
// debug folder (/usr/lib/debug, or $KDW_DEBUG_ROOT) by build id (.build-id/xx/rest.debug, as -dbg and
// -debuginfo packages install it) and by release (boot/vmlinux-RELEASE on Debian and Ubuntu,
// lib/modules/RELEASE/vmlinux on Fedora and RHEL); the debuginfod client cache (BUILDID/debuginfo).
// A candidate whose build id differs from the dump's is refused and said so; the first that matches is used.
// With none, symbols, types and ORC come from the dump itself (kallsyms, BTF).
import { readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import type { ByteSource } from "../core/io/byte-source";
import { dumpIdentity as identityOf, elfBuildId, type DumpIdentity } from "../core/session/identity";
import { nodeCodecs } from "./node-codecs";
import { KdwError } from "../core/io/errors";
import { NodeFileSource } from "./node-file-source";

/** Directory entries looked at per folder for vmlinux* files. */
const MAX_ENTRIES = 10_000;
const MAX_CANDIDATES = 64;

export interface DebuginfoPlaces {
  /** Folders from --debuginfo DIR (first) and KDW_DEBUGINFO_PATH. */
  dirs: string[];
  /** The system's debug folder (default /usr/lib/debug; $KDW_DEBUG_ROOT overrides). */
  systemDebugRoot: string;
  /** The debuginfod client cache ($DEBUGINFOD_CACHE_PATH, else $XDG_CACHE_HOME/debuginfod_client, else ~/.cache/debuginfod_client). */
  debuginfodCache: string;
}

export type { DumpIdentity } from "../core/session/identity";

export interface DebuginfoChoice {
  /** The file to use, when one matched. */
  path?: string;
  /** Where it was found ("next to the dump", "--debuginfo /x", "/usr/lib/debug/.build-id", ...). */
  place?: string;
  /** What to tell the user: the file used (or that none matched), and each file refused. */
  notes: string[];
}

/** The places from the environment and --debuginfo folders. */
export function debuginfoPlaces(dirs: string[] = [], env: NodeJS.ProcessEnv = process.env): DebuginfoPlaces {
  const fromEnv = (env.KDW_DEBUGINFO_PATH ?? "").split(delimiter).filter((d) => d !== "");
  return {
    dirs: [...dirs, ...fromEnv],
    systemDebugRoot: env.KDW_DEBUG_ROOT ?? "/usr/lib/debug",
    debuginfodCache: env.DEBUGINFOD_CACHE_PATH ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), ".cache"), "debuginfod_client"),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Files named vmlinux* in a folder (what crash users keep next to a dump: vmlinux, vmlinux-RELEASE, ...). */
function vmlinuxFiles(dir: string, except?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).slice(0, MAX_ENTRIES);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith("vmlinux") && !n.endsWith(".xz") && !n.endsWith(".gz") && !n.endsWith(".zst"))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => p !== except && isFile(p));
}

/** Where a build id's debug file sits in a .build-id tree, and a release's vmlinux in a debug root. */
function underDebugRoot(root: string, id: DumpIdentity): string[] {
  const out: string[] = [];
  if (id.buildId && id.buildId.length > 2) out.push(join(root, ".build-id", id.buildId.slice(0, 2), `${id.buildId.slice(2)}.debug`));
  if (id.release) out.push(join(root, "boot", `vmlinux-${id.release}`), join(root, "lib", "modules", id.release, "vmlinux"));
  return out;
}

/** Every candidate, in the order they are tried, with the place each comes from. */
export function debuginfoCandidates(dumpPath: string, id: DumpIdentity, places: DebuginfoPlaces): { path: string; place: string }[] {
  const out: { path: string; place: string }[] = [];
  const add = (path: string, place: string) => {
    if (!out.some((c) => c.path === path)) out.push({ path, place });
  };
  const dump = resolve(dumpPath);
  for (const p of vmlinuxFiles(dirname(dump), dump)) add(p, "next to the dump");
  for (const dir of places.dirs) {
    const place = `debuginfo folder ${dir}`;
    for (const p of vmlinuxFiles(dir)) add(p, place);
    for (const p of underDebugRoot(dir, id)) add(p, place);
    for (const p of underDebugRoot(join(dir, "usr", "lib", "debug"), id)) add(p, place);
    if (id.buildId) add(join(dir, id.buildId, "debuginfo"), place);
  }
  for (const p of underDebugRoot(places.systemDebugRoot, id)) add(p, places.systemDebugRoot);
  if (id.buildId) add(join(places.debuginfodCache, id.buildId, "debuginfo"), "the debuginfod cache");
  return out.filter((c) => isFile(c.path)).slice(0, MAX_CANDIDATES);
}

/** The build id of an ELF file, or why it has none. */
function buildIdOf(path: string): { buildId?: string; problem?: string } {
  let source: NodeFileSource | undefined;
  try {
    source = new NodeFileSource(path);
    const id = elfBuildId(source);
    return id ? { buildId: id } : { problem: "it has no build id" };
  } catch (err) {
    if (err instanceof KdwError) return { problem: `not a usable ELF file (${err.message})` };
    const e = err as { message?: string };
    return { problem: e.message ?? String(err) };
  } finally {
    source?.close();
  }
}

/** The first candidate whose build id is the dump's; the others tried are refused, and said so. */
export function resolveDebuginfo(dumpPath: string, id: DumpIdentity, places: DebuginfoPlaces): DebuginfoChoice {
  const notes: string[] = [];
  const want = id.buildId?.toLowerCase();
  if (!want) {
    notes.push("debuginfo: the dump's VMCOREINFO has no BUILD-ID, so none is searched for (name the vmlinux to use one); symbols, types and ORC come from the dump (kallsyms, BTF)");
    return { notes };
  }
  for (const c of debuginfoCandidates(dumpPath, id, places)) {
    const got = buildIdOf(c.path);
    if (got.buildId === want) {
      notes.push(`debuginfo: ${c.path} (${c.place}; build id ${want})`);
      return { path: c.path, place: c.place, notes };
    }
    notes.push(`debuginfo: refused ${c.path} (${c.place}): ${got.buildId ? `build id ${got.buildId}, the dump's is ${want}` : got.problem}`);
  }
  const searched = ["next to the dump", ...places.dirs, places.systemDebugRoot, places.debuginfodCache].join(", ");
  notes.push(`debuginfo: none matched build id ${want} (searched ${searched}); symbols, types and ORC come from the dump (kallsyms, BTF)`);
  return { notes };
}

/** The dump's build id and release, from its VMCOREINFO (nothing when it has none). */
export function dumpIdentity(source: ByteSource): DumpIdentity {
  return identityOf(source, nodeCodecs);
}

/**
 * The vmlinux to open with the dump: the one named, else the first matching the dump's build id in the
 * places debuginfo-search.ts looks; none with --no-debuginfo. Sets files.vmlinux; returns what to tell the user.
 */
export function chooseDebuginfo(files: { dump: string; vmlinux?: string }, noDebuginfo: boolean, dirs: string[]): string[] {
  if (noDebuginfo) {
    const named = files.vmlinux;
    delete files.vmlinux;
    return [`debuginfo: ${named ? `${named} not used` : "not searched"} (--no-debuginfo): symbols, types and ORC come from the dump (kallsyms, BTF)`];
  }
  if (files.vmlinux) return [];
  const source = new NodeFileSource(files.dump);
  let id;
  try {
    id = dumpIdentity(source);
  } catch {
    // The dump does not open: the open step says why, in its one line.
    return [];
  } finally {
    source.close();
  }
  const choice = resolveDebuginfo(files.dump, id, debuginfoPlaces(dirs));
  if (choice.path) files.vmlinux = choice.path;
  return choice.notes;
}
