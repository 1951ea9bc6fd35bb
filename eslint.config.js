// Lint, and the import boundaries of DESIGN.md enforced as rules:
// - src/core imports nothing from Node, the DOM or Electron;
// - inside src/core a layer imports only from the layers below it;
// - src/renderer sees no Node and no core beyond the contract's types.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { builtinModules } from "node:module";

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), "node:*"];
const platformImports = [...nodeBuiltins, "electron", "electron/*"];

// Top to bottom, as in DESIGN.md: a layer may import only from the layers after it in this list.
const coreLayers = ["session", "report", "detect", "commands", "kernel", "program", "arch", "debuginfo", "dump", "codec", "io"];

// The contract (session/contract.ts) is types only: the report, which gathers everything through it, may
// import its types although session sits above it.
const contractReaders = ["report"];

function layerRule(layer) {
  const above = coreLayers.slice(0, coreLayers.indexOf(layer));
  const reader = contractReaders.includes(layer);
  const group = above.map((l) => `**/${l}/**`).concat(above.map((l) => (reader && l === "session" ? "../session/*" : `../${l}`)));
  if (reader) group.push("!../session/contract", "!**/session/contract");
  return {
    files: [`src/core/${layer}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: platformImports.map((name) => ({ name, message: "src/core must not use Node, the DOM or Electron (DESIGN.md)." })),
          patterns: above.length
            ? [{ group, message: `src/core/${layer} may import only from layers below it (DESIGN.md).` }]
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
  {
    files: ["src/renderer/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: platformImports.map((name) => ({ name, message: "The renderer sees no Node and no Electron (DESIGN.md)." })),
          patterns: [{ group: ["**/core/**", "!**/core/session/contract"], message: "The renderer uses only the contract's types (src/core/session/contract.ts)." }],
        },
      ],
    },
  },
);
