// The console's script runs (`-c`, `-i`) and the session worker load the Session's code (out/cli/session-core.cjs,
// the core and the Node host in one CommonJS bundle) through V8's code cache: the bytecode V8 compiled for it
// in an earlier run, kept in the user's cache folder (cache.ts), keyed by the bundle's SHA-1, Node's version
// and the architecture, and written again when V8 refuses it. Parsing and compiling 1.7 MB of JavaScript is a
// third of a start-up's CPU time otherwise (Node 20 has no compile cache of its own: module.enableCompileCache
// is 22's). This module imports nothing of the core, so the worker's own bundle stays a few kilobytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { cacheDir } from "./cache";
import { lazyBuiltin } from "./builtin";

const crypto = lazyBuiltin<typeof import("node:crypto")>("node:crypto");

/** Code caches kept in the folder (one per bundle and Node version); older ones are removed. */
const KEEP_CACHES = 4;

/** What session-core.cjs exports (src/cli/local-session.ts). */
export type SessionCore = typeof import("./local-session");

export interface LoadedCore {
  core: SessionCore;
  /** Writes V8's code cache for the bundle when there was none (or V8 refused it): after the run, so that it holds what the run compiled. */
  save(): void;
}

/** The bundle beside this module (out/cli), or undefined when running the sources. */
function bundleFile(): string | undefined {
  const path = fileURLToPath(new URL("./session-core.cjs", import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * The bundle's SHA-1: from the file the build wrote beside it after it (session-core.cjs.sha1), else, when
 * that is missing, malformed or older than the bundle (a bundle rebuilt without it), computed.
 */
function bundleSha1(path: string, bytes: Uint8Array): string {
  try {
    const side = `${path}.sha1`;
    if (statSync(side).mtimeMs >= statSync(path).mtimeMs) {
      const text = readFileSync(side, "latin1").trim();
      if (/^[0-9a-f]{40}$/.test(text)) return text;
    }
  } catch {
    // No file beside it: hashed below.
  }
  return crypto().createHash("sha1").update(bytes).digest("hex");
}

/** The bundle beside this module through the code cache; undefined when there is none (the sources run). */
export function loadBundledCore(): LoadedCore | undefined {
  const path = bundleFile();
  if (path === undefined) return undefined;
  const bytes = readFileSync(path);
  const id = bundleSha1(path, bytes).slice(0, 16);
  const cachePath = join(cacheDir(), "code", `session-core-${id}-${process.version}-${process.arch}.v8`);
  let cachedData: Buffer | undefined;
  try {
    if (existsSync(cachePath)) cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper, plus the module's URL for the code that looks for files beside itself.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __kdwModuleUrl) {${bytes.toString("utf8")}\n})`, { filename: path, cachedData });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as SessionCore };
  wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path), pathToFileURL(path).href);
  return {
    core: module.exports,
    save: () => {
      if (cachedData !== undefined && !script.cachedDataRejected) return;
      try {
        const dir = dirname(cachePath);
        mkdirSync(dir, { recursive: true });
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
        // Caches of other bundles (builds, Node versions, checkouts): the newest few stay.
        const others = readdirSync(dir)
          .filter((f) => /^session-core-.*\.v8$/.test(f))
          .map((f) => ({ path: join(dir, f), time: statSync(join(dir, f)).mtimeMs }))
          .sort((a, b) => b.time - a.time);
        for (const o of others.slice(KEEP_CACHES)) rmSync(o.path, { force: true });
      } catch {
        // A cache that cannot be written costs only time next run.
      }
    },
  };
}

