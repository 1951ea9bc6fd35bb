// Monaco, bundled (no CDN): the bare editor API plus find, clipboard and word highlighting, a tokenizer for
// crash's `dis` text, C for source, the editor worker through Vite, and the workbench's two themes. Loaded
// lazily by the code panel, so the first screen does not wait for it.
import * as monaco from "monaco-editor/editor/editor.api";
import "monaco-editor/features/find/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/wordHighlighter/register";
import "monaco-editor/features/codicon/register";
import "monaco-editor/languages/definitions/cpp/register";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";

export { monaco };

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker: (workerId: string, label: string) => Worker };
  }
}

let ready = false;

export function setupMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  window.MonacoEnvironment = { getWorker: () => new EditorWorker() };
  monaco.languages.register({ id: "kdw-dis" });
  monaco.languages.setMonarchTokensProvider("kdw-dis", {
    tokenizer: {
      root: [
        [/^\s*\/\S*\.[chS]: \d+\s*$/, "comment"],
        [/^\s*[\w./-]+\.[chS]: \d+\s*$/, "comment"],
        [/^0x[0-9a-f]+/, "number.address"],
        [/<[^>\s]+>/, "type.symbol"],
        [/:\s+/, { token: "delimiter", next: "@insn" }],
        [/#.*$/, "comment"],
      ],
      insn: [
        [/\s*$/, { token: "", next: "@pop" }],
        [/[a-z][a-z0-9.]*/, { token: "keyword", next: "@operands" }],
        [/./, { token: "", next: "@operands" }],
      ],
      operands: [
        [/$/, { token: "", next: "@root" }],
        [/%[a-z0-9]+/, "variable.register"],
        [/\$0x[0-9a-f]+|\$-?\d+/, "number.immediate"],
        [/0x[0-9a-f]+/, "number"],
        [/<[^>\s]+>/, "type.symbol"],
        [/\[[A-Z ]+\]/, "comment"],
        [/#.*$/, "comment"],
        [/[^%$0<#[\n]+/, ""],
        [/./, ""],
      ],
    },
  });
  monaco.editor.defineTheme("kdw-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [
      { token: "number.address", foreground: "9cc3e6" },
      { token: "type.symbol", foreground: "d7ba7d" },
      { token: "keyword", foreground: "c586c0" },
      { token: "variable.register", foreground: "9cdcfe" },
      { token: "number.immediate", foreground: "b5cea8" },
      { token: "comment", foreground: "6a9955" },
    ],
    colors: { "editor.background": "#1d2025", "editor.lineHighlightBackground": "#23272d", "editorLineNumber.foreground": "#5f6772", "editorGutter.background": "#1d2025" },
  });
  monaco.editor.defineTheme("kdw-light", {
    base: "vs",
    inherit: true,
    rules: [
      { token: "number.address", foreground: "1b4f8a" },
      { token: "type.symbol", foreground: "8a5a00" },
      { token: "keyword", foreground: "8e24aa" },
      { token: "variable.register", foreground: "0b5cbf" },
      { token: "number.immediate", foreground: "2f7d32" },
      { token: "comment", foreground: "5b8c3a" },
    ],
    colors: { "editor.background": "#ffffff" },
  });
  return monaco;
}
