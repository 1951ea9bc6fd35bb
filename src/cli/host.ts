// The Node host of the core's Session: files opened read-only, iced-x86 for disassembly, Node's zlib for
// zlib pages, the user's cache folder, source trees and module object files. Every adapter that runs a
// Session under Node (the console's worker, `kdw serve`, tests) builds it here.
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SessionHost, HostFile } from "../core/session/service";
import { NodeFileSource } from "./node-file-source";
import { IcedDecoder } from "./iced-decoder";
import { nodeCodecs } from "./node-codecs";
import { fileCache } from "./cache";
import { nodeIndexWorkers } from "./index-workers";
import { sourceTreeReader } from "./source-tree";
import { moduleFileFinder } from "./module-files";

declare const KDW_VERSION: string;
declare const KDW_COMMIT: string;

/** kdw's sample dump (`kdw demo`, the welcome screen), two folders up from src/cli and from out/cli alike. */
export const SAMPLE_DUMP = fileURLToPath(new URL("../../samples/dump.kdump.zst", import.meta.url));

/** The bundle's version, else package.json's (two folders up from src/cli and from out/cli alike). */
export function kdwVersion(): string {
  if (typeof KDW_VERSION === "string") return KDW_VERSION;
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "dev";
  }
}

/** The commit the bundle was built from ("…-dirty" when the tree had changes); undefined when unknown. */
export function kdwCommit(): string | undefined {
  return typeof KDW_COMMIT === "string" && KDW_COMMIT !== "" ? KDW_COMMIT : undefined;
}

/** An fs-style error (code and path) for a path that is not a readable regular file. */
function fileError(path: string, code: string, message: string): Error {
  return Object.assign(new Error(message), { code, path });
}

export function openHostFile(path: string, name: string = path): HostFile {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code ?? "EIO";
    throw fileError(path, code, code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : `cannot open (${code})`);
  }
  if (st.isDirectory()) throw fileError(path, "EISDIR", "is a directory, not a file");
  if (!st.isFile() && !st.isBlockDevice()) throw fileError(path, "EINVAL", "not a regular file");
  const source = new NodeFileSource(name, path);
  return { source, path, close: () => source.close() };
}

export interface NodeHostOptions {
  /** Use the user's cache folder for indexes (default true). */
  cache?: boolean;
}

export function nodeHost(options: NodeHostOptions = {}): SessionHost {
  return {
    version: kdwVersion(),
    openFile: (path) => openHostFile(path),
    decoder: new IcedDecoder(),
    codecs: nodeCodecs,
    cache: options.cache === false ? undefined : fileCache(),
    indexWorkers: nodeIndexWorkers(),
    sourceReader: (dir) => sourceTreeReader(dir),
    moduleFileFinder: (vmlinuxPath) => moduleFileFinder(vmlinuxPath),
    ...(existsSync(SAMPLE_DUMP) ? { sample: SAMPLE_DUMP } : {}),
  };
}
