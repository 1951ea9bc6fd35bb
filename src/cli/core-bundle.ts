// The console's script runs (`-c`, `-i`) and the session worker load the Session's code (out/cli/session-core.cjs,
// the core and the Node host in one CommonJS bundle) through V8's code cache: the bytecode V8 compiled for it
// in an earlier run, kept in the user's cache folder (cache.ts), keyed by the bundle's SHA-1, Node's version
// and the architecture, and written again when V8 refuses it, or when a session used the core in a way the
// cache was not written after (a command it had not seen, `foreach files` after `sys`; an open that read the
// indexes kept by build id after one that built them): V8 compiles a function when it first runs, so a cache
// written after `sys` leaves `mod` to compile on its first run. The
// ways a cache was written after are listed beside it (FILE.uses), up to MAX_USES of them. Parsing and
// compiling 1.2 MB of JavaScript is a third of a start-up's CPU time otherwise (Node 20 has no compile cache
// of its own: module.enableCompileCache is 22's). This module imports nothing of the core, so the worker's
// own bundle stays a few kilobytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { cacheDir } from "./cache";
import { exposeCollector } from "./heap";
import { lazyBuiltin } from "./builtin";

const crypto = lazyBuiltin<typeof import("node:crypto")>("node:crypto");

/** Code caches kept in the folder (one per bundle and Node version); older ones are removed. */
const KEEP_CACHES = 4;
/** Uses listed beside a cache: past them, new ones no longer write it again (each write costs ~15 ms). */
const MAX_USES = 256;
/** The use an open is named by when it built the indexes kept by build id rather than read them. */
const OPEN_BUILDING = "open, indexes built";
/** A temporary file older than this was left by a write that did not finish. */
const STALE_TMP_MS = 60_000;

/** What session-core.cjs exports (src/cli/local-session.ts). */
export type SessionCore = typeof import("./local-session");

export interface LoadedCore {
  core: SessionCore;
  /**
   * Writes V8's code cache for the bundle, with what this process compiled so far, when there was none, V8
   * refused it, or `uses` (codeUse's names for what the session did) holds one the cache was not written after.
   */
  save(uses?: readonly string[]): void;
}

/**
 * A name for one use of the core, as the code cache's list keeps it: the method, and for a console line its
 * command word with its option words and, for foreach, its keywords (`console foreach files`,
 * `console bt -a`); not its arguments (addresses, pids, names), which run the same code.
 */
export function codeUse(method: string, line?: string): string {
  if (line === undefined) return method;
  const words = line.trim().split(/\s+/);
  const command = words[0] ?? "";
  const kept = words.slice(1).filter((w) => /^-[A-Za-z]+$/.test(w) || (command === "foreach" && /^[a-z]+$/.test(w)));
  return ["console", command, ...kept].join(" ").slice(0, 80);
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

/** The bundle beside this module (or at `bundlePath`) through the code cache; undefined when there is none (the sources run). */
export function loadBundledCore(bundlePath?: string): LoadedCore | undefined {
  const path = bundlePath ?? bundleFile();
  if (path === undefined) return undefined;
  const bytes = readFileSync(path);
  const id = bundleSha1(path, bytes).slice(0, 16);
  const cachePath = join(cacheDir(), "code", `session-core-${id}-${process.version}-${process.arch}.v8`);
  const usesPath = `${cachePath}.uses`;
  let cachedData: Buffer | undefined;
  let covered = new Set<string>();
  try {
    if (existsSync(cachePath)) {
      cachedData = readFileSync(cachePath);
      if (existsSync(usesPath)) covered = new Set(readFileSync(usesPath, "latin1").split("\n").filter((u) => u !== ""));
    }
  } catch {
    cachedData = undefined;
  }
  // The build writes the bundle as one function (CommonJS's parameters, then the module's URL for the code
  // that looks for files beside itself), in ASCII (build-cli.mjs checks): read as Latin-1, a copy rather
  // than a UTF-8 decode, and V8's source as it is (Node makes a string this long external: not copied again).
  // V8 refuses a code cache made under other flags: the one the session sets later (heap.ts) is set first.
  exposeCollector();
  const script = new Script(bytes.toString("latin1"), { filename: path, cachedData });
  // No cache, or one V8 refused: written at the first save whatever the uses.
  let fresh = cachedData === undefined || script.cachedDataRejected === true;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as SessionCore };
  wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path), pathToFileURL(path).href);
  return {
    core: module.exports,
    save: (given = []) => {
      // An open that built the indexes kept by build id (the first session on a vmlinux) runs other code than
      // one that reads them (every later session): the two are different uses, so the cache written after
      // the first is written again after the second.
      const uses = module.exports.indexImagesWrittenByOpens() > 0 ? given.map((u) => (u === "open" ? OPEN_BUILDING : u)) : given;
      const added = uses.filter((u) => !covered.has(u));
      if (!fresh && (added.length === 0 || covered.size >= MAX_USES)) return;
      covered = new Set([...(fresh ? [] : covered), ...uses]);
      fresh = false;
      try {
        const dir = dirname(cachePath);
        mkdirSync(dir, { recursive: true });
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
        writeFileSync(tmp, [...covered].slice(0, MAX_USES).join("\n") + "\n");
        renameSync(tmp, usesPath);
        // Caches of other bundles (builds, Node versions, checkouts): the newest few stay, with their lists.
        const others = readdirSync(dir)
          .filter((f) => /^session-core-.*\.v8$/.test(f))
          .map((f) => ({ path: join(dir, f), time: statSync(join(dir, f)).mtimeMs }))
          .sort((a, b) => b.time - a.time);
        for (const o of others.slice(KEEP_CACHES)) {
          rmSync(o.path, { force: true });
          rmSync(`${o.path}.uses`, { force: true });
        }
        // A write cut short (the console ends its worker thread as it quits) leaves its temporary file.
        for (const f of readdirSync(dir)) {
          const p = join(dir, f);
          if (f.endsWith(".tmp") && Date.now() - statSync(p).mtimeMs > STALE_TMP_MS) rmSync(p, { force: true });
        }
      } catch {
        // A cache that cannot be written costs only time next run.
      }
    },
  };
}
