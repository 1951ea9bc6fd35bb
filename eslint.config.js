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

// src/core/commands/detect is the console's face of the detectors (`findings`, `hooks`): it sits with the
// commands but reads the detect layer, so it follows detect's rule, not commands'.
const faces = { "commands/detect": "detect" };

function layerRule(layer, folder = layer) {
  const above = coreLayers.slice(0, coreLayers.indexOf(layer));
  return {
    files: [`src/core/${folder}/**/*.ts`],
    ignores: Object.keys(faces).filter((f) => f !== folder && f.startsWith(`${folder}/`)).map((f) => `src/core/${f}/**`),
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
  ...coreLayers.map((l) => layerRule(l)),
  ...Object.entries(faces).map(([folder, layer]) => layerRule(layer, folder)),
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
