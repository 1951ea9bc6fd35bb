// Finds module object files for `mod -s` / `mod -S` (the core asks through ModuleFileFinder and never
// touches the file system). A file the user names is opened as given; otherwise NAME.ko.debug, then NAME.ko
// (with '_' and '-' both tried: module names use '_', file names often '-') in the directory, then in its
// subdirectories (a /lib/modules/RELEASE tree), breadth first and bounded. Files are opened read-only.
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ModuleFileFinder } from "../core/session/host-types";
import { NodeFileSource } from "./node-file-source";

/** Directory entries visited at most per search (a /lib/modules tree has a few thousand). */
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 8;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function candidates(name: string): string[] {
  const names = [...new Set([name, name.replace(/_/g, "-"), name.replace(/-/g, "_")])];
  return [...names.map((n) => `${n}.ko.debug`), ...names.map((n) => `${n}.ko`)];
}

/** The first candidate file under `root`, searching one directory level at a time. */
export function findModuleObject(root: string, name: string): string | undefined {
  const wanted = candidates(name);
  let level = [resolve(root)];
  let visited = 0;
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    for (const dir of level) {
      for (const w of wanted) if (isFile(join(dir, w))) return join(dir, w);
    }
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (++visited > MAX_ENTRIES) return undefined;
        if (e.isDirectory()) next.push(join(dir, e.name));
      }
    }
    level = next;
  }
  return undefined;
}

/** The finder the console gives the session: default directory is the vmlinux's. */
export function moduleFileFinder(vmlinuxPath: string): ModuleFileFinder {
  return ({ name, file, dir }) => {
    const path = file !== undefined ? (isFile(file) ? file : undefined) : findModuleObject(dir ?? dirname(resolve(vmlinuxPath)), name);
    return path === undefined ? undefined : new NodeFileSource(path);
  };
}
