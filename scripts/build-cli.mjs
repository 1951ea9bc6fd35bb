// Bundles the kdw command (src/cli) with esbuild into out/cli/kdw.mjs (and its session worker), so that `npx kdw` works right after
// `npm ci` (this runs from the "prepare" script). Dependencies stay external: they are in node_modules.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

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

await build({
  // The command, the worker thread its console and `kdw serve` run the Session in, and the threads that build
  // parts of the DWARF name index.
  entryPoints: { kdw: "src/cli/main.ts", "session-worker": "src/cli/session-worker.ts", "dwarf-index-worker": "src/cli/dwarf-index-worker.ts" },
  outdir: "out/cli",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}),
  define: { KDW_VERSION: JSON.stringify(pkg.version), KDW_COMMIT: JSON.stringify(commit()) },
  logLevel: "warning",
});
