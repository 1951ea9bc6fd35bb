// The user's cache folder for indexes kdw builds from debuginfo (the DWARF name index, keyed by build id):
// $KDW_CACHE_DIR, else $XDG_CACHE_HOME/kdw, else ~/.cache/kdw. Never next to the evidence. Writes go to a
// temporary file renamed into place, so a crash mid-write leaves no half file for the next session.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { IndexCache } from "../core/session/host-types";

const MAX_CACHE_FILE = 512 << 20;

export function cacheDir(): string {
  return process.env.KDW_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kdw");
}

/** Keys are `<hex build id>/<name>`; anything else is refused rather than turned into a path. */
function pathOf(dir: string, key: string): string | undefined {
  return /^[0-9a-f]{8,64}\/[a-z0-9-]+$/.test(key) ? join(dir, ...key.split("/")) : undefined;
}

/** Index images this process wrote (any folder); how many of them its opens wrote; the count at the last answer. */
let written = 0;
let writtenByOpens = 0;
let writtenAtAnswer = 0;

/**
 * Index images written by opens: an open that wrote some built them (the first session on a vmlinux), one
 * that wrote none read them. What other calls write (names a command learned) is not counted.
 */
export function indexImagesWrittenByOpens(): number {
  return writtenByOpens;
}

/** A call was answered: what was written since the last answer was its (calls run one at a time). */
export function callAnswered(method: string): void {
  if (method === "open") writtenByOpens += written - writtenAtAnswer;
  writtenAtAnswer = written;
}

export function fileCache(dir: string = cacheDir()): IndexCache {
  return {
    read(key) {
      const p = pathOf(dir, key);
      if (!p || !existsSync(p)) return undefined;
      try {
        const bytes = readFileSync(p);
        return bytes.length <= MAX_CACHE_FILE ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
      } catch {
        return undefined;
      }
    },
    ranges(key) {
      const p = pathOf(dir, key);
      if (!p) return undefined;
      let size: number;
      try {
        size = statSync(p).size;
      } catch {
        return undefined;
      }
      return {
        size,
        // Opened for each read: nothing is held open between lookups (a rename over it, on Windows, would fail).
        read(offset, length) {
          if (offset < 0 || length < 0 || offset + length > size) return undefined;
          let fd: number | undefined;
          try {
            fd = openSync(p, "r");
            const out = new Uint8Array(length);
            return readSync(fd, out, 0, length, offset) === length ? out : undefined;
          } catch {
            return undefined;
          } finally {
            if (fd !== undefined) closeSync(fd);
          }
        },
      };
    },
    write(key, bytes) {
      const p = pathOf(dir, key);
      if (!p) return;
      mkdirSync(dirname(p), { recursive: true });
      const tmp = `${p}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, p);
      written++;
      pruneOlderFormats(dirname(p), basename(p));
    },
  };
}

/**
 * Removes the files an earlier kdw wrote for what `written` replaces: the same name in an older format
 * (`symbols-v2-…` once `symbols-v3-…` is written). Newer formats are left to the kdw that reads them.
 */
function pruneOlderFormats(folder: string, written: string): void {
  const m = /^([a-z0-9-]+?)-v(\d+)(?:-|$)/.exec(written);
  if (!m) return;
  const [, stem, version] = m;
  try {
    for (const f of readdirSync(folder)) {
      const o = new RegExp(`^${stem}-v(\\d+)(?:-|$)`).exec(f);
      if (o && Number(o[1]) < Number(version)) rmSync(join(folder, f), { force: true });
    }
  } catch {
    // A file that cannot be removed is only space.
  }
}
