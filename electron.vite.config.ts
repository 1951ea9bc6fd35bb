import { defineConfig } from "electron-vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { resolve } from "node:path";

// Main and preload are Node-side bundles; the renderer is a Svelte app that sees no Node.
export default defineConfig({
  main: {
    build: { outDir: "out/main", rollupOptions: { input: resolve("src/main/index.ts") } },
  },
  // A sandboxed preload must be a classic (CommonJS) script.
  preload: {
    build: { outDir: "out/preload", rollupOptions: { input: resolve("src/preload/index.ts"), output: { format: "cjs", entryFileNames: "index.cjs" } } },
  },
  renderer: {
    root: "src/renderer",
    plugins: [svelte()],
    build: { outDir: "out/renderer", rollupOptions: { input: resolve("src/renderer/index.html") } },
  },
});
