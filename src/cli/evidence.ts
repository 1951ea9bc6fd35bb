// The evidence files the user named: which one is the dump (sniffed by content, not by name), and their
// identities (device and inode) so that nothing kdw writes — a console redirect above all — ever lands on
// them, whatever path, hard link or symlink names them.
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliUsageError } from "./args";
import { UsageError } from "../core/io/errors";

/** A file argument that is wrong (missing, a directory, not a dump): one line naming it, exit 1. */
export class FileArgumentError extends UsageError {}

/** Reads the first bytes of a file; undefined when it cannot be read (the open step will say why). */
function head(path: string, n: number): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, "r");
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A vmcore by its magic: ELF ET_CORE, KDUMP/DISKDUMP, makedumpfile's flattened header. */
export function isDumpFile(path: string): boolean {
  const h = head(path, 64);
  if (!h) return false;
  const sig = String.fromCharCode(...h.subarray(0, 12));
  if (sig.startsWith("KDUMP   ") || sig.startsWith("DISKDUMP") || sig === "makedumpfile") return true;
  if (h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd) return true; // a zstd archive: the core looks inside
  if (h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46 && h.length >= 18) {
    const eType = h[5] === 2 ? (h[16]! << 8) | h[17]! : h[16]! | (h[17]! << 8);
    return eType === 4; // ET_CORE
  }
  return false;
}

export function isElfFile(path: string): boolean {
  const h = head(path, 4);
  return !!h && h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46;
}

/** Checks a path the user named exists as a file, naming it when not. */
export function requireFile(path: string, what: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new FileArgumentError(`${path}: no such file`);
  }
  if (st.isDirectory()) throw new FileArgumentError(`${path}: is a directory, not a ${what}`);
}

/** The dump and (optionally) the vmlinux among one or two paths, in either order, as crash takes them. */
export function orderFiles(paths: string[]): { dump: string; vmlinux?: string } {
  if (paths.length === 0 || paths.length > 2) throw new CliUsageError(`expected [VMLINUX] DUMP, got ${paths.length} file(s)`);
  for (const p of paths) requireFile(p, "file");
  if (paths.length === 1) {
    if (!isDumpFile(paths[0]!)) throw new FileArgumentError(`${paths[0]}: not a vmcore (ELF core, KDUMP/DISKDUMP or makedumpfile flattened, or one of them compressed with zstd)`);
    return { dump: paths[0]! };
  }
  const [a, b] = paths as [string, string];
  const aDump = isDumpFile(a);
  const bDump = isDumpFile(b);
  if (aDump && bDump) throw new FileArgumentError(`${a} and ${b} are both vmcores: one must be the vmlinux`);
  if (!aDump && !bDump) {
    // Name the file that is wrong: the one that is not an ELF file is not a vmlinux either.
    const bad = isElfFile(a) ? b : a;
    throw new FileArgumentError(`${bad}: not a vmcore (ELF core, KDUMP/DISKDUMP or makedumpfile flattened, or one of them compressed with zstd)${isElfFile(a) && isElfFile(b) ? " (both files are ELF executables)" : ""}`);
  }
  const [dump, vmlinux] = aDump ? [a, b] : [b, a];
  if (!isElfFile(vmlinux)) throw new FileArgumentError(`${vmlinux}: not an ELF file, so not a vmlinux`);
  return { dump, vmlinux };
}

export interface EvidenceGuard {
  /** Why writing to `path` is refused, or undefined when it is allowed. */
  refuse(path: string): string | undefined;
  /** True when `path` names an evidence file (any link or name of it). */
  isEvidence(path: string): boolean;
  add(path: string): void;
}

/** Refuses writes onto evidence files (by device and inode) and into their folders (unless forced). */
export function evidenceGuard(paths: string[], options: { allowEvidenceFolder?: boolean } = {}): EvidenceGuard {
  const ids = new Set<string>();
  const folders = new Set<string>();
  const add = (p: string) => {
    try {
      const st = statSync(p);
      ids.add(`${st.dev}:${st.ino}`);
      folders.add(realpathSync(dirname(resolve(p))));
    } catch {
      // A path that cannot be stated is not open evidence.
    }
  };
  for (const p of paths) add(p);
  const isEvidence = (path: string): boolean => {
    try {
      const st = statSync(resolve(path));
      return ids.has(`${st.dev}:${st.ino}`);
    } catch {
      return false;
    }
  };
  return {
    add,
    isEvidence,
    refuse(path) {
      const full = resolve(path);
      try {
        const st = statSync(full);
        if (ids.has(`${st.dev}:${st.ino}`)) return `${path}: is an evidence file (kdw never writes evidence)`;
        // Module debuginfo that `mod -s` opened is opened by the session's worker, out of the guard's sight:
        // no redirect overwrites an ELF object or a vmcore, whichever it is.
        if (st.isFile() && (isElfFile(full) || isDumpFile(full))) return `${path}: is an ELF object or a vmcore: evidence or debuginfo (kdw never overwrites one)`;
      } catch {
        // Not there yet: only its folder matters.
      }
      let folder: string;
      try {
        folder = realpathSync(dirname(full));
      } catch {
        return undefined;
      }
      if (!options.allowEvidenceFolder && folders.has(folder)) return `${path}: is in the evidence folder (write elsewhere, or start kdw with --allow-evidence-folder)`;
      return undefined;
    },
  };
}
