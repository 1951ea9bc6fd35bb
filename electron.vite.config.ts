import { defineConfig } from "electron-vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { resolve } from "node:path";

// Main (and the utility process that holds each window's Session) and the preload are Node-side bundles;
// the renderer is a Svelte app that sees no Node. The Session's worker thread is the CLI's
// (out/cli/session-worker.mjs, built by scripts/build-cli.mjs).
export default defineConfig({
  main: {
    build: { outDir: "out/main", rollupOptions: { input: { index: resolve("src/main/index.ts"), "session-host": resolve("src/main/session-host.ts") } } },
  },
  // A sandboxed preload must be a classic (CommonJS) script.
  preload: {
    build: { outDir: "out/preload", rollupOptions: { input: resolve("src/preload/index.ts"), output: { format: "cjs", entryFileNames: "index.cjs" } } },
  },
  renderer: {
    root: "src/renderer",
    base: "./",
    plugins: [svelte()],
    build: { outDir: "out/renderer", chunkSizeWarningLimit: 8192, rollupOptions: { input: resolve("src/renderer/index.html") } },
  },
});
