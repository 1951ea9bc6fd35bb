// Bundles the kdw command (src/cli) with esbuild into out/cli/kdw.mjs, so that `npx kdw` works right after
// `npm ci` (this runs from the "prepare" script). Dependencies stay external: they are in node_modules.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "out/cli/kdw.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: Object.keys(pkg.dependencies ?? {}),
  define: { KDW_VERSION: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
