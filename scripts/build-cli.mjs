// Bundles the kdw command (src/cli) with esbuild into out/cli (kdw.cjs, the subcommands' modules, the session worker and the core), so that `npx kdw` works right after
// `npm ci` (this runs from the "prepare" script). Dependencies stay external: they are in node_modules.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** The commit being built, for the report's chain of custody ("…-dirty" with uncommitted changes); "" outside git. */
function commit() {
  const git = (...args) => execFileSync("git", args, { cwd: new URL("..", import.meta.url), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const head = git("rev-parse", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") ? `${head}-dirty` : head;
  } catch {
    return "";
  }
}

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}),
  define: { KDW_VERSION: JSON.stringify(pkg.version), KDW_COMMIT: JSON.stringify(commit()) },
  logLevel: "warning",
};

// The command in two parts. Its entry and the console (`kdw console`, `kdw VMLINUX DUMP`: the start that
// is timed against crash and drgn) are one CommonJS file, out/cli/kdw.cjs, which bin/kdw.cjs requires: no
// ES module loader to start, no graph of a dozen chunks to resolve, ~20 ms of a `-c sys` start. The other
// subcommands are ES modules, split: each an entry (out/cli/info.mjs, serve.mjs, ...) that kdw.cjs imports
// when it runs, their shared code in chunks, so that a start-up loads only what its subcommand needs.
// Everything sits in out/cli: the code that finds files relative to its own module (the sample,
// package.json, the workers, the core bundle) finds them from there alike. Errors cross the two parts by a
// registered symbol (isKdwError, isCliUsageError): each part has its own copy of the classes.
// Chunks of an earlier build (their names are hashes of their contents) go first.
const SUBCOMMANDS = ["info", "read", "serve", "report", "findings", "demo"];
// ES module entries the CommonJS part imports when it needs them: the subcommands, and the console's search
// for a vmlinux by build id (it opens the dump: the dump readers and codecs, 170 KB kdw.cjs would otherwise
// compile at every start, vmlinux given or not).
const ESM_PARTS = [...SUBCOMMANDS, "debuginfo-search"];
const outDir = new URL("../out/cli/", import.meta.url);
if (existsSync(outDir)) for (const f of readdirSync(outDir)) if (/^chunk-.*\.mjs(\.map)?$/.test(f)) rmSync(new URL(f, outDir));
await build({
  ...common,
  entryPoints: Object.fromEntries(ESM_PARTS.map((c) => [c, `src/cli/${c}.ts`])),
  outdir: "out/cli",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  chunkNames: "chunk-[hash]",
});
await build({
  ...common,
  entryPoints: { kdw: "src/cli/main.ts" },
  outdir: "out/cli",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  define: { ...common.define, "import.meta.url": "__kdwModuleUrl" },
  banner: { js: 'const __kdwModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [
    {
      name: "kdw-cli-parts",
      setup(b) {
        // main.ts's other subcommands and the console's search: the ES module entries built above.
        b.onResolve({ filter: new RegExp(`^\\./(${ESM_PARTS.join("|")})$`) }, (a) => (a.kind === "dynamic-import" ? { path: `./${a.path.slice(2)}.mjs`, external: true } : undefined));
        // code-cache.ts runs the core's sources when there is no bundle (tests): the built command always has it.
        b.onResolve({ filter: /^\.\/local-session$/ }, () => ({ path: "local-session", namespace: "kdw-missing" }));
        b.onLoad({ filter: /.*/, namespace: "kdw-missing" }, () => ({
          contents: 'throw new Error("kdw: out/cli/session-core.cjs is missing: run `npm run build:cli`");',
          loader: "js",
        }));
      },
    },
  ],
});
// The worker thread the interactive console and `kdw serve` run the Session in (Electron's utility process
// starts it too), and the threads that build parts of the DWARF name index: one file each.
await build({ ...common, entryPoints: { "session-worker": "src/cli/session-worker.ts", "dwarf-index-worker": "src/cli/dwarf-index-worker.ts" }, outdir: "out/cli", outExtension: { ".js": ".mjs" } });
/**
 * fflate (the pure-JS inflater of zlib pages and compressed ELF sections) builds its Huffman tables when its
 * module loads: 6 ms of every start, though an lzo dump with a plain vmlinux never inflates. In the core
 * bundle, `fflate/browser` is a stand-in that requires the package's browser build (lib/browser.cjs, no
 * worker_threads) from node_modules on the first call. Only the exports the core imports are stood in for:
 * importing another is a build error here.
 */
const lazyFflate = {
  name: "lazy-fflate",
  setup(b) {
    b.onResolve({ filter: /^fflate\/browser$/ }, (a) => (a.namespace === "lazy-fflate" ? { path: "fflate/browser", external: true } : { path: "fflate/browser", namespace: "lazy-fflate" }));
    b.onLoad({ filter: /.*/, namespace: "lazy-fflate" }, () => ({
      contents: 'let m; const load = () => (m ??= require("fflate/browser")); export function unzlibSync(data, opts) { return load().unzlibSync(data, opts); }',
      loader: "js",
    }));
  },
};

/** The bundle's function's parameters: CommonJS's, and the module's URL (src/cli/core-bundle.ts passes them). */
const CORE_PARAMETERS = "exports, require, module, __filename, __dirname, __kdwModuleUrl";
// The Session for the console's scripts and the session worker, loaded through V8's code cache (src/cli/core-bundle.ts): CommonJS
// (what vm.Script runs), its dependencies bundled in but those loaded only when first needed, required from
// node_modules then: iced-x86 (`dis`), hash-wasm (`info --hash`, 270 KB) and zstddec (a zstd archive).
await build({
  ...common,
  entryPoints: { "session-core": "src/cli/local-session.ts" },
  outdir: "out/cli",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  // ASCII only (esbuild escapes the rest): core-bundle.ts reads it as Latin-1, a copy, not a UTF-8 decode.
  charset: "ascii",
  // Without comments and spaces (names kept): 1.56 -> 1.16 MB, read and held as a string at every start
  // (start to sys, 21 rounds, each build with a cache folder of its own: 259 -> 246 ms, 440 fewer faults).
  minifyWhitespace: true,
  minifySyntax: true,
  external: ["iced-x86", "hash-wasm", "zstddec"],
  // import() of those becomes require() (vm.Script has no loader for import()).
  supported: { "dynamic-import": false },
  define: { ...common.define, "import.meta.url": "__kdwModuleUrl" },
  plugins: [lazyFflate],
  // Written as the function vm.Script compiles (core-bundle.ts): the file's text is then the script's source
  // as it is, one flat string, where a wrapper added at load time made a second 1.2 MB string for V8 to
  // flatten at every start.
  banner: { js: `(function (${CORE_PARAMETERS}) {` },
  footer: { js: "\n})" },
});
// Its SHA-1 beside it, written after it: the code cache's key, read at start-up instead of hashing 1.2 MB
// (and loading node:crypto) in every run.
const core = new URL("../out/cli/session-core.cjs", import.meta.url);
const coreBytes = readFileSync(core);
if (coreBytes.some((b) => b > 0x7f)) throw new Error("out/cli/session-core.cjs holds a byte above 0x7f: core-bundle.ts reads it as Latin-1");
writeFileSync(new URL("session-core.cjs.sha1", core), createHash("sha1").update(coreBytes).digest("hex") + "\n");
