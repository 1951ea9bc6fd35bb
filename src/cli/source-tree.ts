// The kernel source tree the user points kdw at (`--src DIR`): the core asks for files by path relative to
// the tree's top (list, dis -s) and gets their text, or undefined. Paths never leave the tree.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

/** Larger than any kernel source file (the largest are a few MB of generated tables). */
const MAX_SOURCE_BYTES = 32 << 20;

export function sourceTreeReader(root: string): (path: string) => string | undefined {
  const top = resolve(root);
  return (path) => {
    const full = resolve(top, path);
    const rel = relative(top, full);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
    try {
      const st = statSync(full);
      if (!st.isFile() || st.size > MAX_SOURCE_BYTES) return undefined;
      return readFileSync(full, "utf8");
    } catch {
      return undefined;
    }
  };
}
