// Lint, and the import boundaries of DESIGN.md enforced as rules:
// - src/core imports nothing from Node, the DOM or Electron;
// - inside src/core a layer imports only from the layers below it;
// - src/renderer sees no Node and no core beyond the contract's types, and never writes HTML from strings
//   (everything shown comes from a hostile dump: text nodes only).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import { builtinModules } from "node:module";

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), "node:*"];
const platformImports = [...nodeBuiltins, "electron", "electron/*"];

// Top to bottom, as in DESIGN.md: a layer may import only from the layers after it in this list.
const coreLayers = ["session", "report", "detect", "commands", "kernel", "program", "arch", "debuginfo", "dump", "codec", "io"];

function layerRule(layer) {
  const above = coreLayers.slice(0, coreLayers.indexOf(layer));
  return {
    files: [`src/core/${layer}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: platformImports.map((name) => ({ name, message: "src/core must not use Node, the DOM or Electron (DESIGN.md)." })),
          patterns: above.length
            ? [{ group: above.map((l) => `**/${l}/**`).concat(above.map((l) => `../${l}`)), message: `src/core/${layer} may import only from layers below it (DESIGN.md).` }]
            : [],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "dist/**", "samples/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["scripts/**/*.mjs", "bin/**/*.mjs", "eslint.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    files: ["src/core/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: platformImports }] },
  },
  ...coreLayers.map(layerRule),
  ...svelte.configs.recommended,
  {
    files: ["src/renderer/**/*.svelte", "src/renderer/**/*.svelte.ts", "test/ui/**/*.svelte"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"] } },
  },
  {
    files: ["src/renderer/**/*.ts", "src/renderer/**/*.svelte"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: platformImports.map((name) => ({ name, message: "The renderer sees no Node and no Electron (DESIGN.md)." })),
          patterns: [{ regex: "(^|/)core/(?!session/contract$|detect/finding$)", message: "The renderer uses only the contract's types (src/core/session/contract.ts)." }],
        },
      ],
      "svelte/no-at-html-tags": "error",
      // State here is replaced, not mutated (a new Set on each change), which Svelte tracks already.
      "svelte/prefer-svelte-reactivity": "off",
      "no-restricted-properties": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML", "createContextualFragment", "setHTMLUnsafe"].map((property) => ({ property, message: "Dump strings are hostile: build DOM from text nodes (textContent), never from HTML." })),
        ...["write", "writeln"].map((property) => ({ object: "document", property, message: "Dump strings are hostile: never document.write." })),
      ],
    },
  },
);
