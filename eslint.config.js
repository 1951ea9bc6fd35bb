// Lint, and the import boundaries of DESIGN.md enforced as allowlists (VS Code's code-import-patterns):
// - src/core imports nothing from Node, the DOM or Electron;
// - inside src/core a layer imports only from the layers below it, and detect not from commands;
// - a command imports no other command: commands/<group>/ files import commands/shared, the command
//   framework (command, command-error, options), their own command's parts, and lower layers (kdw/command-imports);
// - the adapters (src/cli, src/server, src/main) import from src/core only the session and io (errors);
// - src/renderer sees no Node and no core beyond the contract's types, and never writes HTML from strings
//   (everything shown comes from a hostile dump: text nodes only).
// Import cycles inside src/core are checked by test/unit/architecture.test.ts.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import { builtinModules } from "node:module";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = dirname(fileURLToPath(import.meta.url));

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), "node:*"];
const platformImports = [...nodeBuiltins, "electron", "electron/*"];

// Top to bottom, as in DESIGN.md: a layer may import only from the layers after it in this list.
const coreLayers = ["session", "report", "detect", "commands", "kernel", "program", "arch", "debuginfo", "dump", "codec", "io"];

/** Layers a layer may not import although they are below it: the detectors read typed results, not commands. */
const alsoForbidden = { detect: ["commands"] };

// The contract (session/contract.ts) is types only: the report, which gathers everything through it, may
// import its types although session sits above it.
const contractReaders = ["report"];

// src/core/commands/detect is the console's face of the detectors (`findings`, `hooks`): it sits with the
// commands but reads the detect layer, so it follows the detect layer's rule (less its ban on commands: it
// uses the command framework), not the commands layer's.
const faces = { "commands/detect": "detect" };

function layerRule(layer, folder = layer) {
  const face = folder !== layer;
  const above = [...coreLayers.slice(0, coreLayers.indexOf(layer)), ...(face ? [] : (alsoForbidden[layer] ?? []))];
  // The folder's own index registers its faces' commands: "./detect/findings" from commands/index.ts.
  const facesBelow = Object.keys(faces).filter((f) => f.startsWith(`${folder}/`)).map((f) => `!./${f.slice(folder.length + 1)}/*`);
  const reader = contractReaders.includes(layer);
  const group = above.map((l) => `**/${l}/**`).concat(above.map((l) => (reader && l === "session" ? "../session/*" : `../${l}`)), facesBelow);
  if (reader) group.push("!../session/contract", "!**/session/contract");
  return {
    files: [`src/core/${folder}/**/*.ts`],
    ignores: Object.keys(faces).filter((f) => f !== folder && f.startsWith(`${folder}/`)).map((f) => `src/core/${f}/**`),
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: platformImports.map((name) => ({ name, message: "src/core must not use Node, the DOM or Electron (DESIGN.md)." })),
          patterns: above.length
            ? [{ group, message: `src/core/${folder} may import only from layers below ${layer}${!face && alsoForbidden[layer] ? `, and not from ${alsoForbidden[layer].join(", ")}` : ""} (DESIGN.md).` }]
            : [],
        },
      ],
    },
  };
}

/** The files of the command framework, at the top of src/core/commands, that every command may import. */
const COMMAND_FRAMEWORK = new Set(["command", "command-error", "options"]);

/** The command a file of commands/<group>/ belongs to: "ps" for ps.ts and ps-format.ts. */
function commandStem(base) {
  return base.split("-")[0];
}

/**
 * kdw/command-imports: in src/core/commands/<group>/, a file imports from src/core/commands only
 * commands/shared, the framework (command, command-error, options) and the files of its own command
 * (ps.ts and ps-*.ts); commands/shared imports only shared and the framework.
 */
const commandImports = {
  meta: {
    type: "problem",
    schema: [],
    messages: {
      otherCommand: "{{from}} imports {{to}}: a command imports no other command; move what they share into commands/shared.",
      sharedCommand: "{{from}} imports {{to}}: commands/shared imports no command.",
    },
  },
  create(context) {
    const file = relative(repoRoot, context.filename).split(sep).join("/");
    const m = /^src\/core\/commands\/([^/]+)\/([^/]+)\.ts$/.exec(file);
    if (!m) return {};
    const [, group, base] = m;
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      let target = relative(repoRoot, resolve(dirname(context.filename), spec)).split(sep).join("/").replace(/\.(js|ts)$/, "");
      if (target === "src/core/commands") target += "/index";
      const t = /^src\/core\/commands\/(?:([^/]+)\/)?([^/]+)$/.exec(target);
      if (!t) return;
      const [, tGroup, tBase] = t;
      if (tGroup === undefined ? COMMAND_FRAMEWORK.has(tBase) : tGroup === "shared") return;
      if (group === "shared") context.report({ node, messageId: "sharedCommand", data: { from: file, to: target } });
      else if (tGroup !== group || commandStem(tBase) !== commandStem(base)) context.report({ node, messageId: "otherCommand", data: { from: file, to: target } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "dist/**", "samples/**", ".ab/**", "**/*.d.ts"] },
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
    // The installed entry point is CommonJS (bin/kdw.cjs: no ES module loader at start-up).
    files: ["bin/**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["src/core/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: platformImports }] },
  },
  ...coreLayers.map((l) => layerRule(l)),
  ...Object.entries(faces).map(([folder, layer]) => layerRule(layer, folder)),
  {
    files: ["src/core/commands/**/*.ts"],
    plugins: { kdw: { rules: { "command-imports": commandImports } } },
    rules: { "kdw/command-imports": "error" },
  },
  {
    files: ["src/cli/**/*.ts", "src/server/**/*.ts", "src/main/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["**/core/*", "!**/core/session", "!**/core/io"], message: "The adapters reach the core through src/core/session (and io for files and errors)." }],
        },
      ],
    },
  },
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
